//! `--format checklist`: what to tick and untick on Greenhouse's "Manage scopes" (v3) or
//! "Manage Permissions" (v1) screen, grouped as that screen groups them. The grouping
//! ([`steps`]) is shared with the HTML report.

use std::collections::BTreeMap;
use std::io::Write;

use super::words::{fill, whole, width, wrap};
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
    let w = style.text_width;
    let text = "This is the wrong kind of credential: do not untick its scopes one by one.";
    writeln!(out, "{}", style.red(&fill(text, w, 0)))?;
    let revoke =
        "  [ ] revoke this Harvest credential (Configure > Dev Center > API Credentials > this credential > Revoke)";
    writeln!(out, "{}", fill(revoke, w, 6))?;
    for (f, kind) in wrong {
        let profiles: Vec<&str> = f.profiles.iter().map(|p| p.as_ref()).collect();
        let text = format!("  [ ] for {}: {}", profiles.join(", "), replacement(kind));
        writeln!(out, "{}", fill(&text, w, 6))?;
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
    let w = style.text_width;
    writeln!(out, "{}", fill(&format!("In Greenhouse: {}", screen(r.space)), w, 2))?;
    let groups = steps(r);
    if groups.is_empty() {
        let text = "Nothing to tick or untick: the credential grants exactly what its profiles need.";
        writeln!(out, "{}", fill(text, w, 2))?;
    }
    let mut approximate = false;
    let label_width = groups
        .iter()
        .flat_map(|(_, steps)| steps.iter().map(|s| width(s.perm.label())))
        .max()
        .unwrap_or(0);
    // One layout for every step: all on one line each, or all with the scope below the label.
    let stacked = groups
        .iter()
        .flat_map(|(_, steps)| steps.iter())
        .any(|s| width(&one_line(s, label_width)) > w);
    for (group, steps) in &groups {
        writeln!(out, "{}", style.bold(group))?;
        for s in steps {
            approximate |= s.finding.approximate;
            render_step(s, label_width, stacked, style, out)?;
        }
    }
    for (f, kind) in &wrong {
        let profiles: Vec<&str> = f.profiles.iter().map(|p| p.as_ref()).collect();
        let text = format!(
            "! {}: this credential cannot serve {}; {}",
            finding_message(r, f),
            profiles.join(", "),
            replacement(kind)
        );
        writeln!(out, "{}", fill(&text, w, 2))?;
    }
    for f in blockers(r).filter(|f| f.kind != Kind::WrongCredentialType) {
        writeln!(out, "{}", fill(&format!("! {}", finding_message(r, f)), w, 2))?;
    }
    if !groups.is_empty() {
        writeln!(out, "Then click Save.")?;
    }
    if approximate {
        writeln!(
            out,
            "{}",
            fill("≈ marks a permission whose v1 -> v3 mapping is approximate.", w, 2)
        )?;
    }
    Ok(())
}

/// Why a step is there: `(excess, high risk)`, with ≈ for an approximate mapping.
fn step_why(f: &Finding) -> String {
    let approx = if f.approximate { " ≈" } else { "" };
    format!(
        "({}, {} risk){approx}",
        f.kind.id(),
        f.risk.map(|r| r.as_str()).unwrap_or("-")
    )
}

fn verb(a: Action) -> &'static str {
    match a {
        Action::Tick => "tick  ",
        Action::Untick => "untick",
    }
}

/// A step on one line, uncoloured: `  [ ] untick Label   scope (excess, high risk)`.
fn one_line(s: &Step<'_>, label_width: usize) -> String {
    let label = s.perm.label();
    let pad = " ".repeat(label_width.saturating_sub(width(label)));
    format!(
        "  [ ] {} {label}{pad} {} {}",
        verb(s.action),
        s.perm.id(),
        step_why(s.finding)
    )
}

/// One step: on one line, or `stacked`: the scope and its reason on the lines below the
/// label, wrapped but never cut.
fn render_step(
    s: &Step<'_>,
    label_width: usize,
    stacked: bool,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // An empty box for every step: each is still to do. The verb says which way.
    let painted = match s.action {
        Action::Tick => style.green(verb(s.action)),
        Action::Untick => style.red(verb(s.action)),
    };
    let why = step_why(s.finding);
    let (label, id) = (s.perm.label(), s.perm.id());
    if !stacked {
        let pad = " ".repeat(label_width.saturating_sub(width(label)));
        return writeln!(out, "  [ ] {painted} {label}{pad} {} {why}", style.dim(id));
    }
    writeln!(out, "  [ ] {painted} {label}")?;
    let indent = " ".repeat(13);
    for (i, line) in wrap(&format!("{} {why}", whole(id)), style.text_width.saturating_sub(13))
        .iter()
        .enumerate()
    {
        let line = match line.strip_prefix(id) {
            Some(rest) if i == 0 => format!("{}{rest}", style.dim(id)),
            _ => line.clone(),
        };
        writeln!(out, "{indent}{line}")?;
    }
    Ok(())
}
