use std::io::Write;

use comfy_table::Cell;
use serde::Serialize;

use super::write_err;
use crate::cli::{ListFormat, ProfilesArgs, ProfilesCommand};
use crate::diag::Error;
use crate::library::{self, Library};
use crate::profile::{Origin, Profile};
use crate::report::Style;
use crate::report::table::new_table;

pub fn run(args: ProfilesArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let library = Library::new(args.dirs.dirs);
    match args.command.unwrap_or(ProfilesCommand::List {
        format: ListFormat::Table,
    }) {
        ProfilesCommand::List { format } => list(&library, format, style, out),
        ProfilesCommand::Show { id, format } => show(&library, &id, format, style, out),
    }
}

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
    permissions: Vec<JsonPerm>,
    optional: Vec<JsonPerm>,
    notes: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonPerm {
    permission: &'static str,
    label: &'static str,
    group: &'static str,
    risk: crate::catalog::Risk,
}

fn json_of(p: &Profile, replaces: bool) -> JsonProfile<'_> {
    let perms = |entries: &[crate::profile::Entry]| {
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
        permissions: if p.requires_all {
            Vec::new()
        } else {
            perms(&p.permissions)
        },
        optional: perms(&p.optional),
        notes: p.notes.as_deref(),
    }
}

fn list(library: &Library, format: ListFormat, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let mut loaded = Vec::new();
    for found in library.list()? {
        let p = library::load_found(&found)?;
        loaded.push((p, found.replaces_builtin));
    }
    match format {
        ListFormat::Json => {
            let all: Vec<JsonProfile> = loaded.iter().map(|(p, r)| json_of(p, *r)).collect();
            serde_json::to_writer_pretty(&mut *out, &all).map_err(|e| write_err(e.into()))?;
            writeln!(out).map_err(write_err)?;
        }
        ListFormat::Table => {
            let mut t = new_table(
                style,
                &["Id", "Name", "API", "Credential", "Permissions", "Reviewed", "Origin"],
            );
            for (p, replaces) in &loaded {
                let count = if p.requires_all {
                    "all".to_string()
                } else {
                    p.permissions.len().to_string()
                };
                t.add_row(vec![
                    Cell::new(&p.id),
                    Cell::new(&p.name),
                    Cell::new(p.api.as_str()),
                    Cell::new(p.credential.as_str()),
                    Cell::new(count),
                    Cell::new(p.reviewed.as_deref().unwrap_or("-")),
                    Cell::new(origin(p, *replaces)),
                ]);
            }
            writeln!(out, "{t}").map_err(write_err)?;
        }
    }
    Ok(0)
}

fn show(library: &Library, id: &str, format: ListFormat, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let (p, found) = library.load(id)?;
    if format == ListFormat::Json {
        serde_json::to_writer_pretty(&mut *out, &json_of(&p, found.replaces_builtin))
            .map_err(|e| write_err(e.into()))?;
        writeln!(out).map_err(write_err)?;
        return Ok(0);
    }
    let mut s = String::new();
    s.push_str(&format!("{} — {}\n", style.bold(&p.id), p.name));
    let field = |s: &mut String, k: &str, v: &str| s.push_str(&format!("  {:<11} {v}\n", format!("{k}:")));
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
    field(&mut s, "origin", &origin(&p, found.replaces_builtin));
    write!(out, "{s}").map_err(write_err)?;
    if p.requires_all {
        writeln!(
            out,
            "  permissions: ALL {} permissions of {} (\"Select All\")",
            p.permissions.len(),
            p.api.as_str()
        )
        .map_err(write_err)?;
    } else {
        for (title, entries) in [("Required", &p.permissions), ("Optional", &p.optional)] {
            if entries.is_empty() {
                continue;
            }
            let mut t = new_table(style, &["Permission", "Greenhouse screen", "Risk"]);
            for e in entries.iter() {
                t.add_row(vec![
                    Cell::new(e.perm.id()),
                    Cell::new(crate::report::table::screen_label(e.perm)),
                    Cell::new(e.perm.risk().as_str()),
                ]);
            }
            writeln!(out, "{} ({})\n{t}", style.bold(title), entries.len()).map_err(write_err)?;
        }
    }
    if let Some(n) = &p.notes {
        writeln!(out, "{}\n  {}", style.bold("Notes"), n.trim()).map_err(write_err)?;
    }
    Ok(0)
}
