//! The Audit Log API: pagination to the end, PIT expiry, its rate limits, filters.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Conn, Response, bearer, cred, once, serve, token};
use fake_greenhouse::{AuditBehavior, Behavior, Config, PIT_EXPIRED, Server};
use serde_json::{Value, json};

fn event(n: u32, time: &str, performer: Value, event_type: &str) -> Value {
    json!({
        "request": {"id": format!("req{n}"), "type": "/v3/candidates/123"},
        "performer": performer,
        "organization_id": 123,
        "event": {"meta": null, "target_type": "Candidate", "target_id": n, "type": event_type},
        "event_time": time,
    })
}

/// Seven events, given out of order; newest first they are n = 6, 5, 4, 3 and 2 (tied: config order), 1, 0.
fn events() -> Vec<Value> {
    let oauth = json!({"id": "ClientKey1", "type": "oauth", "ip_address": "10.0.0.1", "meta": {}});
    let key = json!({"id": 1001, "type": "api_key", "ip_address": "10.0.0.2", "meta": {"api_key_type": "harvest"}});
    let user = json!({"id": 12345, "type": "user", "ip_address": "10.0.0.3", "meta": {"name": "A"}});
    vec![
        event(0, "2026-11-01T08:00:00.000Z", oauth.clone(), "harvest_access"),
        event(3, "2026-11-04T08:00:00Z", oauth.clone(), "harvest_access"),
        event(2, "2026-11-04T08:00:00.000Z", key.clone(), "harvest_access"),
        event(1, "2026-11-02T08:00:00.500Z", user.clone(), "action"),
        event(4, "2026-11-05T08:00:00.000Z", oauth.clone(), "data_change_update"),
        event(5, "2026-11-06T08:00:00.000Z", user, "action"),
        event(6, "2026-11-07T08:00:00.000Z", key, "harvest_access"),
    ]
}

fn audit_server(audit: AuditBehavior) -> (Server, String) {
    let server = serve(Config {
        credentials: vec![
            cred("a", &["harvest:jobs:list", "auditlog:events:list"], Behavior::default()),
            cred("no-audit", &["harvest:jobs:list"], Behavior::default()),
        ],
        audit_events: events(),
        audit,
        ..Config::default()
    });
    let t = token(&server, "a");
    (server, t)
}

fn target_ids(r: &Response) -> Vec<u64> {
    r.json()["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"]["target_id"].as_u64().unwrap())
        .collect()
}

fn has_rate_headers(r: &Response) -> bool {
    r.headers.iter().any(|(k, _)| k.starts_with("x-ratelimit"))
}

