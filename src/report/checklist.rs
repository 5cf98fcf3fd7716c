//! `--format checklist`: what to tick and untick on Greenhouse's "Manage scopes" (v3) or
//! "Manage Permissions" (v1) screen, grouped as that screen groups them. The grouping
//! ([`steps`]) is shared with the HTML report.

use std::collections::BTreeMap;
use std::io::Write;

use super::{Style, finding_message};
use crate::catalog::{Api, Perm};
use crate::check::CheckResult;
use crate::finding::{Finding, Kind, Message};

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

/// How to get the kind of credential a profile needs instead of a Harvest one.
fn replacement(kind: &str) -> &'static str {
    match kind {
        "candidate-ingestion" => {
            "create a Candidate Ingestion key for the partner (Configure > Dev Center > API Credential Management > Create New API Key, API type Candidate Ingestion, the partner selected) and hand that over instead"
        }
        "job-board" => {
            "create a Job Board API key (Configure > Dev Center > API Credential Management > Create New API Key, API type Job Board) and hand that over instead"
        }
        _ => "create the kind of credential the partner documents and hand that over instead",
    }
}

/// The result's wrong-credential-type findings, with the kind each profile needs.
fn wrong_kinds(r: &CheckResult) -> Vec<(&Finding, &str)> {
    r.findings
        .iter()
        .filter(|f| f.kind == Kind::WrongCredentialType)
        .map(|f| match &f.message {
            Message::WrongKind { needs, .. } => (f, *needs),
            _ => (f, "other"),
        })
        .collect()
}

/// Every profile needs another kind of credential: no tick or untick fixes that.
fn render_wrong_kind(wrong: &[(&Finding, &str)], style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{}",
        style.red("This is the wrong kind of credential: do not untick its scopes one by one.")
    )?;
    writeln!(
        out,
        "  [ ] revoke this Harvest credential (Configure > Dev Center > API Credentials > this credential > Revoke)"
    )?;
    for (f, kind) in wrong {
        let profiles: Vec<&str> = f.profiles.iter().map(|p| p.as_ref()).collect();
        writeln!(out, "  [ ] for {}: {}", profiles.join(", "), replacement(kind))?;
    }
    Ok(())
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
    let wrong = wrong_kinds(r);
    if !wrong.is_empty() && wrong.len() == r.profiles.len() {
        return render_wrong_kind(&wrong, style, out);
    }
    writeln!(out, "In Greenhouse: {}", screen(r.space))?;
    let groups = steps(r);
    if groups.is_empty() {
        writeln!(
            out,
            "Nothing to tick or untick: the credential grants exactly what its profiles need."
        )?;
    }
    let mut approximate = false;
    for (group, steps) in &groups {
        writeln!(out, "{}", style.bold(group))?;
        for s in steps {
            // An empty box for every step: each is still to do. The verb says which way.
            let verb = match s.action {
                Action::Tick => style.green("tick  "),
                Action::Untick => style.red("untick"),
            };
            let f = s.finding;
            approximate |= f.approximate;
            let approx = if f.approximate { " ≈" } else { "" };
            writeln!(
                out,
                "  [ ] {verb} {:<44} {} ({}, {} risk){approx}",
                s.perm.label(),
                style.dim(s.perm.id()),
                f.kind.id(),
                f.risk.map(|r| r.as_str()).unwrap_or("-"),
            )?;
        }
    }
    for (f, kind) in &wrong {
        let profiles: Vec<&str> = f.profiles.iter().map(|p| p.as_ref()).collect();
        writeln!(
            out,
            "! {}: this credential cannot serve {}; {}",
            finding_message(r, f),
            profiles.join(", "),
            replacement(kind)
        )?;
    }
    for f in blockers(r).filter(|f| f.kind != Kind::WrongCredentialType) {
        writeln!(out, "! {}", finding_message(r, f))?;
    }
    if !groups.is_empty() {
        writeln!(out, "Then click Save.")?;
    }
    if approximate {
        writeln!(out, "≈ marks a permission whose v1 -> v3 mapping is approximate.")?;
    }
    Ok(())
}
