//! `POST /token` (OAuth 2.0 client credentials), `POST /introspect` (RFC 7662), and bearer
//! tokens on the API: which credential a request comes from.

use std::sync::atomic::Ordering;

use base64::Engine as _;
use serde_json::json;

use crate::clock::now_secs;
use crate::config::Introspection;
use crate::http::{Answer, Request, form_field};
use crate::server::{Outcome, Routed, State, lock};

/// The credential whose `client_id:secret` is in the request's Basic `Authorization` header.
pub(crate) fn basic_client(state: &State, req: &Request) -> Option<usize> {
    let (scheme, value) = req.header("authorization")?.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(value.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    let i = state.by_client_id(id)?;
    (state.credential(i)?.secret == secret).then_some(i)
}

/// The credential of the request's bearer token, or the 401 to answer: no token, a token this
/// server never issued, or a first token that `reject_first_token` revoked.
pub(crate) fn bearer_client(state: &State, req: &Request) -> Result<usize, Routed> {
    let unauthorized = || Answer::message(401, "Unauthorized");
    let token = req.bearer().ok_or_else(|| Routed::anonymous(unauthorized()))?;
    let i = lock(&state.tokens)
        .get(token)
        .copied()
        .ok_or_else(|| Routed::anonymous(unauthorized()))?;
    let revoked = state.credential(i).is_some_and(|c| c.behavior.reject_first_token)
        && state
            .creds
            .get(i)
            .is_some_and(|c| lock(&c.first_token).as_deref() == Some(token));
    if revoked {
        return Err(Routed::to(i, unauthorized()));
    }
    Ok(i)
}

/// Take one from a fault counter; true while it lasts.
fn take_one(counter: &std::sync::atomic::AtomicU32) -> bool {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

pub(crate) fn token(state: &State, req: &Request) -> Routed {
    let Some(i) = basic_client(state, req) else {
        let said = match req.header("authorization") {
            Some(_) => "invalid_client",
            None => "invalid_request",
        };
        return Routed::anonymous(Answer::json(401, json!({ "error": said })));
    };
    let (Some(cred), Some(counters)) = (state.credential(i), state.creds.get(i)) else {
        return Routed::anonymous(Answer::message(500, "no such credential"));
    };
    let b = &cred.behavior;
    if b.token_hang {
        return Routed::outcome(i, Outcome::Hang);
    }
    if let Some(location) = &b.token_redirect {
        let location = location.replace("{base}", &state.base_url);
        return Routed::to(i, Answer::message(307, "moved").with_header("Location", location));
    }
    if let Some(status) = b.token_status {
        let error = if status == 403 {
            "access_denied"
        } else {
            "invalid_client"
        };
        let body = if b.echo_secret {
            json!({"error": error, "error_description": format!("bad secret {}", cred.secret)})
        } else {
            json!({ "error": error })
        };
        return Routed::to(i, Answer::json(status, body));
    }
    if take_one(&counters.token_429s) {
        let retry_after = match &b.retry_after_raw {
            Some(raw) => raw.clone(),
            None => b.retry_after.unwrap_or(1).to_string(),
        };
        return Routed::to(
            i,
            Answer::message(429, "Too many requests").with_header("Retry-After", retry_after),
        );
    }
    if take_one(&counters.token_5xx) {
        return Routed::to(i, Answer::message(503, "unavailable"));
    }
    if form_field(&req.body, "grant_type").as_deref() != Some("client_credentials") {
        return Routed::to(i, Answer::json(400, json!({"error": "unsupported_grant_type"})));
    }
    if b.token_malformed {
        return Routed::to(i, Answer::raw(200, "{\"access_token\": "));
    }
    let jwt = issue(state, i, form_field(&req.body, "sub"));
    let answer = match &b.token_body {
        Some(raw) => Answer::raw(200, raw.replace("{token}", &jwt)),
        None => Answer::json(
            200,
            json!({"access_token": jwt, "token_type": "Bearer", "expires_at": "2030-01-01T00:00:00+0000"}),
        ),
    };
    Routed::to(i, answer)
}

/// Mint and register an access token for credential `i`: an unsigned-looking JWT with `sub`,
/// `client_id`, `iat`, `exp`, `jti` (and `scope` with `jwt_scope_claim`).
fn issue(state: &State, i: usize, sub: Option<String>) -> String {
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    let (client_id, scopes, scope_claim) = state
        .credential(i)
        .map(|c| (c.client_id.as_str(), c.scopes.join(" "), c.behavior.jwt_scope_claim))
        .unwrap_or_default();
    let now = now_secs();
    let mut claims = json!({
        "sub": sub.unwrap_or_else(|| format!("service-{i}")),
        "client_id": client_id,
        "iat": now,
        "exp": now + 3600,
        "jti": format!("t{n}"),
    });
    if let (true, Some(map)) = (scope_claim, claims.as_object_mut()) {
        map.insert("scope".into(), scopes.into());
    }
    let enc = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let jwt = format!(
        "{}.{}.{}",
        enc(r#"{"alg":"RS256","typ":"JWT"}"#),
        enc(&claims.to_string()),
        enc(&format!("sig{n}"))
    );
    lock(&state.tokens).insert(jwt.clone(), i);
    if let Some(c) = state.creds.get(i) {
        lock(&c.first_token).get_or_insert_with(|| jwt.clone());
    }
    jwt
}

pub(crate) fn introspect(state: &State, req: &Request) -> Routed {
    let Some((i, cred)) = basic_client(state, req).and_then(|i| Some((i, state.credential(i)?))) else {
        return Routed::anonymous(Answer::json(401, json!({"error": "invalid_client"})));
    };
    if let Some(raw) = &cred.behavior.introspection_body {
        return Routed::to(i, Answer::raw(200, raw.clone()));
    }
    let known = form_field(&req.body, "token").and_then(|t| lock(&state.tokens).get(&t).copied());
    if known != Some(i) {
        return Routed::to(i, Answer::json(200, json!({"active": false})));
    }
    let answer = match cred.behavior.introspection {
        Introspection::ScopeString => Answer::json(
            200,
            json!({"active": true, "scope": cred.scopes.join(" "), "client_id": cred.client_id, "token_type": "Bearer"}),
        ),
        Introspection::ScopeArray => Answer::json(200, json!({"active": true, "scope": cred.scopes})),
        Introspection::NotFound => Answer::message(404, "not found"),
        Introspection::NoScope => Answer::json(200, json!({"active": true})),
        Introspection::Inactive => Answer::json(200, json!({"active": false})),
        Introspection::Malformed => Answer::raw(200, "<html>oops"),
    };
    Routed::to(i, answer)
}
