//! Grants: what a credential actually has, read from a grants file (YAML, JSON or TOML), a
//! saved introspection or token response, or a raw JWT access token.

use std::path::Path;

use base64::Engine as _;
use miette::SourceSpan;
use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use crate::diag::{Error, Source, SourceError};
use crate::profile::{Api, Entry, Perm, RawPermissions, Sp, resolve};
use crate::time;

/// Where a credential's grants were read from (`grants_source` in JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantsSource {
    File,
    Token,
    Introspection,
    Live,
}

impl GrantsSource {
    pub fn as_str(self) -> &'static str {
        match self {
            GrantsSource::File => "file",
            GrantsSource::Token => "token",
            GrantsSource::Introspection => "introspection",
            GrantsSource::Live => "live",
        }
    }
}

/// What is known about a credential's grants.
#[derive(Debug, Clone)]
pub enum GrantState {
    Known {
        api: Api,
        entries: Vec<Entry>,
    },
    /// The grants could not be read; nothing may be concluded from them.
    Unknown {
        reason: String,
    },
}

#[derive(Debug, Clone)]
pub struct Grants {
    /// The credential's name, if the input gives one.
    pub credential: Option<String>,
    pub source: GrantsSource,
    /// The file (or `-` for stdin) the grants came from.
    pub origin: String,
    /// When grantlint read them (RFC 3339, UTC).
    pub read_at: String,
    pub state: GrantState,
    /// Caveats to show with the result, e.g. that a token was decoded without verification.
    pub caveats: Vec<String>,
    /// Scope strings the credential claims that are not in grantlint's catalog (Greenhouse
    /// adds scopes over time). Each becomes an `unknown-grant` finding; none is dropped.
    pub unrecognized: Vec<String>,
    pub src: Option<Source>,
}

/// What `--probe` saw: one read per list endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProbeOutcome {
    /// 2xx: the endpoint answered.
    Allowed,
    /// 403: Greenhouse refused (scope missing, or the token's user lacks the permission).
    Refused,
    /// Anything else (404, 422, 5xx after retries, a network error): no conclusion.
    Inconclusive(u16),
}

