//! `grantlint infer`: a least-privilege profile from what the integration really called
//! (DESIGN.md section 7). Used permissions are required, each with a comment (`# 412 calls,
//! last 2026-11-30`); permissions only ever refused (403) are optional, since the
//! integration tried them; `source` names the evidence and `notes` its window, what matched
//! nothing and what could not be observed. Deterministic: catalog order, no clock but
//! `today`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use jiff::civil::Date;

use super::usage::{Usage, counted};
use crate::catalog::{self, Api, Perm};
use crate::finding::UsageState;
use crate::input::clock::{rfc3339, utc_date};
use crate::input::evidence::EvidenceKind;
use crate::input::sanitize::clean_line;

/// What goes into the profile.
pub struct Inferred {
    pub text: String,
    pub required: usize,
    pub optional: usize,
}

/// One permission of the profile, with where its use came from.
#[derive(Default)]
struct Entry {
    used: usize,
    denied: usize,
    last: Option<jiff::Timestamp>,
    last_denied: Option<jiff::Timestamp>,
    /// Some of its use came from calls in the other vocabulary.
    translated: bool,
    /// Every path to it from the other vocabulary is an approximate mapping.
    approximate: bool,
}

/// The profile text. `name` is the profile's `name`; `today` its `reviewed` date.
pub fn infer(usage: &Usage, api: Api, name: Option<&str>, today: Date) -> Inferred {
    let (entries, unmapped) = entries(usage, api);
    let sources: Vec<&str> = usage.sources.iter().map(|s| s.name.as_str()).collect();
    let name = name
        .map(clean_line)
        .unwrap_or_else(|| format!("Observed use of {}", sources.join(", ")));
    let mut out = String::new();
    out.push_str("# Built by `grantlint infer` from what the integration called, not from what its vendor\n");
    out.push_str("# documents: review it, and compare it with the vendor's list before relying on it.\n");
    let _ = writeln!(out, "name: {}", quoted(&name));
    let _ = writeln!(out, "api: {}", api.as_str());
    out.push_str("credential: harvest\n");
    let _ = writeln!(
        out,
        "source: {}",
        quoted(&format!("observed in {}", sources.join(", ")))
    );
    let _ = writeln!(out, "reviewed: {today}");
    let required: Vec<(&Perm, &Entry)> = entries.iter().filter(|(_, e)| e.used > 0).collect();
    let optional: Vec<(&Perm, &Entry)> = entries.iter().filter(|(_, e)| e.used == 0 && e.denied > 0).collect();
    list(&mut out, "permissions", &required, api);
    for (perm, what) in &unmapped {
        let _ = writeln!(
            out,
            "  # UNMAPPED: {what} to {} ({}), which has no {} equivalent",
            perm.id(),
            perm.label(),
            api.as_str()
        );
    }
    if !optional.is_empty() {
        list(&mut out, "optional", &optional, api);
    }
    out.push_str("notes: >-\n");
    for line in wrap(&notes(usage, api), 92) {
        let _ = writeln!(out, "  {line}");
    }
    Inferred {
        text: out,
        required: required.len(),
        optional: optional.len(),
    }
}

/// The permissions of `api` the evidence holds, and the permissions used that have no
/// equivalent in `api` (with how they were used).
fn entries(usage: &Usage, api: Api) -> (BTreeMap<Perm, Entry>, Vec<(Perm, String)>) {
    let mut out: BTreeMap<Perm, Entry> = BTreeMap::new();
    let mut unmapped = Vec::new();
    for (perm, u) in &usage.permissions {
        let targets: Vec<(Perm, bool)> = match (perm, api) {
            (Perm::V1(v), Api::HarvestV3) => {
                let p = catalog::v1(*v);
                let approximate = p.mapping != catalog::Mapping::Equivalent;
                p.v3.iter().map(|&s| (Perm::V3(s), approximate)).collect()
            }
            (Perm::V3(s), Api::HarvestV1) => catalog::scope(*s)
                .v1_equivalents
                .iter()
                .map(|&v| (Perm::V1(v), catalog::v1(v).mapping != catalog::Mapping::Equivalent))
                .collect(),
            (p, _) => vec![(*p, false)],
        };
        if targets.is_empty() {
            if u.used > 0 || u.denied > 0 {
                unmapped.push((*perm, format!("{} used, {} refused", calls(u.used), calls(u.denied))));
            }
            continue;
        }
        let translated = perm.api() != api;
        for (t, approximate) in targets {
            let e = out.entry(t).or_insert_with(|| Entry {
                approximate: true,
                ..Entry::default()
            });
            e.used += u.used;
            e.denied += u.denied;
            e.last = e.last.max(u.last);
            e.last_denied = e.last_denied.max(u.last_denied);
            e.translated |= translated;
            e.approximate &= translated && approximate;
        }
    }
    (out, unmapped)
}

fn list(out: &mut String, key: &str, entries: &[(&Perm, &Entry)], api: Api) {
    if entries.is_empty() {
        let _ = writeln!(out, "{key}: []");
        return;
    }
    let _ = writeln!(out, "{key}:");
    for (perm, e) in entries {
        let entry = match api {
            Api::HarvestV3 => perm.id().to_string(),
            Api::HarvestV1 => quoted(perm.id()),
        };
        let mut comment = if e.used > 0 {
            format!("{}, last {}", calls(e.used), day(e.last))
        } else {
            format!(
                "refused {} (403), last {}: the integration tried it",
                times(e.denied),
                day(e.last_denied)
            )
        };
        if e.used > 0 && e.denied > 0 {
            let _ = write!(comment, "; refused {}", times(e.denied));
        }
        if api == Api::HarvestV1 {
            let _ = write!(comment, "; {}", perm.label());
        }
        if e.translated {
            comment.push_str(if e.approximate {
                "; ≈ translated from calls in the other API version (approximate)"
            } else {
                "; translated from calls in the other API version"
            });
        }
        let _ = writeln!(out, "  - {entry}  # {comment}");
    }
}

