//! `grantlint usage`: per permission, what the evidence says (used, unused, unobservable),
//! with counts, first and last seen, and sources; then what matched nothing and what was
//! ignored. A table, or `grantlint.usage.v1` JSON.

use std::io::Write;

use serde::Serialize;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::{fill, fill_tagged};
use crate::catalog::{self, AuditLog, Perm};
use crate::check::usage::Usage;
use crate::finding::UsageState;
use crate::input::clock::{rfc3339, utc_date};

/// The permissions a report lists: those the evidence holds, or with `all` every v3 scope
/// besides.
pub fn listed(usage: &Usage, all: bool) -> Vec<Perm> {
    let mut perms: Vec<Perm> = usage.permissions.keys().copied().collect();
    if all {
        perms.extend(catalog::scopes().iter().map(|s| Perm::V3(s.sid)));
        perms.sort();
        perms.dedup();
    }
    perms
}

#[derive(Serialize)]
struct Json<'a> {
    schema: &'static str,
    sources: Vec<SourceJson<'a>>,
    permissions: Vec<PermJson>,
    unmatched: Vec<Counted>,
    ignored: Vec<Counted>,
}

#[derive(Serialize)]
struct SourceJson<'a> {
    name: &'a str,
    kind: &'static str,
    from: Option<String>,
    to: Option<String>,
    requests: usize,
    harvest: usize,
    matched: usize,
    unmatched: usize,
    ignored: usize,
    auth_failures: usize,
    denied: usize,
    skipped: Skipped<'a>,
    notes: &'a [String],
    other_rows: Vec<Counted>,
}

#[derive(Serialize)]
struct Skipped<'a> {
    count: usize,
    /// The first few, with why.
    places: Vec<Place<'a>>,
}

#[derive(Serialize)]
struct Place<'a> {
    at: usize,
    unit: &'static str,
    reason: &'a str,
}

#[derive(Serialize)]
struct PermJson {
    permission: &'static str,
    api: &'static str,
    risk: &'static str,
    /// What the audit log records of it: recorded, inferred or not_recorded.
    audit_log: AuditLog,
    state: UsageState,
    /// An unused verdict that rests only on the audit log's inferred recording of it.
    inferred: bool,
    count: usize,
    denied: usize,
    auth_failures: usize,
    first_seen: Option<String>,
    last_seen: Option<String>,
    last_denied: Option<String>,
    sources: Vec<String>,
}

#[derive(Serialize)]
struct Counted {
    #[serde(skip_serializing_if = "Option::is_none")]
    method: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    what: Option<String>,
    count: usize,
}

impl Counted {
    fn new(count: usize) -> Counted {
        Counted {
            method: None,
            path: None,
            host: None,
            what: None,
            count,
        }
    }
}

