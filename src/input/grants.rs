//! Grants: what a credential actually has, read from a grants file (YAML, JSON or TOML), a
//! saved introspection or token response ([`super::token`]), or a bare list of scopes. Each
//! input is parsed once; what it is follows from its keys.

use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use super::Entry;
use super::profile::{RawPermissions, all_of, unresolved_error};
use super::source::{Source, SourceError, yaml_options};
use super::spanned::{self, Spanned};
use super::token::TokenFields;
use super::unknown_keys;
use crate::catalog::{self, Api};
use crate::error::Error;

/// Where a credential's grants were read from (`grants_source` in JSON output).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GrantsSource {
    /// A grants file (`--grants`, `grants =` in the config).
    File,
    /// A token's claims, decoded without verification.
    Token,
    /// A saved or live introspection (RFC 7662) response.
    Introspection,
    /// Read from Greenhouse at run time.
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
    /// When grantlint read them.
    pub read_at: Timestamp,
    pub state: GrantState,
    /// Caveats to show with the result, e.g. that a token was decoded without verification.
    pub caveats: Vec<String>,
    /// Scope strings the credential claims that are not in grantlint's catalog (Greenhouse
    /// adds scopes over time). Each becomes an `unknown-grant` finding; none is dropped.
    pub unrecognized: Vec<UnknownScope>,
    /// Entries of a scope claim that are not strings at all (as JSON). Each becomes an
    /// `unknown-grant` finding too.
    pub unreadable: Vec<String>,
    pub src: Option<Source>,
}

/// A claimed scope that is not in the catalog.
#[derive(Debug, Clone)]
pub struct UnknownScope {
    /// As claimed (shortened when absurdly long).
    pub text: String,
    /// The nearest known scope, if one is close.
    pub suggestion: Option<&'static str>,
    /// Where in the grants' source it was written, when it came from a file.
    pub at: Option<usize>,
}

/// The text format of a grants input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// YAML, and JSON (a subset of YAML) read by the same parser, for spans.
    Yaml,
    Toml,
}

impl Grants {
    /// What a reader knows before it looks at the text: where the grants came from and when.
    pub(super) fn empty(source: GrantsSource, origin: String, read_at: Timestamp) -> Grants {
        Grants {
            credential: None,
            source,
            origin,
            read_at,
            state: GrantState::Unknown { reason: String::new() },
            caveats: Vec::new(),
            unrecognized: Vec::new(),
            unreadable: Vec::new(),
            src: None,
        }
    }

    /// A grants input (YAML, JSON or TOML), parsed once; what it is follows from its keys. A
    /// YAML file in the plain documented shape is read by a line scanner
    /// ([`super::plain_grants`]), which gives the same result faster.
    pub fn from_source(src: Source, format: TextFormat, read_at: Timestamp) -> Result<Grants, Error> {
        if format == TextFormat::Yaml
            && let Some(plain) = super::plain_grants::read(&src.text)
        {
            let fields = DocumentFields {
                credential: plain.credential,
                api: Some(plain.api),
                granted: Some(plain.granted),
                token: TokenFields::default(),
                unknown: Vec::new(),
            };
            return Self::from_fields(src, fields, read_at);
        }
        Self::from_source_full(src, format, read_at)
    }

    /// [`Grants::from_source`] through the full parser, whatever the shape.
    pub(super) fn from_source_full(src: Source, format: TextFormat, read_at: Timestamp) -> Result<Grants, Error> {
        if let Some(e) = src.empty_error() {
            return Err(e.into());
        }
        let parsed: GrantsDocument = match format {
            TextFormat::Toml => spanned::from_toml(&src.text).map_err(|e| SourceError::from_toml(&src, &e))?,
            TextFormat::Yaml => serde_saphyr::from_str_with_options(&src.text, yaml_options())
                .map_err(|e| SourceError::from_yaml(&src, &e))?,
        };
        match parsed {
            GrantsDocument::ScopeList(list) => {
                let entries = resolve_all(&src, Api::HarvestV3, list.iter(), true)?;
                Ok(Grants::file(src, None, Api::HarvestV3, entries, read_at))
            }
            GrantsDocument::Scalar => Err(not_grants(&src)),
            GrantsDocument::Map(fields) if fields.is_grants_file() => Self::from_fields(src, *fields, read_at),
            GrantsDocument::Map(fields) if fields.token.is_present() => {
                Self::from_token_response(src, fields.token, read_at)
            }
            GrantsDocument::Map(_) => Err(not_grants(&src)),
        }
    }

    /// Read `--grants FILE`: format by extension (`.toml` is TOML; `.json`, `.yaml`, `.yml`
    /// and anything else are read with the YAML parser, of which JSON is a subset).
    pub fn from_file(path: &Path, read_at: Timestamp) -> Result<Grants, Error> {
        let src = Source::read(path)?;
        let ext = path.extension().and_then(|e| e.to_str());
        if ext == Some("json") {
            check_json_syntax(&src)?;
        }
        let format = if ext == Some("toml") {
            TextFormat::Toml
        } else {
            TextFormat::Yaml
        };
        Self::from_source(src, format, read_at)
    }

