//! A minimal HTTP/1.1 client over a std `TcpStream`, so the tests see the bytes the server writes.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use base64::Engine as _;
use fake_greenhouse::{Behavior, Config, Credential, Server};

pub struct Response {
    pub status: u16,
    /// Names lowercased.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// One connection, kept open across requests.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    pub fn open(addr: SocketAddr) -> Conn {
        let s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        Conn {
            reader: BufReader::new(s.try_clone().unwrap()),
            writer: s,
        }
    }

    pub fn send_raw(&mut self, raw: &str) {
        self.writer.write_all(raw.as_bytes()).unwrap();
    }

    /// Send a request with these extra header lines (`"Name: value"`) and body.
    pub fn send(&mut self, method: &str, target: &str, headers: &[&str], body: &str) {
        let mut raw = format!("{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for h in headers {
            raw.push_str(h);
            raw.push_str("\r\n");
        }
        if !body.is_empty() || method == "POST" {
            raw.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        raw.push_str("\r\n");
        raw.push_str(body);
        self.send_raw(&raw);
    }

    /// Read one answer; `None` when the server closed the connection instead.
    pub fn read(&mut self) -> Option<Response> {
        let mut line = String::new();
        if self.reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let status = line.split_whitespace().nth(1)?.parse().ok()?;
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            self.reader.read_line(&mut h).ok()?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            let (k, v) = h.split_once(':')?;
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        let len: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .map_or(0, |(_, v)| v.parse().unwrap());
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).ok()?;
        Some(Response {
            status,
            headers,
            body: String::from_utf8(body).unwrap(),
        })
    }

    pub fn request(&mut self, method: &str, target: &str, headers: &[&str], body: &str) -> Response {
        self.send(method, target, headers, body);
        self.read().expect("an answer")
    }

    /// True when the server has closed the connection (EOF, or a reset).
    pub fn is_closed(&mut self) -> bool {
        let mut b = [0u8; 1];
        matches!(self.reader.read(&mut b), Ok(0) | Err(_))
    }
}

/// One request on its own connection.
pub fn once(addr: SocketAddr, method: &str, target: &str, headers: &[&str], body: &str) -> Response {
    Conn::open(addr).request(method, target, headers, body)
}

pub fn basic(id: &str, secret: &str) -> String {
    format!(
        "Authorization: Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
    )
}

pub fn cred(id: &str, scopes: &[&str], behavior: Behavior) -> Credential {
    Credential {
        client_id: id.into(),
        secret: format!("{id}-secret"),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        behavior,
    }
}

pub fn serve(config: Config) -> Server {
    Server::start(config, 0).unwrap()
}

/// A fresh access token for credential `id` (whose secret is `{id}-secret`).
pub fn token(server: &Server, id: &str) -> String {
    let r = once(
        server.addr(),
        "POST",
        "/token",
        &[
            &basic(id, &format!("{id}-secret")),
            "Content-Type: application/x-www-form-urlencoded",
        ],
        "grant_type=client_credentials",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()["access_token"].as_str().unwrap().to_string()
}

pub fn bearer(token: &str) -> String {
    format!("Authorization: Bearer {token}")
}
