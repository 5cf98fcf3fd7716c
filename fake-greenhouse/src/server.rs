//! The listener, one thread per connection, keep-alive, routing, and what is done to every
//! answer on its way out (the rate budget, a credential's extra headers and hostile bodies).

use std::collections::{HashMap, HashSet};
use std::io::BufReader;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU32, AtomicU64};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use crate::auditlog::AuditState;
use crate::clock::{Window, now_ms};
use crate::config::{Behavior, Config, Credential};
use crate::http::{self, Answer, ReadError, Request};
use crate::{auth, harvest};

/// One request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// The raw query string, not decoded.
    pub query: String,
    /// The status answered; 0 when the server answered nothing (`token_hang`, `probe_drop`).
    pub status: u16,
    /// Every request header as sent (names lowercased), secrets included: this is the server's side.
    pub headers: Vec<(String, String)>,
    /// The request body, as text.
    pub body: String,
    /// When the request was read.
    pub at: SystemTime,
    /// Which connection carried it (numbered from 0 in accept order): keep-alive shows as
    /// several requests on one connection.
    pub connection: u64,
}

impl Seen {
    /// The last value of a request header (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Counters and state of one credential.
pub(crate) struct CredState {
    pub token_429s: AtomicU32,
    pub token_5xx: AtomicU32,
    pub first_token: Mutex<Option<String>>,
    pub window: Mutex<Window>,
}

pub(crate) struct State {
    pub config: Config,
    /// `http://127.0.0.1:PORT`, for `{base}` in redirects.
    pub base_url: String,
    by_id: HashMap<String, usize>,
    pub creds: Vec<CredState>,
    /// Access token -> credential index.
    pub tokens: Mutex<HashMap<String, usize>>,
    /// Numbers tokens and created objects.
    pub counter: AtomicU64,
    seen: Mutex<Vec<Seen>>,
    /// Harvest v3 resources (the first path segment after `/v3/`) that exist.
    pub resources: HashSet<&'static str>,
    pub audit: AuditState,
}

/// A poisoned lock still holds usable data: a test thread that panicked must not take the server down.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl State {
    pub fn credential(&self, i: usize) -> Option<&Credential> {
        self.config.credentials.get(i)
    }

    pub fn by_client_id(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    fn behavior(&self, cred: Option<usize>) -> Option<&Behavior> {
        cred.and_then(|i| self.credential(i)).map(|c| &c.behavior)
    }
}

/// What a handler decided.
pub(crate) enum Outcome {
    Answer(Answer),
    /// Hold the connection open without answering, then close it.
    Hang,
    /// Close the connection without answering.
    Drop,
}

pub(crate) struct Routed {
    pub outcome: Outcome,
    /// The credential the request was identified as (its behaviour shapes the answer).
    pub cred: Option<usize>,
    /// Whether the answer counts against the credential's `rate_limit`.
    pub budget: bool,
}

impl Routed {
    /// An answer to a request that names no known credential.
    pub fn anonymous(answer: Answer) -> Routed {
        Routed {
            outcome: Outcome::Answer(answer),
            cred: None,
            budget: false,
        }
    }

    /// An answer to credential `i`, counted against its rate budget.
    pub fn to(i: usize, answer: Answer) -> Routed {
        Routed::outcome(i, Outcome::Answer(answer))
    }

    pub fn outcome(i: usize, outcome: Outcome) -> Routed {
        Routed {
            outcome,
            cred: Some(i),
            budget: true,
        }
    }

    /// Not counted against the credential's `rate_limit` (the Audit Log has limits of its own).
    pub fn outside_budget(mut self) -> Routed {
        self.budget = false;
        self
    }
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
        let by_id = config
            .credentials
            .iter()
            .enumerate()
            .map(|(i, c)| (c.client_id.clone(), i))
            .collect();
        let creds = config
            .credentials
            .iter()
            .map(|c| CredState {
                token_429s: AtomicU32::new(c.behavior.token_429s),
                token_5xx: AtomicU32::new(c.behavior.token_5xx),
                first_token: Mutex::new(None),
                window: Mutex::new(Window::new(config.rate_window_secs)),
            })
            .collect();
        let state = Arc::new(State {
            audit: AuditState::new(&config.audit_events, &config.audit),
            base_url: format!("http://{addr}"),
            by_id,
            creds,
            tokens: Mutex::new(HashMap::new()),
            counter: AtomicU64::new(0),
            seen: Mutex::new(Vec::new()),
            resources: harvest::resources(),
            config,
        });
        let s = state.clone();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().flatten().enumerate() {
                let s = s.clone();
                std::thread::spawn(move || serve_connection(&s, stream, n as u64));
            }
        });
        Ok(Server { addr, state })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.state.base_url.clone()
    }

    /// The address it listens on (for raw `TcpStream` clients).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Every request so far, in the order they were answered.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.state.seen).clone()
    }

    /// Every access token issued so far (for tests that check none is ever printed).
    pub fn issued_tokens(&self) -> Vec<String> {
        lock(&self.state.tokens).keys().cloned().collect()
    }
}

