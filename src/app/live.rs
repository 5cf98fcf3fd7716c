//! Turning `LiveArgs` (and a config's settings) into a client.

use std::time::Duration;

use crate::cli::LiveArgs;
use crate::error::Error;
use crate::greenhouse::endpoint::{self, DEFAULT_AUTH_URL, DEFAULT_BASE_URL, Endpoints};
use crate::greenhouse::{Client, RetryPolicy};
use crate::input::clock::Clock;

/// Flag (or its environment variable) > config > default.
pub fn client(
    args: &LiveArgs,
    config_auth: Option<&str>,
    config_base: Option<&str>,
    clock: Clock,
) -> Result<Client, Error> {
    let auth = args.auth_url.as_deref().or(config_auth).unwrap_or(DEFAULT_AUTH_URL);
    let base = args.base_url.as_deref().or(config_base).unwrap_or(DEFAULT_BASE_URL);
    let vet = |raw: &str, flag: &str| endpoint::vet(raw).map_err(|p| Error::Usage(p.describe(flag)));
    let endpoints = Endpoints {
        auth: vet(auth, "--auth-url")?,
        base: vet(base, "--base-url")?,
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 600.0) {
        return Err(Error::Usage("--timeout must be between 0 and 600 seconds".into()));
    }
    if args.retries > 10 {
        return Err(Error::Usage("--retries must be at most 10".into()));
    }
    let policy = RetryPolicy {
        timeout: Duration::from_secs_f64(args.timeout),
        retries: args.retries,
        ..RetryPolicy::default()
    };
    Ok(Client::new(endpoints, policy, clock)?)
}
