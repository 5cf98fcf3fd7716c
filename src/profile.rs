//! Profiles: what an integration partner needs. Loaded from YAML with spans (serde-saphyr),
//! then validated in a second pass into a checked [`Profile`] whose every permission is a
//! catalog entry. Every problem points at its line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use miette::SourceSpan;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Mapping, ScopeId, V1Id};
use crate::diag::{Error, Source, SourceError};

/// A value with the byte span it came from.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    pub value: T,
    pub span: SourceSpan,
}

thread_local! {
    /// Set while a TOML document is parsed, so [`Sp`] asks the TOML parser for spans.
    static TOML_SPANS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Run a TOML parse with [`Sp`] values taking their spans from the TOML parser.
pub fn with_toml_spans<R>(parse: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TOML_SPANS.set(false);
        }
    }
    TOML_SPANS.set(true);
    let _reset = Reset;
    parse()
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if TOML_SPANS.get() {
            let s = toml::Spanned::<T>::deserialize(d)?;
            let r = s.span();
            return Ok(Sp {
                span: (r.start, r.end - r.start).into(),
                value: s.into_inner(),
            });
        }
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let span = s.referenced.span();
        let span = match (span.byte_offset(), span.byte_len()) {
            (Some(o), Some(l)) => (o as usize, l as usize).into(),
            _ => (0, 0).into(),
        };
        Ok(Sp { value: s.value, span })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// The vocabulary a profile's permissions are written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
pub enum Api {
    /// Harvest v1/v2 API-key permissions: UI labels such as `GET: List Applications`, grouped by resource.
    #[serde(rename = "harvest-v1")]
    HarvestV1,
    /// Harvest v3 OAuth scopes such as `harvest:applications:list`, or their "Manage scopes" labels.
    #[serde(rename = "harvest-v3")]
    HarvestV3,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::HarvestV1 => "harvest-v1",
            Api::HarvestV3 => "harvest-v3",
        }
    }
}

/// The kind of Greenhouse credential a partner must be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema, Default)]
#[serde(rename_all = "kebab-case")]
pub enum CredentialKind {
    /// A Harvest API credential (v1/v2 key or v3 OAuth client).
    #[default]
    Harvest,
    /// A Candidate Ingestion key: pushes candidates in; has no Harvest permissions.
    CandidateIngestion,
    /// A Job Board token or key: reads published jobs, submits applications.
    JobBoard,
}

impl CredentialKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialKind::Harvest => "harvest",
            CredentialKind::CandidateIngestion => "candidate-ingestion",
            CredentialKind::JobBoard => "job-board",
        }
    }
}

/// Other credentials a partner needs besides this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum OtherCredential {
    /// The public job board token (the board's URL slug).
    JobBoardToken,
    /// A Job Board API key (needed to submit applications).
    JobBoardKey,
    /// A Candidate Ingestion key.
    CandidateIngestionKey,
    /// A Harvest credential.
    HarvestCredential,
}

impl OtherCredential {
    pub fn as_str(self) -> &'static str {
        match self {
            OtherCredential::JobBoardToken => "job-board-token",
            OtherCredential::JobBoardKey => "job-board-key",
            OtherCredential::CandidateIngestionKey => "candidate-ingestion-key",
            OtherCredential::HarvestCredential => "harvest-credential",
        }
    }
}

/// A profile as written, before validation. This type is also the source of the JSON
/// Schema that `grantlint schema` prints.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "grantlint profile",
    description = "What a Greenhouse integration partner needs from a credential."
)]
pub struct RawProfile {
    /// Human name of the integration, e.g. "SeekOut — Inbound Talent".
    pub name: Sp<String>,
    /// The vendor's name.
    #[serde(default)]
    pub vendor: Option<Sp<String>>,
    /// Vocabulary of `permissions` and `optional`.
    pub api: Sp<Api>,
    /// Which kind of credential the partner needs (default: harvest).
    #[serde(default)]
    pub credential: Option<Sp<CredentialKind>>,
    /// Other credentials the partner needs besides this one.
    #[serde(default)]
    pub also_needs: Option<Vec<Sp<OtherCredential>>>,
    /// Where the vendor documents this list (http or https URL).
    #[serde(default)]
    pub source: Option<Sp<String>>,
    /// When a person last checked the list against the source (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub reviewed: Option<Sp<String>>,
    /// What the partner needs.
    pub permissions: Sp<RawPermissions>,
    /// Permissions the partner can use but does not need; granting them is never excess.
    #[serde(default)]
    pub optional: Option<Sp<RawPermissions>>,
    /// Free text: how the list was interpreted, caveats, related pages.
    #[serde(default)]
    pub notes: Option<String>,
}

