#![forbid(unsafe_code)]
//! A server that plays Greenhouse on 127.0.0.1: the client-credentials token endpoint,
//! RFC 7662 introspection and the Harvest v3 list endpoints, with faults on request:
//! 401/403 at the token endpoint, 429 with `Retry-After`, 5xx, slow and hanging responses,
//! malformed JSON, tokens without a scope claim, probes refused for a non-admin user.
//!
//! It binds loopback only. Plain std threads, one per connection; `Connection: close`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// How introspection answers for a credential.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Introspection {
    /// `{"active": true, "scope": "a b c", ...}`
    #[default]
    ScopeString,
    /// `{"active": true, "scope": ["a", "b"]}`
    ScopeArray,
    /// 404: the endpoint does not exist (grantlint falls back to the JWT's claims).
    NotFound,
    /// `{"active": true}` without any scope field.
    NoScope,
    /// `{"active": false}`
    Inactive,
    /// A body that is not JSON.
    Malformed,
}

/// Faults and quirks of one credential.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Behavior {
    /// Answer the token request with this status (400/401: `invalid_client`, 403, ...).
    pub token_status: Option<u16>,
    /// Answer this many token requests with 429 (and `Retry-After: retry_after`) first.
    pub token_429s: u32,
    pub retry_after: Option<u64>,
    /// Answer this many token requests with 503 first.
    pub token_5xx: u32,
    /// Delay every response to this credential by this many milliseconds.
    pub delay_ms: u64,
    /// Never answer the token request.
    pub token_hang: bool,
    /// The token response is not JSON.
    pub token_malformed: bool,
    pub introspection: Introspection,
    /// Put a `scope` claim in the JWT.
    pub jwt_scope_claim: bool,
    /// Probes of these scopes' list endpoints get 403 although the token claims them
    /// (a `sub` user who is not a Site Admin).
    pub refused: Vec<String>,
    /// Probes of these scopes' list endpoints get 200 although the token lacks them.
    pub also_allowed: Vec<String>,
    /// Echo the client secret in error bodies (a misbehaving server; grantlint must scrub it).
    pub echo_secret: bool,
    /// The first token issued to this credential stops working on the API (401), as when a
    /// newer token revokes it.
    pub reject_first_token: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub client_id: String,
    pub secret: String,
    pub scopes: Vec<String>,
    #[serde(default)]
    pub behavior: Behavior,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub credentials: Vec<Credential>,
    /// Added to every response, in milliseconds (benchmarks: a fixed per-request latency).
    pub latency_ms: u64,
    /// Requests per credential per 30-second window; `X-RateLimit-*` headers on every answer.
    pub rate_limit: Option<u64>,
}

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
}

struct State {
    config: Config,
    by_id: HashMap<String, usize>,
    token_429s: Vec<AtomicU32>,
    token_5xx: Vec<AtomicU32>,
    tokens: Mutex<HashMap<String, usize>>,
    first_token: Mutex<HashMap<usize, String>>,
    seen: Mutex<Vec<Seen>>,
    window: Mutex<HashMap<usize, (u64, u64)>>,
    counter: AtomicU64,
}

