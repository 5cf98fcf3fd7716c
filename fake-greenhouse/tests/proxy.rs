//! The recording proxy: first request lines in, 502 out.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::Conn;
use fake_greenhouse::RecordingProxy;

#[test]
fn it_records_the_first_line_of_every_connection_and_answers_502() {
    let proxy = RecordingProxy::start().unwrap();
    assert!(proxy.url().starts_with("http://127.0.0.1:"));
    let addr = proxy.url().trim_start_matches("http://").parse().unwrap();

    let mut plain = Conn::open(addr);
    plain.send(
        "POST",
        "http://127.0.0.1:9/token",
        &["Authorization: Basic aWQ6c2VjcmV0"],
        "grant_type=client_credentials",
    );
    let r = plain.read().unwrap();
    assert_eq!((r.status, r.header("connection")), (502, Some("close")));
    assert!(plain.is_closed());

    let mut tunnel = Conn::open(addr);
    tunnel.send_raw("CONNECT auth.greenhouse.io:443 HTTP/1.1\r\nHost: auth.greenhouse.io:443\r\n\r\n");
    assert_eq!(tunnel.read().map(|r| r.status), Some(502));

    let mut get = Conn::open(addr);
    get.send("GET", "http://harvest.greenhouse.io/v3/jobs?per_page=1", &[], "");
    assert_eq!(get.read().map(|r| r.status), Some(502));

    assert_eq!(
        proxy.seen(),
        [
            "POST http://127.0.0.1:9/token HTTP/1.1",
            "CONNECT auth.greenhouse.io:443 HTTP/1.1",
            "GET http://harvest.greenhouse.io/v3/jobs?per_page=1 HTTP/1.1",
        ]
    );
}

#[test]
fn a_connection_that_sends_nothing_is_not_recorded() {
    let proxy = RecordingProxy::start().unwrap();
    let addr = proxy.url().trim_start_matches("http://").parse().unwrap();
    drop(std::net::TcpStream::connect(addr).unwrap());
    let mut c = Conn::open(addr);
    c.send_raw("GET http://127.0.0.1:1/ HTTP/1.1\r\n\r\n");
    assert_eq!(c.read().map(|r| r.status), Some(502));
    assert_eq!(proxy.seen(), ["GET http://127.0.0.1:1/ HTTP/1.1"]);
}
