//! What the evidence says an integration used (DESIGN.md section 7): each observed request
//! matched to the catalog, and for each permission one of three states: used (count, first
//! and last seen), unused (a source could have seen a call and saw none), or unobservable
//! (no source can see this permission: the audit log does not record most reads).
//! Unobservable is never reported as unused. Pure: the evidence arrives read.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;

use crate::input::clock::rfc3339;
use crate::input::sanitize::clean_line;

use crate::catalog::paths::{path_shape, permission_for};
use crate::catalog::{self, Api, AuditLog, Perm};
use crate::finding::{UsageNote, UsageState};
use crate::input::evidence::{Evidence, EvidenceKind, NO_RESPONSE, Skipped};

/// The Harvest host when no `--base-url` names another.
pub const HARVEST_HOST: &str = "harvest.greenhouse.io";

/// The Audit Log host when no `--audit-url` names another.
pub const AUDIT_HOST: &str = "auditlog.us.greenhouse.io";

/// Which hosts are Greenhouse's: requests to others are counted and ignored.
#[derive(Debug, Clone)]
pub struct Hosts {
    /// harvest.greenhouse.io, or the host of `--base-url`.
    pub harvest: Vec<String>,
    /// auditlog.us.greenhouse.io, or the host of `--audit-url`: `GET /events` there needs
    /// `auditlog:events:list`.
    pub audit: Vec<String>,
}

impl Default for Hosts {
    fn default() -> Hosts {
        Hosts {
            harvest: vec![HARVEST_HOST.to_string()],
            audit: vec![AUDIT_HOST.to_string()],
        }
    }
}

/// What a request is, by its host and path.
enum Target {
    Harvest,
    AuditLog,
    Other,
}

/// What one source held.
#[derive(Debug, Clone)]
pub struct SourceUsage {
    pub name: String,
    pub kind: EvidenceKind,
    /// The time range the source covers, when it says or its requests do.
    pub covers: Option<(Timestamp, Timestamp)>,
    pub requests: usize,
    /// Requests to a Harvest host (or with no host, to a Harvest path).
    pub harvest: usize,
    pub matched: usize,
    pub unmatched: usize,
    pub ignored: usize,
    pub auth_failures: usize,
    pub denied: usize,
    /// Requests that got no response.
    pub no_response: usize,
    pub skipped: Skipped,
    pub notes: Vec<String>,
    pub other_rows: Vec<(String, usize)>,
}

/// The use of one permission.
#[derive(Debug, Clone, Default)]
pub struct PermUsage {
    /// Calls that were answered (2xx, 3xx, 4xx other than 401 and 403, 5xx, or no status
    /// known): the integration uses the permission.
    pub used: usize,
    /// Calls refused with 403: evidence of a missing grant.
    pub denied: usize,
    /// Calls answered 401: an authentication failure, not use.
    pub auth_failures: usize,
    /// Calls that got no response at all: tried, not use.
    pub no_response: usize,
    /// The first and last call that was use (not refused, not an authentication failure).
    pub first: Option<Timestamp>,
    pub last: Option<Timestamp>,
    /// The last refused call.
    pub last_denied: Option<Timestamp>,
    /// Indices of the sources that saw it.
    pub sources: BTreeSet<usize>,
    /// In another space than the calls' own: the permissions the same calls also translate to
    /// (a v1 permission whose calls map to several scopes). Any of them explains the calls.
    pub alternatives: BTreeSet<Perm>,
    /// The use was translated from another vocabulary (the mapping may be approximate).
    pub translated: bool,
}

impl PermUsage {
    /// One call, answered with `status`.
    fn seen(&mut self, status: Option<u16>, at: Option<Timestamp>, source: usize) {
        self.sources.insert(source);
        match status {
            Some(401) => self.auth_failures += 1,
            Some(NO_RESPONSE) => self.no_response += 1,
            Some(403) => {
                self.denied += 1;
                self.last_denied = self.last_denied.max(at);
            }
            _ => {
                self.used += 1;
                if let Some(t) = at {
                    self.first = Some(self.first.map_or(t, |f| f.min(t)));
                    self.last = Some(self.last.map_or(t, |l| l.max(t)));
                }
            }
        }
    }

    fn merge(&mut self, other: &PermUsage) {
        self.used += other.used;
        self.denied += other.denied;
        self.auth_failures += other.auth_failures;
        self.no_response += other.no_response;
        self.sources.extend(&other.sources);
        self.last_denied = self.last_denied.max(other.last_denied);
        for t in [other.first, other.last].into_iter().flatten() {
            self.first = Some(self.first.map_or(t, |f| f.min(t)));
            self.last = Some(self.last.map_or(t, |l| l.max(t)));
        }
    }
}

