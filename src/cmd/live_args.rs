//! Turning `LiveArgs` (and a config's settings) into a client.

use std::time::Duration;

use crate::cli::LiveArgs;
use crate::diag::Error;
use crate::greenhouse::{Client, DEFAULT_AUTH_URL, DEFAULT_BASE_URL, Endpoints, LiveError, Patience};

/// Flag (or its environment variable) > config > default.
pub fn client(args: &LiveArgs, config_auth: Option<&str>, config_base: Option<&str>) -> Result<Client, Error> {
    let auth = args.auth_url.as_deref().or(config_auth).unwrap_or(DEFAULT_AUTH_URL);
    let base = args.base_url.as_deref().or(config_base).unwrap_or(DEFAULT_BASE_URL);
    let endpoints = Endpoints::new(auth, base).map_err(Error::Usage)?;
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 600.0) {
        return Err(Error::Usage("--timeout must be between 0 and 600 seconds".into()));
    }
    if args.retries > 10 {
        return Err(Error::Usage("--retries must be at most 10".into()));
    }
    let patience = Patience {
        timeout: Duration::from_secs_f64(args.timeout),
        retries: args.retries,
        ..Patience::default()
    };
    Client::new(endpoints, patience).map_err(live_error)
}

pub fn live_error(e: LiveError) -> Error {
    Error::Live {
        message: e.message,
        help: e.help,
    }
}

/// The async runtime of a live command.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    crate::live::runtime().map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))
}