#[derive(Debug, Clone, Default)]
pub struct ProbeReport {
    /// (scope, whether the token claims it, the list endpoint probed, what the probe found)
    pub results: Vec<(crate::catalog::ScopeId, bool, &'static str, ProbeOutcome)>,
    /// Scopes not probed because the request budget ran out.
    pub skipped: usize,
}

/// The scopes a token or introspection response claims: `scope` (space-separated string or
/// array), `scp` or `scopes`. `None` when there is no such claim.
pub fn scope_claim(claims: &serde_json::Map<String, serde_json::Value>) -> Option<Vec<String>> {
    ["scope", "scp", "scopes"].iter().find_map(|k| match claims.get(*k)? {
        serde_json::Value::String(s) => Some(s.split_whitespace().map(str::to_string).collect()),
        serde_json::Value::Array(a) => Some(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
        _ => None,
    })
}

/// The claims of a JWT, decoded without verifying its signature. The error says why the text
/// is not a JWT and never quotes it.
pub fn jwt_claims(token: &str) -> Result<serde_json::Map<String, serde_json::Value>, &'static str> {
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
/// are returned as unrecognised.
pub fn resolve_claimed(scopes: Vec<String>) -> (Vec<Entry>, Vec<String>) {
    let mut entries: Vec<Entry> = Vec::new();
    let mut unrecognized = Vec::new();
    for s in scopes {
        match crate::catalog::scope_by_id(&s) {
            Some(id) => {
                let perm = Perm::V3(id);
                if !entries.iter().any(|e| e.perm == perm) {
                    entries.push(Entry {
                        perm,
                        span: (0, 0).into(),
                    });
                }
            }
            None => {
                let s = crate::catalog::shorten(&s);
                if !unrecognized.contains(&s) {
                    unrecognized.push(s);
                }
            }
        }
    }
    (entries, unrecognized)
}

/// What a saved RFC 7662 introspection response or token response says (other fields are
/// ignored); filled by [`OneParse`].
#[derive(Debug)]
struct RawTokenResponse {
    active: Option<Sp<bool>>,
    scope: Option<Sp<ScopeField>>,
    scopes: Option<Sp<ScopeField>>,
    scp: Option<Sp<ScopeField>>,
    access_token: Option<String>,
    client_id: Option<String>,
}

/// `scope` as a space-separated string or as an array of strings.
#[derive(Debug)]
enum ScopeField {
    Text(String),
    List(Vec<Sp<String>>),
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
                while let Some(s) = seq.next_element::<Sp<String>>()? {
                    items.push(s);
                }
                Ok(ScopeField::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// Visitor methods that answer `$value` for every scalar: a top-level scalar is neither a
/// grants file nor a response.
macro_rules! scalars_are {
    ($value:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

/// Whether a YAML/JSON text is a profile (it has a top-level `permissions` key) rather than
/// grants. Anything unparsable is "not a profile" and gets its error from the grants reader.
pub fn looks_like_profile(src: &Source) -> bool {
    matches!(
        serde_saphyr::from_str_with_options::<OneParse>(&src.text, crate::yaml_options()),
        Ok(OneParse::Map(m)) if m.unknown.iter().any(|k| k.value == "permissions")
    )
}

fn yaml_err(src: &Source) -> impl Fn(serde_saphyr::Error) -> Error + '_ {
    move |e| Error::Input(Box::new(SourceError::from_yaml(src, &e)))
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

/// A YAML/JSON input read in one pass: a grants file, a token or introspection response, or
/// a bare list of scopes. Which one it is is decided from the keys afterwards.
enum OneParse {
    List(Vec<Sp<String>>),
    Map(Box<MapParts>),
    Other,
}

struct MapParts {
    credential: Option<Sp<String>>,
    api: Option<Sp<Api>>,
    granted: Option<Sp<RawPermissions>>,
    token: RawTokenResponse,
    /// Keys that belong to neither shape (an error in a grants file, ignored in a response).
    unknown: Vec<Sp<String>>,
}

impl<'de> Deserialize<'de> for OneParse {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = OneParse;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a grants file, an introspection response or a list of scopes")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneParse, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<Sp<String>>()? {
                    items.push(s);
                }
                Ok(OneParse::List(items))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<OneParse, A::Error> {
                let (mut credential, mut api, mut granted) = (None, None, None);
                let mut token = RawTokenResponse {
                    active: None,
                    scope: None,
                    scopes: None,
                    scp: None,
                    access_token: None,
                    client_id: None,
                };
                let mut unknown = Vec::new();
                while let Some(key) = map.next_key::<Sp<String>>()? {
                    match key.value.as_str() {
                        "credential" => credential = Some(map.next_value()?),
                        "api" => api = Some(map.next_value()?),
                        "granted" => granted = Some(map.next_value()?),
                        "active" => token.active = Some(map.next_value()?),
                        "scope" => token.scope = Some(map.next_value()?),
                        "scopes" => token.scopes = Some(map.next_value()?),
                        "scp" => token.scp = Some(map.next_value()?),
                        "access_token" => token.access_token = map.next_value::<Option<LooseString>>()?.map(|s| s.0),
                        "client_id" => token.client_id = map.next_value::<Option<LooseString>>()?.map(|s| s.0),
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            unknown.push(key);
                        }
                    }
                }
                Ok(OneParse::Map(Box::new(MapParts {
                    credential,
                    api,
                    granted,
                    token,
                    unknown,
                })))
            }
            scalars_are!(OneParse::Other);
        }
        d.deserialize_any(V)
    }
}

impl Grants {
    /// A grants input (YAML, JSON or TOML), parsed once; what it is follows from its keys.
    pub fn from_source(src: Source, toml: bool) -> Result<Grants, Error> {
        let parsed: OneParse = if toml {
            crate::profile::with_toml_spans(|| toml::from_str(&src.text))
                .map_err(|e| Error::Input(Box::new(SourceError::from_toml(&src, &e))))?
        } else {
            serde_saphyr::from_str_with_options(&src.text, crate::yaml_options()).map_err(yaml_err(&src))?
        };
        let (credential, api, granted, token, unknown) = match parsed {
            OneParse::List(list) => {
                let entries = resolve_all(&src, Api::HarvestV3, list.iter(), true)?;
                return Ok(Grants::file(
                    src,
                    None,
                    GrantState::Known {
                        api: Api::HarvestV3,
                        entries,
                    },
                ));
            }
            OneParse::Other => return Err(not_grants(&src)),
            OneParse::Map(m) => (m.credential, m.api, m.granted, m.token, m.unknown),
        };
        let is_file = granted.is_some() || api.is_some() || credential.is_some();
        let is_token = token.active.is_some()
            || token.scope.is_some()
            || token.scopes.is_some()
            || token.scp.is_some()
            || token.access_token.is_some();
        if !is_file && is_token {
            return Self::from_token_response(src, token);
        }
        if !is_file {
            return Err(not_grants(&src));
        }
        let mut errors = Vec::new();
        for key in &unknown {
            errors.push(SourceError::at(
                &src,
                key.span,
                format!(
                    "unknown field `{}`, expected one of `credential`, `api`, `granted`",
                    key.value
                ),
                "here",
            ));
        }
        let (Some(api), Some(granted)) = (api, granted) else {
            let missing = "a grants file needs `api:` (harvest-v1 or harvest-v3) and `granted:` (the permissions)";
            errors.push(SourceError::whole(src.clone(), missing.into(), None));
            return Err(Error::inputs(errors));
        };
        if !errors.is_empty() {
            return Err(Error::inputs(errors));
        }
        let api = api.value;
        let credential = credential.map(|c| c.value);
        let items: Vec<&Sp<String>> = match &granted.value {
            RawPermissions::All => {
                let entries = crate::profile::all_of(api, granted.span);
                return Ok(Grants::file(src, credential, GrantState::Known { api, entries }));
            }
            RawPermissions::List(items) => items.iter().collect(),
            RawPermissions::Groups(groups) => groups.iter().flat_map(|(_, items)| items.iter()).collect(),
        };
        let entries = resolve_all(&src, api, items.into_iter(), true)?;
        Ok(Grants::file(src, credential, GrantState::Known { api, entries }))
    }

    /// Read `--grants FILE`: format by extension (`.toml` is TOML; `.json`, `.yaml`, `.yml`
    /// and anything else are read with the YAML parser, of which JSON is a subset).
    pub fn from_file(path: &Path) -> Result<Grants, Error> {
        let src = Source::read(path)?;
        let ext = path.extension().and_then(|e| e.to_str());
        if ext == Some("json") {
            check_json_syntax(&src)?;
        }
        Self::from_source(src, ext == Some("toml"))
    }

    fn file(src: Source, credential: Option<String>, state: GrantState) -> Grants {
        Grants {
            credential,
            source: GrantsSource::File,
            origin: src.name.clone(),
            read_at: time::now_rfc3339(),
            state,
            caveats: Vec::new(),
            unrecognized: Vec::new(),
            src: Some(src),
        }
    }

    fn from_token_response(src: Source, raw: RawTokenResponse) -> Result<Grants, Error> {
        if let Some(active) = &raw.active
            && !active.value
        {
            return Err(Error::Input(Box::new(
                SourceError::at(
                    &src,
                    active.span,
                    "the introspection response says the token is not active".into(),
                    "inactive",
                )
                .with_help("the token expired or was revoked, so it grants nothing; introspect a fresh token"),
            )));
        }
        let field = raw.scope.or(raw.scopes).or(raw.scp);
        let mut grants = Grants {
            credential: raw.client_id.clone(),
            source: GrantsSource::Introspection,
            origin: src.name.clone(),
            read_at: time::now_rfc3339(),
            state: GrantState::Unknown { reason: String::new() },
            caveats: Vec::new(),
            unrecognized: Vec::new(),
            src: None,
        };
        match field {
            Some(field) => {
                grants.state = GrantState::Known {
                    api: Api::HarvestV3,
                    entries: scope_entries(&src, &field)?,
                };
            }
            None => match raw.access_token {
                // A saved token response: the scopes, if any, are in the JWT's claims.
                Some(token) => {
                    let from_jwt = Grants::from_jwt(&token, &src.name)?;
                    grants.source = GrantsSource::Token;
                    grants.state = from_jwt.state;
                    grants.caveats = from_jwt.caveats;
                    grants.unrecognized = from_jwt.unrecognized;
                }
                None => {
                    grants.state = GrantState::Unknown {
                        reason: "the response has no `scope`, `scopes` or `scp` field".into(),
                    };
                }
            },
        }
        grants.src = Some(src);
        Ok(grants)
    }

    /// Decode a raw JWT access token (`--token`). The signature is not verified: grantlint
    /// only reads which scopes the token claims, and says so in its output. The token itself
    /// is a secret and appears in no message.
    pub fn from_jwt(token: &str, origin: &str) -> Result<Grants, Error> {
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
        ))
    }

