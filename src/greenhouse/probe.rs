//! `--probe`: confirm read scopes with one `GET` per list endpoint, `per_page=1&fields=id`.
//! Never a write, and the data that comes back is discarded unread.

use reqwest::StatusCode;

use super::client::Client;
use super::endpoint::Endpoints;
use super::rate::RateBudget;
use crate::catalog::{self, Effect, ScopeId};
use crate::error::LiveError;
use crate::input::probe::{ProbeOutcome, ProbeReport, Probed};
use crate::input::secrets::LiveCredential;
use crate::secret::Secret;

/// The list endpoint of a read scope: a GET without a path parameter.
pub fn list_endpoint(id: ScopeId) -> Option<&'static str> {
    let s = catalog::scope(id);
    if s.effect != Effect::Read {
        return None;
    }
    s.operations
        .iter()
        .find(|op| op.method == "GET" && !op.path.contains('{'))
        .map(|op| op.path)
}

/// Probe each scope in `scopes` (scope, claimed by the token) that has a list endpoint, at
/// most `limit` requests.
pub async fn probe(
    client: &Client,
    cred: &LiveCredential,
    token: &Secret,
    scopes: &[(ScopeId, bool)],
    limit: usize,
    budget: &RateBudget,
) -> Result<ProbeReport, LiveError> {
    let mut report = ProbeReport::default();
    // Some clients allow one active token at a time (harvest-v3.md section 2.1): a 401 is met
    // with one fresh token, once.
    let mut token = token.clone();
    let mut refreshed = false;
    for &(id, claimed) in scopes {
        let Some(path) = list_endpoint(id) else { continue };
        if report.results.len() >= limit {
            report.skipped += 1;
            continue;
        }
        let mut url = Endpoints::join(&client.endpoints.base, path);
        url.set_query(Some("per_page=1&fields=id"));
        let what = format!("probe of {path} for `{}`", cred.name);
        let outcome = loop {
            let current = token.clone();
            let resp = client
                .send(&what, budget, &url, |http, url| {
                    http.get(url).bearer_auth(current.expose())
                })
                .await;
            break match resp {
                Ok(r) if r.status.is_success() => ProbeOutcome::Allowed,
                Ok(r) if r.status == StatusCode::FORBIDDEN => ProbeOutcome::Refused,
                Ok(r) if r.status == StatusCode::UNAUTHORIZED && !refreshed => {
                    refreshed = true;
                    token = super::auth::mint_token(client, cred, budget).await?;
                    continue;
                }
                Ok(r) if r.status == StatusCode::UNAUTHORIZED => {
                    return Err(LiveError::new(
                        format!("{what}: Greenhouse rejected a freshly issued access token (401)"),
                        "the credential may have been revoked during the run; run again",
                    ));
                }
                Ok(r) => ProbeOutcome::Inconclusive(r.status.as_u16()),
                Err(_) => ProbeOutcome::Inconclusive(0),
            };
        };
        report.results.push(Probed {
            scope: id,
            claimed,
            path,
            outcome,
        });
    }
    Ok(report)
}
