//! Per-credential faults: raw headers and bodies, redirects, probe faults, served writes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Conn, basic, bearer, cred, once, serve, token};
use fake_greenhouse::{Behavior, Config};

const FORM: &str = "grant_type=client_credentials";

fn with(behavior: Behavior) -> fake_greenhouse::Server {
    serve(Config {
        credentials: vec![cred("f", &["harvest:jobs:list", "harvest:candidates:update"], behavior)],
        ..Config::default()
    })
}

#[test]
fn retry_after_is_sent_verbatim() {
    for raw in ["NaN", "-1", "Wed, 21 Oct 2015 07:28:00 GMT", "99999999999999999999"] {
        let server = with(Behavior {
            token_429s: 1,
            retry_after_raw: Some(raw.into()),
            ..Behavior::default()
        });
        let r = once(server.addr(), "POST", "/token", &[&basic("f", "f-secret")], FORM);
        assert_eq!((r.status, r.header("retry-after")), (429, Some(raw)));
        // Only the first N: then a token.
        let ok = once(server.addr(), "POST", "/token", &[&basic("f", "f-secret")], FORM);
        assert_eq!(ok.status, 200);
    }
}

#[test]
fn extra_headers_replace_the_servers_own_on_every_answer() {
    let server = serve(Config {
        credentials: vec![cred(
            "f",
            &["harvest:jobs:list"],
            Behavior {
                extra_headers: vec![
                    ("X-RateLimit-Reset".into(), "NaN".into()),
                    ("X-RateLimit-Remaining".into(), "-5".into()),
                    ("Content-Length".into(), "0".into()),
                ],
                ..Behavior::default()
            },
        )],
        rate_limit: Some(100),
        ..Config::default()
    });
    let t = token(&server, "f");
    let r = once(server.addr(), "GET", "/v3/jobs", &[&bearer(&t)], "");
    assert_eq!(r.status, 200);
    let values = |name: &str| {
        r.headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(values("x-ratelimit-reset"), ["NaN"]);
    assert_eq!(values("x-ratelimit-remaining"), ["-5"]);
    assert_eq!(values("x-ratelimit-limit"), ["100"]);
    assert_eq!(
        values("content-length"),
        [r.body.len().to_string()],
        "framing stays the server's"
    );
}

#[test]
fn the_token_endpoint_can_redirect_to_the_server_itself() {
    let server = with(Behavior {
        token_redirect: Some("{base}/stolen".into()),
        ..Behavior::default()
    });
    let r = once(server.addr(), "POST", "/token", &[&basic("f", "f-secret")], FORM);
    assert_eq!(r.status, 307);
    assert_eq!(r.header("location"), Some(format!("{}/stolen", server.url()).as_str()));
    assert!(server.issued_tokens().is_empty());
}

#[test]
fn error_body_replaces_every_error_answer_for_the_credential() {
    let hostile = "\u{1b}[31mred\u{1b}[0m \u{7}\u{8}\r\nX-Injected: 1\u{0}";
    let server = with(Behavior {
        token_status: Some(401),
        error_body: Some(hostile.into()),
        ..Behavior::default()
    });
    let r = once(server.addr(), "POST", "/token", &[&basic("f", "f-secret")], FORM);
    assert_eq!((r.status, r.body.as_str()), (401, hostile));
    // A stranger's error is the server's own.
    let other = once(server.addr(), "POST", "/token", &[&basic("x", "y")], FORM);
    assert_eq!(other.json()["error"], "invalid_client");
}

#[test]
fn a_raw_token_body_carries_a_working_token() {
    let server = with(Behavior {
        token_body: Some(
            r#"{"access_token": "{token}", "token_type": "bearer", "expires_in": "soon", "extra": [1]}"#.into(),
        ),
        ..Behavior::default()
    });
    let r = once(server.addr(), "POST", "/token", &[&basic("f", "f-secret")], FORM);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["expires_in"], "soon");
    let t = v["access_token"].as_str().unwrap();
    assert_eq!(server.issued_tokens(), [t.to_string()]);
    assert_eq!(once(server.addr(), "GET", "/v3/jobs", &[&bearer(t)], "").status, 200);
}

