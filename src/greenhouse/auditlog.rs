//! The Audit Log API read live (catalog/reference/auditlog.md section 1.1): `GET
//! {audit-url}/events` with a bearer token, `paging=true`, then `Pit-Id` and `Search-After`
//! headers until `next_search_after` is null. Paginated requests are paced to Greenhouse's
//! documented limit (3 per 30 s, and so well within 50 per 10 s); a 429, which carries no
//! rate headers, is retried after a wait of one pace step; an expired point in time (a 422
//! naming `Pit_Id`) is resumed without it, from the last `Search-After`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use reqwest::StatusCode;
use reqwest::Url;
use serde_json::Value;

use super::auth::greenhouse_said;
use super::client::Client;
use super::endpoint::Endpoints;
use super::rate::RateBudget;
use crate::error::LiveError;
use crate::input::clock::rfc3339;
use crate::input::evidence::audit_events::{self, NOT_AN_EVENT, Performers, Row};
use crate::input::evidence::{Evidence, EvidenceKind, Pace};
use crate::secret::Secret;

/// Greenhouse's documented default host.
pub const DEFAULT_AUDIT_URL: &str = "https://auditlog.us.greenhouse.io";

/// The largest page size Greenhouse documents.
const PAGE_SIZE: u32 = 500;

/// The Harvest rows: writes and reads (reference/auditlog.md section 1.1, event types).
const EVENT_TYPES: &str = "harvest_access,data_change_create,data_change_update,data_change_destroy";

/// At most this many pages (a million rows, hours at the documented pace): a server that
/// never ends its pages must not keep grantlint running forever.
const MAX_PAGES: usize = 2_000;

/// At most this many expired points in time in one read.
const MAX_RESUMES: usize = 5;

/// What to read.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    pub url: Url,
    /// `after_time`: the start of `--window`.
    pub after: Option<Timestamp>,
    pub pace: Pace,
    /// How long the log keeps events, for the window a read without `after` covers.
    pub retention_days: i64,
}

/// Paginated requests within `pace`: a sliding window of the last requests' completion
/// times. A completion is never earlier than the moment the server counted the request
/// (retries included), so the window is never shorter than the server's.
struct Pacer {
    pace: Pace,
    done: VecDeque<Instant>,
}

impl Pacer {
    /// Wait until one more request fits in the window.
    async fn ready(&mut self) {
        let window = Duration::from_secs(u64::from(self.pace.seconds));
        while self.done.len() >= self.pace.requests as usize {
            let Some(&oldest) = self.done.front() else { break };
            let elapsed = oldest.elapsed();
            if elapsed >= window {
                self.done.pop_front();
            } else {
                tokio::time::sleep(window - elapsed).await;
            }
        }
    }

    /// A request has been answered.
    fn finished(&mut self) {
        self.done.push_back(Instant::now());
    }
}

/// The cursor of a paginated read.
#[derive(Default)]
struct Cursor {
    pit_id: Option<String>,
    search_after: Option<String>,
}

/// One page, read.
struct Page {
    results: Vec<Value>,
    pit_id: Option<String>,
    next: Next,
}

/// What a page says about the next one.
#[derive(Debug, PartialEq)]
enum Next {
    /// No `next_search_after`: the last page.
    End,
    Cursor(String),
    /// A `next_search_after` grantlint cannot send back: a broken or hostile server. Ending
    /// the read there would be a silent partial read.
    Unusable,
}

/// The audit log's Harvest rows, read once, to be attributed to one performer or many.
#[derive(Debug, Clone)]
pub struct AuditRows {
    /// The read's name, window, notes and skipped rows; no requests yet.
    pub base: Evidence,
    pub performers: Performers,
}

impl AuditRows {
    /// The evidence of one performer (see [`Performers::attribute`]).
    pub fn for_performer(&self, performer: Option<&str>) -> Result<Evidence, crate::error::Error> {
        let mut e = self.base.clone();
        self.performers.attribute(&mut e, performer)?;
        Ok(e)
    }
}

/// Read the audit log's Harvest rows, and keep `performer`'s. `who` names the credential in
/// errors.
pub async fn read(
    client: &Client,
    token: &Secret,
    query: &AuditQuery,
    performer: Option<&str>,
    who: &str,
) -> Result<Evidence, LiveError> {
    let rows = read_rows(client, token, query, who).await?;
    rows.for_performer(performer).map_err(|e| {
        LiveError::new(
            format!("{who}: {e}"),
            "name the integration's caller with --performer ID (or `audit_performer` in the config)",
        )
    })
}

