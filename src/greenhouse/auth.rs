//! Token and introspection: what a live credential grants.

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;

use super::client::{Client, Response, form};
use super::endpoint::Endpoints;
use super::rate::RateBudget;
use crate::catalog;
use crate::error::LiveError;
use crate::input::grants::{GrantState, Grants, GrantsSource};
use crate::input::secrets::LiveCredential;
use crate::input::token::{Claims, active_state, jwt_claims, scope_claim};
use crate::secret::Secret;

/// Which answer the grants were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Introspection,
    TokenClaims,
}

/// What a live read found.
pub struct LiveGrants {
    pub grants: Grants,
    pub source: TokenSource,
    /// The access token, for the probe. Never printed.
    pub token: Secret,
}

/// Why introspection gave no scopes, so the token's own claims were read instead.
enum NoIntrospection {
    /// Introspection answered, but with no scope field.
    NoScopeField,
    NotJson,
    Status(StatusCode),
    /// The request itself failed (already scrubbed of secrets).
    Failed(String),
}

impl fmt::Display for NoIntrospection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoIntrospection::NoScopeField => f.write_str("the introspection response has no scope field"),
            NoIntrospection::NotJson => f.write_str("the introspection response is not a JSON object"),
            NoIntrospection::Status(s) => write!(f, "introspection answered {s}"),
            NoIntrospection::Failed(message) => f.write_str(message),
        }
    }
}

/// Mint a client-credentials token, then read its scopes by introspection, falling back to
/// the JWT's own claims. The result says which source was used and when.
pub async fn read_grants(client: &Client, cred: &LiveCredential, budget: &RateBudget) -> Result<LiveGrants, LiveError> {
    let token = mint_token(client, cred, budget).await?;
    match introspect(client, cred, &token, budget).await? {
        Ok(claims) => {
            let url = Endpoints::join(&client.endpoints.auth, "introspect");
            let origin = format!("live: introspection at {url}");
            let mut grants = Grants::from_claims(
                &claims,
                GrantsSource::Live,
                origin,
                "the introspection response",
                client.clock.now(),
            );
            grants.credential = Some(cred.name.clone());
            Ok(LiveGrants {
                grants,
                source: TokenSource::Introspection,
                token,
            })
        }
        Err(why) => Ok(from_token_claims(client, cred, token, &why)),
    }
}

/// Introspect the token: its claims when they include scopes, else why not. An inactive
/// token is an error: Greenhouse just issued it.
async fn introspect(
    client: &Client,
    cred: &LiveCredential,
    token: &Secret,
    budget: &RateBudget,
) -> Result<Result<Claims, NoIntrospection>, LiveError> {
    let url = Endpoints::join(&client.endpoints.auth, "introspect");
    let what = format!("introspection for `{}`", cred.name);
    let body = form(&[("token", token.expose()), ("token_type_hint", "access_token")]);
    let answer = client
        .send(&what, budget, &url, |http, url| {
            http.post(url)
                .basic_auth(&cred.client_id, Some(cred.secret.expose()))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
        })
        .await;
    let resp = match answer {
        Ok(resp) if resp.status.is_success() => resp,
        Ok(resp) => return Ok(Err(NoIntrospection::Status(resp.status))),
        Err(e) => {
            return Ok(Err(NoIntrospection::Failed(
                token.scrub(&cred.secret.scrub(&e.message)),
            )));
        }
    };
    let Ok(claims) = serde_json::from_str::<Claims>(&resp.body) else {
        return Ok(Err(NoIntrospection::NotJson));
    };
    if let Err(why) = active_state(&claims) {
        return Err(LiveError::new(
            format!(
                "{what}: the introspection answer for the token Greenhouse just issued to `{}` does not make it active: {why}",
                cred.name
            ),
            "only `\"active\": true` means an active token; the credential may have been revoked or its scopes removed in Dev Center, or --auth-url points at a server that does not speak RFC 7662",
        ));
    }
    if scope_claim(&claims).is_none() {
        return Ok(Err(NoIntrospection::NoScopeField));
    }
    Ok(Ok(claims))
}

