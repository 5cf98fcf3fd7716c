//! Tokens: a raw JWT access token (`--token`), decoded without verifying its signature, and
//! saved token or RFC 7662 introspection responses. The token itself is a secret: no message
//! ever quotes it.

use base64::Engine as _;
use jiff::Timestamp;
use serde::Deserialize;
use serde::de;

use super::Entry;
use super::grants::{GrantState, Grants, GrantsSource, UnknownScope};
use super::source::{Source, SourceError};
use super::spanned::Spanned;
use crate::catalog::{self, Api, Perm};
use crate::error::Error;
use crate::secret::Secret;

/// The claims of a token or an introspection response.
pub type Claims = serde_json::Map<String, serde_json::Value>;

/// What a scope claim holds: its scope strings, and any entry that is not a string (as
/// JSON), which grantlint reports rather than drops.
#[derive(Debug, Default)]
pub struct ScopeClaim {
    pub scopes: Vec<String>,
    pub unreadable: Vec<String>,
}

/// The scopes a token or introspection response claims: `scope` (space-separated string or
/// array), `scp` or `scopes`. `None` when there is no such claim.
pub fn scope_claim(claims: &Claims) -> Option<ScopeClaim> {
    ["scope", "scp", "scopes"].iter().find_map(|k| match claims.get(*k)? {
        serde_json::Value::String(s) => Some(ScopeClaim {
            scopes: s.split_whitespace().map(str::to_string).collect(),
            unreadable: Vec::new(),
        }),
        serde_json::Value::Array(a) => {
            let mut claim = ScopeClaim::default();
            for v in a {
                match v.as_str() {
                    Some(s) => claim.scopes.push(s.to_string()),
                    None => claim.unreadable.push(catalog::shorten(&v.to_string())),
                }
            }
            Some(claim)
        }
        _ => None,
    })
}

/// Whether an introspection response's `active` is the JSON boolean `true` (RFC 7662: only
/// then is the token active), and if not, what it is in words.
pub fn active_state(claims: &Claims) -> Result<(), String> {
    match claims.get("active") {
        Some(serde_json::Value::Bool(true)) => Ok(()),
        Some(serde_json::Value::Bool(false)) => Err("it says the token is not active".into()),
        None => Err("it has no `active` field".into()),
        Some(other) => Err(format!(
            "its `active` is {}, not the boolean true",
            catalog::shorten(&other.to_string())
        )),
    }
}

/// The claims of a JWT, decoded without verifying its signature. The error says why the text
/// is not a JWT and never quotes it.
pub fn jwt_claims(token: &str) -> Result<Claims, &'static str> {
    let mut parts = token.trim().split('.');
    let (Some(_header), Some(payload), Some(_sig), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err("wrong number of parts");
    };
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| "the payload is not base64url")?;
    serde_json::from_slice(&bytes).map_err(|_| "the payload is not a JSON object")
}

/// Resolve claimed scope strings: known ones become entries (duplicates ignored), the rest
/// are returned as unknown, each with the nearest known scope.
pub fn resolve_claimed(scopes: Vec<String>) -> (Vec<Entry>, Vec<UnknownScope>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut unknown: Vec<UnknownScope> = Vec::new();
    for s in scopes {
        claim_one(&s, None, &mut entries, &mut unknown);
    }
    (entries, unknown)
}

/// One claimed scope, at `at` in a file when it came from one.
fn claim_one(scope: &str, at: Option<usize>, entries: &mut Vec<Entry>, unknown: &mut Vec<UnknownScope>) {
    match catalog::scope_by_id(scope) {
        Some(id) => {
            let perm = Perm::V3(id);
            if !entries.iter().any(|e| e.perm == perm) {
                entries.push(Entry {
                    perm,
                    span: (at.unwrap_or(0), 0).into(),
                });
            }
        }
        None => {
            let text = catalog::shorten(scope);
            if !unknown.iter().any(|u| u.text == text) {
                let ids = catalog::same(catalog::scopes().iter().map(|s| s.id));
                let suggestion = catalog::suggest_within(scope, ids, 0.95);
                unknown.push(UnknownScope { text, suggestion, at });
            }
        }
    }
}

