//! The faults grantlint's tests/live.rs already relies on, through the same public API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use base64::Engine as _;
use common::{Conn, basic, bearer, cred, once, serve, token};
use fake_greenhouse::{Behavior, Config, Credential, Introspection, Server};

const FORM: &str = "grant_type=client_credentials&sub=4242";

fn with(behavior: Behavior) -> Server {
    Server::start(
        Config {
            credentials: vec![Credential {
                client_id: "c".into(),
                secret: "c-secret".into(),
                scopes: vec!["harvest:jobs:list".into(), "harvest:users:list".into()],
                behavior,
            }],
            ..Config::default()
        },
        0,
    )
    .unwrap()
}

fn post_token(server: &Server) -> common::Response {
    once(server.addr(), "POST", "/token", &[&basic("c", "c-secret")], FORM)
}

fn claims(jwt: &str) -> serde_json::Value {
    let payload = jwt.split('.').nth(1).unwrap();
    serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn token_then_introspection() {
    let server = with(Behavior::default());
    let r = post_token(&server);
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(
        (v["token_type"].as_str(), v["expires_at"].as_str()),
        (Some("Bearer"), Some("2030-01-01T00:00:00+0000"))
    );
    let jwt = v["access_token"].as_str().unwrap();
    let c = claims(jwt);
    assert_eq!(
        (c["sub"].as_str(), c["client_id"].as_str(), c.get("scope")),
        (Some("4242"), Some("c"), None)
    );
    let i = once(
        server.addr(),
        "POST",
        "/introspect",
        &[&basic("c", "c-secret")],
        &format!("token={jwt}"),
    )
    .json();
    assert_eq!(i["scope"], "harvest:jobs:list harvest:users:list");
    assert_eq!(i["active"], true);
    let unknown = once(
        server.addr(),
        "POST",
        "/introspect",
        &[&basic("c", "c-secret")],
        "token=zzz",
    )
    .json();
    assert_eq!(unknown, serde_json::json!({"active": false}));
    let seen = server.seen();
    assert_eq!(
        seen.iter()
            .map(|s| (s.method.as_str(), s.path.as_str(), s.status))
            .collect::<Vec<_>>(),
        [
            ("POST", "/token", 200),
            ("POST", "/introspect", 200),
            ("POST", "/introspect", 200)
        ]
    );
    assert_eq!(server.issued_tokens(), [jwt.to_string()]);
}

#[test]
fn introspection_modes() {
    for (mode, status, body) in [
        (
            Introspection::ScopeArray,
            200,
            r#"{"active":true,"scope":["harvest:jobs:list","harvest:users:list"]}"#,
        ),
        (Introspection::NotFound, 404, r#"{"message":"not found"}"#),
        (Introspection::NoScope, 200, r#"{"active":true}"#),
        (Introspection::Inactive, 200, r#"{"active":false}"#),
        (Introspection::Malformed, 200, "<html>oops"),
    ] {
        let server = with(Behavior {
            introspection: mode,
            jwt_scope_claim: true,
            ..Behavior::default()
        });
        let t = token(&server, "c");
        assert_eq!(claims(&t)["scope"], "harvest:jobs:list harvest:users:list");
        let r = once(
            server.addr(),
            "POST",
            "/introspect",
            &[&basic("c", "c-secret")],
            &format!("token={t}"),
        );
        assert_eq!((r.status, r.body.as_str()), (status, body), "{mode:?}");
    }
}

#[test]
fn token_faults_in_order() {
    let server = with(Behavior {
        token_429s: 1,
        retry_after: Some(3),
        token_5xx: 1,
        ..Behavior::default()
    });
    let first = post_token(&server);
    assert_eq!((first.status, first.header("retry-after")), (429, Some("3")));
    assert_eq!(post_token(&server).status, 503);
    assert_eq!(post_token(&server).status, 200);
    let bad_grant = once(
        server.addr(),
        "POST",
        "/token",
        &[&basic("c", "c-secret")],
        "grant_type=password",
    );
    assert_eq!(
        (bad_grant.status, bad_grant.json()["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let no_auth = once(server.addr(), "POST", "/token", &[], FORM);
    assert_eq!(
        (no_auth.status, no_auth.json()["error"].as_str()),
        (401, Some("invalid_request"))
    );
    let wrong = once(server.addr(), "POST", "/token", &[&basic("c", "nope")], FORM);
    assert_eq!(
        (wrong.status, wrong.json()["error"].as_str()),
        (401, Some("invalid_client"))
    );
}

#[test]
fn token_status_echo_secret_and_malformed() {
    let server = with(Behavior {
        token_status: Some(403),
        echo_secret: true,
        ..Behavior::default()
    });
    let r = post_token(&server);
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["error"], "access_denied");
    assert!(r.body.contains("c-secret"));
    let server = with(Behavior {
        token_malformed: true,
        ..Behavior::default()
    });
    assert_eq!(post_token(&server).body, "{\"access_token\": ");
}

#[test]
fn a_hanging_token_request_is_recorded_unanswered() {
    let server = with(Behavior {
        token_hang: true,
        ..Behavior::default()
    });
    let mut c = Conn::open(server.addr());
    c.send("POST", "/token", &[&basic("c", "c-secret")], FORM);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!((seen[0].path.as_str(), seen[0].status), ("/token", 0));
}

#[test]
fn probes_refused_allowed_and_the_first_token_revoked() {
    let server = serve(Config {
        credentials: vec![cred(
            "p",
            &["harvest:jobs:list", "harvest:users:list"],
            Behavior {
                refused: vec!["harvest:users:list".into()],
                also_allowed: vec!["harvest:eeoc:list".into()],
                reject_first_token: true,
                delay_ms: 50,
                ..Behavior::default()
            },
        )],
        ..Config::default()
    });
    let first = token(&server, "p");
    let second = token(&server, "p");
    let get = |t: &str, p: &str| once(server.addr(), "GET", p, &[&bearer(t)], "").status;
    assert_eq!(get(&first, "/v3/jobs"), 401);
    let started = std::time::Instant::now();
    assert_eq!(get(&second, "/v3/jobs?per_page=1&fields=id"), 200);
    assert!(started.elapsed() >= std::time::Duration::from_millis(50));
    assert_eq!(get(&second, "/v3/users"), 403);
    assert_eq!(get(&second, "/v3/eeoc"), 200);
    assert_eq!(get(&second, "/v3/offers"), 403);
}