#[test]
fn a_pagination_chain_runs_to_an_empty_last_page() {
    let (server, t) = audit_server(AuditBehavior {
        page_size: 3,
        paginated_limit: 10,
        ..AuditBehavior::default()
    });
    let q = "/events?paging=true&performer_types=oauth,api_key,user";
    let mut c = Conn::open(server.addr());
    let first = c.request("GET", q, &[&bearer(&t)], "");
    assert_eq!(first.status, 200, "{}", first.body);
    let v = first.json();
    assert_eq!(v["hits"], 7);
    assert_eq!(v["paging"]["size"], "3");
    assert_eq!(v["paging"]["search_after"], Value::Null);
    let pit = v["paging"]["pit_id"].as_str().unwrap().to_string();
    assert_eq!(target_ids(&first), [6, 5, 4]);
    assert_eq!(first.header("x-ratelimit-limit"), Some("50"));
    assert_eq!(first.header("x-ratelimit-remaining"), Some("49"));
    // 2026-11-05T08:00:00Z is 1793865600000 ms (date -u -d ... +%s%3N); event 4 is index 4 in the config.
    assert_eq!(v["paging"]["next_search_after"], "1793865600000,4");

    let mut after = v["paging"]["next_search_after"].as_str().unwrap().to_string();
    let mut pages = vec![target_ids(&first)];
    loop {
        let r = c.request(
            "GET",
            q,
            &[
                &bearer(&t),
                &format!("Pit-Id: {pit}"),
                &format!("Search-After: {after}"),
            ],
            "",
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.json();
        assert_eq!(v["paging"]["pit_id"], pit.as_str());
        assert_eq!(v["paging"]["search_after"], after.as_str());
        assert_eq!(v["hits"], 7);
        if v["paging"]["next_search_after"].is_null() {
            assert_eq!(v["results"], json!([]));
            break;
        }
        pages.push(target_ids(&r));
        after = v["paging"]["next_search_after"].as_str().unwrap().to_string();
    }
    assert_eq!(pages, [vec![6, 5, 4], vec![3, 2, 1], vec![0]]);
    let seen: Vec<_> = server.seen().into_iter().filter(|s| s.path == "/events").collect();
    assert_eq!(seen.len(), 4);
    assert_eq!(seen[0].header("pit-id"), None);
    assert_eq!(seen[3].header("pit-id"), Some(pit.as_str()));
    assert_eq!(seen[3].header("search-after"), Some(after.as_str()));
    assert!(seen.windows(2).all(|w| w[0].at <= w[1].at));
}

#[test]
fn the_fourth_paginated_request_in_the_window_is_429_without_rate_headers() {
    let (server, t) = audit_server(AuditBehavior {
        paginated_window_secs: 1,
        ..AuditBehavior::default()
    });
    for _ in 0..3 {
        let r = once(server.addr(), "GET", "/events?paging=true", &[&bearer(&t)], "");
        assert_eq!(r.status, 200);
        assert!(has_rate_headers(&r));
    }
    let r = once(server.addr(), "GET", "/events?paging=true", &[&bearer(&t)], "");
    assert_eq!(r.status, 429);
    assert!(!has_rate_headers(&r), "{:?}", r.headers);
    assert_eq!(r.header("retry-after"), None, "Greenhouse documents none");
    // Unpaginated requests are not limited by it.
    assert_eq!(once(server.addr(), "GET", "/events", &[&bearer(&t)], "").status, 200);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    assert_eq!(
        once(server.addr(), "GET", "/events?paging=true", &[&bearer(&t)], "").status,
        200
    );
}

#[test]
fn the_overall_limit_counts_down_then_429s_without_headers() {
    let (server, t) = audit_server(AuditBehavior {
        overall_limit: 3,
        retry_after: Some(7),
        ..AuditBehavior::default()
    });
    let remaining: Vec<Option<String>> = (0..3)
        .map(|_| {
            once(server.addr(), "GET", "/events", &[&bearer(&t)], "")
                .header("x-ratelimit-remaining")
                .map(str::to_string)
        })
        .collect();
    assert_eq!(remaining, [Some("2".into()), Some("1".into()), Some("0".into())]);
    let r = once(server.addr(), "GET", "/events", &[&bearer(&t)], "");
    assert_eq!((r.status, r.header("retry-after")), (429, Some("7")));
    assert!(!has_rate_headers(&r));
}

#[test]
fn forced_429s_come_first() {
    let (server, t) = audit_server(AuditBehavior {
        force_429s: 2,
        ..AuditBehavior::default()
    });
    let statuses: Vec<u16> = (0..3)
        .map(|_| once(server.addr(), "GET", "/events", &[&bearer(&t)], "").status)
        .collect();
    assert_eq!(statuses, [429, 429, 200]);
}

#[test]
fn a_pit_expires_after_its_pages() {
    let (server, t) = audit_server(AuditBehavior {
        page_size: 2,
        pit_expire_after_pages: Some(2),
        paginated_limit: 10,
        ..AuditBehavior::default()
    });
    let first = once(server.addr(), "GET", "/events?paging=true", &[&bearer(&t)], "").json();
    let pit = first["paging"]["pit_id"].as_str().unwrap().to_string();
    let next = |after: &str| {
        once(
            server.addr(),
            "GET",
            "/events?paging=true",
            &[
                &bearer(&t),
                &format!("Pit-Id: {pit}"),
                &format!("Search-After: {after}"),
            ],
            "",
        )
    };
    let second = next(first["paging"]["next_search_after"].as_str().unwrap());
    assert_eq!(second.status, 200);
    let third = next(second.json()["paging"]["next_search_after"].as_str().unwrap());
    assert_eq!(third.status, 422);
    assert!(
        third
            .body
            .contains("The Pit_Id has expired. Remove it from the subsequent search."),
        "{}",
        third.body
    );
    assert_eq!(third.json()["message"], PIT_EXPIRED);
    // Without the Pit-Id, a new point in time resumes from Search-After.
    let resumed = once(
        server.addr(),
        "GET",
        "/events?paging=true",
        &[
            &bearer(&t),
            &format!(
                "Search-After: {}",
                second.json()["paging"]["next_search_after"].as_str().unwrap()
            ),
        ],
        "",
    );
    assert_eq!(target_ids(&resumed), [2, 1]);
    assert_ne!(resumed.json()["paging"]["pit_id"], pit.as_str());
    // A Pit-Id this server never handed out is as good as expired.
    let unknown = once(
        server.addr(),
        "GET",
        "/events?paging=true",
        &[&bearer(&t), "Pit-Id: bm9wZQ=="],
        "",
    );
    assert_eq!(
        (unknown.status, unknown.json()["message"].as_str()),
        (422, Some(PIT_EXPIRED))
    );
}

#[test]
fn filters() {
    let (server, t) = audit_server(AuditBehavior::default());
    let ids = |q: &str| {
        let r = once(server.addr(), "GET", &format!("/events?{q}"), &[&bearer(&t)], "");
        assert_eq!(r.status, 200, "{q}: {}", r.body);
        target_ids(&r)
    };
    assert_eq!(ids(""), [6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(ids("performer_ids=ClientKey1"), [4, 3, 0]);
    assert_eq!(ids("performer_ids=1001,12345"), [6, 5, 2, 1]);
    assert_eq!(ids("performer_types=api_key"), [6, 2]);
    assert_eq!(ids("event_types=harvest_access,data_change_update"), [6, 4, 3, 2, 0]);
    assert_eq!(ids("after_time=2026-11-04T08:00:00Z"), [6, 5, 4]);
    assert_eq!(ids("after_time=2026-11-04T07:59:59.999Z"), [6, 5, 4, 3, 2]);
    assert_eq!(ids("before_time=2026-11-02T08:00:00.501Z"), [1, 0]);
    assert_eq!(
        ids("after_time=2026-11-01T00:00:00Z&before_time=2026-11-05T00:00:00Z&performer_types=oauth"),
        [3, 0]
    );
    assert_eq!(ids("after_time=2026-11-04T09:00:00%2B01:00"), [6, 5, 4]);
    assert_eq!(ids("date=2026-11-04"), [3, 2]);
    assert_eq!(ids("request_ids=req5&event_target_types=Candidate"), [5]);
}

#[test]
fn magic_time_counts_back_from_now() {
    let past = event(0, "2000-01-01T00:00:00Z", json!({"id": 1, "type": "user"}), "action");
    let future = event(1, "2999-01-01T00:00:00Z", json!({"id": 1, "type": "user"}), "action");
    let server = serve(Config {
        credentials: vec![cred("a", &["auditlog:events:list"], Behavior::default())],
        audit_events: vec![past, future],
        ..Config::default()
    });
    let t = token(&server, "a");
    let ids = |q: &str| {
        target_ids(&once(
            server.addr(),
            "GET",
            &format!("/events?magic_time={q}"),
            &[&bearer(&t)],
            "",
        ))
    };
    assert_eq!(ids("last15minutes"), [1]);
    assert_eq!(ids("last100000weeks"), [1, 0]);
}

#[test]
fn bad_parameters_are_422_naming_the_field() {
    let (server, t) = audit_server(AuditBehavior::default());
    for (q, header, field) in [
        ("after_time=yesterday", None, "after_time"),
        ("before_time=2026-13-01T00:00:00Z", None, "before_time"),
        ("magic_time=last_24_hours", None, "magic_time"),
        ("size=50", None, "size"),
        ("", Some("Size: 501"), "size"),
        ("paging=true", Some("Search-After: 1685989175"), "Search-After"),
        ("", Some("Pit-Id: cmFuZG9tX3ZhbHVl"), "Pit-Id"),
    ] {
        let mut headers = vec![bearer(&t)];
        headers.extend(header.map(str::to_string));
        let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
        let r = once(server.addr(), "GET", &format!("/events?{q}"), &headers, "");
        assert_eq!(r.status, 422, "{q} {header:?}");
        assert_eq!(r.json()["errors"][0]["field"], field);
        assert!(has_rate_headers(&r));
    }
}

#[test]
fn size_from_the_header_or_the_query_and_one_page_without_paging() {
    let (server, t) = audit_server(AuditBehavior {
        page_size: 2,
        page_size_cap: Some(4),
        ..AuditBehavior::default()
    });
    let plain = once(server.addr(), "GET", "/events", &[&bearer(&t)], "").json();
    assert_eq!(
        plain["paging"],
        json!({"pit_id": null, "search_after": null, "size": "2", "next_search_after": null})
    );
    assert_eq!(plain["results"].as_array().map(Vec::len), Some(2));
    let header = once(server.addr(), "GET", "/events", &[&bearer(&t), "Size: 500"], "").json();
    assert_eq!(
        (
            header["paging"]["size"].as_str(),
            header["results"].as_array().map(Vec::len)
        ),
        (Some("4"), Some(4))
    );
    let query = once(server.addr(), "GET", "/events?size=100", &[&bearer(&t)], "").json();
    assert_eq!(query["paging"]["size"], "4");
}

#[test]
fn events_need_a_token_from_the_token_endpoint() {
    let (server, _) = audit_server(AuditBehavior::default());
    for auth in [
        None,
        Some("Authorization: Bearer forged"),
        Some("Authorization: Basic YTphLXNlY3JldA=="),
    ] {
        let r = once(
            server.addr(),
            "GET",
            "/events?paging=true",
            &auth.into_iter().collect::<Vec<_>>(),
            "",
        );
        assert_eq!(r.status, 401);
        assert_eq!(r.json()["message"], "Unauthorized");
    }
}

#[test]
fn a_token_without_the_audit_log_scope_is_refused() {
    let (server, _) = audit_server(AuditBehavior::default());
    let t = token(&server, "no-audit");
    let r = once(server.addr(), "GET", "/events?paging=true", &[&bearer(&t)], "");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("auditlog:events:list"), "{}", r.body);
}
