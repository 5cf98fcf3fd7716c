//! Keep-alive, its opt-out, the idle timeout, and the rate budget across one connection.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::time::{Duration, Instant};

use common::{Conn, basic, bearer, cred, serve, token};
use fake_greenhouse::{Behavior, Config};

fn one_cred(config: Config) -> fake_greenhouse::Server {
    serve(Config {
        credentials: vec![cred("k", &["harvest:jobs:list"], Behavior::default())],
        ..config
    })
}

#[test]
fn many_requests_on_one_connection_until_the_client_says_close() {
    let server = one_cred(Config::default());
    let mut c = Conn::open(server.addr());
    let t = c.request(
        "POST",
        "/token",
        &[&basic("k", "k-secret")],
        "grant_type=client_credentials",
    );
    assert_eq!(t.status, 200);
    assert_eq!(t.header("connection"), Some("keep-alive"));
    let token = t.json()["access_token"].as_str().unwrap().to_string();
    for _ in 0..3 {
        let r = c.request("GET", "/v3/jobs?per_page=1", &[&bearer(&token)], "");
        assert_eq!((r.status, r.body.as_str()), (200, r#"[{"id":1}]"#));
    }
    // Two requests written at once (pipelined) are both answered, in order.
    c.send("GET", "/v3/jobs", &[&bearer(&token)], "");
    c.send("GET", "/v3/offers", &[&bearer(&token)], "");
    assert_eq!(c.read().map(|r| r.status), Some(200));
    assert_eq!(c.read().map(|r| r.status), Some(403));
    let last = c.request("GET", "/v3/jobs", &[&bearer(&token), "Connection: close"], "");
    assert_eq!(last.status, 200);
    assert_eq!(last.header("connection"), Some("close"));
    assert!(c.is_closed());
    let seen = server.seen();
    assert_eq!(seen.len(), 7);
    assert!(
        seen.iter().all(|s| s.connection == seen[0].connection),
        "one connection"
    );
    assert_eq!(seen[1].query, "per_page=1");
    assert_eq!(seen[0].header("content-length"), Some("29"));
    assert_eq!(seen[0].body, "grant_type=client_credentials");
}

#[test]
fn close_connections_answers_once_per_connection() {
    let server = one_cred(Config {
        close_connections: true,
        ..Config::default()
    });
    let mut c = Conn::open(server.addr());
    let r = c.request("GET", "/health", &[], "");
    assert_eq!((r.status, r.header("connection")), (200, Some("close")));
    assert!(c.is_closed());
    let mut d = Conn::open(server.addr());
    assert_eq!(d.request("GET", "/health", &[], "").status, 200);
    let seen = server.seen();
    assert_ne!(seen[0].connection, seen[1].connection);
}

#[test]
fn http_1_0_closes_unless_it_asks_for_keep_alive() {
    let server = one_cred(Config::default());
    let mut c = Conn::open(server.addr());
    c.send_raw("GET /health HTTP/1.0\r\n\r\n");
    assert_eq!(c.read().map(|r| r.status), Some(200));
    assert!(c.is_closed());
    let mut d = Conn::open(server.addr());
    d.send_raw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(
        d.read()
            .and_then(|r| r.header("connection").map(str::to_string))
            .as_deref(),
        Some("keep-alive")
    );
    d.send_raw("GET /health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    assert_eq!(d.read().map(|r| r.status), Some(200));
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let server = one_cred(Config {
        idle_timeout_ms: 200,
        ..Config::default()
    });
    let mut c = Conn::open(server.addr());
    assert_eq!(c.request("GET", "/health", &[], "").status, 200);
    let started = Instant::now();
    assert!(c.is_closed());
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_secs(5),
        "{waited:?}"
    );
}

#[test]
fn a_malformed_request_gets_400_and_a_close() {
    let server = one_cred(Config::default());
    let mut c = Conn::open(server.addr());
    c.send_raw("\u{1b}[2J hello\r\n\r\n");
    let r = c.read().unwrap();
    assert_eq!((r.status, r.header("connection")), (400, Some("close")));
    assert!(c.is_closed());
    assert!(server.seen().is_empty(), "not a request");
}

#[test]
fn the_rate_budget_counts_every_request_on_a_kept_alive_connection() {
    let server = one_cred(Config {
        rate_limit: Some(3),
        rate_window_secs: 2,
        ..Config::default()
    });
    let token = token(&server, "k"); // 1 of 3
    let mut c = Conn::open(server.addr());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let r = c.request("GET", "/v3/jobs", &[&bearer(&token)], ""); // 2
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-limit"), Some("3"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("1"));
    let reset: u64 = r.header("x-ratelimit-reset").unwrap().parse().unwrap();
    assert!((started + 1..=started + 3).contains(&reset), "{reset} vs {started}");
    assert_eq!(c.request("GET", "/v3/jobs", &[&bearer(&token)], "").status, 200); // 3
    let over = c.request("GET", "/v3/jobs", &[&bearer(&token)], "");
    assert_eq!(over.status, 429);
    assert_eq!(over.header("x-ratelimit-remaining"), Some("0"));
    let wait: u64 = over.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=2).contains(&wait), "{wait}");
    std::thread::sleep(Duration::from_millis(2100));
    let again = c.request("GET", "/v3/jobs", &[&bearer(&token)], "");
    assert_eq!((again.status, again.header("x-ratelimit-remaining")), (200, Some("2")));
}
