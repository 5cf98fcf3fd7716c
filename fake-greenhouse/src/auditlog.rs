//! The Audit Log API, `GET /events` (reference/auditlog.md §1.1): bearer tokens from `/token`
//! whose credential holds `auditlog:events:list` (else 403),
//! newest-first events, filters, point-in-time pagination with `Pit-Id` and `Search-After`
//! headers, and its two rate limits.
//!
//! Protocol as served here:
//! - `paging=true` opens a point in time: `paging.pit_id` names it, each page's
//!   `paging.next_search_after` is `"<epoch_ms>,<id>"` of its last event. The next request repeats
//!   the query and sends `Pit-Id` and `Search-After` headers; the page after the last event has
//!   empty `results` and `next_search_after: null`. Without `paging=true`: one page, `pit_id: null`.
//! - Page size: a `Size` header or `size` parameter of 100–500 (else 422), or `page_size`; never
//!   more than `page_size_cap`. `paging.size` is the size used, as a string.
//! - Filters: `after_time`, `before_time` (exclusive; ISO-8601 with or without milliseconds, `Z`
//!   or an offset), `date` (`YYYY-MM-DD`, UTC), `magic_time` (`last{N}{seconds|minutes|hours|days|weeks}`),
//!   and comma-separated `performer_ids`, `performer_types`, `performer_ip_addresses`,
//!   `event_types`, `event_target_ids`, `event_target_types`, `request_ids`, `request_types`.
//!   A malformed filter is a 422 naming the field. `hits` counts every event the filters keep.
//! - An expired or unknown `Pit-Id`: 422 `{"message": "The Pit_Id has expired. Remove it from the
//!   subsequent search."}`. (Greenhouse's status for it is undocumented; clients key on the text.)
//! - Limits: `force_429s`, then `overall_limit` per `overall_window_secs` (every authenticated
//!   request), then `paginated_limit` per `paginated_window_secs` (requests with `paging=true`);
//!   their 429s carry no `X-RateLimit-*` header. Every other answer carries `X-RateLimit-Limit`
//!   and `X-RateLimit-Remaining` of the overall limit. The limits are the organisation's: shared
//!   by every credential.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::auth::bearer_client;
use crate::clock::{Window, now_ms, parse_date, parse_iso8601};
use crate::config::AuditBehavior;
use crate::http::{Answer, Request};
use crate::server::{Routed, State, lock};

/// The scope a token needs to read `/events` (harvest-v3.md: `auditlog:events:list`).
pub const AUDIT_SCOPE: &str = "auditlog:events:list";

/// The documented text of an expired point in time.
pub const PIT_EXPIRED: &str = "The Pit_Id has expired. Remove it from the subsequent search.";

struct Event {
    /// `event_time` in milliseconds (0 when it is missing or not ISO-8601).
    ms: i64,
    /// Position in `Config.audit_events`: the second half of a search-after key.
    id: usize,
    value: Value,
}

impl Event {
    fn key(&self) -> String {
        format!("{},{}", self.ms, self.id)
    }

    /// Whether this event comes after `key` in newest-first order.
    fn is_after(&self, (ms, id): (i64, usize)) -> bool {
        self.ms < ms || (self.ms == ms && self.id > id)
    }
}

struct Limits {
    forced_429s: u32,
    overall: Window,
    paginated: Window,
}

pub(crate) struct AuditState {
    /// Newest first; ties in the order of the config.
    events: Vec<Event>,
    /// Point in time id -> pages served under it.
    pits: Mutex<HashMap<String, u32>>,
    next_pit: AtomicU64,
    limits: Mutex<Limits>,
}

impl AuditState {
    pub fn new(events: &[Value], b: &AuditBehavior) -> AuditState {
        let mut events: Vec<Event> = events
            .iter()
            .enumerate()
            .map(|(id, value)| Event {
                ms: value
                    .get("event_time")
                    .and_then(Value::as_str)
                    .and_then(parse_iso8601)
                    .unwrap_or(0),
                id,
                value: value.clone(),
            })
            .collect();
        events.sort_by_key(|e| (std::cmp::Reverse(e.ms), e.id));
        AuditState {
            events,
            pits: Mutex::new(HashMap::new()),
            next_pit: AtomicU64::new(0),
            limits: Mutex::new(Limits {
                forced_429s: b.force_429s,
                overall: Window::new(b.overall_window_secs),
                paginated: Window::new(b.paginated_window_secs),
            }),
        }
    }

    fn open_pit(&self) -> String {
        let n = self.next_pit.fetch_add(1, Ordering::SeqCst);
        let id = base64::engine::general_purpose::STANDARD.encode(format!("fake_pit_{n}"));
        lock(&self.pits).insert(id.clone(), 1);
        id
    }