#[test]
fn raw_introspection_bodies_are_served_as_they_are() {
    for raw in [
        r#"{"active": "true", "scope": "harvest:jobs:list"}"#,
        r#"{"active": 1, "scope": "harvest:jobs:list"}"#,
        r#"{"scope": "harvest:jobs:list"}"#,
        r#"{"active": true, "scp": ["harvest:jobs:list", 7]}"#,
    ] {
        let server = with(Behavior {
            introspection_body: Some(raw.into()),
            ..Behavior::default()
        });
        let t = token(&server, "f");
        let r = once(
            server.addr(),
            "POST",
            "/introspect",
            &[&basic("f", "f-secret")],
            &format!("token={t}"),
        );
        assert_eq!((r.status, r.body.as_str()), (200, raw));
    }
}

#[test]
fn probe_status_answers_every_read_with_that_status() {
    for status in [404, 500, 503] {
        let server = with(Behavior {
            probe_status: Some(status),
            ..Behavior::default()
        });
        let t = token(&server, "f");
        for path in ["/v3/jobs?per_page=1&fields=id", "/v3/offers"] {
            assert_eq!(once(server.addr(), "GET", path, &[&bearer(&t)], "").status, status);
        }
    }
}

#[test]
fn probe_drop_closes_without_an_answer() {
    let server = with(Behavior {
        probe_drop: true,
        ..Behavior::default()
    });
    let t = token(&server, "f");
    let mut c = Conn::open(server.addr());
    c.send("GET", "/v3/jobs", &[&bearer(&t)], "");
    assert!(c.read().is_none());
    let seen = server.seen();
    assert_eq!((seen[1].path.as_str(), seen[1].status), ("/v3/jobs", 0));
}

#[test]
fn unknown_resources_are_404_and_missing_scopes_403() {
    let server = with(Behavior::default());
    let t = token(&server, "f");
    let get = |p: &str| once(server.addr(), "GET", p, &[&bearer(&t)], "");
    assert_eq!(get("/v3/no_such_thing").status, 404);
    assert_eq!(get("/v3/offers").status, 403);
    assert_eq!(get("/v3/jobs/42").json(), serde_json::json!({"id": 42}));
    assert_eq!(
        once(server.addr(), "GET", "/v3/jobs", &["Authorization: Bearer nope"], "").status,
        401
    );
}

#[test]
fn writes_are_405_unless_served() {
    let server = with(Behavior::default());
    let t = token(&server, "f");
    let r = once(server.addr(), "PATCH", "/v3/candidates/123", &[&bearer(&t)], "{}");
    assert_eq!(r.status, 405);
}

#[test]
fn served_writes_need_a_non_list_scope_of_the_resource() {
    let server = serve(Config {
        credentials: vec![cred(
            "w",
            &[
                "harvest:candidates:list",
                "harvest:candidates:update",
                "harvest:notes:create",
                "harvest:jobs:list",
            ],
            Behavior::default(),
        )],
        serve_writes: true,
        ..Config::default()
    });
    let t = token(&server, "w");
    let mut c = Conn::open(server.addr());
    let mut call = |m: &str, p: &str| c.request(m, p, &[&bearer(&t), "Content-Type: application/json"], "{\"a\":1}");
    let patch = call("PATCH", "/v3/candidates/123");
    assert_eq!((patch.status, patch.json()), (200, serde_json::json!({"id": 123})));
    let post = call("POST", "/v3/notes");
    assert_eq!(post.status, 201);
    assert!(post.json()["id"].is_u64());
    let delete = call("DELETE", "/v3/candidates/124");
    assert_eq!((delete.status, delete.header("content-length")), (204, None));
    assert_eq!(call("POST", "/v3/jobs").status, 403, "list only");
    assert_eq!(call("PUT", "/v3/offers/1").status, 403);
    assert_eq!(call("POST", "/v3/no_such_thing").status, 404);
    // The 204 left the connection usable.
    assert_eq!(call("PATCH", "/v3/candidates/125").status, 200);
    let bad = c.request("PATCH", "/v3/candidates/1", &["Authorization: Bearer forged"], "");
    assert_eq!(bad.status, 401);
    assert_eq!(server.seen().last().map(|s| s.body.as_str()), Some(""));
}
