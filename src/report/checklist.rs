//! `--format checklist`: what to tick and untick on Greenhouse's "Manage scopes" (v3) or
//! "Manage Permissions" (v1) screen, grouped as that screen groups them. The grouping
//! ([`steps`]) is shared with the HTML report.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Style, finding_message};
use crate::catalog::{Api, Perm};
use crate::check::CheckResult;
use crate::finding::{Finding, Kind};

/// Where in Greenhouse the checklist is followed.
pub fn screen(space: Api) -> &'static str {
    match space {
        Api::HarvestV3 => "Configure > Dev Center > API Credentials > this credential > Manage scopes",
        Api::HarvestV1 => "Configure > Dev Center > API Credential Management > this key > Manage Permissions",
    }
}

/// What to do with one permission on that screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Grant it: a profile needs it.
    Tick,
    /// Remove it: nothing needs it (and no waiver keeps it).
    Untick,
}

/// One line of the checklist.
#[derive(Debug, Clone, Copy)]
pub struct Step<'a> {
    pub action: Action,
    pub perm: Perm,
    pub finding: &'a Finding,
}

/// The checklist of one result: its group headings in name order, each with its steps in
/// the result's order (missing first, then excess by descending risk). A waived excess grant
/// is kept, so it is no step.
pub fn steps(r: &CheckResult) -> Vec<(&'static str, Vec<Step<'_>>)> {
    let mut groups: BTreeMap<&'static str, Vec<Step<'_>>> = BTreeMap::new();
    for f in &r.findings {
        let Some(perm) = f.permission else { continue };
        let action = match f.kind {
            Kind::Missing => Action::Tick,
            Kind::Excess if f.waived => continue,
            Kind::Excess => Action::Untick,
            _ => continue,
        };
        groups.entry(perm.group()).or_default().push(Step {
            action,
            perm,
            finding: f,
        });
    }
    groups.into_iter().collect()
}

/// The findings that no tick or untick on the screen resolves.
pub fn blockers(r: &CheckResult) -> impl Iterator<Item = &Finding> {
    r.findings.iter().filter(|f| {
        matches!(
            f.kind,
            Kind::WrongCredentialType | Kind::GrantsUnknown | Kind::UnmappedRequirement | Kind::UnknownGrant
        )
    })
}

/// One credential's checklist, with a blank line before it unless it is the first.
pub fn render_one(r: &CheckResult, first: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    if !first {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} {}",
        style.bold("Fix-it checklist for"),
        style.bold(&r.credential)
    )?;
    writeln!(out, "In Greenhouse: {}", screen(r.space))?;
    let groups = steps(r);
    if groups.is_empty() {
        writeln!(
            out,
            "Nothing to change: the credential grants exactly what its profiles need."
        )?;
    }
    for (group, steps) in groups {
        writeln!(out, "{}", style.bold(group))?;
        for s in steps {
            let (mark, verb) = match s.action {
                Action::Tick => ("[ ]", style.green("tick  ")),
                Action::Untick => ("[x]", style.red("untick")),
            };
            let f = s.finding;
            let approx = if f.approximate { " ≈" } else { "" };
            writeln!(
                out,
                "  {mark} {verb} {:<44} {} ({}, {} risk){approx}",
                s.perm.label(),
                style.dim(s.perm.id()),
                f.kind.id(),
                f.risk.map(|r| r.as_str()).unwrap_or("-"),
            )?;
        }
    }
    for f in blockers(r) {
        writeln!(out, "! {}", finding_message(r, f))?;
    }
    writeln!(
        out,
        "Then click Save. ≈ marks a permission whose v1 -> v3 mapping is approximate."
    )
}