/// Every source's evidence, matched.
#[derive(Debug, Clone, Default)]
pub struct Usage {
    pub sources: Vec<SourceUsage>,
    pub permissions: BTreeMap<Perm, PermUsage>,
    /// Harvest requests that match no operation: (method, path shape) -> count.
    pub unmatched: BTreeMap<(String, String), usize>,
    /// Requests to other hosts: host -> count.
    pub ignored: BTreeMap<String, usize>,
}

/// At most this many distinct unmatched shapes (or other hosts) are kept apart; the rest
/// are counted together, so hostile evidence cannot grow the tables without bound.
pub const MAX_DISTINCT: usize = 1_000;
const OTHER_SHAPES: &str = "(other paths, beyond the first 1000 shapes)";
const OTHER_HOSTS: &str = "(other hosts, beyond the first 1000)";

/// The counter of `key`, or of `rest()` once `map` holds [`MAX_DISTINCT`] keys.
fn bounded<K: Ord>(map: &mut BTreeMap<K, usize>, key: K, rest: impl FnOnce() -> K) -> &mut usize {
    let key = if map.len() >= MAX_DISTINCT && !map.contains_key(&key) {
        rest()
    } else {
        key
    };
    map.entry(key).or_default()
}

/// What a request with this host (or none) and path is.
fn target(host: Option<&str>, path: &str, hosts: &Hosts) -> Target {
    let is = |list: &[String], h: &str| list.iter().any(|ok| ok.eq_ignore_ascii_case(h));
    match host {
        Some(h) if is(&hosts.harvest, h) => Target::Harvest,
        Some(h) if is(&hosts.audit, h) => Target::AuditLog,
        Some(_) => Target::Other,
        // A log of paths only: its Harvest calls are the versioned API paths.
        None if ["/v1/", "/v2/", "/v3/"].iter().any(|p| path.starts_with(p)) => Target::Harvest,
        None => Target::Other,
    }
}

/// The permission a request needs, if the catalog knows it.
fn needs(target: &Target, methods: &[&str], path: &str) -> Option<Perm> {
    match target {
        Target::Harvest => methods.iter().find_map(|m| permission_for(m, path)),
        Target::AuditLog => (methods.first() == Some(&"GET") && path.trim_end_matches('/') == "/events")
            .then(|| catalog::scope_by_id("auditlog:events:list").map(Perm::V3))
            .flatten(),
        Target::Other => None,
    }
}

impl Usage {
    /// Match every source's requests; only requests to `hosts` count.
    pub fn build(evidence: &[Evidence], hosts: &Hosts) -> Usage {
        let mut usage = Usage::default();
        for (i, e) in evidence.iter().enumerate() {
            let mut s = SourceUsage {
                name: e.name.clone(),
                kind: e.kind,
                covers: e.covers(),
                requests: e.requests.len(),
                harvest: 0,
                matched: 0,
                unmatched: 0,
                ignored: 0,
                auth_failures: 0,
                denied: 0,
                no_response: 0,
                skipped: e.skipped.clone(),
                notes: e.notes.clone(),
                other_rows: e.other_rows.clone(),
            };
            for r in &e.requests {
                let to = target(r.host.as_deref(), &r.path, hosts);
                if matches!(to, Target::Other) {
                    s.ignored += 1;
                    let host = r
                        .host
                        .as_deref()
                        .map(clean_line)
                        .unwrap_or_else(|| "(no host: not a Harvest path)".into());
                    *bounded(&mut usage.ignored, host, || OTHER_HOSTS.into()) += 1;
                    continue;
                }
                s.harvest += 1;
                let perm = needs(&to, &r.methods, &r.path);
                match r.status {
                    Some(401) => s.auth_failures += 1,
                    Some(403) => s.denied += 1,
                    Some(NO_RESPONSE) => s.no_response += 1,
                    _ => {}
                }
                let Some(perm) = perm else {
                    s.unmatched += 1;
                    let method = r.methods.first().copied().unwrap_or("?").to_string();
                    let shape = (method, clean_line(&path_shape(&r.path)));
                    *bounded(&mut usage.unmatched, shape, || ("*".into(), OTHER_SHAPES.into())) += 1;
                    continue;
                };
                s.matched += 1;
                usage.permissions.entry(perm).or_default().seen(r.status, r.at, i);
            }
            usage.sources.push(s);
        }
        usage
    }

