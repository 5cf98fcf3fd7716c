#![forbid(unsafe_code)]
//! A server that plays Greenhouse on 127.0.0.1, for grantlint's tests and benchmarks. It binds
//! loopback only and talks plain HTTP/1.1 with keep-alive (one thread per connection).
//!
//! # Endpoints
//! | request | answer |
//! |---|---|
//! | `POST /token` | OAuth 2.0 client credentials: HTTP Basic `client_id:secret`, form `grant_type=client_credentials` (and `sub`); a JWT access token |
//! | `POST /introspect` | RFC 7662: Basic auth, form `token=...`; `{"active": true, "scope": "a b c"}` |
//! | `GET /v3/{resource}[/{id}...]` | 200 with the resource's `harvest:{resource}:list` scope, else 403; 404 for a resource not in grantlint's catalog |
//! | `POST`/`PUT`/`PATCH`/`DELETE /v3/*` | 405 (grantlint never writes), or with [`Config::serve_writes`] 201/200/204 |
//! | `GET /events` | the Audit Log API: bearer token, filters, `Pit-Id`/`Search-After` pagination, its rate limits (the protocol as served: src/auditlog.rs) |
//! | `GET /health` | 200 `{"status": "ok"}` |
//!
//! # Faults it can play
//! Per credential ([`Behavior`]):
//! - token endpoint: a fixed status (`token_status`: 400/401 `invalid_client`, 403 `access_denied`),
//!   N answers of 429 (`token_429s`, with `Retry-After: retry_after`, or verbatim `retry_after_raw`
//!   such as `NaN`, `-1`, an HTTP-date, `99999999999999999999`), N answers of 503 (`token_5xx`),
//!   a hang (`token_hang`), a 307 redirect (`token_redirect`), a body that is not JSON
//!   (`token_malformed`), any raw body (`token_body`, with `{token}` for a real token), a JWT with
//!   or without a `scope` claim (`jwt_scope_claim`), the secret echoed in the error (`echo_secret`);
//! - introspection: scope as a string or an array, 404, no scope, inactive, not JSON
//!   (`introspection`), or any raw body (`introspection_body`);
//! - the API: probes refused although granted (`refused`, a non-admin `sub` user), allowed
//!   although not granted (`also_allowed`), every `GET /v3/*` answering one status (`probe_status`)
//!   or dropping the connection (`probe_drop`), the first token revoked (`reject_first_token`);
//! - every answer: a delay (`delay_ms`), extra headers (`extra_headers`, e.g.
//!   `X-RateLimit-Reset: NaN`), and a hostile body on every error (`error_body`: control
//!   characters, ANSI escapes).
//!
//! Server-wide ([`Config`]): a fixed latency (`latency_ms`), a per-credential rate budget with
//! `X-RateLimit-*` headers and 429s (`rate_limit` per `rate_window_secs`), one answer per
//! connection (`close_connections`), the idle timeout of kept-alive connections
//! (`idle_timeout_ms`), served writes (`serve_writes`), and the Audit Log's events and faults
//! (`audit_events`, [`AuditBehavior`]: page size, PIT expiry, the paginated and overall rate
//! limits, forced 429s).
//!
//! [`RecordingProxy`] is a forward proxy that records the first line of each connection and
//! answers 502, to see what a client sends through `HTTP_PROXY`/`HTTPS_PROXY`.
//!
//! Every request is recorded ([`Server::seen`]) with its headers, body, time and connection.

mod auditlog;
mod auth;
mod clock;
mod config;
mod harvest;
mod http;
mod proxy;
mod server;

pub use auditlog::PIT_EXPIRED;
pub use config::{AuditBehavior, Behavior, Config, Credential, Introspection};
pub use proxy::RecordingProxy;
pub use server::{Seen, Server};
