//! `grantlint diff`: what a change adds and removes, as a table, Markdown or JSON.

use std::io::Write;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::{fill, fill_tagged, whole};
use crate::check::diff::{self, Change, DiffResult};

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
    writeln!(out, "## grantlint diff: {} → {}\n", d.old, d.new)?;
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
