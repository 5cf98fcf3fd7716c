//! What the server plays: credentials, their faults, and the server-wide switches. Every type
//! reads from JSON (the binary's config file); every field has a default, so tests write
//! `Config { credentials, ..Config::default() }` and `Behavior { token_429s: 1, ..Behavior::default() }`.

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
    /// Seconds in `Retry-After` on those 429s (default 1).
    pub retry_after: Option<u64>,
    /// Sent verbatim as `Retry-After` on the token 429s instead of `retry_after`: `"NaN"`, `"-1"`,
    /// `"Wed, 21 Oct 2015 07:28:00 GMT"`, `"99999999999999999999"`...
    pub retry_after_raw: Option<String>,
    /// Answer this many token requests with 503 first.
    pub token_5xx: u32,
    /// Delay every response to this credential by this many milliseconds.
    pub delay_ms: u64,
    /// Never answer the token request (the connection is held open for 300 s).
    pub token_hang: bool,
    /// The token endpoint answers `307 Temporary Redirect` with this `Location` (`{base}` in it
    /// becomes the server's own URL, so a client that follows shows up in `seen()`).
    pub token_redirect: Option<String>,
    /// The token response is not JSON.
    pub token_malformed: bool,
    /// The raw body of a 200 token answer. Every `{token}` in it becomes a freshly issued
    /// access token, registered like any other, so the rest of the flow works.
    pub token_body: Option<String>,
    pub introspection: Introspection,
    /// The raw body of a 200 introspection answer, whatever token is asked about
    /// (`{"active": "true", ...}`, `{"active": 1}`, no `active`, `"scp": ["a", 7]`...).
    pub introspection_body: Option<String>,
    /// Put a `scope` claim in the JWT.
    pub jwt_scope_claim: bool,
    /// Probes of these scopes' list endpoints get 403 although the token claims them
    /// (a `sub` user who is not a Site Admin).
    pub refused: Vec<String>,
    /// Probes of these scopes' list endpoints get 200 although the token lacks them.
    pub also_allowed: Vec<String>,
    /// Echo the client secret in error bodies (a misbehaving server; grantlint must scrub it).
    pub echo_secret: bool,
    /// The body of every error answer (status 400 and up) for this credential, verbatim, in
    /// place of the server's JSON: token_status, 429, 5xx, 401, 403, probe_status answers...
    /// Control characters and ANSI escapes welcome.
    pub error_body: Option<String>,
    /// Headers added to every answer for this credential, replacing any the server would send
    /// under the same name (`X-RateLimit-Reset: NaN`, `X-RateLimit-Remaining: -5`).
    /// `Content-Length`, `Connection` and `Transfer-Encoding` are the server's own and ignored here.
    pub extra_headers: Vec<(String, String)>,
    /// Every `GET /v3/*` with this credential's token answers this status (404, 500, ...).
    pub probe_status: Option<u16>,
    /// Every `GET /v3/*` with this credential's token closes the connection without an answer.
    pub probe_drop: bool,
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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub credentials: Vec<Credential>,
    /// Added to every response, in milliseconds (benchmarks: a fixed per-request latency).
    pub latency_ms: u64,
    /// Requests per credential per `rate_window_secs` window, counted over the token,
    /// introspection and `/v3` endpoints; `X-RateLimit-Limit`, `-Remaining` and `-Reset` (Unix
    /// seconds) on every answer; 429 with `Retry-After` past it.
    pub rate_limit: Option<u64>,
    /// Length of the `rate_limit` window (default 30). A window opens with the credential's
    /// first request and closes `rate_window_secs` later.
    pub rate_window_secs: u64,
    /// Close every connection after one answer (HTTP/1.0 style) instead of keep-alive.
    pub close_connections: bool,
    /// A kept-alive connection that sends nothing for this long is closed (default 10 000).
    pub idle_timeout_ms: u64,
    /// Serve `POST`/`PUT`/`PATCH`/`DELETE /v3/*` (201/200/204) for a token whose credential holds
    /// a non-list scope of that resource, 403 otherwise. Off (the default): every write is 405.
    pub serve_writes: bool,
    /// The Audit Log's events (`GET /events`), in any order; served newest first by `event_time`.
    pub audit_events: Vec<serde_json::Value>,
    pub audit: AuditBehavior,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            credentials: Vec::new(),
            latency_ms: 0,
            rate_limit: None,
            rate_window_secs: 30,
            close_connections: false,
            idle_timeout_ms: 10_000,
            serve_writes: false,
            audit_events: Vec::new(),
            audit: AuditBehavior::default(),
        }
    }
}

/// How the Audit Log API (`GET /events`) pages and limits. Defaults are Greenhouse's documented
/// ones (reference/auditlog.md §1.1).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditBehavior {
    /// Events per page when the client sends no `Size` header or `size` parameter (default 100).
    /// Any value (e.g. 2, to page through a few events); a client's own size must be 100–500.
    pub page_size: usize,
    /// Pages never hold more than this, whatever size the client asks (to force a chain of pages
    /// on a client that always asks for 500). `paging.size` reports the size used.
    pub page_size_cap: Option<usize>,
    /// After this many pages of one point in time (the first page included), the next request
    /// with its `Pit-Id` answers 422 `{"message": "The Pit_Id has expired. Remove it from the
    /// subsequent search."}`. An unknown `Pit-Id` answers the same.
    pub pit_expire_after_pages: Option<u32>,
    /// Paginated requests (`paging=true`) per `paginated_window_secs` (default 3 per 30 s); the
    /// next one in the window answers 429 without any `X-RateLimit-*` header.
    pub paginated_limit: u32,
    pub paginated_window_secs: u64,
    /// Requests per `overall_window_secs` (default 50 per 10 s), reported in `X-RateLimit-Limit`
    /// and `X-RateLimit-Remaining` on every answer but a 429; past it, 429 without them.
    pub overall_limit: u32,
    pub overall_window_secs: u64,
    /// The first N authenticated requests answer 429 without rate headers.
    pub force_429s: u32,
    /// `Retry-After` seconds on the Audit Log's 429s. Greenhouse documents none (the default).
    pub retry_after: Option<u64>,
    /// A broken or hostile server: every page with results says this as its
    /// `paging.next_search_after` (`[1]`, a 2 KB string, a cursor that never moves...).
    pub next_search_after: Option<serde_json::Value>,
}

impl Default for AuditBehavior {
    fn default() -> AuditBehavior {
        AuditBehavior {
            page_size: 100,
            page_size_cap: None,
            pit_expire_after_pages: None,
            paginated_limit: 3,
            paginated_window_secs: 30,
            overall_limit: 50,
            overall_window_secs: 10,
            force_429s: 0,
            retry_after: None,
            next_search_after: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_is_the_default() {
        let c: Result<Config, _> = serde_json::from_str("{}");
        let c = c.map_err(|e| e.to_string());
        assert!(
            matches!(&c, Ok(c) if c.rate_window_secs == 30 && c.audit.paginated_limit == 3),
            "{c:?}"
        );
    }

    #[test]
    fn behavior_reads_tuples_for_headers() {
        let b: Result<Behavior, _> = serde_json::from_str(r#"{"extra_headers": [["X-RateLimit-Reset", "NaN"]]}"#);
        assert_eq!(
            b.map(|b| b.extra_headers).ok(),
            Some(vec![("X-RateLimit-Reset".to_string(), "NaN".to_string())])
        );
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(serde_json::from_str::<Config>(r#"{"audit": {"page_sise": 2}}"#).is_err());
    }
}
