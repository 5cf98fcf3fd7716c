//! The HTTP client: one attempt at a request, classified; retries with exponential backoff
//! and jitter (backon) on 429, 5xx, timeouts and connection errors, honouring `Retry-After`
//! and the credential's rate budget; errors that say what was asked and what to check.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::StatusCode;

use reqwest::Url;

use super::endpoint::{Endpoints, is_loopback};
use super::rate::{RateBudget, retry_after};
use crate::error::LiveError;
use crate::input::clock::Clock;

/// How long to wait for Greenhouse, and how often to try again.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Per request, connect to last byte.
    pub timeout: Duration,
    /// Retries after the first attempt, on 429, 5xx, timeouts and connection errors.
    pub retries: u32,
    /// First backoff step; doubles per retry (with jitter: between half and all of it), up
    /// to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
    /// The longest single wait grantlint accepts from `Retry-After` or a rate-limit reset.
    pub max_wait: Duration,
    /// The largest body read: larger ones are not Greenhouse answering a token, introspection
    /// or a one-record list request (an Audit Log page may be larger).
    pub max_body: usize,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            timeout: Duration::from_secs(15),
            retries: 4,
            backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_wait: Duration::from_secs(60),
            max_body: 1024 * 1024,
        }
    }
}

/// An HTTP client bound to one Greenhouse, shared by every credential of a run.
#[derive(Clone)]
pub struct Client {
    /// For HTTPS: honours `HTTPS_PROXY`, `ALL_PROXY` and `NO_PROXY`, as corporate networks
    /// need.
    proxied: reqwest::Client,
    /// For loopback: never through a proxy (`HTTP_PROXY` would see the Basic header of a
    /// plain-HTTP request in clear).
    direct: reqwest::Client,
    pub endpoints: Endpoints,
    pub policy: RetryPolicy,
    /// The clock of reports (`read_at`); rate-limit waits use the system clock.
    pub clock: Clock,
}

/// A response worth reading: its status and body (at most `MAX_BODY`). No `Debug`: a body
/// may hold a token.
pub struct Response {
    pub status: StatusCode,
    pub body: String,
}

/// Why one attempt did not give an answer worth returning.
enum Failed {
    /// 429 or 5xx: worth another try, after the server's `Retry-After` if it gave one.
    Retryable {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// No answer: a timeout, a refused connection, a broken transfer.
    Network { kind: String, detail: String },
    /// Give up now with this error.
    Fatal(LiveError),
}

impl Client {
    pub fn new(endpoints: Endpoints, policy: RetryPolicy, clock: Clock) -> Result<Client, LiveError> {
        // reqwest is built without a bundled crypto provider; grantlint uses ring.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Redirects are never followed: a redirect must not carry the credentials elsewhere.
        let builder = || {
            reqwest::Client::builder()
                .timeout(policy.timeout)
                .connect_timeout(policy.timeout)
                .redirect(reqwest::redirect::Policy::none())
                .user_agent(concat!("grantlint/", env!("CARGO_PKG_VERSION")))
        };
        let build = |b: reqwest::ClientBuilder| {
            b.build().map_err(|e| {
                LiveError::new(
                    format!("cannot start the HTTP client: {e}"),
                    "this is a bug in grantlint",
                )
            })
        };
        Ok(Client {
            proxied: build(builder())?,
            direct: build(builder().no_proxy())?,
            endpoints,
            policy,
            clock,
        })
    }

    /// The HTTP client for a URL: loopback goes direct, everything else as the environment's
    /// proxy settings say.
    fn http_for(&self, url: &Url) -> &reqwest::Client {
        if is_loopback(url) { &self.direct } else { &self.proxied }
    }

