//! `--format checklist`: what to tick and untick on Greenhouse's "Manage scopes" (v3) or
//! "Manage Permissions" (v1) screen, grouped as that screen groups them.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Style, finding_message};
use crate::catalog::Api;
use crate::check::CheckResult;
use crate::finding::Kind;

/// One credential's checklist, with a blank line before it unless it is the first.
pub fn render_one(r: &CheckResult, first: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    {
        if !first {
            writeln!(out)?;
        }
        let screen = match r.space {
            Api::HarvestV3 => "Configure > Dev Center > API Credentials > this credential > Manage scopes",
            Api::HarvestV1 => "Configure > Dev Center > API Credential Management > this key > Manage Permissions",
        };
        writeln!(
            out,
            "{} {}",
            style.bold("Fix-it checklist for"),
            style.bold(&r.credential)
        )?;
        writeln!(out, "In Greenhouse: {screen}")?;
        let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for f in &r.findings {
            let Some(perm) = f.permission else { continue };
            let (mark, verb) = match f.kind {
                Kind::Missing => ("[ ]", style.green("tick  ")),
                Kind::Excess if f.waived => continue,
                Kind::Excess => ("[x]", style.red("untick")),
                _ => continue,
            };
            let approx = if f.approximate { " ≈" } else { "" };
            groups.entry(perm.group()).or_default().push(format!(
                "  {mark} {verb} {:<44} {} ({}, {} risk){approx}",
                perm.label(),
                style.dim(perm.id()),
                f.kind.id(),
                f.risk.map(|r| r.as_str()).unwrap_or("-"),
            ));
        }
        if groups.is_empty() {
            writeln!(
                out,
                "Nothing to change: the credential grants exactly what its profiles need."
            )?;
        }
        for (group, lines) in groups {
            writeln!(out, "{}", style.bold(group))?;
            for l in lines {
                writeln!(out, "{l}")?;
            }
        }
        for f in r.findings.iter().filter(|f| {
            matches!(
                f.kind,
                Kind::WrongCredentialType | Kind::GrantsUnknown | Kind::UnmappedRequirement | Kind::UnknownGrant
            )
        }) {
            writeln!(out, "! {}", finding_message(r, f))?;
        }
        writeln!(
            out,
            "Then click Save. ≈ marks a permission whose v1 -> v3 mapping is approximate."
        )?;
    }
    Ok(())
}
