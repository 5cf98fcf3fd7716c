//! One credential, live: read its grants from Greenhouse, compare them, optionally probe.

use crate::check::{self, CheckResult, Policy};
use crate::greenhouse::{self, Client, LiveCredential, LiveError, RateBudget};
use crate::profile::{Perm, Profile};

/// At most this many probe requests per credential (there are 74 list endpoints).
pub const DEFAULT_PROBE_LIMIT: usize = 80;

pub async fn check_live(
    client: &Client,
    cred: &LiveCredential,
    profiles: &[&Profile],
    policy: &Policy,
    probe_limit: Option<usize>,
) -> Result<CheckResult, LiveError> {
    // Each credential has its own rate budget, shared by all of its requests.
    let budget = RateBudget::default();
    let live = greenhouse::read_grants(client, cred, &budget).await?;
    let mut result = check::check(&cred.name, profiles, &live.grants, policy);
    if let Some(limit) = probe_limit {
        let mut scopes: Vec<(crate::catalog::ScopeId, bool)> = Vec::new();
        if let Some((_, entries)) = live.grants.entries() {
            scopes.extend(entries.iter().filter_map(|e| {
                if let Perm::V3(s) = e.perm {
                    Some((s, true))
                } else {
                    None
                }
            }));
        }
        // Reads the profiles need but the token lacks: does Greenhouse agree they are missing?
        for f in &result.findings {
            if f.kind == crate::finding::Kind::Missing
                && let Some(Perm::V3(s)) = f.permission
                && !scopes.iter().any(|(id, _)| *id == s)
            {
                scopes.push((s, false));
            }
        }
        let report = greenhouse::probe(client, cred, &live.token, &scopes, limit, &budget).await?;
        check::apply_probe(&mut result, &report);
    }
    Ok(result)
}

/// The async runtime for live commands: two workers (the machine has two cores), started
/// only by commands that go live.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
}
