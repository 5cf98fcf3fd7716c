//! `grantlint profiles`: the list of profiles, and one profile in full.

use std::io::Write;

use serde::Serialize;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::screen_label_parts;
use super::words::{fill, fill_tagged};
use crate::catalog::Risk;
use crate::input::Entry;
use crate::input::profile::{Origin, Profile};

fn origin(p: &Profile, replaces: bool) -> String {
    match &p.origin {
        Origin::Builtin => "built-in".into(),
        Origin::File(path) if replaces => format!("{} (replaces built-in)", path.display()),
        Origin::File(path) => path.display().to_string(),
    }
}

#[derive(Serialize)]
struct JsonProfile<'a> {
    id: &'a str,
    name: &'a str,
    vendor: Option<&'a str>,
    api: &'static str,
    credential: &'static str,
    also_needs: Vec<&'static str>,
    source: Option<&'a str>,
    reviewed: Option<&'a str>,
    origin: String,
    requires_all: bool,
    /// The vendor's list is known to be incomplete (`partial: true` or PARTIAL in the name).
    partial: bool,
    permissions: Vec<JsonPerm>,
    optional: Vec<JsonPerm>,
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonPerm {
    permission: &'static str,
    label: &'static str,
    group: &'static str,
    risk: Risk,
}

fn json_of(p: &Profile, replaces: bool) -> JsonProfile<'_> {
    let perms = |entries: &[Entry]| {
        entries
            .iter()
            .map(|e| JsonPerm {
                permission: e.perm.id(),
                label: e.perm.label(),
                group: e.perm.group(),
                risk: e.perm.risk(),
            })
            .collect()
    };
    JsonProfile {
        id: &p.id,
        name: &p.name,
        vendor: p.vendor.as_deref(),
        api: p.api.as_str(),
        credential: p.credential.as_str(),
        also_needs: p.also_needs.iter().map(|c| c.as_str()).collect(),
        source: p.source.as_deref(),
        reviewed: p.reviewed.as_deref(),
        origin: origin(p, replaces),
        requires_all: p.requires_all,
        partial: p.partial,
        permissions: if p.requires_all {
            Vec::new()
        } else {
            perms(&p.permissions)
        },
        optional: perms(&p.optional),
        notes: p.notes.as_deref(),
    }
}

/// Every profile as JSON; each with whether it replaces a built-in.
pub fn list_json(loaded: &[(Profile, bool)], out: &mut dyn Write) -> std::io::Result<()> {
    let all: Vec<JsonProfile> = loaded.iter().map(|(p, r)| json_of(p, *r)).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
}

/// Every profile as a table.
pub fn list_table(loaded: &[(Profile, bool)], style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let mut t = Grid::new(
        style,
        &[
            ("Id", Fit::Whole),
            ("Name", Fit::Prose),
            ("API", Fit::Whole),
            ("Credential", Fit::Under),
            ("Permissions", Fit::Whole),
            ("Reviewed", Fit::Under),
            ("Origin", Fit::Under),
        ],
    );
    for (p, replaces) in loaded {
        let count = if p.requires_all {
            "all".to_string()
        } else {
            p.permissions.len().to_string()
        };
        t.add_row(vec![
            Field::new(&p.id),
            Field::new(&p.name),
            Field::new(p.api.as_str()),
            Field::new(p.credential.as_str()),
            Field::new(count),
            Field::new(p.reviewed.as_deref().unwrap_or("-")),
            Field::new(origin(p, *replaces)),
        ]);
    }
    writeln!(out, "{t}")
}

/// One profile as JSON.
pub fn show_json(p: &Profile, replaces: bool, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &json_of(p, replaces))?;
    writeln!(out)
}

/// One profile in full: provenance, then its permissions by section, then its notes.
pub fn show_text(p: &Profile, replaces: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let mut s = String::new();
    let w = style.text_width;
    let title = fill_tagged(&p.id, &style.bold(&p.id), &format!(" — {}", p.name), w, 2);
    s.push_str(&format!("{title}\n"));
    let field = |s: &mut String, k: &str, v: &str| {
        let head = format!("  {:<11} ", format!("{k}:"));
        if !v.contains(' ') && head.len() + super::words::width(v) > w {
            // A URL too long to stand beside its name: on its own line, never cut.
            s.push_str(&format!("{}\n{v}\n", head.trim_end()));
        } else {
            s.push_str(&format!("{head}{}\n", super::words::wrap_hanging(v, w, head.len())));
        }
    };
    if let Some(v) = &p.vendor {
        field(&mut s, "vendor", v);
    }
    field(&mut s, "api", p.api.as_str());
    field(&mut s, "credential", p.credential.as_str());
    if !p.also_needs.is_empty() {
        field(
            &mut s,
            "also needs",
            &p.also_needs.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        );
    }
    field(&mut s, "source", p.source.as_deref().unwrap_or("(none given)"));
    field(&mut s, "reviewed", p.reviewed.as_deref().unwrap_or("(never)"));
    field(&mut s, "origin", &origin(p, replaces));
    write!(out, "{s}")?;
    if p.requires_all {
        writeln!(
            out,
            "  permissions: ALL {} permissions of {} (\"Select All\")",
            p.permissions.len(),
            p.api.as_str()
        )?;
    } else {
        for (title, entries) in [("Required", &p.permissions), ("Optional", &p.optional)] {
            if entries.is_empty() {
                continue;
            }
            let mut t = Grid::new(
                style,
                &[
                    ("Permission", Fit::Whole),
                    ("Greenhouse screen", Fit::Under),
                    ("Risk", Fit::Whole),
                ],
            );
            for e in entries.iter() {
                t.add_row(vec![
                    Field::new(e.perm.id()),
                    Field::new(screen_label_parts(e.perm)),
                    Field::new(e.perm.risk().as_str()),
                ]);
            }
            writeln!(out, "{} ({})\n{t}", style.bold(title), entries.len())?;
        }
    }
    if let Some(n) = &p.notes {
        let notes = fill(&format!("  {}", n.trim()), style.text_width, 2);
        writeln!(out, "{}\n{notes}", style.bold("Notes"))?;
    }
    Ok(())
}