/// The grants the JWT itself claims, with a caveat saying why introspection was not used.
fn from_token_claims(client: &Client, cred: &LiveCredential, token: Secret, why: &NoIntrospection) -> LiveGrants {
    let token_url = Endpoints::join(&client.endpoints.auth, "token");
    let origin = format!("live: token claims from {token_url}");
    let read_at = client.clock.now();
    let mut grants = match jwt_claims(token.expose()) {
        Ok(claims) => Grants::from_claims(&claims, GrantsSource::Live, origin, "the access token", read_at),
        Err(problem) => {
            let mut g = Grants::from_claims(&Claims::new(), GrantsSource::Live, origin, "the access token", read_at);
            g.state = GrantState::Unknown {
                reason: format!("the access token is not a readable JWT ({problem})"),
            };
            g
        }
    };
    grants.credential = Some(cred.name.clone());
    grants.caveats.insert(
        0,
        format!("introspection unavailable ({why}); scopes read from the token's own claims, signature not verified"),
    );
    LiveGrants {
        grants,
        source: TokenSource::TokenClaims,
        token,
    }
}

/// A client-credentials token for `cred`.
pub async fn mint_token(client: &Client, cred: &LiveCredential, budget: &RateBudget) -> Result<Secret, LiveError> {
    let url = Endpoints::join(&client.endpoints.auth, "token");
    let mut pairs = vec![("grant_type", "client_credentials")];
    if let Some(sub) = &cred.sub {
        pairs.push(("sub", sub.as_str()));
    }
    let body = form(&pairs);
    let what = format!("token request for `{}`", cred.name);
    let resp = client
        .send(&what, budget, &url, |http, url| {
            http.post(url)
                .basic_auth(&cred.client_id, Some(cred.secret.expose()))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
        })
        .await?;
    token_from(&resp, cred, &what)
}

/// The access token of a token response, or what went wrong, in words.
fn token_from(resp: &Response, cred: &LiveCredential, what: &str) -> Result<Secret, LiveError> {
    let said = cred.secret.scrub_basic(&cred.client_id, &greenhouse_said(&resp.body));
    let who = format!("credential `{}` (client id `{}`)", cred.name, cred.client_id);
    match resp.status {
        s if s.is_success() => {
            let v: serde_json::Value = serde_json::from_str(&resp.body).map_err(|_| {
                LiveError::new(
                    format!("{what}: the token response is not JSON"),
                    "check that --auth-url points at Greenhouse's auth server",
                )
            })?;
            match v.get("access_token").and_then(|t| t.as_str()) {
                Some(t) if !t.trim().is_empty() => Ok(Secret::new(t.trim())),
                _ => Err(LiveError::new(
                    format!("{what}: the token response has no access_token"),
                    "check that --auth-url points at Greenhouse's auth server",
                )),
            }
        }
        StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED => Err(LiveError::new(
            format!(
                "authentication failed for {who}: Greenhouse answered {}{said}",
                resp.status
            ),
            auth_help(cred),
        )),
        StatusCode::FORBIDDEN => Err(LiveError::new(
            format!("Greenhouse refused a token for {who}: {}{said}", resp.status),
            "the credential may be revoked or restricted to trusted IP addresses (Dev Center > API Credentials); \
             with a sub, the user must exist and be allowed to act for the integration",
        )),
        other => Err(LiveError::new(
            format!("{what}: unexpected answer {other}{said}"),
            "check that --auth-url points at Greenhouse's auth server",
        )),
    }
}

fn auth_help(cred: &LiveCredential) -> String {
    let mut help =
        "check the client id, and that the client secret is the current one (a rotated secret stops working at once)"
            .to_string();
    if let Some(sub) = &cred.sub {
        help.push_str(&format!("; check that user {sub} (the sub) exists and is a Site Admin"));
    }
    help
}

/// What an error body says, in RFC 6749 (`error`, `error_description`) or Greenhouse
/// (`message`) shape, shortened; empty when it says nothing readable.
pub(super) fn greenhouse_said(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(|s| catalog::shorten(s.trim()));
    let parts: Vec<String> = [field("error"), field("error_description"), field("message")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!(" ({})", parts.join(": "))
    }
}
