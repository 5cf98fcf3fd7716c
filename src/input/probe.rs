//! What `--probe` observed: one read of a list endpoint per scope. Produced by the live
//! client, compared with the token's claims by `check`.

use crate::catalog::ScopeId;

/// What one probe request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// 2xx: the endpoint answered.
    Allowed,
    /// 403: Greenhouse refused (scope missing, or the token's user lacks the permission).
    Refused,
    /// Anything else (404, 422, 5xx after retries, a network error): no conclusion.
    Inconclusive(u16),
}

/// One probed scope.
#[derive(Debug, Clone, Copy)]
pub struct Probed {
    pub scope: ScopeId,
    /// Whether the token claims the scope.
    pub claimed: bool,
    /// The list endpoint that was read.
    pub path: &'static str,
    pub outcome: ProbeOutcome,
}

#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    pub results: Vec<Probed>,
    /// Scopes not probed because the request budget ran out.
    pub skipped: usize,
}