/// The permissions of a profile, in the shape vendors publish them.
#[derive(Debug)]
pub enum RawPermissions {
    /// `all`: the vendor asks for every permission ("Select All").
    All,
    /// A flat list of permissions.
    List(Vec<Sp<String>>),
    /// Resource group -> permissions, as the Greenhouse screens group them.
    Groups(Vec<(Sp<String>, Vec<Sp<String>>)>),
}

impl<'de> Deserialize<'de> for RawPermissions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawPermissions;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of permissions, a map of group -> list of permissions, or `all`")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                if v == "all" {
                    Ok(RawPermissions::All)
                } else {
                    Err(E::invalid_value(de::Unexpected::Str(v), &self))
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(RawPermissions::List(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Sp<String>>()? {
                    items.push(item);
                }
                Ok(RawPermissions::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut groups = Vec::new();
                while let Some(group) = map.next_key::<Sp<String>>()? {
                    let items = map.next_value::<Option<Vec<Sp<String>>>>()?.unwrap_or_default();
                    groups.push((group, items));
                }
                Ok(RawPermissions::Groups(groups))
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for RawPermissions {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Permissions".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "harvest-v1: UI labels (`GET: List Applications`) or `METHOD /path`; harvest-v3: scopes (`harvest:applications:list`) or their Manage-scopes labels (`List applications`). Either a flat list, a map of resource group -> list (the group is for people; each entry resolves by itself), or `all` for a vendor that asks for every permission.",
            "oneOf": [
                {"const": "all"},
                {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
                {"type": "object", "additionalProperties": {"type": ["array", "null"], "items": {"type": "string"}}}
            ]
        })
    }
}

/// A permission in one of the two vocabularies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perm {
    V1(V1Id),
    V3(ScopeId),
}

impl Perm {
    /// The permission's identity as grantlint prints it: the scope string, or "METHOD /path".
    pub fn id(self) -> &'static str {
        match self {
            Perm::V1(v) => catalog::v1(v).key,
            Perm::V3(s) => catalog::scope(s).id,
        }
    }

    /// The label Greenhouse shows for it.
    pub fn label(self) -> &'static str {
        match self {
            Perm::V1(v) => catalog::v1(v).label,
            Perm::V3(s) => catalog::scope(s).label,
        }
    }

    /// The group heading Greenhouse shows it under.
    pub fn group(self) -> &'static str {
        match self {
            Perm::V1(v) => catalog::v1(v).group,
            Perm::V3(s) => catalog::scope(s).group,
        }
    }

    pub fn risk(self) -> catalog::Risk {
        match self {
            Perm::V1(v) => catalog::v1(v).risk(),
            Perm::V3(s) => catalog::scope(s).risk(),
        }
    }
}

/// A permission as a profile or grants file states it, with where it was stated.
#[derive(Debug, Clone)]
pub struct Entry {
    pub perm: Perm,
    pub span: SourceSpan,
}

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

/// A validated profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The file stem.
    pub id: String,
    pub name: String,
    pub vendor: Option<String>,
    pub api: Api,
    pub credential: CredentialKind,
    pub also_needs: Vec<OtherCredential>,
    pub source: Option<String>,
    pub reviewed: Option<String>,
    pub notes: Option<String>,
    /// `permissions: all`: every permission of the vocabulary.
    pub requires_all: bool,
    pub permissions: Vec<Entry>,
    pub optional: Vec<Entry>,
    pub origin: Origin,
    pub src: Source,
    /// Span of the `permissions` key's value, for findings about the list as a whole.
    pub permissions_span: SourceSpan,
}