    /// Every source holds Greenhouse requests, or the run stops: an input with none is almost
    /// always the wrong file, a filter that matched nothing, or a capture of the wrong host.
    pub fn require_requests(&self) -> Result<(), String> {
        for s in &self.sources {
            if s.harvest > 0 {
                continue;
            }
            let mut why = vec![format!("{} requests read", s.requests)];
            if s.ignored > 0 {
                why.push(format!("{} to other hosts", s.ignored));
            }
            if s.skipped.count > 0 {
                let first = s
                    .skipped
                    .places
                    .first()
                    .map(|(at, reason)| format!(", first at {} {at}: {reason}", s.kind.place_word()))
                    .unwrap_or_default();
                why.push(format!("{} unreadable parts skipped{first}", s.skipped.count));
            }
            for (what, n) in &s.other_rows {
                why.push(format!("{n} rows of {what}"));
            }
            why.extend(s.notes.iter().cloned());
            return Err(format!(
                "{} ({}) holds no Greenhouse requests: {}. Check the file, the host (--base-url), --window and --performer",
                s.name,
                s.kind.as_str(),
                why.join("; ")
            ));
        }
        Ok(())
    }

    /// Whether the evidence holds any Harvest request at all.
    pub fn has_harvest_requests(&self) -> bool {
        self.sources.iter().any(|s| s.harvest > 0)
    }

    /// The same evidence in a comparison space: a v1 permission's use is the use of the v3
    /// scopes it maps to, and a scope's the use of its v1 equivalents.
    pub fn in_space(&self, space: Api) -> Usage {
        let mut out = Usage {
            sources: self.sources.clone(),
            permissions: BTreeMap::new(),
            unmatched: self.unmatched.clone(),
            ignored: self.ignored.clone(),
        };
        for (perm, u) in &self.permissions {
            let targets: Vec<Perm> = match (perm, space) {
                (Perm::V1(v), Api::HarvestV3) => catalog::v1(*v).v3.iter().map(|&s| Perm::V3(s)).collect(),
                (Perm::V3(s), Api::HarvestV1) => {
                    catalog::scope(*s).v1_equivalents.iter().map(|&v| Perm::V1(v)).collect()
                }
                (p, _) => vec![*p],
            };
            // A permission with no equivalent in the space stays itself, so its use is not lost.
            let translated = !targets.is_empty() && targets != [*perm];
            let targets = if targets.is_empty() { vec![*perm] } else { targets };
            for t in &targets {
                let e = out.permissions.entry(*t).or_default();
                e.merge(u);
                e.translated |= translated;
                e.alternatives.extend(targets.iter().filter(|o| *o != t));
            }
        }
        out
    }

    /// The use of one permission, when any source saw it.
    pub fn of(&self, perm: Perm) -> Option<&PermUsage> {
        self.permissions.get(&perm)
    }

    /// The state of a permission, and whether an unused verdict rests only on an audit log's
    /// unconfirmed recording of it.
    pub fn state(&self, perm: Perm) -> (UsageState, bool) {
        if self.of(perm).is_some_and(|u| u.used > 0) {
            return (UsageState::Used, false);
        }
        let coverage = perm.audit_log();
        let mut inferred = false;
        for s in &self.sources {
            match (s.kind, coverage) {
                (EvidenceKind::Har | EvidenceKind::AccessLog, _) | (EvidenceKind::AuditLog, AuditLog::Recorded) => {
                    return (UsageState::Unused, false);
                }
                (EvidenceKind::AuditLog, AuditLog::Inferred) => inferred = true,
                (EvidenceKind::AuditLog, AuditLog::NotRecorded) => {}
            }
        }
        if inferred {
            (UsageState::Unused, true)
        } else {
            (UsageState::Unobservable, false)
        }
    }

    /// The names of the sources a permission was seen in.
    pub fn source_names(&self, u: &PermUsage) -> Vec<String> {
        u.sources
            .iter()
            .filter_map(|&i| self.sources.get(i).map(|s| s.name.clone()))
            .collect()
    }

    /// What a finding about `perm` says of its use.
    pub fn note(&self, perm: Perm) -> UsageNote {
        let (state, inferred) = self.state(perm);
        let u = self.of(perm);
        UsageNote {
            state,
            inferred,
            count: u.map_or(0, |u| u.used),
            denied: u.map_or(0, |u| u.denied),
            first_seen: u.and_then(|u| u.first),
            last_seen: u.and_then(|u| u.last),
            last_denied: u.and_then(|u| u.last_denied),
            sources: u.map(|u| self.source_names(u)).unwrap_or_default(),
        }
    }

    /// What a result says about its evidence: the summary line, then each source's skipped
    /// parts, notes and authentication failures.
    pub fn caveats(&self) -> Vec<String> {
        let mut out = vec![self.summary()];
        for s in &self.sources {
            if s.skipped.count > 0 {
                let places: Vec<String> = s
                    .skipped
                    .places
                    .iter()
                    .map(|(at, why)| format!("{} {at}: {why}", s.kind.place_word()))
                    .collect();
                out.push(format!(
                    "{}: {} skipped ({})",
                    s.name,
                    counted(s.skipped.count, "unreadable part"),
                    places.join("; ")
                ));
            }
            if s.no_response > 0 {
                out.push(format!(
                    "{}: {} no response (a reset, a blocked request), not counted as use",
                    s.name,
                    match s.no_response {
                        1 => "1 request got".to_string(),
                        n => format!("{n} requests got"),
                    }
                ));
            }
            if s.auth_failures > 0 {
                out.push(format!(
                    "{}: {} authentication (401), not counted as use",
                    s.name,
                    match s.auth_failures {
                        1 => "1 request failed".to_string(),
                        n => format!("{n} requests failed"),
                    }
                ));
            }
            out.extend(s.notes.iter().map(|n| format!("{}: {n}", s.name)));
        }
        out
    }