pub fn json(usage: &Usage, all: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let sources = usage
        .sources
        .iter()
        .map(|s| SourceJson {
            name: &s.name,
            kind: s.kind.as_str(),
            from: s.covers.map(|c| rfc3339(c.0)),
            to: s.covers.map(|c| rfc3339(c.1)),
            requests: s.requests,
            harvest: s.harvest,
            matched: s.matched,
            unmatched: s.unmatched,
            ignored: s.ignored,
            auth_failures: s.auth_failures,
            denied: s.denied,
            skipped: Skipped {
                count: s.skipped.count,
                places: s
                    .skipped
                    .places
                    .iter()
                    .map(|(at, reason)| Place {
                        at: *at,
                        unit: s.kind.place_word(),
                        reason,
                    })
                    .collect(),
            },
            notes: &s.notes,
            other_rows: s
                .other_rows
                .iter()
                .map(|(what, n)| Counted {
                    what: Some(what.clone()),
                    ..Counted::new(*n)
                })
                .collect(),
        })
        .collect();
    let permissions = listed(usage, all)
        .into_iter()
        .map(|p| {
            let note = usage.note(p);
            let u = usage.of(p);
            PermJson {
                permission: p.id(),
                api: p.api().as_str(),
                risk: p.risk().as_str(),
                audit_log: p.audit_log(),
                state: note.state,
                inferred: note.inferred,
                count: note.count,
                denied: note.denied,
                auth_failures: u.map_or(0, |u| u.auth_failures),
                first_seen: note.first_seen.map(rfc3339),
                last_seen: note.last_seen.map(rfc3339),
                last_denied: note.last_denied.map(rfc3339),
                sources: note.sources,
            }
        })
        .collect();
    let doc = Json {
        schema: "grantlint.usage.v1",
        sources,
        permissions,
        unmatched: usage
            .unmatched
            .iter()
            .map(|((m, p), n)| Counted {
                method: Some(m.clone()),
                path: Some(p.clone()),
                ..Counted::new(*n)
            })
            .collect(),
        ignored: usage
            .ignored
            .iter()
            .map(|(h, n)| Counted {
                host: Some(h.clone()),
                ..Counted::new(*n)
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

fn day(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| utc_date(t).to_string()).unwrap_or_else(|| "-".into())
}

pub fn table(usage: &Usage, all: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let w = style.text_width;
    for s in &usage.sources {
        let window = match s.covers {
            Some((a, b)) => format!(", {} to {}", rfc3339(a), rfc3339(b)),
            None => ", no times".into(),
        };
        let rest = format!(
            " ({}): {}, {} to Greenhouse{window}",
            s.kind.as_str(),
            crate::check::usage::counted(s.requests, "request"),
            s.harvest
        );
        writeln!(out, "{}", fill_tagged(&s.name, &style.bold(&s.name), &rest, w, 2))?;
        for line in usage
            .caveats()
            .iter()
            .skip(1)
            .filter(|c| c.starts_with(&format!("{}: ", s.name)))
        {
            let text = format!("  {}", line.get(s.name.len() + 2..).unwrap_or(line));
            writeln!(out, "{}", fill(&text, w, 4))?;
        }
    }
    let perms = listed(usage, all);
    let mut t = Grid::new(
        style,
        &[
            ("Permission", Fit::Whole),
            ("State", Fit::Prose),
            ("Calls", Fit::Whole),
            ("Denied", Fit::Whole),
            ("Last seen", Fit::Whole),
            ("Risk", Fit::Whole),
        ],
    );
    for p in &perms {
        let note = usage.note(*p);
        let state = match (note.state, note.inferred, note.denied > 0) {
            (UsageState::Unused, _, true) => "refused".to_string(),
            (UsageState::Unused, true, _) => "unused (inferred)".to_string(),
            (s, _, _) => s.as_str().to_string(),
        };
        t.add_row(vec![
            Field::new(p.id()),
            Field::new(state),
            Field::new(note.count),
            Field::new(note.denied),
            Field::new(day(note.last_seen.or(note.last_denied))),
            Field::new(p.risk().as_str()),
        ]);
    }
    writeln!(out, "\n{t}")?;
    let unobservable = catalog::scopes()
        .iter()
        .filter(|s| usage.state(Perm::V3(s.sid)).0 == UsageState::Unobservable)
        .count();
    if unobservable > 0 {
        let text = format!(
            "{unobservable} of {} scopes are unobservable by these sources (the audit log records reads of candidates and applications only): never call them unused",
            catalog::scopes().len()
        );
        writeln!(out, "{}", fill(&text, w, 2))?;
    }
    if !all {
        let text = format!(
            "{} permissions seen; --all lists every scope with its state",
            usage.permissions.len()
        );
        writeln!(out, "{}", fill(&text, w, 2))?;
    }
    if !usage.unmatched.is_empty() {
        writeln!(out, "\n{}", style.bold("Greenhouse requests that match no operation"))?;
        for ((m, p), n) in &usage.unmatched {
            writeln!(out, "  {n:>6}  {m} {p}")?;
        }
    }
    if !usage.ignored.is_empty() {
        writeln!(out, "\n{}", style.bold("Requests to other hosts (ignored)"))?;
        for (h, n) in &usage.ignored {
            writeln!(out, "  {n:>6}  {h}")?;
        }
    }
    Ok(())
}