/// A running server. It stops with the process.
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Bind 127.0.0.1 on `port` (0: any free port) and serve in background threads.
    pub fn start(config: Config, port: u16) -> std::io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let n = config.credentials.len();
        let by_id = config
            .credentials
            .iter()
            .enumerate()
            .map(|(i, c)| (c.client_id.clone(), i))
            .collect();
        let state = Arc::new(State {
            token_429s: config
                .credentials
                .iter()
                .map(|c| AtomicU32::new(c.behavior.token_429s))
                .collect(),
            token_5xx: config
                .credentials
                .iter()
                .map(|c| AtomicU32::new(c.behavior.token_5xx))
                .collect(),
            config,
            by_id,
            tokens: Mutex::new(HashMap::with_capacity(n)),
            first_token: Mutex::new(HashMap::new()),
            seen: Mutex::new(Vec::new()),
            window: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
        });
        let s = state.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                std::thread::spawn(move || {
                    let _ = handle(&s, stream);
                });
            }
        });
        Ok(Server { addr, state })
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Every access token issued so far (for tests that check none is ever printed).
    pub fn issued_tokens(&self) -> Vec<String> {
        self.state
            .tokens
            .lock()
            .map(|t| t.keys().cloned().collect())
            .unwrap_or_default()
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    headers: HashMap<String, String>,
    body: String,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            break;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len.min(1 << 20)];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (target, String::new()),
    };
    Some(Request {
        method,
        path,
        query,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

struct Answer {
    status: u16,
    body: String,
    headers: Vec<(String, String)>,
}

fn json(status: u16, body: serde_json::Value) -> Answer {
    Answer {
        status,
        body: body.to_string(),
        headers: vec![],
    }
}

fn handle(state: &State, mut stream: TcpStream) -> std::io::Result<()> {
    let Some(req) = read_request(&stream) else {
        return Ok(());
    };
    let (answer, cred, delay) = route(state, &req);
    if let Some(d) = delay {
        std::thread::sleep(d);
    }
    if state.config.latency_ms > 0 {
        std::thread::sleep(Duration::from_millis(state.config.latency_ms));
    }
    let Some(mut answer) = answer else {
        // Hang: hold the connection open without answering.
        std::thread::sleep(Duration::from_secs(300));
        return Ok(());
    };
    if let (Some(limit), Some(i)) = (state.config.rate_limit, cred) {
        let now = now();
        let window_end = (now / 30 + 1) * 30;
        let mut w = state.window.lock().unwrap_or_else(|e| e.into_inner());
        let entry = w.entry(i).or_insert((window_end, 0));
        if entry.0 != window_end {
            *entry = (window_end, 0);
        }
        entry.1 += 1;
        let remaining = limit.saturating_sub(entry.1);
        if entry.1 > limit {
            answer = json(429, serde_json::json!({"message": "rate limit exceeded"}));
            answer
                .headers
                .push(("Retry-After".into(), (window_end - now).to_string()));
        }
        answer.headers.push(("X-RateLimit-Limit".into(), limit.to_string()));
        answer
            .headers
            .push(("X-RateLimit-Remaining".into(), remaining.to_string()));
        answer
            .headers
            .push(("X-RateLimit-Reset".into(), window_end.to_string()));
    }
    if let Ok(mut seen) = state.seen.lock() {
        seen.push(Seen {
            method: req.method.clone(),
            path: req.path.clone(),
            query: req.query.clone(),
            status: answer.status,
        });
    }
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        answer.status,
        reason(answer.status),
        answer.body.len()
    );
    for (k, v) in &answer.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes())?;
    stream.write_all(answer.body.as_bytes())?;
    stream.flush()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn basic_client(state: &State, req: &Request) -> Option<usize> {
    let value = req.headers.get("authorization")?.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let i = *state.by_id.get(id)?;
    (state.config.credentials[i].secret == secret).then_some(i)
}

fn form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Routed = (Option<Answer>, Option<usize>, Option<Duration>);

fn route(state: &State, req: &Request) -> Routed {
    match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/token") => token(state, req),
        ("POST", "/introspect") => introspect(state, req),
        ("GET", p) if p.starts_with("/v3/") => list(state, req),
        ("POST" | "PUT" | "PATCH" | "DELETE", p) if p.starts_with("/v3/") => {
            // grantlint must never write; answer, but the tests look for these in `seen`.
            (
                Some(json(405, serde_json::json!({"message": "writes are not served"}))),
                None,
                None,
            )
        }
        _ => (Some(json(404, serde_json::json!({"message": "not found"}))), None, None),
    }
}