    /// Grants from a token's (or introspection response's) claims.
    pub fn from_claims(
        claims: &serde_json::Map<String, serde_json::Value>,
        source: GrantsSource,
        origin: String,
        what: &str,
    ) -> Grants {
        let mut grants = Grants {
            credential: claims.get("client_id").and_then(|v| v.as_str()).map(str::to_string),
            source,
            origin,
            read_at: time::now_rfc3339(),
            state: GrantState::Unknown { reason: String::new() },
            caveats: Vec::new(),
            unrecognized: Vec::new(),
            src: None,
        };
        if source == GrantsSource::Token {
            grants
                .caveats
                .push("token decoded without verifying its signature".into());
        }
        match scope_claim(claims) {
            None => {
                grants.state = GrantState::Unknown {
                    reason: format!("{what} has no `scope` or `scp` claim; its scopes cannot be read from it"),
                }
            }
            Some(list) => {
                let (entries, unrecognized) = resolve_claimed(list);
                grants.state = GrantState::Known {
                    api: Api::HarvestV3,
                    entries,
                };
                grants.unrecognized = unrecognized;
            }
        }
        grants
    }

    /// The permissions granted, when known.
    pub fn entries(&self) -> Option<(Api, &[Entry])> {
        match &self.state {
            GrantState::Known { api, entries } => Some((*api, entries)),
            GrantState::Unknown { .. } => None,
        }
    }
}

