//! Greenhouse Audit Log events (catalog/reference/auditlog.md): the API's response object
//! (`{"paging": …, "results": […]}`), a JSON array of events, or JSON Lines. Harvest calls
//! are `harvest_access` rows (reads, documented for candidates and applications) and
//! `data_change_create|update|destroy` rows (writes), with the request URL in
//! `request.type`; rows that share `request.id` are one request, so a `harvest_access` row
//! with a `data_change_update` beside it was a write, not a read.
//!
//! How Greenhouse attributes Harvest v3 calls is unconfirmed (auditlog.md section 2), so the
//! caller is always named: `--performer ID` keeps one performer's rows, and the evidence says
//! which rows were kept and why.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use super::har::{Lenient, LenientList, Scalar};
use super::{Evidence, EvidenceKind, Observed, split_target};
use crate::catalog::shorten;
use crate::error::Error;
use crate::input::sanitize::clean_line;

/// One audit log row, as much as grantlint reads of it.
#[derive(Debug, Clone)]
pub struct Row {
    pub place: usize,
    pub request_id: Option<String>,
    pub request_type: String,
    pub performer_id: Option<String>,
    pub performer_type: Option<String>,
    pub event_type: String,
    pub at: Option<Timestamp>,
}

/// One event as grantlint reads it: only the fields it uses, every one lenient (a field of
/// the wrong type is absent, never an error that quotes it). Everything else (`event.meta`,
/// `performer.meta`, IP addresses) is skipped unread.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawEvent {
    request: Lenient<RawRequest>,
    performer: Lenient<RawPerformer>,
    event: Lenient<RawKind>,
    event_time: Scalar,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawRequest {
    id: Scalar,
    #[serde(rename = "type")]
    kind: Scalar,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPerformer {
    id: Scalar,
    #[serde(rename = "type")]
    kind: Scalar,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RawKind {
    #[serde(rename = "type")]
    kind: Scalar,
}

/// The API's response: its `results`.
#[derive(Deserialize, Default)]
#[serde(default)]
struct RawPage {
    results: LenientList<Lenient<RawEvent>>,
    /// Present (even as `null`) in the API's response.
    paging: Option<IgnoredAny>,
}

/// Any top-level JSON: an array of events, the API's response, or one event.
enum Top {
    Events(Vec<Lenient<RawEvent>>),
    Page(RawPage),
    Other,
}

impl<'de> Deserialize<'de> for Top {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Top;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("Audit Log events")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
                let mut events = Vec::new();
                while let Some(e) = seq.next_element::<Lenient<RawEvent>>()? {
                    events.push(e);
                }
                Ok(Top::Events(events))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Top, A::Error> {
                // A page has `results`; one event (a JSON Lines file of one line) has
                // `event` or `request`.
                let raw = AnyMap::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(raw.into_top())
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Top, E> {
                Ok(Top::Other)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
                Ok(Top::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// A top-level object: a page and an event share no key, so one lenient struct reads both.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AnyMap {
    results: LenientList<Lenient<RawEvent>>,
    paging: Option<IgnoredAny>,
    request: Lenient<RawRequest>,
    performer: Lenient<RawPerformer>,
    event: Lenient<RawKind>,
    event_time: Scalar,
}

impl AnyMap {
    fn into_top(self) -> Top {
        if self.results.0.is_some() || self.paging.is_some() {
            return Top::Page(RawPage {
                results: self.results,
                paging: self.paging,
            });
        }
        if self.event.0.is_some() || self.request.0.is_some() {
            return Top::Events(vec![Lenient(Some(RawEvent {
                request: self.request,
                performer: self.performer,
                event: self.event,
                event_time: self.event_time,
            }))]);
        }
        Top::Other
    }
}

/// Why a JSON error stops the read, in words that never quote the input.
fn json_error(name: &str, e: &serde_json::Error) -> Error {
    let what = match e.classify() {
        serde_json::error::Category::Eof => "the file ends in the middle of the JSON (truncated?)".to_string(),
        serde_json::error::Category::Syntax => {
            let message = e.to_string();
            format!("not JSON: {}", message.split(" at line ").next().unwrap_or(&message))
        }
        _ => "the JSON does not have the shape of Audit Log events".to_string(),
    };
    Error::Usage(format!(
        "{name}:{}:{}: not Audit Log events: {what}",
        e.line(),
        e.column()
    ))
}

/// The events of a text in any of the three shapes, each with its place (entry or line).
fn events(name: &str, text_in: &str) -> Result<Vec<(usize, Option<RawEvent>)>, Error> {
    let numbered = |events: Vec<Lenient<RawEvent>>| events.into_iter().enumerate().map(|(i, e)| (i + 1, e.0)).collect();
    match serde_json::from_str::<Top>(text_in) {
        Ok(Top::Events(events)) => Ok(numbered(events)),
        Ok(Top::Page(page)) => match page.results.0 {
            Some(events) => Ok(numbered(events)),
            None => Ok(Vec::new()),
        },
        Ok(Top::Other) => Err(Error::Usage(format!(
            "{name}: JSON, but not Audit Log events: expected the API's response (with `results`), an array of events, or one event per line"
        ))),
        // JSON Lines: one event per line; the first line must be one.
        Err(whole) => {
            let mut out = Vec::new();
            for (i, line) in text_in.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Lenient<RawEvent>>(line) {
                    Ok(e) => out.push((i + 1, e.0)),
                    Err(_) if out.is_empty() => return Err(json_error(name, &whole)),
                    // A line that is not JSON is a counted skip.
                    Err(_) => out.push((i + 1, None)),
                }
            }
            Ok(out)
        }
    }
}

/// Why a row is skipped.
pub const NOT_AN_EVENT: &str = "not an event with `event.type` and `request.type`";

/// Read audit log events; with `performer`, only that performer's rows count.
pub fn parse(name: &str, text_in: &str, performer: Option<&str>) -> Result<Evidence, Error> {
    let mut evidence = Evidence::new(name, EvidenceKind::AuditLog);
    let mut rows: Vec<Row> = Vec::new();
    for (place, e) in events(name, text_in)? {
        match e.and_then(|e| row_of(place, e)) {
            Some(r) => rows.push(r),
            None => evidence.skipped.add(place, NOT_AN_EVENT),
        }
    }
    from_rows(&mut evidence, rows, performer)?;
    Ok(evidence)
}

fn row_of(place: usize, e: RawEvent) -> Option<Row> {
    let request = e.request.0?;
    let (performer_id, performer_type) = e.performer.0.map_or((None, None), |p| (p.id.0, p.kind.0));
    Some(Row {
        place,
        request_id: request.id.0.filter(|s| !s.is_empty()),
        request_type: request.kind.0.filter(|s| !s.is_empty())?,
        performer_id: performer_id.filter(|s| !s.is_empty()),
        performer_type: performer_type.filter(|s| !s.is_empty()),
        event_type: e.event.0?.kind.0.filter(|s| !s.is_empty())?,
        at: e.event_time.0.and_then(|t| t.parse().ok()),
    })
}

/// One event of the API as a row (a live read's page), or `None` when it lacks
/// `event.type` or `request.type`.
pub fn row(place: usize, v: serde_json::Value) -> Option<Row> {
    let e: Lenient<RawEvent> = serde_json::from_value(v).ok()?;
    row_of(place, e.0?)
}

/// Audit log rows grouped by performer, read once and shared: an audit attributes them to
/// many credentials, one performer each.
#[derive(Debug, Clone, Default)]
pub struct Performers {
    /// performer id (`(none)` when a row has none) -> its type and rows.
    by_id: BTreeMap<String, (Option<String>, Vec<Row>)>,
}

impl Performers {
    pub fn new(rows: Vec<Row>) -> Performers {
        let mut by_id: BTreeMap<String, (Option<String>, Vec<Row>)> = BTreeMap::new();
        for r in rows {
            let e = by_id
                .entry(r.performer_id.clone().unwrap_or_else(|| "(none)".into()))
                .or_insert((None, Vec::new()));
            // An id that is ever an `api_key` is one (and is masked); else its first type.
            if e.0.is_none() || r.performer_type.as_deref() == Some("api_key") {
                e.0.clone_from(&r.performer_type);
            }
            e.1.push(r);
        }
        Performers { by_id }
    }

    fn describe(id: &str, (kind, rows): &(Option<String>, Vec<Row>)) -> String {
        format!(
            "{} ({}, {})",
            performer_label(id, kind.as_deref()),
            kind.as_deref().map_or_else(|| "no type".to_string(), clean_line),
            count(rows.len(), "row")
        )
    }

    /// Turn `performer`'s rows (or every row, when there is only one performer) into
    /// `evidence`'s requests, saying which rows were kept and why.
    pub fn attribute(&self, evidence: &mut Evidence, performer: Option<&str>) -> Result<(), Error> {
        let mine = match performer {
            Some(want) => {
                let mine = self.by_id.get(want);
                let others: Vec<String> = self
                    .by_id
                    .iter()
                    .filter(|(id, _)| id.as_str() != want)
                    .map(|(id, g)| Self::describe(id, g))
                    .collect();
                let left_out: usize = self
                    .by_id
                    .iter()
                    .filter(|(id, _)| id.as_str() != want)
                    .map(|(_, g)| g.1.len())
                    .sum();
                let list = if others.is_empty() {
                    String::new()
                } else {
                    format!(": {}", others.iter().take(5).cloned().collect::<Vec<_>>().join(", "))
                };
                evidence.notes.push(format!(
                    "kept {} of performer {} (--performer); left out {} of {}{list}",
                    count(mine.map_or(0, |g| g.1.len()), "row"),
                    performer_label(want, mine.and_then(|g| g.0.as_deref())),
                    count(left_out, "row"),
                    count(others.len(), "other performer"),
                ));
                mine
            }
            None => {
                // The caller is always named, even when the log holds one performer: how
                // Greenhouse attributes Harvest v3 calls is not documented.
                let seen: Vec<String> = self.by_id.iter().take(8).map(|(id, g)| Self::describe(id, g)).collect();
                let what = match self.by_id.len() {
                    0 => "no rows with a performer".to_string(),
                    1 => format!("the rows of 1 performer ({})", seen.join(", ")),
                    n => format!("rows of {n} performers ({})", seen.join(", ")),
                };
                return Err(Error::Usage(format!(
                    "{}: the audit log holds {what}; name the integration's caller with --performer ID (`audit_performer` in a config): how Greenhouse attributes Harvest v3 calls is not documented, so grantlint never guesses",
                    evidence.name
                )));
            }
        };
        requests_of(evidence, mine.map(|g| g.1.as_slice()).unwrap_or_default());
        Ok(())
    }
}

/// "1 row", "2 rows".
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Keep the named performer's rows (or all, when there is only one performer), and turn the
/// Harvest rows into requests, one per request id.
pub fn from_rows(evidence: &mut Evidence, rows: Vec<Row>, performer: Option<&str>) -> Result<(), Error> {
    Performers::new(rows).attribute(evidence, performer)
}

/// A performer as messages name it. Greenhouse documents an `api_key` performer's id as "the
/// API key" itself (auditlog.md section 1.1), so a long one is shown by its last four
/// characters only.
fn performer_label(id: &str, kind: Option<&str>) -> String {
    let chars: Vec<char> = clean_line(id).chars().collect();
    if matches!(kind, Some("api_key") | None) && chars.len() >= 16 {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        let what = if kind.is_some() { "an API key" } else { "a performer" };
        return format!("{what} ending in {tail}");
    }
    shorten(&clean_line(id))
}

/// `harvest.greenhouse.io/v1/applications` (a host and a path, no scheme): Greenhouse's
/// exact form of `request.type` is not documented.
fn host_path(text: &str) -> Option<(Option<String>, String)> {
    let (host, _) = text.split_once('/')?;
    let looks_like_host = host.contains('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-' || b == b':');
    if !looks_like_host {
        return None;
    }
    split_target(&format!("https://{text}"))
}

/// One request per request id: a Harvest URL in `request.type`, a read unless a data change
/// shares its id.
fn requests_of(evidence: &mut Evidence, rows: &[Row]) {
    let mut groups: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let mut other: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        // A Harvest call: a `harvest_access` row whatever its `request.type` looks like, or a
        // data change whose `request.type` is a URL (a UI action's is `controller#action`).
        let url_like = r.request_type.starts_with('/')
            || r.request_type.starts_with("http")
            || host_path(&r.request_type).is_some();
        let harvest = r.event_type == "harvest_access" || (r.event_type.starts_with("data_change") && url_like);
        if !harvest {
            let what = match r.event_type.as_str() {
                "mcp_access" | "mcp_tool_call" => "MCP tool calls",
                _ => "actions in the Greenhouse UI",
            };
            *other.entry(what.to_string()).or_default() += 1;
            continue;
        }
        let key = r.request_id.clone().unwrap_or_else(|| format!("(row {})", r.place));
        groups.entry(key).or_default().push(r);
    }
    evidence.other_rows = other.into_iter().collect();
    for rows in groups.into_values() {
        let Some(first) = rows.iter().min_by_key(|r| r.place) else {
            continue;
        };
        let target = split_target(&first.request_type).or_else(|| host_path(&first.request_type));
        let Some((host, path)) = target else {
            evidence
                .skipped
                .add(first.place, "`request.type` is neither a path nor a URL");
            continue;
        };
        let has = |t: &str| rows.iter().any(|r| r.event_type == t);
        // The row says "a write", not which verb: every plausible one, most likely first; the
        // matcher takes the first the path has.
        let methods: Vec<&'static str> = if has("data_change_destroy") {
            vec!["DELETE", "PUT", "POST", "PATCH"]
        } else if has("data_change_create") {
            vec!["POST", "PUT", "PATCH"]
        } else if has("data_change_update") {
            vec!["PATCH", "PUT", "POST"]
        } else {
            vec!["GET"]
        };
        evidence.requests.push(Observed {
            methods,
            host,
            path,
            status: None,
            at: rows.iter().filter_map(|r| r.at).min(),
            place: first.place,
        });
    }
    evidence.requests.sort_by_key(|r| r.place);
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = r#"{"paging": {"pit_id": "x", "next_search_after": null}, "hits": 4, "results": [
      {"request": {"id": "r1", "type": "/v3/candidates/123"}, "performer": {"id": "client-1", "type": "oauth"}, "event": {"type": "harvest_access", "target_type": "Candidate"}, "event_time": "2026-11-03T10:00:00.000Z"},
      {"request": {"id": "r2", "type": "/v3/candidates/123"}, "performer": {"id": "client-1", "type": "oauth"}, "event": {"type": "harvest_access"}, "event_time": "2026-11-04T10:00:00.000Z"},
      {"request": {"id": "r2", "type": "/v3/candidates/123"}, "performer": {"id": "client-1", "type": "oauth"}, "event": {"type": "data_change_update"}, "event_time": "2026-11-04T10:00:00.100Z"},
      {"request": {"id": "r3", "type": "users#update"}, "performer": {"id": 99, "type": "user"}, "event": {"type": "action"}, "event_time": "2026-11-05T10:00:00.000Z"},
      {"request": {"type": "/v3/jobs"}, "performer": {"id": "client-1"}}
    ]}"#;

    #[test]
    fn rows_sharing_a_request_id_are_one_request_and_a_data_change_makes_it_a_write() {
        let e = parse("a.json", ROWS, Some("client-1")).unwrap();
        let got: Vec<(Vec<&str>, &str)> = e
            .requests
            .iter()
            .map(|r| (r.methods.clone(), r.path.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (vec!["GET"], "/v3/candidates/123"),
                (vec!["PATCH", "PUT", "POST"], "/v3/candidates/123"),
            ]
        );
        assert_eq!(e.skipped.count, 1, "the row without event.type");
        assert_eq!(e.skipped.places[0].0, 5);
        assert!(
            e.notes[0].contains("kept 3 rows of performer client-1"),
            "{:?}",
            e.notes
        );
        assert!(
            e.notes[0].contains("1 row of 1 other performer: 99 (user, 1 row)"),
            "{:?}",
            e.notes
        );
    }

    #[test]
    fn the_caller_is_always_named_when_there_are_several() {
        let err = parse("a.json", ROWS, None).unwrap_err().to_string();
        assert!(err.contains("holds rows of 2 performers"), "{err}");
        assert!(err.contains("--performer ID"), "{err}");
    }

    #[test]
    fn an_api_key_performer_is_never_printed_whole() {
        let key = "0123456789abcdef0123456789abcdef";
        let rows = format!(
            r#"[{{"request": {{"id": "a", "type": "/v1/candidates"}}, "performer": {{"id": "{key}", "type": "api_key"}}, "event": {{"type": "harvest_access"}}}},
               {{"request": {{"id": "b", "type": "/v1/jobs"}}, "performer": {{"id": 7, "type": "user"}}, "event": {{"type": "harvest_access"}}}}]"#
        );
        let err = parse("a.json", &rows, None).unwrap_err().to_string();
        assert!(!err.contains(key) && err.contains("an API key ending in cdef"), "{err}");
        let e = parse("a.json", &rows, Some(key)).unwrap();
        assert_eq!(e.requests.len(), 1);
        assert!(!e.notes.concat().contains(key), "{:?}", e.notes);
    }

    #[test]
    fn json_lines_and_arrays() {
        let lines = "{\"request\": {\"id\": \"a\", \"type\": \"/v3/applications\"}, \"performer\": {\"id\": \"c\"}, \"event\": {\"type\": \"harvest_access\"}}\nnot json\n";
        assert!(parse("a.jsonl", lines, None).is_err(), "even one performer is named");
        let e = parse("a.jsonl", lines, Some("c")).unwrap();
        assert_eq!(e.requests.len(), 1);
        assert_eq!(e.skipped.count, 1);
        let array = format!("[{}]", lines.lines().next().unwrap());
        assert_eq!(parse("a.json", &array, Some("c")).unwrap().requests.len(), 1);
        // Greenhouse's form of a Harvest URL is not documented: a host and a path, no scheme.
        let bare = "[{\"request\": {\"id\": \"a\", \"type\": \"harvest.greenhouse.io/v1/applications\"}, \"performer\": {\"id\": \"c\"}, \"event\": {\"type\": \"harvest_access\"}}]";
        let e = parse("a.json", bare, Some("c")).unwrap();
        assert_eq!(e.requests[0].host.as_deref(), Some("harvest.greenhouse.io"));
        assert_eq!(e.requests[0].path, "/v1/applications");
        assert!(parse("a.json", "{\"log\": 1}", None).is_err());
        assert!(parse("a.json", "garbage", None).is_err());
    }
}