/// Read the audit log's Harvest rows of every performer.
pub async fn read_rows(client: &Client, token: &Secret, query: &AuditQuery, who: &str) -> Result<AuditRows, LiveError> {
    let name = format!("audit log at {} (live)", query.url.host_str().unwrap_or("?"));
    let mut evidence = Evidence::new(&name, EvidenceKind::AuditLog);
    // A 429 carries no rate headers: wait out a whole pace window (the limit is per window),
    // then longer.
    let mut client = client.clone();
    let window = Duration::from_secs(u64::from(query.pace.seconds));
    client.policy.backoff = window;
    client.policy.max_backoff = window.saturating_mul(4);
    client.policy.max_body = 16 * 1024 * 1024;
    let budget = RateBudget::default();
    let mut pacer = Pacer {
        pace: query.pace,
        done: VecDeque::new(),
    };
    let mut cursor = Cursor::default();
    let mut seen = std::collections::HashSet::new();
    let mut rows: Vec<Row> = Vec::new();
    let mut place = 0;
    let mut resumes = 0;
    let started = client.clock.now();
    for page_number in 1..=MAX_PAGES {
        pacer.ready().await;
        let fetched = fetch(&client, token, query, &cursor, &budget, who).await;
        pacer.finished();
        let page = match fetched? {
            Ok(page) => page,
            Err(PitExpired) => {
                resumes += 1;
                if resumes > MAX_RESUMES || cursor.pit_id.is_none() {
                    return Err(LiveError::new(
                        format!("{who}: the audit log's point in time expired {resumes} times in one read"),
                        "run again with a shorter --window, or when the log is less busy",
                    ));
                }
                cursor.pit_id = None;
                evidence.notes.push(format!(
                    "the point in time expired after page {}; the read resumed from the last position",
                    page_number - 1
                ));
                continue;
            }
        };
        let empty = page.results.is_empty();
        for v in page.results {
            place += 1;
            match audit_events::row(place, v) {
                Some(r) => rows.push(r),
                None => evidence.skipped.add(place, NOT_AN_EVENT),
            }
        }
        match page.next {
            Next::Cursor(next) if !empty => {
                if !seen.insert(next.clone()) {
                    return Err(LiveError::new(
                        format!("{who}: the audit log's pages run in a circle (a next_search_after came back)"),
                        "this is a problem of the server at --audit-url; report it",
                    ));
                }
                cursor.search_after = Some(next);
                if page.pit_id.is_some() {
                    cursor.pit_id = page.pit_id;
                }
            }
            Next::Unusable if !empty => {
                return Err(LiveError::new(
                    format!(
                        "{who}: page {page_number} of the audit log has a next_search_after grantlint cannot send back (not a short printable string or number); the read would stop short"
                    ),
                    "this is a problem of the server at --audit-url; report it",
                ));
            }
            _ => return Ok(finish(evidence, query, started, rows)),
        }
    }
    Err(LiveError::new(
        format!("{who}: the audit log did not end after {MAX_PAGES} pages"),
        "read a shorter --window",
    ))
}

fn finish(mut evidence: Evidence, query: &AuditQuery, started: Timestamp, rows: Vec<Row>) -> AuditRows {
    let start = query.after.unwrap_or_else(|| {
        started
            .checked_sub(jiff::SignedDuration::from_hours(24 * query.retention_days))
            .unwrap_or(started)
    });
    evidence.window = Some((start, started));
    evidence.notes.push(format!(
        "read {} Harvest rows (event types {EVENT_TYPES}) since {}",
        rows.len(),
        rfc3339(start)
    ));
    AuditRows {
        base: evidence,
        performers: Performers::new(rows),
    }
}

/// The point in time expired: resume without it.
struct PitExpired;

