//! Token and introspection: what a live credential grants.

use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};

use super::{Client, LiveError, RateBudget, basic_auth, form_encode};
use crate::grants::{GrantState, Grants, GrantsSource, jwt_claims, scope_claim};
use crate::secret::Secret;

/// A credential to read live.
#[derive(Debug, Clone)]
pub struct LiveCredential {
    /// The name in reports.
    pub name: String,
    /// Not a secret: Dev Center shows it.
    pub client_id: String,
    pub secret: Secret,
    /// Acting Greenhouse user id.
    pub sub: Option<String>,
}

/// Which answer the grants were read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenSource {
    Introspection,
    TokenClaims,
}

/// What a live read found.
#[derive(Debug)]
pub struct LiveGrants {
    pub grants: Grants,
    pub source: TokenSource,
    /// The access token, for the probe. Never printed.
    pub token: Secret,
}

/// Mint a client-credentials token, then read its scopes by introspection, falling back to
/// the JWT's own claims. The result says which source was used and when.
pub async fn read_grants(client: &Client, cred: &LiveCredential, budget: &RateBudget) -> Result<LiveGrants, LiveError> {
    let token = mint_token(client, cred, budget).await?;
    let introspect_url = super::Endpoints::join(&client.endpoints.auth, "introspect");
    let what = format!("introspection for `{}`", cred.name);
    let body = format!("token={}&token_type_hint=access_token", form_encode(token.expose()));
    let answer = client
        .send(&what, budget, |http| {
            http.post(introspect_url.clone())
                .header(AUTHORIZATION, basic_auth(&cred.client_id, &cred.secret))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
        })
        .await;
    let scrub = |s: &str| token.scrub(&cred.secret.scrub(s));
    let fallback_reason = match answer {
        Ok(resp) if resp.status.is_success() => {
            match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&resp.body) {
                Ok(claims) => {
                    if claims.get("active").and_then(|v| v.as_bool()) == Some(false) {
                        return Err(LiveError::new(
                            format!(
                                "{what}: Greenhouse says the token it just issued for `{}` is not active",
                                cred.name
                            ),
                            "the credential may have been revoked or its scopes removed in Dev Center",
                        ));
                    }
                    if scope_claim(&claims).is_some() {
                        let origin = format!("live: introspection at {introspect_url}");
                        let mut grants =
                            Grants::from_claims(&claims, GrantsSource::Live, origin, "the introspection response");
                        grants.credential = Some(cred.name.clone());
                        return Ok(LiveGrants {
                            grants,
                            source: TokenSource::Introspection,
                            token,
                        });
                    }
                    "the introspection response has no scope field".to_string()
                }
                Err(_) => "the introspection response is not a JSON object".to_string(),
            }
        }
        Ok(resp) => format!("introspection answered {}", resp.status),
        Err(e) => scrub(&e.message),
    };
    // Fall back to the JWT's own claims.
    let token_url = super::Endpoints::join(&client.endpoints.auth, "token");
    let origin = format!("live: token claims from {token_url}");
    let mut grants = match jwt_claims(token.expose()) {
        Ok(claims) => Grants::from_claims(&claims, GrantsSource::Live, origin, "the access token"),
        Err(why) => Grants {
            credential: None,
            source: GrantsSource::Live,
            origin,
            read_at: crate::time::now_rfc3339(),
            state: GrantState::Unknown {
                reason: format!("the access token is not a readable JWT ({why})"),
            },
            caveats: Vec::new(),
            unrecognized: Vec::new(),
            src: None,
        },
    };
    grants.credential = Some(cred.name.clone());
    grants.caveats.insert(
        0,
        format!("introspection unavailable ({fallback_reason}); scopes read from the token's own claims, signature not verified"),
    );
    Ok(LiveGrants {
        grants,
        source: TokenSource::TokenClaims,
        token,
    })
}

pub(super) async fn mint_token(
    client: &Client,
    cred: &LiveCredential,
    budget: &RateBudget,
) -> Result<Secret, LiveError> {
    let url = super::Endpoints::join(&client.endpoints.auth, "token");
    let mut body = String::from("grant_type=client_credentials");
    if let Some(sub) = &cred.sub {
        body.push_str("&sub=");
        body.push_str(&form_encode(sub));
    }
    let what = format!("token request for `{}`", cred.name);
    let resp = client
        .send(&what, budget, |http| {
            http.post(url.clone())
                .header(AUTHORIZATION, basic_auth(&cred.client_id, &cred.secret))
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body.clone())
        })
        .await?;
    let said = cred.secret.scrub(&greenhouse_said(&resp.body));
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
fn greenhouse_said(body: &str) -> String {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(body) else {
        return String::new();
    };
    let field = |k: &str| {
        v.get(k)
            .and_then(|x| x.as_str())
            .map(|s| crate::catalog::shorten(s.trim()))
    };
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