    /// Count one more page under `pit`, or the expired answer.
    fn continue_pit(&self, pit: &str, expire_after: Option<u32>) -> Result<(), Answer> {
        let mut pits = lock(&self.pits);
        match pits.get_mut(pit) {
            Some(pages) if expire_after.is_none_or(|limit| *pages < limit) => {
                *pages += 1;
                Ok(())
            }
            _ => Err(Answer::message(422, PIT_EXPIRED)),
        }
    }
}

/// A 422 naming the parameter that failed validation.
fn invalid(field: &str, message: &str) -> Answer {
    Answer::json(
        422,
        json!({"message": "Validation failed", "errors": [{"field": field, "message": message}]}),
    )
}

/// Comma-separated value filters: parameter, and where the value sits in an event.
const VALUE_FILTERS: &[(&str, &str)] = &[
    ("performer_ids", "/performer/id"),
    ("performer_types", "/performer/type"),
    ("performer_ip_addresses", "/performer/ip_address"),
    ("event_types", "/event/type"),
    ("event_target_ids", "/event/target_id"),
    ("event_target_types", "/event/target_type"),
    ("request_ids", "/request/id"),
    ("request_types", "/request/type"),
];

/// What the query keeps: `from <= event_time < until`, and each value filter.
struct Filter {
    from: i64,
    until: i64,
    values: Vec<(&'static str, Vec<String>)>,
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Filter {
    fn parse(req: &Request) -> Result<Filter, Answer> {
        let mut f = Filter {
            from: i64::MIN,
            until: i64::MAX,
            values: Vec::new(),
        };
        let time = |name: &str| -> Result<Option<i64>, Answer> {
            req.query_param(name)
                .map(|v| parse_iso8601(&v).ok_or_else(|| invalid(name, "must be an ISO-8601 date-time")))
                .transpose()
        };
        if let Some(t) = time("after_time")? {
            f.from = f.from.max(t.saturating_add(1));
        }
        if let Some(t) = time("before_time")? {
            f.until = f.until.min(t);
        }
        if let Some(d) = req.query_param("date") {
            let day = parse_date(&d).ok_or_else(|| invalid("date", "must be YYYY-MM-DD"))?;
            f.from = f.from.max(day);
            f.until = f.until.min(day + 86_400_000);
        }
        if let Some(m) = req.query_param("magic_time") {
            let span = magic_time(&m)
                .ok_or_else(|| invalid("magic_time", "must be last{N}{seconds|minutes|hours|days|weeks}"))?;
            f.from = f.from.max(now_ms().saturating_sub(span));
        }
        for (param, pointer) in VALUE_FILTERS {
            if let Some(list) = req.query_param(param) {
                let wanted: Vec<String> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                if !wanted.is_empty() {
                    f.values.push((pointer, wanted));
                }
            }
        }
        Ok(f)
    }

    fn keeps(&self, e: &Event) -> bool {
        (self.from..self.until).contains(&e.ms)
            && self.values.iter().all(|(pointer, wanted)| {
                e.value
                    .pointer(pointer)
                    .and_then(text)
                    .is_some_and(|v| wanted.contains(&v))
            })
    }
}

/// `last7days` -> milliseconds in 7 days.
fn magic_time(s: &str) -> Option<i64> {
    let rest = s.strip_prefix("last")?;
    let split = rest.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = rest.split_at(split);
    let n: i64 = n.parse().ok()?;
    let unit_ms = match unit.strip_suffix('s').unwrap_or(unit) {
        "second" => 1_000,
        "minute" => 60_000,
        "hour" => 3_600_000,
        "day" => 86_400_000,
        "week" => 604_800_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

/// `"<epoch_ms>,<id>"` as this server writes it.
fn parse_key(s: &str) -> Option<(i64, usize)> {
    let (ms, id) = s.trim().split_once(',')?;
    Some((ms.trim().parse().ok()?, id.trim().parse().ok()?))
}

/// The page size asked for, if any: a `Size` header, else a `size` parameter.
fn asked_size(req: &Request) -> Result<Option<usize>, Answer> {
    let Some(raw) = req
        .header("size")
        .map(str::to_string)
        .or_else(|| req.query_param("size"))
    else {
        return Ok(None);
    };
    match raw.trim().parse::<usize>() {
        Ok(n) if (100..=500).contains(&n) => Ok(Some(n)),
        _ => Err(invalid("size", "must be between 100 and 500")),
    }
}

pub(crate) fn events(state: &State, req: &Request) -> Routed {
    let i = match bearer_client(state, req) {
        Ok(i) => i,
        Err(refused) => return refused.outside_budget(),
    };
    let allowed = state
        .credential(i)
        .is_some_and(|c| c.scopes.iter().any(|s| s == AUDIT_SCOPE));
    if !allowed {
        return Routed::to(
            i,
            Answer::message(403, "Forbidden: the token lacks auditlog:events:list"),
        )
        .outside_budget();
    }
    let b = &state.config.audit;
    let paginated = req.query_param("paging").as_deref() == Some("true");
    let answer = match admit(&state.audit, b, paginated) {
        Some(remaining) => match page(state, req, paginated) {
            Ok(body) => Answer::json(200, body),
            Err(error) => error,
        }
        .with_header("X-RateLimit-Limit", b.overall_limit.to_string())
        .with_header("X-RateLimit-Remaining", remaining.to_string()),
        None => {
            let answer = Answer::message(429, "Too Many Requests");
            match b.retry_after {
                Some(secs) => answer.with_header("Retry-After", secs.to_string()),
                None => answer,
            }
        }
    };
    Routed::to(i, answer).outside_budget()
}

/// Count a request against the limits: what is left of the overall budget, or `None` for a 429.
fn admit(audit: &AuditState, b: &AuditBehavior, paginated: bool) -> Option<u64> {
    let mut limits = lock(&audit.limits);
    if limits.forced_429s > 0 {
        limits.forced_429s -= 1;
        return None;
    }
    let now = now_ms();
    let (overall, _) = limits.overall.hit(now);
    if overall > u64::from(b.overall_limit) {
        return None;
    }
    if paginated && limits.paginated.hit(now).0 > u64::from(b.paginated_limit) {
        return None;
    }
    Some(u64::from(b.overall_limit) - overall)
}

fn page(state: &State, req: &Request, paginated: bool) -> Result<Value, Answer> {
    let b = &state.config.audit;
    let audit = &state.audit;
    let size = asked_size(req)?.unwrap_or(b.page_size);
    let size = b.page_size_cap.map_or(size, |cap| size.min(cap));
    let filter = Filter::parse(req)?;
    let pit_header = req.header("pit-id").map(str::trim);
    let (pit_id, search_after, key) = if paginated {
        let search_after = req.header("search-after").map(str::to_string);
        let key = match &search_after {
            Some(s) => Some(parse_key(s).ok_or_else(|| invalid("Search-After", "must be <epoch_ms>,<id>"))?),
            None => None,
        };
        let pit = match pit_header {
            Some(p) => {
                audit.continue_pit(p, b.pit_expire_after_pages)?;
                p.to_string()
            }
            None => audit.open_pit(),
        };
        (Some(pit), search_after, key)
    } else {
        if pit_header.is_some() {
            return Err(invalid("Pit-Id", "needs paging=true"));
        }
        (None, None, None)
    };
    let kept: Vec<&Event> = audit.events.iter().filter(|e| filter.keeps(e)).collect();
    let hits = kept.len();
    let results: Vec<&Event> = kept
        .into_iter()
        .filter(|e| key.is_none_or(|k| e.is_after(k)))
        .take(size)
        .collect();
    let next = match (&b.next_search_after, results.last()) {
        _ if !paginated => Value::Null,
        (Some(forced), Some(_)) => forced.clone(),
        (_, last) => json!(last.map(|e| e.key())),
    };
    Ok(json!({
        "paging": {
            "pit_id": pit_id,
            "search_after": search_after,
            "size": size.to_string(),
            "next_search_after": next,
        },
        "hits": hits,
        "results": results.iter().map(|e| &e.value).collect::<Vec<_>>(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_times() {
        assert_eq!(magic_time("last7days"), Some(7 * 86_400_000));
        assert_eq!(magic_time("last15minutes"), Some(15 * 60_000));
        assert_eq!(magic_time("last1hour"), Some(3_600_000));
        for bad in [
            "last",
            "lastdays",
            "7days",
            "last7fortnights",
            "last99999999999999999999days",
        ] {
            assert_eq!(magic_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn keys() {
        assert_eq!(parse_key("1793491200000,7"), Some((1_793_491_200_000, 7)));
        assert_eq!(parse_key("1793491200000"), None);
        assert_eq!(parse_key("a,b"), None);
    }

    #[test]
    fn newest_first_with_ties_in_config_order() {
        let events = [
            json!({"event_time": "2026-11-02T10:00:00Z", "n": 0}),
            json!({"event_time": "2026-11-03T10:00:00.000Z", "n": 1}),
            json!({"event_time": "2026-11-02T10:00:00.000Z", "n": 2}),
            json!({"n": 3}),
        ];
        let a = AuditState::new(&events, &AuditBehavior::default());
        let order: Vec<usize> = a.events.iter().map(|e| e.id).collect();
        assert_eq!(order, [1, 0, 2, 3]);
        let key = a.events.get(1).map(|e| e.key());
        assert_eq!(key.as_deref(), Some("1793613600000,0"));
    }
}