/// The notes: the window and sources, what matched nothing, what could not be seen.
fn notes(usage: &Usage, api: Api) -> String {
    let mut parts = Vec::new();
    for s in &usage.sources {
        let window = match s.covers {
            Some((a, b)) => format!("from {} to {}", rfc3339(a), rfc3339(b)),
            None => "at unknown times".to_string(),
        };
        parts.push(format!(
            "Observed {window} in {} ({}, {}, {} matched).",
            s.name,
            s.kind.as_str(),
            counted(s.harvest, "Greenhouse request"),
            s.matched
        ));
        if s.skipped.count > 0 {
            parts.push(format!(
                "{} of {} skipped.",
                counted(s.skipped.count, "unreadable part"),
                s.name
            ));
        }
        if s.auth_failures > 0 {
            parts.push(format!(
                "{} (401), not counted.",
                counted(s.auth_failures, "authentication failure")
            ));
        }
    }
    let unmatched: usize = usage.unmatched.values().sum();
    if unmatched > 0 {
        let shapes: Vec<String> = usage
            .unmatched
            .iter()
            .take(8)
            .map(|((m, p), n)| format!("{m} {p} x{n}"))
            .collect();
        parts.push(format!(
            "{} no {} operation and {} not listed: {}.",
            if unmatched == 1 {
                "1 Greenhouse request matched".to_string()
            } else {
                format!("{unmatched} Greenhouse requests matched")
            },
            api.as_str(),
            if unmatched == 1 { "is" } else { "are" },
            shapes.join(", ")
        ));
    }
    let denied: usize = usage.permissions.values().map(|u| u.denied).sum();
    if denied > 0 {
        parts.push(format!(
            "{} refused (403); a permission only ever refused is optional.",
            if denied == 1 {
                "1 call was".to_string()
            } else {
                format!("{denied} calls were")
            }
        ));
    }
    let audit_only = usage.sources.iter().all(|s| s.kind == EvidenceKind::AuditLog);
    if audit_only {
        let unobservable = catalog::scopes()
            .iter()
            .filter(|s| usage.state(Perm::V3(s.sid)).0 == UsageState::Unobservable)
            .count();
        parts.push(format!(
            "Unobservable: the Audit Log records reads of candidates and applications only, so reads of the other {unobservable} scopes cannot appear here; capture the integration's traffic (a HAR) to see them."
        ));
    }
    parts.join(" ")
}

fn calls(n: usize) -> String {
    if n == 1 { "1 call".into() } else { format!("{n} calls") }
}

fn times(n: usize) -> String {
    if n == 1 { "once".into() } else { format!("{n} times") }
}

fn day(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| utc_date(t).to_string()).unwrap_or_else(|| "unknown".into())
}

/// A YAML double-quoted scalar (JSON's string syntax is a subset of it).
fn quoted(s: &str) -> String {
    serde_json::to_string(&clean_line(s)).unwrap_or_else(|_| "\"\"".into())
}

/// Words wrapped at `width`.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::usage::Hosts;
    use crate::input::evidence::access_log;

    #[test]
    fn used_is_required_refused_is_optional_and_the_order_is_the_catalogs() {
        let log = "GET https://harvest.greenhouse.io/v3/jobs 200\n\
                   GET https://harvest.greenhouse.io/v3/candidates 200\n\
                   GET https://harvest.greenhouse.io/v3/jobs 304\n\
                   GET https://harvest.greenhouse.io/v3/offers 403\n\
                   GET https://harvest.greenhouse.io/v3/nope 200\n";
        let e = access_log::parse("a.log", log);
        let u = Usage::build(&[e], &Hosts::default());
        let today = Date::constant(2026, 12, 2);
        let p = infer(&u, Api::HarvestV3, None, today);
        assert_eq!((p.required, p.optional), (2, 1));
        let lines: Vec<&str> = p.text.lines().filter(|l| l.starts_with("  - ")).collect();
        assert_eq!(
            lines,
            [
                "  - harvest:candidates:list  # 1 call, last unknown",
                "  - harvest:jobs:list  # 2 calls, last unknown",
                "  - harvest:offers:list  # refused once (403), last unknown: the integration tried it",
            ]
        );
        assert!(p.text.contains("source: \"observed in a.log\""), "{}", p.text);
        assert!(p.text.contains("GET /v3/nope x1"), "{}", p.text);
        assert_eq!(infer(&u, Api::HarvestV3, None, today).text, p.text, "deterministic");
    }

    #[test]
    fn a_hostile_name_stays_one_yaml_scalar() {
        let e = access_log::parse("a.log", "GET /v3/jobs 200\n");
        let u = Usage::build(&[e], &Hosts::default());
        let p = infer(
            &u,
            Api::HarvestV3,
            Some("x\"\nreviewed: 1999-01-01\n\u{1b}[31m"),
            Date::constant(2026, 12, 2),
        );
        let loaded = crate::input::profile::Profile::load(
            "x",
            crate::input::profile::Origin::Builtin,
            crate::input::source::Source::new("x.yaml", p.text.as_str()),
        )
        .unwrap();
        assert_eq!(loaded.reviewed.as_deref(), Some("2026-12-02"));
        assert!(loaded.name.starts_with("x\" reviewed: 1999-01-01"), "{}", loaded.name);
        assert!(!p.text.contains('\u{1b}'));
    }
}