    /// A grants file: `api`, `granted` and an optional `credential`; no other key.
    fn from_fields(src: Source, fields: DocumentFields, read_at: Timestamp) -> Result<Grants, Error> {
        let mut errors: Vec<SourceError> = fields
            .unknown
            .iter()
            .map(|key| unknown_keys::unknown_key(&src, key.span, &key.value, &["credential", "api", "granted"]))
            .collect();
        let (Some(api), Some(granted)) = (fields.api, fields.granted) else {
            let missing = "a grants file needs `api:` (harvest-v1 or harvest-v3) and `granted:` (the permissions)";
            errors.push(SourceError::whole(src.clone(), missing.into(), None));
            return Err(Error::inputs(errors));
        };
        let api = api.value;
        let credential = fields.credential.map(|c| c.value);
        // The permissions' problems are reported with the unknown keys', all at once.
        let entries = match &granted.value {
            RawPermissions::All => Ok(all_of(api, granted.span)),
            other => resolve_all(&src, api, other.items().into_iter(), true),
        };
        match entries {
            Ok(entries) if errors.is_empty() => Ok(Grants::file(src, credential, api, entries, read_at)),
            Ok(_) => Err(Error::inputs(errors)),
            Err(e) => {
                errors.extend(e.into_source_errors()?);
                Err(Error::inputs(errors))
            }
        }
    }

    fn file(src: Source, credential: Option<String>, api: Api, entries: Vec<Entry>, read_at: Timestamp) -> Grants {
        let mut grants = Grants::empty(GrantsSource::File, src.name.clone(), read_at);
        grants.credential = credential;
        grants.state = GrantState::Known { api, entries };
        grants.src = Some(src);
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

/// A YAML/JSON/TOML grants input read in one pass: a grants file, a token or introspection
/// response, or a bare list of scopes. Which one it is is decided from the keys afterwards.
enum GrantsDocument {
    ScopeList(Vec<Spanned<String>>),
    Map(Box<DocumentFields>),
    /// A top-level scalar: neither a grants file nor a response.
    Scalar,
}

/// The keys of a grants file and of a token response, as read.
struct DocumentFields {
    credential: Option<Spanned<String>>,
    api: Option<Spanned<Api>>,
    granted: Option<Spanned<RawPermissions>>,
    token: TokenFields,
    /// Keys that belong to neither shape (an error in a grants file, ignored in a response).
    unknown: Vec<Spanned<String>>,
}

impl DocumentFields {
    fn is_grants_file(&self) -> bool {
        self.granted.is_some() || self.api.is_some() || self.credential.is_some()
    }
}

/// Visitor methods that answer `$value` for every scalar.
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

impl<'de> Deserialize<'de> for GrantsDocument {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = GrantsDocument;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a grants file, an introspection response or a list of scopes")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<GrantsDocument, A::Error> {
                let mut items = Vec::new();
                while let Some(s) = seq.next_element::<Spanned<String>>()? {
                    items.push(s);
                }
                Ok(GrantsDocument::ScopeList(items))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<GrantsDocument, A::Error> {
                let mut fields = DocumentFields {
                    credential: None,
                    api: None,
                    granted: None,
                    token: TokenFields::default(),
                    unknown: Vec::new(),
                };
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    match key.value.as_str() {
                        "credential" => fields.credential = Some(map.next_value()?),
                        "api" => fields.api = Some(map.next_value()?),
                        "granted" => fields.granted = Some(map.next_value()?),
                        other if TokenFields::is_key(other) => fields.token.read_value(other, &mut map)?,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                            fields.unknown.push(key);
                        }
                    }
                }
                Ok(GrantsDocument::Map(Box::new(fields)))
            }
            scalars_are!(GrantsDocument::Scalar);
        }
        d.deserialize_any(V)
    }
}

/// Whether a YAML/JSON text is a profile (it has a top-level `permissions` key) rather than
/// grants. Anything unparsable is "not a profile" and gets its error from the grants reader.
pub fn looks_like_profile(src: &Source) -> bool {
    matches!(
        serde_saphyr::from_str_with_options::<GrantsDocument>(&src.text, yaml_options()),
        Ok(GrantsDocument::Map(m)) if m.unknown.iter().any(|k| k.value == "permissions")
    )
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
    Err(SourceError::at(
        src,
        (offset.min(src.text.len()), 0).into(),
        format!("invalid JSON: {message}"),
        "here",
    )
    .into())
}

fn not_grants(src: &Source) -> Error {
    SourceError::whole(
        src.clone(),
        "this is neither a grants file nor an introspection response".into(),
        Some(
            "a grants file has `api:` (harvest-v1 or harvest-v3) and `granted:` (the permissions); \
             an introspection response has `active` and `scope`"
                .into(),
        ),
    )
    .into()
}

/// Resolve each entry; all problems are reported at once. `strict` makes a duplicate an error.
pub(super) fn resolve_all<'a>(
    src: &Source,
    api: Api,
    items: impl Iterator<Item = &'a Spanned<String>>,
    strict: bool,
) -> Result<Vec<Entry>, Error> {
    let mut errors = Vec::new();
    let mut entries: Vec<Entry> = Vec::new();
    for item in items {
        match catalog::resolve(api, &item.value) {
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
            Err(problem) => errors.push(unresolved_error(problem, src, item.span, api)),
        }
    }
    if errors.is_empty() {
        Ok(entries)
    } else {
        Err(Error::inputs(errors))
    }
}
