//! The live Greenhouse client: endpoint vetting, the client-credentials token,
//! introspection (with a fallback to the JWT's own claims), the read-only probe, retries and
//! the rate budget of each credential. Every request has a timeout; 429 and 5xx are retried;
//! 401 and 403 are not.

pub mod auditlog;
pub mod auth;
pub mod client;
pub mod endpoint;
pub mod probe;
pub mod rate;

pub use auth::{LiveGrants, TokenSource, read_grants};
pub use client::{Client, RetryPolicy};
pub use endpoint::{DEFAULT_AUTH_URL, DEFAULT_BASE_URL, Endpoints};
pub use probe::{list_endpoint, probe};
pub use rate::RateBudget;
