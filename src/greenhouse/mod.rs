//! The live Greenhouse client: the client-credentials token, introspection (with a fallback
//! to the JWT's own claims), and the read-only probe. Every request has a timeout; 429 and
//! 5xx are retried with exponential backoff and jitter, honouring `Retry-After` and
//! `X-RateLimit-*`; 401 and 403 are not retried. Each credential has its own rate budget.

mod auth;
mod probe;

pub use auth::{LiveCredential, LiveGrants, TokenSource, read_grants};
pub use probe::{list_endpoint, probe};

use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};

use crate::secret::Secret;

pub const DEFAULT_AUTH_URL: &str = "https://auth.greenhouse.io";
pub const DEFAULT_BASE_URL: &str = "https://harvest.greenhouse.io";

/// How patient to be with Greenhouse.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Retries after the first attempt, on 429, 5xx, timeouts and connection errors.
    pub retries: u32,
    /// First backoff step; doubles per retry (with jitter), up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The longest single wait grantlint accepts from `Retry-After` or a rate-limit reset.
    pub max_wait: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            timeout: Duration::from_secs(15),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// Where Greenhouse is.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub auth: Url,
    pub base: Url,
}

impl Endpoints {
    /// Parse and vet the two base URLs: HTTPS only, except plain HTTP to a loopback address
    /// (a local test server).
    pub fn new(auth: &str, base: &str) -> Result<Endpoints, String> {
        Ok(Endpoints {
            auth: vet_url(auth, "--auth-url")?,
            base: vet_url(base, "--base-url")?,
        })
    }

    pub fn join(base: &Url, path: &str) -> Url {
        let mut url = base.clone();
        let joined = format!("{}/{}", base.path().trim_end_matches('/'), path.trim_start_matches('/'));
        url.set_path(&joined);
        url
    }
}

fn vet_url(raw: &str, flag: &str) -> Result<Url, String> {
    let url = Url::parse(raw).map_err(|e| format!("{flag} {raw:?} is not a URL: {e}"))?;
    if url.username() != "" || url.password().is_some() {
        return Err(format!("{flag} must not carry credentials in the URL"));
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "{flag} {raw} uses plain HTTP: grantlint sends credentials only over HTTPS (plain HTTP is allowed to loopback addresses, for test servers)"
        )),
        other => Err(format!("{flag} {raw}: unsupported scheme {other:?}")),
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A live failure, with what to check. Never holds secret material.
#[derive(Debug, Clone)]
pub struct LiveError {
    pub message: String,
    pub help: String,
}

impl LiveError {
    pub fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        LiveError {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The rate budget of one credential, from the `X-RateLimit-*` headers of its responses.
#[derive(Debug, Default)]
pub struct RateBudget {
    state: Mutex<BudgetState>,
}

#[derive(Debug, Default)]
struct BudgetState {
    remaining: Option<u64>,
    /// Unix seconds at which the window resets.
    reset: Option<u64>,
}

impl RateBudget {
    fn update(&self, headers: &HeaderMap) {
        let num = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = num("x-ratelimit-remaining") {
            s.remaining = Some(r);
        }
        if let Some(r) = num("x-ratelimit-reset") {
            s.reset = Some(r);
        }
    }

    /// How long to wait before the next request: until the reset when the window is spent.
    fn wait(&self) -> Duration {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match (s.remaining, s.reset) {
            (Some(0), Some(reset)) => {
                let now = crate::time::now_unix().max(0) as u64;
                Duration::from_secs(reset.saturating_sub(now))
            }
            _ => Duration::ZERO,
        }
    }

    fn spend(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = s.remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
    }
}

/// An HTTP client bound to one Greenhouse, shared by every credential of a run.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    pub endpoints: Endpoints,
    pub patience: Patience,
}

/// A response worth reading: its status and body (at most `MAX_BODY`).
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub body: String,
}

/// Bodies larger than this are not Greenhouse answering a token, introspection or a
/// one-record list request.
const MAX_BODY: usize = 1024 * 1024;

