//! `grantlint usage`: per permission, what the evidence says (used, unused, unobservable),
//! with counts, first and last seen, and sources; then what matched nothing and what was
//! ignored. A table, or `grantlint.usage.v1` JSON.

use std::io::{self, Write};

use schemars::JsonSchema;
use serde::Serialize;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::{fill, fill_tagged};
use crate::catalog::{self, Api, AuditLog, Perm, Risk};
use crate::check::usage::Usage;
use crate::finding::UsageState;
use crate::input::clock::{rfc3339, utc_date};
use crate::input::evidence::EvidenceKind;

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

pub const USAGE_SCHEMA: &str = "grantlint.usage.v1";

/// The `grantlint usage --format json` document; `grantlint schema --kind usage` describes
/// this type.
#[derive(Serialize, JsonSchema)]
#[schemars(
    title = "grantlint usage report (grantlint.usage.v1)",
    description = "What `grantlint usage --format json` writes: per evidence source what it held, per permission what the evidence says (used, unused, unobservable), and the requests that matched nothing or were ignored. Fields are only ever added within v1, so consumers should accept unknown properties."
)]
pub struct UsageDocument<'a> {
    /// Always `grantlint.usage.v1`.
    #[schemars(schema_with = "usage_schema_name")]
    schema: &'static str,
    sources: Vec<SourceJson<'a>>,
    permissions: Vec<PermJson>,
    /// Harvest requests that match no catalog operation, by method and path.
    unmatched: Vec<Counted>,
    /// Requests to hosts other than Greenhouse's, by host.
    ignored: Vec<Counted>,
}

fn usage_schema_name(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": USAGE_SCHEMA })
}

fn one_of_strings(values: &[&str], description: &str) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": values, "description": description })
}

fn place_unit(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    one_of_strings(
        &["line", "entry"],
        "What `at` counts: lines of an access log, entries of a HAR or Audit Log.",
    )
}

fn optional_date_time(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "null"], "format": "date-time" })
}

/// One evidence source (`--requests FILE`).
#[derive(Serialize, JsonSchema)]
struct SourceJson<'a> {
    /// The file, or `-` for stdin.
    name: &'a str,
    kind: EvidenceKind,
    /// The time range the source covers (RFC 3339); null when it holds no dated request.
    #[schemars(schema_with = "optional_date_time")]
    from: Option<String>,
    #[schemars(schema_with = "optional_date_time")]
    to: Option<String>,
    /// Requests read.
    requests: usize,
    /// Of those, to Greenhouse's Harvest API.
    harvest: usize,
    /// Of those, matched to a permission.
    matched: usize,
    unmatched: usize,
    ignored: usize,
    /// Requests refused for authentication (401).
    auth_failures: usize,
    /// Requests refused for permission (403).
    denied: usize,
    skipped: Skipped<'a>,
    notes: &'a [String],
    /// Audit Log rows that are not API calls, by what they are.
    other_rows: Vec<Counted>,
}

/// Entries that could not be read.
#[derive(Serialize, JsonSchema)]
struct Skipped<'a> {
    count: usize,
    /// The first few, with why.
    places: Vec<Place<'a>>,
}

#[derive(Serialize, JsonSchema)]
struct Place<'a> {
    /// The line or entry number (from 1).
    at: usize,
    #[schemars(schema_with = "place_unit")]
    unit: &'static str,
    reason: &'a str,
}

/// What the evidence says of one permission.
#[derive(Serialize, JsonSchema)]
struct PermJson {
    /// The scope (v3) or `"METHOD /path"` (v1).
    permission: &'static str,
    api: Api,
    risk: Risk,
    /// What the audit log records of it: recorded, inferred or not_recorded.
    audit_log: AuditLog,
    state: UsageState,
    /// An unused verdict that rests only on the audit log's inferred recording of it.
    inferred: bool,
    /// Calls answered.
    count: usize,
    /// Calls refused (403).
    denied: usize,
    /// Calls refused for authentication (401).
    auth_failures: usize,
    #[schemars(schema_with = "optional_date_time")]
    first_seen: Option<String>,
    #[schemars(schema_with = "optional_date_time")]
    last_seen: Option<String>,
    #[schemars(schema_with = "optional_date_time")]
    last_denied: Option<String>,
    /// The sources that saw it.
    sources: Vec<String>,
}

/// A count of requests or rows, with what they have in common.
#[derive(Serialize, JsonSchema)]
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
            kind: s.kind,
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
                api: p.api(),
                risk: p.risk(),
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
    let doc = UsageDocument {
        schema: USAGE_SCHEMA,
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
        let rows = usage.unmatched.iter().map(|((m, p), n)| (format!("{m} {p}"), *n));
        most_first(out, rows)?;
    }
    if !usage.ignored.is_empty() {
        writeln!(out, "\n{}", style.bold("Requests to other hosts (ignored)"))?;
        most_first(out, usage.ignored.iter().map(|(h, n)| (h.clone(), *n)))?;
    }
    Ok(())
}

/// At most this many rows of a counted list in the table; JSON has them all.
const TABLE_ROWS: usize = 50;

/// Counted rows, the most frequent first, at most [`TABLE_ROWS`] of them.
fn most_first(out: &mut dyn Write, rows: impl Iterator<Item = (String, usize)>) -> io::Result<()> {
    let mut rows: Vec<(String, usize)> = rows.collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    for (what, n) in rows.iter().take(TABLE_ROWS) {
        writeln!(out, "  {n:>6}  {what}")?;
    }
    if rows.len() > TABLE_ROWS {
        let rest: usize = rows.iter().skip(TABLE_ROWS).map(|r| r.1).sum();
        writeln!(
            out,
            "  {rest:>6}  in {} more rows (--format json lists them)",
            rows.len() - TABLE_ROWS
        )?;
    }
    Ok(())
}