/// What a saved RFC 7662 introspection response or token response says (other fields are
/// ignored), read in the same pass as a grants file.
#[derive(Debug, Default)]
pub(super) struct TokenFields {
    active: Option<Spanned<Active>>,
    scope: Option<Spanned<ScopeField>>,
    scopes: Option<Spanned<ScopeField>>,
    scp: Option<Spanned<ScopeField>>,
    access_token: Option<Secret>,
    client_id: Option<String>,
}

/// `active` as written: the boolean `true`, or anything else (shown in the error).
#[derive(Debug)]
enum Active {
    True,
    Not(String),
}

impl<'de> Deserialize<'de> for Active {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Active;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Active, E> {
                Ok(if v { Active::True } else { Active::Not("false".into()) })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Active, E> {
                Ok(Active::Not(format!("the string {:?}", catalog::shorten(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Active, E> {
                Ok(Active::Not(format!("the number {v}")))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Active, E> {
                Ok(Active::Not(format!("the number {v}")))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Active, E> {
                Ok(Active::Not(format!("the number {v}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Active, E> {
                Ok(Active::Not("null".into()))
            }
        }
        d.deserialize_any(V)
    }
}

impl TokenFields {
    pub(super) fn is_key(key: &str) -> bool {
        matches!(
            key,
            "active" | "scope" | "scopes" | "scp" | "access_token" | "client_id"
        )
    }

    /// Read the value of one of [`TokenFields::is_key`]'s keys.
    pub(super) fn read_value<'de, A: de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<(), A::Error> {
        match key {
            "active" => self.active = Some(map.next_value()?),
            "scope" => self.scope = Some(map.next_value()?),
            "scopes" => self.scopes = Some(map.next_value()?),
            "scp" => self.scp = Some(map.next_value()?),
            "access_token" => self.access_token = map.next_value::<Option<LooseString>>()?.map(|s| Secret::new(s.0)),
            _ => self.client_id = map.next_value::<Option<LooseString>>()?.map(|s| s.0),
        }
        Ok(())
    }

    /// Whether any field of a response is there (`client_id` alone is not a response).
    pub(super) fn is_present(&self) -> bool {
        self.active.is_some()
            || self.scope.is_some()
            || self.scopes.is_some()
            || self.scp.is_some()
            || self.access_token.is_some()
    }
}

/// `scope` as a space-separated string or as an array of strings.
#[derive(Debug)]
enum ScopeField {
    Text(String),
    List(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for ScopeField {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = ScopeField;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a space-separated string of scopes or an array of scopes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ScopeField, E> {
                Ok(ScopeField::Text(v.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<ScopeField, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<Spanned<String>>()? {
                    items.push(s);
                }
                Ok(ScopeField::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A string, or a number written where a string was expected (client ids in the wild).
struct LooseString(String);

impl<'de> Deserialize<'de> for LooseString {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = LooseString;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LooseString, E> {
                Ok(LooseString(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LooseString, E> {
                Ok(LooseString(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LooseString, E> {
                Ok(LooseString(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Grants {
    /// A saved introspection response (its scope field) or token response (the scopes in its
    /// JWT's claims).
    pub(super) fn from_token_response(src: Source, raw: TokenFields, read_at: Timestamp) -> Result<Grants, Error> {
        if let Some(Spanned {
            value: Active::Not(what),
            span,
        }) = &raw.active
        {
            let message = if what == "false" {
                "the introspection response says the token is not active".to_string()
            } else {
                format!("the introspection response does not say the token is active: `active` is {what}, not true")
            };
            return Err(SourceError::at(&src, *span, message, "not active")
                .with_help("only `\"active\": true` means an active token; an expired or revoked token grants nothing, so introspect a fresh one")
                .into());
        }
        let mut grants = Grants::empty(GrantsSource::Introspection, src.name.clone(), read_at);
        grants.credential = raw.client_id;
        match (raw.scope.or(raw.scopes).or(raw.scp), raw.access_token) {
            (Some(field), _) => {
                let (entries, unknown) = scope_entries(&src, &field);
                grants.state = GrantState::Known {
                    api: Api::HarvestV3,
                    entries,
                };
                grants.unrecognized = unknown;
            }
            // A saved token response: the scopes, if any, are in the JWT's claims.
            (None, Some(token)) => {
                let from_jwt = Grants::from_jwt(token.expose(), &src.name, read_at)?;
                grants.source = GrantsSource::Token;
                grants.state = from_jwt.state;
                grants.caveats = from_jwt.caveats;
                grants.unrecognized = from_jwt.unrecognized;
                grants.unreadable = from_jwt.unreadable;
            }
            (None, None) => {
                grants.state = GrantState::Unknown {
                    reason: "the response has no `scope`, `scopes` or `scp` field".into(),
                };
            }
        }
        grants.src = Some(src);
        Ok(grants)
    }

    /// Decode a raw JWT access token (`--token`). The signature is not verified: grantlint
    /// only reads which scopes the token claims, and says so in its output.
    pub fn from_jwt(token: &str, origin: &str, read_at: Timestamp) -> Result<Grants, Error> {
        let claims = jwt_claims(token).map_err(|why| {
            Error::Usage(format!(
                "{origin}: not a JWT access token ({why}); a Harvest v3 access token is three base64url parts separated by dots"
            ))
        })?;
        Ok(Grants::from_claims(
            &claims,
            GrantsSource::Token,
            origin.to_string(),
            "the token",
            read_at,
        ))
    }

    /// Grants from a token's (or introspection response's) claims. `what` names the claims'
    /// holder in the reason when there is no scope claim.
    pub fn from_claims(
        claims: &Claims,
        source: GrantsSource,
        origin: String,
        what: &str,
        read_at: Timestamp,
    ) -> Grants {
        let mut grants = Grants::empty(source, origin, read_at);
        grants.credential = claims.get("client_id").and_then(|v| v.as_str()).map(str::to_string);
        if source == GrantsSource::Token {
            grants
                .caveats
                .push("token decoded without verifying its signature".into());
        }
        if let Some(exp) = claims.get("exp").and_then(serde_json::Value::as_i64)
            && let Ok(at) = Timestamp::from_second(exp)
            && at < read_at
        {
            grants.caveats.push(format!(
                "the token expired at {}: the credential's scopes may have changed since; read them live (--live) for its current grants",
                crate::input::clock::rfc3339(at)
            ));
        }
        match scope_claim(claims) {
            None => {
                grants.state = GrantState::Unknown {
                    reason: format!("{what} has no `scope` or `scp` claim; its scopes cannot be read from it"),
                }
            }
            Some(claim) => {
                let (entries, unrecognized) = resolve_claimed(claim.scopes);
                grants.state = GrantState::Known {
                    api: Api::HarvestV3,
                    entries,
                };
                grants.unrecognized = unrecognized;
                grants.unreadable = claim.unreadable;
            }
        }
        grants
    }
}

/// The scopes of an introspection response's `scope` field, each at its own place: known
/// ones as entries, the rest as unknown scopes (reported as findings, as live).
fn scope_entries(src: &Source, field: &Spanned<ScopeField>) -> (Vec<Entry>, Vec<UnknownScope>) {
    let (mut entries, mut unknown) = (Vec::new(), Vec::new());
    match &field.value {
        ScopeField::List(items) => {
            for item in items {
                claim_one(&item.value, Some(item.span.offset()), &mut entries, &mut unknown);
            }
        }
        ScopeField::Text(text) => {
            // Point each word at its place inside the string literal when it can be found there.
            let start = field.span.offset();
            let end = (start + field.span.len()).min(src.text.len());
            let literal = src.text.get(start..end).unwrap_or("");
            let mut cursor = 0;
            for w in text.split_whitespace() {
                let at = match literal.get(cursor..).and_then(|rest| rest.find(w)) {
                    Some(i) => {
                        cursor += i + w.len();
                        start + cursor - w.len()
                    }
                    None => start,
                };
                claim_one(w, Some(at), &mut entries, &mut unknown);
            }
        }
    }
    (entries, unknown)
}