async fn fetch(
    client: &Client,
    token: &Secret,
    query: &AuditQuery,
    cursor: &Cursor,
    budget: &RateBudget,
    who: &str,
) -> Result<Result<Page, PitExpired>, LiveError> {
    let mut url = Endpoints::join(&query.url, "events");
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("paging", "true");
        q.append_pair("event_types", EVENT_TYPES);
        if let Some(after) = query.after {
            // Whole seconds: a client reports that Greenhouse rejects milliseconds here.
            q.append_pair("after_time", &after.strftime("%Y-%m-%dT%H:%M:%SZ").to_string());
        }
    }
    let what = format!("audit log request for {who}");
    let resp = client
        .send(&what, budget, &url, |http, url| {
            let mut r = http
                .get(url)
                .bearer_auth(token.expose())
                .header("Size", PAGE_SIZE.to_string());
            if let Some(pit) = &cursor.pit_id {
                r = r.header("Pit-Id", pit);
            }
            if let Some(after) = &cursor.search_after {
                r = r.header("Search-After", after);
            }
            r
        })
        .await?;
    let said = token.scrub(&greenhouse_said(&resp.body));
    match resp.status {
        s if s.is_success() => page(&resp.body).map(Ok).ok_or_else(|| {
            LiveError::new(
                format!("{what}: the answer is not an Audit Log page (JSON with `results`)"),
                "check that --audit-url points at Greenhouse's Audit Log API",
            )
        }),
        StatusCode::UNPROCESSABLE_ENTITY if resp.body.contains("Pit_Id") && cursor.pit_id.is_some() => {
            Ok(Err(PitExpired))
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(LiveError::new(
            format!("{what}: the Audit Log refused the token ({}){said}", resp.status),
            "reading the Audit Log needs the auditlog:events:list scope, a Site Admin user (GREENHOUSE_SUB) and the Audit Log add-on",
        )),
        StatusCode::NOT_FOUND => Err(LiveError::new(
            format!(
                "{what}: {url} answered 404",
                url = Endpoints::join(&query.url, "events")
            ),
            "check --audit-url (Greenhouse documents https://auditlog.us.greenhouse.io)",
        )),
        s => Err(LiveError::new(
            format!("{what}: the Audit Log answered {s}{said}"),
            "check the --window and --audit-url; run again later if Greenhouse is failing",
        )),
    }
}

/// The parts of a page grantlint reads.
fn page(body: &str) -> Option<Page> {
    let v: Value = serde_json::from_str(body).ok()?;
    let mut v = v;
    let results = match v.get_mut("results")?.take() {
        Value::Array(a) => a,
        Value::Null => Vec::new(),
        _ => return None,
    };
    // A cursor goes back in a header: a short string of printable ASCII, or a number.
    let text = |p: &str| match v.pointer(p) {
        None | Some(Value::Null) => Next::End,
        Some(Value::String(s)) if s.trim().is_empty() => Next::End,
        Some(Value::String(s)) if s.len() <= 1024 && s.bytes().all(|b| (0x20..0x7f).contains(&b)) => {
            Next::Cursor(s.trim().to_string())
        }
        Some(Value::Number(n)) => Next::Cursor(n.to_string()),
        Some(_) => Next::Unusable,
    };
    let pit_id = match text("/paging/pit_id") {
        Next::Cursor(p) => Some(p),
        Next::End | Next::Unusable => None,
    };
    Some(Page {
        results,
        pit_id,
        next: text("/paging/next_search_after"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_read_defensively() {
        let p = page(r#"{"paging": {"pit_id": "abc", "next_search_after": "1685989175,7"}, "results": [{}]}"#).unwrap();
        assert_eq!(
            (p.results.len(), p.pit_id.as_deref(), &p.next),
            (1, Some("abc"), &Next::Cursor("1685989175,7".into()))
        );
        let p = page(r#"{"paging": {"next_search_after": "a\nb"}, "results": null}"#).unwrap();
        assert_eq!(
            (p.results.len(), p.next),
            (0, Next::Unusable),
            "a cursor with a newline cannot be sent back"
        );
        for unusable in [r#"[1]"#, r#"{"a": 1}"#, r#"true"#, &format!("\"{}\"", "x".repeat(1025))] {
            let p = page(&format!(
                r#"{{"paging": {{"next_search_after": {unusable}}}, "results": [{{}}]}}"#
            ))
            .unwrap();
            assert_eq!(p.next, Next::Unusable, "{unusable}");
        }
        let p = page(r#"{"paging": {"next_search_after": null}, "results": [{}]}"#).unwrap();
        assert_eq!(p.next, Next::End);
        assert!(page(r#"{"events": []}"#).is_none());
        assert!(page("<html>").is_none());
    }
}