impl Profile {
    /// Parse and validate a profile. All problems are reported at once.
    pub fn load(id: &str, origin: Origin, src: Source) -> Result<Profile, Error> {
        let raw: RawProfile = serde_saphyr::from_str_with_options(&src.text, crate::yaml_options())
            .map_err(|e| Error::Input(Box::new(SourceError::from_yaml(&src, &e))))?;
        let mut v = Validator {
            src: &src,
            errors: Vec::new(),
            seen: HashMap::new(),
        };
        let api = raw.api.value;

        let name = raw.name.value.trim().to_string();
        if name.is_empty() {
            v.error(raw.name.span, "`name` is empty".into(), "give the integration a name");
        }
        if let Some(url) = &raw.source
            && let Err(why) = check_url(&url.value)
        {
            v.errors.push(
                SourceError::at(
                    &src,
                    url.span,
                    format!("`source` is not a valid URL: {why}"),
                    "this URL",
                )
                .with_help("use the http(s) address of the page where the vendor lists these permissions"),
            );
        }
        if let Some(date) = &raw.reviewed
            && let Err(why) = check_date(&date.value)
        {
            v.errors.push(
                SourceError::at(
                    &src,
                    date.span,
                    format!("`reviewed` is not a valid date: {why}"),
                    "this date",
                )
                .with_help("write the date as YYYY-MM-DD, e.g. 2026-11-23"),
            );
        }
        let mut requires_all = false;
        let permissions = match &raw.permissions.value {
            RawPermissions::All => {
                requires_all = true;
                all_of(api, raw.permissions.span)
            }
            other => v.entries(api, other, "permissions"),
        };
        let optional = match &raw.optional {
            None => Vec::new(),
            Some(Sp {
                value: RawPermissions::All,
                span,
            }) => {
                v.error(
                    *span,
                    "`optional: all` is not allowed".into(),
                    "list the optional permissions one by one",
                );
                Vec::new()
            }
            Some(o) => v.entries(api, &o.value, "optional"),
        };
        let credential = raw.credential.map(|c| c.value).unwrap_or_default();
        if credential != CredentialKind::Harvest && (!permissions.is_empty() || !optional.is_empty()) {
            let span = raw.permissions.span;
            v.error(
                span,
                format!(
                    "a `{}` credential has no Harvest permissions, but this profile lists some",
                    credential.as_str()
                ),
                "remove the permissions, or set `credential: harvest`",
            );
        }
        if !v.errors.is_empty() {
            return Err(Error::inputs(v.errors));
        }
        Ok(Profile {
            id: id.to_string(),
            name,
            vendor: raw.vendor.map(|v| v.value),
            api,
            credential,
            also_needs: raw
                .also_needs
                .unwrap_or_default()
                .into_iter()
                .map(|c| c.value)
                .collect(),
            source: raw.source.map(|s| s.value),
            reviewed: raw.reviewed.map(|s| s.value),
            notes: raw.notes,
            requires_all,
            permissions,
            optional,
            origin,
            permissions_span: raw.permissions.span,
            src,
        })
    }
}

pub fn all_of(api: Api, span: SourceSpan) -> Vec<Entry> {
    match api {
        Api::HarvestV1 => catalog::v1_permissions()
            .iter()
            .map(|p| Entry {
                perm: Perm::V1(p.vid),
                span,
            })
            .collect(),
        Api::HarvestV3 => catalog::scopes()
            .iter()
            .map(|s| Entry {
                perm: Perm::V3(s.sid),
                span,
            })
            .collect(),
    }
}

struct Validator<'a> {
    src: &'a Source,
    errors: Vec<SourceError>,
    seen: HashMap<Perm, (SourceSpan, &'static str)>,
}

impl Validator<'_> {
    fn error(&mut self, span: SourceSpan, message: String, help: &str) {
        self.errors
            .push(SourceError::at(self.src, span, message, "here").with_help(help));
    }

    fn entries(&mut self, api: Api, raw: &RawPermissions, section: &'static str) -> Vec<Entry> {
        let items: Vec<&Sp<String>> = match raw {
            RawPermissions::All => Vec::new(),
            RawPermissions::List(items) => items.iter().collect(),
            RawPermissions::Groups(groups) => groups.iter().flat_map(|(_, items)| items.iter()).collect(),
        };
        let mut out = Vec::new();
        for item in items {
            match resolve(api, &item.value) {
                Ok(perm) => {
                    if let Some((first, first_section)) = self.seen.get(&perm) {
                        let message = if *first_section == section {
                            format!("`{}` is listed twice", perm.label())
                        } else {
                            format!("`{}` is in both `{first_section}` and `{section}`", perm.label())
                        };
                        self.errors.push(
                            SourceError::at(self.src, item.span, message, "listed again here")
                                .with_label(*first, "first listed here")
                                .with_help(format!("both name {}; remove one", perm.id())),
                        );
                        continue;
                    }
                    self.seen.insert(perm, (item.span, section));
                    out.push(Entry { perm, span: item.span });
                }
                Err(problem) => self.errors.push(problem.into_error(self.src, item.span, api)),
            }
        }
        out
    }
}

/// Why a permission string did not resolve.
#[derive(Debug)]
pub enum Unresolved {
    /// Known, but in the other vocabulary.
    WrongVocabulary { found: Perm },
    Unknown {
        input: String,
        suggestion: Option<&'static str>,
    },
}

