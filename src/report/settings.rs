//! `grantlint config`: the effective settings, each with where it came from.

use std::io::Write;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::fill;
use crate::input::sanitize::clean_line;
use crate::input::settings::{Effective, ValueSource};

/// As JSON (`grantlint.settings.v1`).
pub fn json(e: &Effective, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, e)?;
    writeln!(out)
}

/// A JSON value as one line for people: strings bare, lists comma-separated.
fn plain(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => clean_line(s),
        serde_json::Value::Null => "(none)".into(),
        serde_json::Value::Array(items) if items.is_empty() => "(none)".into(),
        serde_json::Value::Array(items) => items.iter().map(plain).collect::<Vec<_>>().join(", "),
        other => clean_line(&other.to_string()),
    }
}

fn source(v: &ValueSource) -> String {
    match v {
        ValueSource::Config { value } => format!("{} (in the config)", clean_line(value)),
        ValueSource::Env { name, set } => {
            format!("env {} ({})", clean_line(name), if *set { "set" } else { "not set" })
        }
        ValueSource::File { path, exists } => format!(
            "file {} ({})",
            clean_line(path),
            if *exists { "exists" } else { "missing" }
        ),
    }
}

/// As text: the config file and the search, the settings table, then credentials and waivers.
pub fn table(e: &Effective, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let c = &e.config;
    let width = style.text_width;
    let config = match &c.path {
        Some(p) => format!("config: {} ({})", clean_line(p), c.how),
        None => "config: none found".to_string(),
    };
    writeln!(out, "{}", fill(&config, width, 2))?;
    let searched: Vec<String> = c.searched.iter().map(|d| clean_line(d)).collect();
    let searched = format!("searched: {} (stops at {})", searched.join(", "), c.search_stops_at);
    writeln!(out, "{}", fill(&searched, width, 2))?;
    let mut t = Grid::new(
        style,
        &[("Setting", Fit::Whole), ("Value", Fit::Prose), ("From", Fit::Under)],
    );
    for s in &e.settings {
        t.add_row(vec![
            Field::new(s.key),
            Field::new(plain(&s.value)),
            Field::new(clean_line(&s.from.describe())),
        ]);
    }
    writeln!(out, "{t}")?;
    if !e.credentials.is_empty() {
        let mut t = Grid::new(
            style,
            &[
                ("Credential", Fit::Whole),
                ("Profiles", Fit::Prose),
                ("Grants from", Fit::Prose),
                ("From", Fit::Under),
            ],
        );
        for cr in &e.credentials {
            let grants = match (&cr.grants, &cr.client_id, &cr.client_secret) {
                (Some(g), _, _) => format!("file {}", clean_line(g)),
                (None, Some(id), Some(secret)) => {
                    format!("live: client id {}; secret {}", source(id), source(secret))
                }
                _ => cr.mode.to_string(),
            };
            t.add_row(vec![
                Field::new(clean_line(&cr.name)),
                Field::new(clean_line(&cr.profiles.join(", "))),
                Field::new(grants),
                Field::new(clean_line(&cr.from.describe())),
            ]);
        }
        writeln!(out, "{} ({})\n{t}", style.bold("Credentials"), e.credentials.len())?;
    }
    if !e.waivers.is_empty() {
        let mut t = Grid::new(
            style,
            &[
                ("Credential", Fit::Whole),
                ("Kind", Fit::Whole),
                ("Permission", Fit::Whole),
                ("Expires", Fit::Under),
                ("From", Fit::Under),
            ],
        );
        for w in &e.waivers {
            t.add_row(vec![
                Field::new(clean_line(&w.credential)),
                Field::new(w.kind),
                Field::new(clean_line(&w.permission)),
                Field::new(w.expires.as_deref().unwrap_or("never")),
                Field::new(clean_line(&w.from.describe())),
            ]);
        }
        writeln!(out, "{} ({})\n{t}", style.bold("Waivers"), e.waivers.len())?;
    }
    Ok(())
}
