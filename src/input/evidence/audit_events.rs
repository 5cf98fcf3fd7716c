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
use serde_json::Value;

use super::{Evidence, EvidenceKind, Observed, split_target};
use crate::catalog::shorten;
use crate::error::Error;

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

/// A JSON value as text: a string as is, a number as written.
fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The rows of a text in any of the three shapes, or why it is none of them.
fn events(name: &str, text_in: &str) -> Result<Vec<(usize, Value)>, Error> {
    let whole = serde_json::from_str::<Value>(text_in);
    let values: Vec<(usize, Value)> = match whole {
        Ok(Value::Object(mut o)) if o.contains_key("results") => match o.remove("results") {
            Some(Value::Array(a)) => a.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect(),
            Some(Value::Null) => Vec::new(),
            _ => return Err(Error::Usage(format!("{name}: `results` is not a list of events"))),
        },
        Ok(Value::Array(a)) => a.into_iter().enumerate().map(|(i, v)| (i + 1, v)).collect(),
        Ok(Value::Object(o)) if o.contains_key("event") || o.contains_key("request") => vec![(1, Value::Object(o))],
        Ok(_) => {
            return Err(Error::Usage(format!(
                "{name}: JSON, but not Audit Log events: expected the API's response (with `results`), an array of events, or one event per line"
            )));
        }
        Err(whole_error) => {
            // JSON Lines: one event per line.
            let mut out = Vec::new();
            for (i, line) in text_in.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<Value>(line) {
                    Ok(v) => out.push((i + 1, v)),
                    Err(e) if out.is_empty() && i == 0 => {
                        return Err(Error::Usage(format!(
                            "{name}:{}:{}: not Audit Log events: {}",
                            whole_error.line(),
                            whole_error.column(),
                            first_words(&e.to_string())
                        )));
                    }
                    // A line that is not JSON is a counted skip.
                    Err(_) => out.push((i + 1, Value::Null)),
                }
            }
            out
        }
    };
    Ok(values)
}

fn first_words(message: &str) -> String {
    message.split(" at line ").next().unwrap_or(message).to_string()
}

/// Why a row is skipped.
pub const NOT_AN_EVENT: &str = "not an event with `event.type` and `request.type`";

/// Read audit log events; with `performer`, only that performer's rows count.
pub fn parse(name: &str, text_in: &str, performer: Option<&str>) -> Result<Evidence, Error> {
    let mut evidence = Evidence::new(name, EvidenceKind::AuditLog);
    let mut rows: Vec<Row> = Vec::new();
    for (place, v) in events(name, text_in)? {
        match row(place, &v) {
            Some(r) => rows.push(r),
            None => evidence.skipped.add(place, NOT_AN_EVENT),
        }
    }
    from_rows(&mut evidence, rows, performer)?;
    Ok(evidence)
}

/// One event as a row, or `None` when it lacks `event.type` or `request.type`.
pub fn row(place: usize, v: &Value) -> Option<Row> {
    let event_type = text(v.pointer("/event/type"))?;
    let request_type = text(v.pointer("/request/type"))?;
    Some(Row {
        place,
        request_id: text(v.pointer("/request/id")),
        request_type,
        performer_id: text(v.pointer("/performer/id")),
        performer_type: text(v.pointer("/performer/type")),
        event_type,
        at: text(v.get("event_time")).and_then(|t| t.parse().ok()),
    })
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
                .or_insert((r.performer_type.clone(), Vec::new()));
            e.1.push(r);
        }
        Performers { by_id }
    }

    fn describe(id: &str, (kind, rows): &(Option<String>, Vec<Row>)) -> String {
        format!(
            "{} ({}, {} rows)",
            performer_label(id, kind.as_deref()),
            kind.as_deref().unwrap_or("no type"),
            rows.len()
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
                    "kept the {} rows of performer {} (--performer); left out {left_out} rows of {} other performers{list}",
                    mine.map_or(0, |g| g.1.len()),
                    performer_label(want, mine.and_then(|g| g.0.as_deref())),
                    others.len(),
                ));
                mine
            }
            None if self.by_id.len() > 1 => {
                let seen: Vec<String> = self.by_id.iter().take(8).map(|(id, g)| Self::describe(id, g)).collect();
                return Err(Error::Usage(format!(
                    "{}: the audit log holds rows of {} performers ({}); name the integration's caller with --performer ID (how Greenhouse attributes Harvest v3 calls is not documented, so grantlint never guesses)",
                    evidence.name,
                    self.by_id.len(),
                    seen.join(", ")
                )));
            }
            None => {
                let only = self.by_id.iter().next();
                if let Some((id, g)) = only {
                    evidence
                        .notes
                        .push(format!("every row is of one performer: {}", Self::describe(id, g)));
                }
                only.map(|(_, g)| g)
            }
        };
        requests_of(evidence, mine.map(|g| g.1.as_slice()).unwrap_or_default());
        Ok(())
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
    let chars: Vec<char> = id.chars().collect();
    if kind == Some("api_key") && chars.len() >= 16 {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        return format!("an API key ending in {tail}");
    }
    shorten(id)
}

/// One request per request id: a Harvest URL in `request.type`, a read unless a data change
/// shares its id.
fn requests_of(evidence: &mut Evidence, rows: &[Row]) {
    let mut groups: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let mut other: BTreeMap<String, usize> = BTreeMap::new();
    for r in rows {
        let harvest = r.request_type.starts_with('/') || r.request_type.starts_with("http");
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
        let Some((host, path)) = split_target(&first.request_type) else {
            evidence
                .skipped
                .add(first.place, "`request.type` is neither a path nor a URL");
            continue;
        };
        let has = |t: &str| rows.iter().any(|r| r.event_type == t);
        let methods: Vec<&'static str> = if has("data_change_destroy") {
            vec!["DELETE"]
        } else if has("data_change_create") {
            vec!["POST"]
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
            e.notes[0].contains("kept the 3 rows of performer client-1"),
            "{:?}",
            e.notes
        );
        assert!(
            e.notes[0].contains("1 rows of 1 other performers: 99 (user, 1 rows)"),
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
        let e = parse("a.jsonl", lines, None).unwrap();
        assert_eq!(e.requests.len(), 1);
        assert_eq!(e.skipped.count, 1);
        let array = format!("[{}]", lines.lines().next().unwrap());
        assert_eq!(parse("a.json", &array, None).unwrap().requests.len(), 1);
        assert!(parse("a.json", "{\"log\": 1}", None).is_err());
        assert!(parse("a.json", "garbage", None).is_err());
    }
}