    /// Send a request to `url` built by `build` (called again for each attempt), retrying
    /// what is worth retrying. `what` names the request in errors ("token request for
    /// seekout-prod").
    pub async fn send(
        &self,
        what: &str,
        budget: &RateBudget,
        url: &Url,
        build: impl Fn(&reqwest::Client, Url) -> reqwest::RequestBuilder,
    ) -> Result<Response, LiveError> {
        let http = self.http_for(url);
        let request = || build(http, url.clone());
        let attempts = AtomicU32::new(0);
        // backon's jitter adds up to one more step; half steps give "between half and all".
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.policy.backoff / 2)
            .with_max_delay(self.policy.max_backoff / 2)
            .with_max_times(self.policy.retries as usize)
            .with_jitter();
        let result = (|| async {
            let attempt = attempts.fetch_add(1, Ordering::Relaxed);
            self.attempt(what, budget, &request, attempt).await
        })
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|f: &Failed| !matches!(f, Failed::Fatal(_)))
        .adjust(|f: &Failed, next: Option<Duration>| match f {
            Failed::Retryable {
                retry_after: Some(wait),
                ..
            } => next.map(|_| *wait),
            _ => next,
        })
        .await;
        result.map_err(|f| give_up(what, f, attempts.load(Ordering::Relaxed)))
    }

    /// One attempt: wait out a spent rate budget, send, and classify what came back.
    async fn attempt(
        &self,
        what: &str,
        budget: &RateBudget,
        request: &impl Fn() -> reqwest::RequestBuilder,
        attempt: u32,
    ) -> Result<Response, Failed> {
        let wait = budget.wait(jiff::Timestamp::now());
        if wait > self.policy.max_wait {
            return Err(Failed::Fatal(LiveError::new(
                format!(
                    "{what}: the rate-limit window resets in {}s, longer than grantlint waits",
                    wait.as_secs()
                ),
                "run again later, or lower the concurrency of the audit",
            )));
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        budget.spend();
        let resp = request()
            .send()
            .await
            .map_err(|e| network_failure(&e, self.policy.timeout))?;
        let status = resp.status();
        budget.update(resp.headers());
        if status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let retry_after = retry_after(resp.headers(), jiff::Timestamp::now());
            if let Some(d) = retry_after
                && d > self.policy.max_wait
                && attempt < self.policy.retries
            {
                return Err(Failed::Fatal(LiveError::new(
                    format!(
                        "{what}: Greenhouse asks to retry in {}s, longer than grantlint waits",
                        d.as_secs()
                    ),
                    "run again later",
                )));
            }
            return Err(Failed::Retryable { status, retry_after });
        }
        let body = read_body(resp, self.policy.max_body).await.map_err(|e| {
            Failed::Fatal(LiveError::new(
                format!("{what}: the response could not be read: {e}"),
                NETWORK_HELP,
            ))
        })?;
        Ok(Response { status, body })
    }
}

/// The error after the last attempt.
fn give_up(what: &str, failed: Failed, attempts: u32) -> LiveError {
    match failed {
        Failed::Fatal(e) => e,
        Failed::Retryable { status, .. } => LiveError::new(
            format!("{what}: Greenhouse answered {status} {attempts} times in a row"),
            if status == StatusCode::TOO_MANY_REQUESTS {
                "the credential's rate limit is spent; run again later or lower the audit's concurrency"
            } else {
                "Greenhouse is failing; check https://status.greenhouse.io and run again later"
            },
        ),
        Failed::Network { kind, detail } => {
            LiveError::new(format!("{what}: {kind} ({attempts} attempts): {detail}"), NETWORK_HELP)
        }
    }
}

const NETWORK_HELP: &str = "check the network and the --auth-url / --base-url addresses; Greenhouse may be down";

fn network_failure(e: &reqwest::Error, timeout: Duration) -> Failed {
    let kind = if e.is_timeout() {
        format!("no answer within {}s", timeout.as_secs_f32())
    } else if e.is_connect() {
        "cannot connect".to_string()
    } else {
        "the request failed".to_string()
    };
    Failed::Network {
        kind,
        detail: describe(e),
    }
}

/// The error with its chain of causes. Our URLs carry no secrets (credentials travel in
/// headers and bodies).
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

async fn read_body(mut resp: reqwest::Response, max: usize) -> Result<String, String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| describe(&e))? {
        if body.len() + chunk.len() > max {
            return Err(format!("the body is larger than {} KiB", max / 1024));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// `application/x-www-form-urlencoded` pairs.
pub fn form(pairs: &[(&str, &str)]) -> String {
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_encoding() {
        assert_eq!(
            form(&[("token", "a b&c=d/é"), ("x", "1")]),
            "token=a+b%26c%3Dd%2F%C3%A9&x=1"
        );
    }
}