fn token(state: &State, req: &Request) -> Routed {
    let Some(i) = basic_client(state, req) else {
        let said = match req.headers.get("authorization") {
            Some(_) => "invalid_client",
            None => "invalid_request",
        };
        return (Some(json(401, serde_json::json!({"error": said}))), None, None);
    };
    let cred = &state.config.credentials[i];
    let b = &cred.behavior;
    let delay = (b.delay_ms > 0).then(|| Duration::from_millis(b.delay_ms));
    if b.token_hang {
        return (None, Some(i), delay);
    }
    if let Some(status) = b.token_status {
        let mut body = serde_json::json!({"error": if status == 403 { "access_denied" } else { "invalid_client" }});
        if b.echo_secret {
            body["error_description"] = format!("bad secret {}", cred.secret).into();
        }
        return (Some(json(status, body)), Some(i), delay);
    }
    if state.token_429s[i]
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        let mut a = json(429, serde_json::json!({"message": "Too many requests"}));
        a.headers
            .push(("Retry-After".into(), b.retry_after.unwrap_or(1).to_string()));
        return (Some(a), Some(i), delay);
    }
    if state.token_5xx[i]
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return (
            Some(json(503, serde_json::json!({"message": "unavailable"}))),
            Some(i),
            delay,
        );
    }
    let f = form(&req.body);
    if f.get("grant_type").map(String::as_str) != Some("client_credentials") {
        return (
            Some(json(400, serde_json::json!({"error": "unsupported_grant_type"}))),
            Some(i),
            delay,
        );
    }
    if b.token_malformed {
        return (
            Some(Answer {
                status: 200,
                body: "{\"access_token\": ".into(),
                headers: vec![],
            }),
            Some(i),
            delay,
        );
    }
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    let mut claims = serde_json::json!({
        "sub": f.get("sub").cloned().unwrap_or_else(|| format!("service-{i}")),
        "client_id": cred.client_id,
        "iat": now(),
        "exp": now() + 3600,
        "jti": format!("t{n}"),
    });
    if b.jwt_scope_claim {
        claims["scope"] = cred.scopes.join(" ").into();
    }
    let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let jwt = format!(
        "{}.{}.{}",
        enc(r#"{"alg":"RS256","typ":"JWT"}"#),
        enc(&claims.to_string()),
        enc(&format!("sig{n}"))
    );
    if let Ok(mut t) = state.tokens.lock() {
        t.insert(jwt.clone(), i);
    }
    if let Ok(mut f) = state.first_token.lock() {
        f.entry(i).or_insert_with(|| jwt.clone());
    }
    let body =
        serde_json::json!({"access_token": jwt, "token_type": "Bearer", "expires_at": "2030-01-01T00:00:00+0000"});
    (Some(json(200, body)), Some(i), delay)
}

fn introspect(state: &State, req: &Request) -> Routed {
    let Some(i) = basic_client(state, req) else {
        return (
            Some(json(401, serde_json::json!({"error": "invalid_client"}))),
            None,
            None,
        );
    };
    let cred = &state.config.credentials[i];
    let delay = (cred.behavior.delay_ms > 0).then(|| Duration::from_millis(cred.behavior.delay_ms));
    let f = form(&req.body);
    let known = f.get("token").and_then(|t| state.tokens.lock().ok()?.get(t).copied());
    if known != Some(i) {
        return (Some(json(200, serde_json::json!({"active": false}))), Some(i), delay);
    }
    let a = match cred.behavior.introspection {
        Introspection::ScopeString => json(
            200,
            serde_json::json!({"active": true, "scope": cred.scopes.join(" "), "client_id": cred.client_id, "token_type": "Bearer"}),
        ),
        Introspection::ScopeArray => json(200, serde_json::json!({"active": true, "scope": cred.scopes})),
        Introspection::NotFound => json(404, serde_json::json!({"message": "not found"})),
        Introspection::NoScope => json(200, serde_json::json!({"active": true})),
        Introspection::Inactive => json(200, serde_json::json!({"active": false})),
        Introspection::Malformed => Answer {
            status: 200,
            body: "<html>oops".into(),
            headers: vec![],
        },
    };
    (Some(a), Some(i), delay)
}

fn list(state: &State, req: &Request) -> Routed {
    let token = req
        .headers
        .get("authorization")
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    let Some(i) = token.and_then(|t| state.tokens.lock().ok()?.get(t).copied()) else {
        return (
            Some(json(401, serde_json::json!({"message": "Unauthorized"}))),
            None,
            None,
        );
    };
    let cred = &state.config.credentials[i];
    let b = &cred.behavior;
    let delay = (b.delay_ms > 0).then(|| Duration::from_millis(b.delay_ms));
    let first = state.first_token.lock().ok().and_then(|f| f.get(&i).cloned());
    if b.reject_first_token && token.is_some() && token.map(str::to_string) == first {
        return (
            Some(json(401, serde_json::json!({"message": "Unauthorized"}))),
            Some(i),
            delay,
        );
    }
    let resource = req.path.trim_start_matches("/v3/").split('/').next().unwrap_or("");
    let scope = format!("harvest:{resource}:list");
    let claimed = cred.scopes.contains(&scope);
    let allowed = (claimed && !b.refused.contains(&scope)) || b.also_allowed.contains(&scope);
    if allowed {
        (Some(json(200, serde_json::json!([{"id": 1}]))), Some(i), delay)
    } else {
        (
            Some(json(403, serde_json::json!({"message": "Forbidden"}))),
            Some(i),
            delay,
        )
    }
}