    /// The evidence in one line, for a result's caveats.
    pub fn summary(&self) -> String {
        let sources: Vec<String> = self
            .sources
            .iter()
            .map(|s| {
                let window = match s.covers {
                    Some((a, b)) => format!(", {} to {}", rfc3339(a), rfc3339(b)),
                    None => String::new(),
                };
                format!(
                    "{} ({}, {}{window})",
                    s.name,
                    s.kind.as_str(),
                    counted(s.harvest, "Greenhouse request")
                )
            })
            .collect();
        let mut parts = vec![format!("usage evidence: {}", sources.join("; "))];
        let unmatched: usize = self.unmatched.values().sum();
        if unmatched > 0 {
            let shapes: Vec<String> = self
                .unmatched
                .iter()
                .take(5)
                .map(|((m, p), n)| format!("{m} {p} x{n}"))
                .collect();
            parts.push(format!(
                "{} no operation of the catalog ({})",
                match unmatched {
                    1 => "1 call matched".to_string(),
                    n => format!("{n} calls matched"),
                },
                shapes.join(", ")
            ));
        }
        let ignored: usize = self.ignored.values().sum();
        if ignored > 0 {
            parts.push(format!("{} to other hosts ignored", counted(ignored, "request")));
        }
        parts.join("; ")
    }
}

/// `1 request`, `3 requests`.
pub fn counted(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::evidence::{ReadOptions, audit_events, har};

    fn scope(id: &str) -> Perm {
        Perm::V3(catalog::scope_by_id(id).unwrap())
    }

    #[test]
    fn the_recorded_capture_matches_its_documented_session() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/captures/integration.har"
        ))
        .unwrap();
        let e = har::parse("integration.har", &text).unwrap();
        let u = Usage::build(&[e], &Hosts::default());
        let s = &u.sources[0];
        // 13 requests: the token request and the vendor's health check are other hosts.
        assert_eq!((s.requests, s.harvest, s.ignored), (13, 11, 2));
        assert_eq!((s.auth_failures, s.denied), (1, 1));
        let used = |id: &str| u.of(scope(id)).map(|p| (p.used, p.denied, p.auth_failures));
        assert_eq!(used("harvest:candidates:list"), Some((1, 0, 1)));
        assert_eq!(used("harvest:applications:list"), Some((1, 0, 0)));
        assert_eq!(used("harvest:jobs:list"), Some((1, 0, 0)));
        assert_eq!(used("harvest:candidates:update"), Some((1, 0, 0)));
        assert_eq!(used("harvest:notes:create"), Some((1, 0, 0)));
        assert_eq!(used("harvest:offers:list"), Some((0, 1, 0)));
        // v3 has no per-id read: three calls match nothing, like the unknown resource.
        let unmatched: Vec<(&str, &str, usize)> = u
            .unmatched
            .iter()
            .map(|((m, p), n)| (m.as_str(), p.as_str(), *n))
            .collect();
        assert_eq!(
            unmatched,
            [
                ("GET", "/v3/applications/{id}", 1),
                ("GET", "/v3/candidates/{id}", 2),
                ("GET", "/v3/no_such_thing", 1)
            ]
        );
        assert_eq!(u.state(scope("harvest:offers:list")).0, UsageState::Unused);
        assert_eq!(
            u.state(scope("harvest:users:list")).0,
            UsageState::Unused,
            "a HAR sees everything"
        );
    }

    #[test]
    fn an_audit_log_cannot_see_most_reads() {
        let text = r#"[{"request": {"id": "a", "type": "/v3/candidates"}, "performer": {"id": "c"}, "event": {"type": "harvest_access"}, "event_time": "2026-11-02T10:00:00Z"}]"#;
        let e = audit_events::parse("a.json", text, Some("c")).unwrap();
        let _ = ReadOptions::default();
        let u = Usage::build(&[e], &Hosts::default());
        assert_eq!(u.state(scope("harvest:candidates:list")), (UsageState::Used, false));
        assert_eq!(u.state(scope("harvest:applications:list")), (UsageState::Unused, false));
        assert_eq!(u.state(scope("harvest:jobs:list")), (UsageState::Unobservable, false));
        assert_eq!(
            u.state(scope("harvest:jobs:update")),
            (UsageState::Unused, true),
            "writes: inferred"
        );
    }
}