/// Serve requests on one connection until the client closes it, asks to close, goes idle, or
/// the server decides to close (`close_connections`, a malformed request, a drop or a hang).
fn serve_connection(state: &State, stream: TcpStream, connection: u64) {
    // Answers go out at once (no Nagle delay between a keep-alive answer and the next).
    let _ = stream.set_nodelay(true);
    let idle = Duration::from_millis(state.config.idle_timeout_ms.max(1));
    if stream.set_read_timeout(Some(idle)).is_err() {
        return;
    }
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut out = stream;
    loop {
        let request = http::read_head(&mut reader).and_then(|head| {
            if head.expects_continue() {
                http::write_continue(&mut out).map_err(|_| ReadError::Io)?;
            }
            http::read_body(&mut reader, head)
        });
        let req = match request {
            Ok(req) => req,
            Err(ReadError::Closed | ReadError::Io) => return,
            Err(ReadError::Malformed(why)) => {
                let _ = http::write_answer(&mut out, &Answer::message(400, why), true);
                return;
            }
            Err(ReadError::TooLarge(status)) => {
                let _ = http::write_answer(&mut out, &Answer::message(status, "request too large"), true);
                return;
            }
        };
        let at = SystemTime::now();
        let routed = route(state, &req);
        let delay = state.behavior(routed.cred).map_or(0, |b| b.delay_ms) + state.config.latency_ms;
        if delay > 0 {
            std::thread::sleep(Duration::from_millis(delay));
        }
        let answer = match routed.outcome {
            Outcome::Answer(a) => finish(state, routed.cred, routed.budget, a),
            Outcome::Hang => {
                record(state, &req, 0, at, connection);
                std::thread::sleep(Duration::from_secs(300));
                return;
            }
            Outcome::Drop => {
                record(state, &req, 0, at, connection);
                let _ = out.shutdown(Shutdown::Both);
                return;
            }
        };
        record(state, &req, answer.status, at, connection);
        let close = state.config.close_connections || req.head.wants_close();
        if http::write_answer(&mut out, &answer, close).is_err() || close {
            return;
        }
    }
}

fn record(state: &State, req: &Request, status: u16, at: SystemTime, connection: u64) {
    lock(&state.seen).push(Seen {
        method: req.method().to_string(),
        path: req.path.clone(),
        query: req.query.clone(),
        status,
        headers: req.head.headers.clone(),
        body: req.body.clone(),
        at,
        connection,
    });
}

fn route(state: &State, req: &Request) -> Routed {
    match (req.method(), req.path.as_str()) {
        ("POST", "/token") => auth::token(state, req),
        ("POST", "/introspect") => auth::introspect(state, req),
        ("GET", "/events") => crate::auditlog::events(state, req),
        ("GET", "/health") => Routed::anonymous(Answer::json(200, serde_json::json!({"status": "ok"}))),
        ("GET", p) if p.starts_with("/v3/") => harvest::read(state, req),
        ("POST" | "PUT" | "PATCH" | "DELETE", p) if p.starts_with("/v3/") => harvest::write(state, req),
        _ => Routed::anonymous(Answer::message(404, "not found")),
    }
}

/// What every answer goes through: the credential's rate budget, then its hostile touches.
fn finish(state: &State, cred: Option<usize>, budget: bool, mut answer: Answer) -> Answer {
    let Some(i) = cred else {
        return answer;
    };
    if let (true, Some(limit), Some(c)) = (budget, state.config.rate_limit, state.creds.get(i)) {
        let now = now_ms();
        let (count, end_ms) = lock(&c.window).hit(now);
        let reset = (end_ms + 999) / 1000;
        if count > limit {
            let wait = ((end_ms - now + 999) / 1000).max(1);
            answer = Answer::message(429, "rate limit exceeded").with_header("Retry-After", wait.to_string());
        }
        answer = answer
            .with_header("X-RateLimit-Limit", limit.to_string())
            .with_header("X-RateLimit-Remaining", limit.saturating_sub(count).to_string())
            .with_header("X-RateLimit-Reset", reset.to_string());
    }
    if let Some(b) = state.behavior(cred) {
        if let (Some(body), true) = (&b.error_body, answer.status >= 400) {
            answer.body = body.clone();
        }
        for (k, v) in &b.extra_headers {
            answer.set_header(k, v);
        }
    }
    answer
}
