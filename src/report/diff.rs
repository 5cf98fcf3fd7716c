//! `grantlint diff`: what a change adds and removes, as a table, Markdown or JSON.

use std::io::Write;

use super::Style;
use super::ci::Problem;
use super::grid::{Field, Fit, Grid};
use super::words::{fill, fill_tagged, whole};
use crate::check::diff::{self, Change, Delta, DiffResult};
use crate::finding::Level;

/// The diff as JSON (`grantlint.diff.v1`).
pub fn json(d: &DiffResult, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, d)?;
    writeln!(out)
}

fn summary(d: &DiffResult) -> String {
    let part = |change| {
        let c = diff::counts(d, change);
        let total: usize = c.values().sum();
        let by: Vec<String> = c.iter().rev().map(|(r, n)| format!("{n} {r}")).collect();
        if by.is_empty() {
            "0".to_string()
        } else {
            format!("{total} ({})", by.join(", "))
        }
    };
    format!("{} added, {} removed", part(Change::Added), part(Change::Removed))
}

pub fn table(d: &DiffResult, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let w = style.text_width;
    let rest = format!(" {} → {} (compared in {} space)", d.old, d.new, d.space);
    writeln!(out, "{}", fill_tagged("diff", &style.bold("diff"), &rest, w, 2))?;
    if !d.changes.is_empty() {
        let mut t = Grid::new(
            style,
            &[
                ("Change", Fit::Whole),
                ("Set", Fit::Whole),
                ("Risk", Fit::Whole),
                ("Permission", Fit::Whole),
                ("Greenhouse screen", Fit::Under),
            ],
        );
        for c in &d.changes {
            let sign = match c.change {
                Change::Added => "+ added",
                Change::Removed => "- removed",
            };
            let approx = if c.approximate { " ≈" } else { "" };
            t.add_row(vec![
                Field::new(sign),
                Field::new(c.set),
                Field::new(c.risk.as_str()),
                Field::new(format!("{}{approx}", c.permission)),
                Field::new(format!("{} › {}", whole(c.group), whole(c.label))),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for u in &d.unmapped {
        let text = format!("note: {u} has no equivalent in {} space", d.space);
        writeln!(out, "{}", style.yellow(&fill(&text, w, 2)))?;
    }
    let verdict = if d.fails {
        style.red("FAIL")
    } else {
        style.green("PASS")
    };
    let tag = if d.fails { "FAIL" } else { "PASS" };
    writeln!(
        out,
        "{}",
        fill_tagged(tag, &verdict, &format!(": {}", summary(d)), w, 2)
    )
}

pub fn markdown(d: &DiffResult, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "## grantlint diff: {} → {}\n",
        super::markdown::text(&d.old),
        super::markdown::text(&d.new)
    )?;
    writeln!(
        out,
        "**{}** · {} · {} space\n",
        if d.fails { "FAIL" } else { "PASS" },
        summary(d),
        d.space
    )?;
    if d.changes.is_empty() {
        return writeln!(out, "No change.");
    }
    writeln!(
        out,
        "| Change | Set | Risk | Permission | Greenhouse screen |\n|---|---|---|---|---|"
    )?;
    for c in &d.changes {
        let sign = if c.change == Change::Added {
            "➕ added"
        } else {
            "➖ removed"
        };
        writeln!(
            out,
            "| {sign} | {} | {} | `{}` | {} › {} |",
            c.set, c.risk, c.permission, c.group, c.label
        )?;
    }
    Ok(())
}

/// The verdict line of the Markdown report.
pub fn verdict(d: &DiffResult) -> String {
    format!(
        "{}: {} ({} → {}, {} space)",
        if d.fails { "FAIL" } else { "PASS" },
        summary(d),
        d.old,
        d.new,
        d.space
    )
}

/// The diff as CI problems: an addition that fails the gate is an error, another addition a
/// warning, a removal a note; each at the permission's line where `locate` finds it (the new
/// side's file for an addition, the old side's for a removal).
/// Where a change is: a file and its line and column, the file being grantlint's own (a
/// built-in profile's path) when `builtin`.
pub struct Place {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub builtin: bool,
}

pub fn problems(d: &DiffResult, locate: impl Fn(&Delta) -> Option<Place>) -> Vec<Problem> {
    d.changes
        .iter()
        .map(|c| {
            let (rule, rule_help, level, what, side) = match c.change {
                Change::Added => (
                    "diff-added",
                    "The change adds a permission (required, granted or optional), ranked by risk; it fails at or above --fail-on-excess.",
                    Level::Warning,
                    "adds",
                    &d.new,
                ),
                Change::Removed => (
                    "diff-removed",
                    "The change removes a permission: an integration that needed it breaks.",
                    Level::Note,
                    "removes",
                    &d.old,
                ),
            };
            let at = locate(c);
            let message = format!(
                "{side} {what} {} {} ({} › {}, {} risk)",
                c.set,
                c.permission,
                c.group,
                c.label,
                c.risk.as_str(),
            );
            let (file, builtin, line, column) = match at {
                Some(p) if p.builtin => (None, Some(p.file), p.line, p.column),
                Some(p) => (Some(p.file), None, p.line, p.column),
                None => (None, None, 1, 1),
            };
            Problem {
                rule,
                rule_help,
                level,
                fails: c.fails,
                message,
                file,
                builtin,
                line,
                column,
            }
        })
        .collect()
}