impl Unresolved {
    pub fn into_error(self, src: &Source, span: SourceSpan, api: Api) -> SourceError {
        match self {
            Unresolved::WrongVocabulary { found: Perm::V3(s) } => {
                let scope = catalog::scope(s);
                let v1: Vec<&str> = scope.v1_equivalents.iter().map(|&v| catalog::v1(v).label).collect();
                let help = if v1.is_empty() {
                    "this scope has no v1 equivalent; set `api: harvest-v3` to write v3 scopes".to_string()
                } else {
                    format!(
                        "set `api: harvest-v3` to write v3 scopes, or use the v1 label: {}",
                        v1.join(", ")
                    )
                };
                SourceError::at(
                    src,
                    span,
                    format!(
                        "`{}` is a Harvest v3 scope, but this file says `api: {}`",
                        scope.id,
                        api.as_str()
                    ),
                    "v3 scope",
                )
                .with_help(help)
            }
            Unresolved::WrongVocabulary { found: Perm::V1(v) } => {
                let p = catalog::v1(v);
                let scopes: Vec<&str> = p.v3_scopes().map(|s| s.id).collect();
                let help = match p.mapping {
                    Mapping::None => format!("`{}` has no v3 equivalent. {}", p.label, p.note),
                    Mapping::Equivalent => format!("in harvest-v3 this is: {}", scopes.join(", ")),
                    Mapping::Approximate => {
                        format!("in harvest-v3 this is approximately: {}", scopes.join(", "))
                    }
                };
                SourceError::at(
                    src,
                    span,
                    format!(
                        "`{}` is a Harvest v1 permission, but this file says `api: {}`",
                        p.label,
                        api.as_str()
                    ),
                    "v1 permission",
                )
                .with_help(help)
            }
            Unresolved::Unknown { input, suggestion } => {
                let what = match api {
                    Api::HarvestV1 => "Harvest v1 permission",
                    Api::HarvestV3 => "Harvest v3 scope",
                };
                let input = catalog::shorten(&input);
                let err = SourceError::at(src, span, format!("unknown {what} `{input}`"), "not in the catalog");
                match suggestion {
                    Some(s) => err.with_help(format!("did you mean `{s}`?")),
                    None => err.with_help("`grantlint catalog` lists every permission"),
                }
            }
        }
    }
}

/// Resolve a permission string in a vocabulary: a v1 label (any accepted spelling) or
/// `METHOD /path` for harvest-v1; a scope, a Manage-scopes label or `METHOD /v3/path` for
/// harvest-v3.
pub fn resolve(api: Api, input: &str) -> Result<Perm, Unresolved> {
    let v1 = || {
        catalog::v1_by_label(input)
            .or_else(|| catalog::v1_by_key(input))
            .map(Perm::V1)
    };
    let v3 = || {
        catalog::scope_by_id(input.trim())
            .or_else(|| catalog::scope_by_label(input))
            .or_else(|| catalog::scope_by_operation(input))
            .map(Perm::V3)
    };
    let (own, other): (&dyn Fn() -> Option<Perm>, &dyn Fn() -> Option<Perm>) = match api {
        Api::HarvestV1 => (&v1, &v3),
        Api::HarvestV3 => (&v3, &v1),
    };
    if let Some(p) = own() {
        return Ok(p);
    }
    // Only a miss looks in the other vocabulary.
    if let Some(found) = other() {
        return Err(Unresolved::WrongVocabulary { found });
    }
    let suggestion = match api {
        Api::HarvestV1 => catalog::suggest(input, catalog::v1_label_names()),
        Api::HarvestV3 if input.trim().starts_with("harvest:") || input.contains(':') => {
            catalog::suggest(input, catalog::same(catalog::scopes().iter().map(|s| s.id)))
        }
        Api::HarvestV3 => catalog::suggest(input, catalog::same(catalog::scopes().iter().map(|s| s.label))),
    };
    Err(Unresolved::Unknown {
        input: input.to_string(),
        suggestion,
    })
}

fn check_url(url: &str) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with https:// or http://")?;
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it contains white space");
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    if host.is_empty() || !host.contains('.') || host.starts_with('.') || host.ends_with('.') {
        return Err("it has no host name");
    }
    Ok(())
}

/// Validate a YYYY-MM-DD calendar date.
pub fn check_date(s: &str) -> Result<(), &'static str> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err("expected YYYY-MM-DD");
    }
    let num = |r: std::ops::Range<usize>| {
        s.get(r)
            .and_then(|t| t.parse::<u32>().ok())
            .ok_or("expected YYYY-MM-DD")
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) {
        return Err("the month must be 01 to 12");
    }
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m as usize - 1];
    if d == 0 || d > days {
        return Err("no such day in that month");
    }
    Ok(())
}

/// The id of a profile file: its stem.
pub fn id_of_path(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(check_date("2026-11-23").is_ok());
        assert!(check_date("2024-02-29").is_ok());
        assert!(check_date("2026-02-29").is_err());
        assert!(check_date("2026-13-01").is_err());
        assert!(check_date("26-11-23").is_err());
    }

    #[test]
    fn urls() {
        assert!(check_url("https://support.seekout.io/hc/en-us/articles/1").is_ok());
        assert!(check_url("ftp://x.example").is_err());
        assert!(check_url("https://localhost").is_err());
        assert!(check_url("https://a .example").is_err());
    }
}