impl Client {
    pub fn new(endpoints: Endpoints, patience: Patience) -> Result<Client, LiveError> {
        // reqwest is built without a bundled crypto provider; grantlint uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .timeout(patience.timeout)
            .connect_timeout(patience.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("grantlint/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                LiveError::new(
                    format!("cannot start the HTTP client: {e}"),
                    "this is a bug in grantlint",
                )
            })?;
        Ok(Client {
            http,
            endpoints,
            patience,
        })
    }

    /// Send a request built by `build` (called again for each attempt), retrying what is
    /// worth retrying. `what` names the request in errors ("token request for seekout-prod").
    pub async fn send(
        &self,
        what: &str,
        budget: &RateBudget,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Response, LiveError> {
        let mut attempt = 0;
        loop {
            let wait = budget.wait();
            if wait > self.patience.max_wait {
                return Err(LiveError::new(
                    format!(
                        "{what}: the rate-limit window resets in {}s, longer than grantlint waits",
                        wait.as_secs()
                    ),
                    "run again later, or lower the concurrency of the audit",
                ));
            }
            if !wait.is_zero() {
                tokio::time::sleep(wait).await;
            }
            budget.spend();
            let result = build(&self.http).send().await;
            let retry_in = match result {
                Ok(resp) => {
                    let status = resp.status();
                    budget.update(resp.headers());
                    let retry_after = retry_after(resp.headers());
                    let retryable = status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error();
                    if !retryable || attempt >= self.patience.retries {
                        let body = read_body(resp).await.map_err(|e| {
                            LiveError::new(format!("{what}: the response could not be read: {e}"), network_help())
                        })?;
                        if retryable {
                            return Err(LiveError::new(
                                format!("{what}: Greenhouse answered {status} {} times in a row", attempt + 1),
                                if status == StatusCode::TOO_MANY_REQUESTS {
                                    "the credential's rate limit is spent; run again later or lower the audit's concurrency"
                                } else {
                                    "Greenhouse is failing; check https://status.greenhouse.io and run again later"
                                },
                            ));
                        }
                        return Ok(Response { status, body });
                    }
                    match retry_after {
                        Some(d) if d > self.patience.max_wait => {
                            return Err(LiveError::new(
                                format!(
                                    "{what}: Greenhouse asks to retry in {}s, longer than grantlint waits",
                                    d.as_secs()
                                ),
                                "run again later",
                            ));
                        }
                        Some(d) => d,
                        None => self.backoff(attempt),
                    }
                }
                Err(e) => {
                    let kind = if e.is_timeout() {
                        format!("no answer within {}s", self.patience.timeout.as_secs_f32())
                    } else if e.is_connect() {
                        "cannot connect".to_string()
                    } else {
                        "the request failed".to_string()
                    };
                    if attempt >= self.patience.retries {
                        return Err(LiveError::new(
                            format!("{what}: {kind} ({} attempts): {}", attempt + 1, describe(&e)),
                            network_help(),
                        ));
                    }
                    self.backoff(attempt)
                }
            };
            attempt += 1;
            tokio::time::sleep(retry_in).await;
        }
    }

    /// Exponential backoff with jitter: a random wait between half and all of base * 2^n.
    fn backoff(&self, attempt: u32) -> Duration {
        let full = self
            .patience
            .backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.patience.max_backoff);
        let jitter = 0.5 + 0.5 * random_unit();
        full.mul_f64(jitter)
    }
}

fn network_help() -> &'static str {
    "check the network and the --auth-url / --base-url addresses; Greenhouse may be down"
}

/// The error with its chain of causes. Our URLs carry no secrets (credentials travel in headers and bodies).
fn describe(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        source = inner.source();
    }
    s
}

async fn read_body(mut resp: reqwest::Response) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > MAX_BODY {
            return Err(format!("the body is larger than {} KiB", MAX_BODY / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// `Retry-After` in seconds (or an HTTP date, which we do not parse: treated as absent), else
/// the time to `X-RateLimit-Reset`.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |n: &str| {
        headers
            .get(n)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(secs) = get("retry-after").and_then(|v| v.parse::<f64>().ok()) {
        return Some(Duration::from_secs_f64(secs.clamp(0.0, 86_400.0)));
    }
    let reset = get("x-ratelimit-reset")?.parse::<i64>().ok()?;
    let now = crate::time::now_unix();
    (reset > now).then(|| Duration::from_secs((reset - now) as u64))
}

/// A number in [0, 1) from a process-wide xorshift generator seeded by the clock; jitter only.
fn random_unit() -> f64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static STATE: AtomicU64 = AtomicU64::new(0);
    let mut x = STATE.load(Ordering::Relaxed);
    if x == 0 {
        x = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(1)
            | 1;
    }
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    STATE.store(x, Ordering::Relaxed);
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// HTTP Basic `client_id:secret`, as a header value marked sensitive (never logged by the
/// HTTP stack).
pub fn basic_auth(client_id: &str, secret: &Secret) -> HeaderValue {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{client_id}:{}", secret.expose()));
    let mut v =
        HeaderValue::from_str(&format!("Basic {encoded}")).unwrap_or_else(|_| HeaderValue::from_static("Basic"));
    v.set_sensitive(true);
    v
}

pub fn bearer(token: &Secret) -> HeaderValue {
    let mut v = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .unwrap_or_else(|_| HeaderValue::from_static("Bearer"));
    v.set_sensitive(true);
    v
}

/// `application/x-www-form-urlencoded` encoding of one value.
pub fn form_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        assert!(Endpoints::new("https://auth.greenhouse.io", "https://harvest.greenhouse.io").is_ok());
        assert!(Endpoints::new("http://127.0.0.1:8080", "http://localhost:1").is_ok());
        assert!(Endpoints::new("http://[::1]:8080", "http://127.0.0.2:1").is_ok());
        assert!(Endpoints::new("http://auth.greenhouse.io", DEFAULT_BASE_URL).is_err());
        assert!(Endpoints::new("http://10.0.0.1", DEFAULT_BASE_URL).is_err());
        assert!(Endpoints::new("https://user:pw@auth.greenhouse.io", DEFAULT_BASE_URL).is_err());
        assert!(Endpoints::new("ftp://x", DEFAULT_BASE_URL).is_err());
    }

    #[test]
    fn join_keeps_a_base_path() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            Endpoints::join(&base, "/v3/jobs").as_str(),
            "http://127.0.0.1:9/prefix/v3/jobs"
        );
    }

    #[test]
    fn form_encoding() {
        assert_eq!(form_encode("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = Patience {
            backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(400),
            ..Patience::default()
        };
        let _ = rustls::crypto::ring::default_provider().install_default();
        let c = Client {
            http: reqwest::Client::new(),
            endpoints: Endpoints::new(DEFAULT_AUTH_URL, DEFAULT_BASE_URL).unwrap(),
            patience: p,
        };
        for _ in 0..50 {
            let d0 = c.backoff(0);
            assert!(d0 >= Duration::from_millis(50) && d0 <= Duration::from_millis(100));
            let d5 = c.backoff(5);
            assert!(d5 >= Duration::from_millis(200) && d5 <= Duration::from_millis(400));
        }
    }
}