/// JSON is read with the YAML parser (for spans), which would also accept YAML-only syntax
/// such as trailing commas or comments; a `.json` file must be strict JSON.
fn check_json_syntax(src: &Source) -> Result<(), Error> {
    let Err(e) = serde_json::from_str::<IgnoredAny>(&src.text) else {
        return Ok(());
    };
    let (line, col) = (e.line(), e.column());
    let offset: usize = src
        .text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + src
            .text
            .split_inclusive('\n')
            .nth(line.saturating_sub(1))
            .map_or(0, |l| {
                l.char_indices().nth(col.saturating_sub(1)).map_or(l.len(), |(i, _)| i)
            });
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    Err(Error::Input(Box::new(SourceError::at(
        src,
        (offset.min(src.text.len()), 0).into(),
        format!("invalid JSON: {message}"),
        "here",
    ))))
}

fn not_grants(src: &Source) -> Error {
    Error::Input(Box::new(SourceError::whole(
        src.clone(),
        "this is neither a grants file nor an introspection response".into(),
        Some(
            "a grants file has `api:` (harvest-v1 or harvest-v3) and `granted:` (the permissions); \
             an introspection response has `active` and `scope`"
                .into(),
        ),
    )))
}

/// Resolve each entry; all problems are reported at once. `strict` makes a duplicate an error.
fn resolve_all<'a>(
    src: &Source,
    api: Api,
    items: impl Iterator<Item = &'a Sp<String>>,
    strict: bool,
) -> Result<Vec<Entry>, Error> {
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for item in items {
        match resolve(api, &item.value) {
            Ok(perm) => {
                if let Some(first) = entries.iter().find(|e| e.perm == perm) {
                    if strict {
                        errors.push(
                            SourceError::at(
                                src,
                                item.span,
                                format!("`{}` is granted twice", perm.label()),
                                "again here",
                            )
                            .with_label(first.span, "first here")
                            .with_help(format!("both name {}; remove one", perm.id())),
                        );
                    }
                    continue;
                }
                entries.push(Entry { perm, span: item.span });
            }
            Err(problem) => errors.push(problem.into_error(src, item.span, api)),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(Error::inputs(errors))
    }
}

/// The scopes of an introspection response's `scope` field, each with its own span.
fn scope_entries(src: &Source, field: &Sp<ScopeField>) -> Result<Vec<Entry>, Error> {
    match &field.value {
        ScopeField::List(items) => resolve_all(src, Api::HarvestV3, items.iter(), false),
        ScopeField::Text(text) => {
            // Point each word at its place inside the string literal when it can be found there.
            let start = field.span.offset();
            let end = (start + field.span.len()).min(src.text.len());
            let literal = src.text.get(start..end).unwrap_or("");
            let mut cursor = 0;
            let words: Vec<Sp<String>> = text
                .split_whitespace()
                .map(|w| {
                    let span: SourceSpan = match literal[cursor..].find(w) {
                        Some(i) => {
                            cursor += i + w.len();
                            (start + cursor - w.len(), w.len()).into()
                        }
                        None => field.span,
                    };
                    Sp {
                        value: w.to_string(),
                        span,
                    }
                })
                .collect();
            resolve_all(src, Api::HarvestV3, words.iter(), false)
        }
    }
}
