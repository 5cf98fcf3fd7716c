//! Profiles: what an integration partner needs. Loaded from YAML with spans (serde-saphyr),
//! then validated in a second pass into a checked [`Profile`] whose every permission is a
//! catalog entry. Every problem points at its line and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::SourceSpan;
use schemars::JsonSchema;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use super::Entry;
use super::sanitize;
use super::source::{Source, SourceError, yaml_options};
use super::spanned::Spanned;
use super::unknown_keys::{self, Syntax};
use crate::catalog::{self, Api, Mapping, Perm, Unresolved};
use crate::error::Error;

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
    pub name: Spanned<String>,
    /// The vendor's name.
    #[serde(default)]
    pub vendor: Option<Spanned<String>>,
    /// Vocabulary of `permissions` and `optional`.
    pub api: Spanned<Api>,
    /// Which kind of credential the partner needs (default: harvest).
    #[serde(default)]
    pub credential: Option<Spanned<CredentialKind>>,
    /// Other credentials the partner needs besides this one.
    #[serde(default)]
    pub also_needs: Option<Vec<Spanned<OtherCredential>>>,
    /// Where the vendor documents this list (http or https URL), or `observed in FILE...` for
    /// a profile that `grantlint infer` built from usage evidence.
    #[serde(default)]
    pub source: Option<Spanned<String>>,
    /// When a person last checked the list against the source (YYYY-MM-DD).
    #[serde(default)]
    #[schemars(regex(pattern = r"^\d{4}-\d{2}-\d{2}$"))]
    pub reviewed: Option<Spanned<String>>,
    /// What the partner needs.
    pub permissions: Spanned<RawPermissions>,
    /// Permissions the partner can use but does not need; granting them is never excess.
    #[serde(default)]
    pub optional: Option<Spanned<RawPermissions>>,
    /// Free text: how the list was interpreted, caveats, related pages.
    #[serde(default)]
    pub notes: Option<String>,
    /// The vendor's list is known to be incomplete: an excess grant may be one the partner
    /// needs. (A `name` that says PARTIAL means the same.)
    #[serde(default)]
    pub partial: Option<bool>,
}

/// The permissions of a profile, in the shape vendors publish them.
#[derive(Debug)]
pub enum RawPermissions {
    /// `all`: the vendor asks for every permission ("Select All").
    All,
    /// A flat list of permissions.
    List(Vec<Spanned<String>>),
    /// Resource group -> permissions, as the Greenhouse screens group them.
    Groups(Vec<(Spanned<String>, Vec<Spanned<String>>)>),
}

impl RawPermissions {
    /// Every entry as written, whatever the shape (none for `all`).
    pub fn items(&self) -> Vec<&Spanned<String>> {
        match self {
            RawPermissions::All => Vec::new(),
            RawPermissions::List(items) => items.iter().collect(),
            RawPermissions::Groups(groups) => groups.iter().flat_map(|(_, items)| items.iter()).collect(),
        }
    }
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
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    items.push(item);
                }
                Ok(RawPermissions::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut groups = Vec::new();
                while let Some(group) = map.next_key::<Spanned<String>>()? {
                    let items = map.next_value::<Option<Vec<Spanned<String>>>>()?.unwrap_or_default();
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

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

/// A validated profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The file stem (shared by every finding that names the profile).
    pub id: Arc<str>,
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
    /// The vendor's list is incomplete (`partial: true`, or PARTIAL in the name).
    pub partial: bool,
    pub permissions: Vec<Entry>,
    pub optional: Vec<Entry>,
    pub origin: Origin,
    pub src: Source,
    /// Span of the `permissions` key's value, for findings about the list as a whole.
    pub permissions_span: SourceSpan,
    /// Permissions written in a published variant spelling (`lint` notes them).
    pub variants: Vec<VariantUse>,
}

/// A v1 label written as a spelling a vendor published rather than the screen's label
/// (reference/harvest-v1.md section 4, "Variants"): accepted, and noted by `lint`.
#[derive(Debug, Clone)]
pub struct VariantUse {
    pub perm: Perm,
    /// The variant as the catalog records it.
    pub variant: &'static str,
    /// Who published it (reference/harvest-v1.md section 9 codes).
    pub published_by: String,
    pub span: SourceSpan,
}

impl Profile {
    /// Parse and validate a profile. All problems are reported at once.
    pub fn load(id: &str, origin: Origin, src: Source) -> Result<Profile, Error> {
        if let Some(e) = src.empty_error() {
            return Err(e.into());
        }
        let (raw, unknown) = unknown_keys::parse_on(&src, Syntax::Yaml, |s| {
            serde_saphyr::from_str_with_options::<RawProfile>(&s.text, yaml_options())
                .map_err(|e| Box::new(SourceError::from_yaml(s, &e)))
        })
        .map_err(Error::inputs)?;
        let mut v = Validator {
            src: &src,
            errors: unknown,
            seen: HashMap::new(),
            variants: Vec::new(),
        };
        let api = raw.api.value;
        let name = sanitize::clean_line(raw.name.value.trim());
        let name_says_partial = name.contains("PARTIAL");
        if name.is_empty() {
            v.error(raw.name.span, "`name` is empty".into(), "give the integration a name");
        }
        v.provenance(&raw);
        let (permissions, requires_all) = match &raw.permissions.value {
            RawPermissions::All => (all_of(api, raw.permissions.span), true),
            other => (v.entries(api, other, "permissions"), false),
        };
        let optional = v.optional(api, raw.optional.as_ref());
        let credential = raw.credential.map(|c| c.value).unwrap_or_default();
        if credential != CredentialKind::Harvest && (!permissions.is_empty() || !optional.is_empty()) {
            v.error(
                raw.permissions.span,
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
            id: Arc::from(id),
            name,
            vendor: raw.vendor.map(|v| sanitize::clean_line(&v.value)),
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
            notes: raw.notes.map(|n| sanitize::clean(&n).into_owned()),
            requires_all,
            partial: raw.partial.unwrap_or(false) || name_says_partial,
            permissions,
            optional,
            origin,
            permissions_span: raw.permissions.span,
            variants: v.variants,
            src,
        })
    }
}

/// Every permission of a vocabulary (`permissions: all`), each pointing at `span`.
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

/// The second pass over a parsed profile: collects every problem with its position.
struct Validator<'a> {
    src: &'a Source,
    errors: Vec<SourceError>,
    seen: HashMap<Perm, (SourceSpan, &'static str)>,
    variants: Vec<VariantUse>,
}

impl Validator<'_> {
    fn error(&mut self, span: SourceSpan, message: String, help: &str) {
        self.errors
            .push(SourceError::at(self.src, span, message, "here").with_help(help));
    }

    /// `source` must be a URL and `reviewed` a date.
    fn provenance(&mut self, raw: &RawProfile) {
        if let Some(url) = &raw.source
            && observed_in(&url.value).is_none()
            && let Err(why) = check_url(&url.value)
        {
            self.errors.push(
                SourceError::at(
                    self.src,
                    url.span,
                    format!("`source` is not a valid URL: {why}"),
                    "this URL",
                )
                .with_help("use the http(s) address of the page where the vendor lists these permissions (or `observed in FILE` for a list built from usage evidence)"),
            );
        }
        if let Some(date) = &raw.reviewed
            && let Err(why) = parse_date(&date.value)
        {
            self.errors.push(
                SourceError::at(
                    self.src,
                    date.span,
                    format!("`reviewed` is not a valid date: {why}"),
                    "this date",
                )
                .with_help("write the date as YYYY-MM-DD, e.g. 2026-11-23"),
            );
        }
    }

    fn optional(&mut self, api: Api, raw: Option<&Spanned<RawPermissions>>) -> Vec<Entry> {
        match raw {
            None => Vec::new(),
            Some(Spanned {
                value: RawPermissions::All,
                span,
            }) => {
                self.error(
                    *span,
                    "`optional: all` is not allowed".into(),
                    "list the optional permissions one by one",
                );
                Vec::new()
            }
            Some(o) => self.entries(api, &o.value, "optional"),
        }
    }

    fn entries(&mut self, api: Api, raw: &RawPermissions, section: &'static str) -> Vec<Entry> {
        let mut out = Vec::new();
        for item in raw.items() {
            match catalog::resolve(api, &item.value) {
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
                    if let Perm::V1(id) = perm
                        && let Some((variant, published_by)) =
                            catalog::v1(id).published_variant(label_part(&item.value))
                    {
                        self.variants.push(VariantUse {
                            perm,
                            variant,
                            published_by,
                            span: item.span,
                        });
                    }
                    out.push(Entry { perm, span: item.span });
                }
                Err(problem) => self.errors.push(unresolved_error(problem, self.src, item.span, api)),
            }
        }
        out
    }
}

/// The label of a permission written in the screen form `Group › Label` (or as is).
fn label_part(written: &str) -> &str {
    written
        .split_once('›')
        .or_else(|| written.split_once(" > "))
        .map_or(written, |(_, label)| label.trim())
}

/// A permission that did not resolve, as a diagnostic at its place in the file.
pub fn unresolved_error(problem: Unresolved, src: &Source, span: SourceSpan, api: Api) -> SourceError {
    match problem {
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
            let message = format!(
                "`{}` is a Harvest v3 scope, but this file says `api: {}`",
                scope.id,
                api.as_str()
            );
            SourceError::at(src, span, message, "v3 scope").with_help(help)
        }
        Unresolved::WrongVocabulary { found: Perm::V1(v) } => {
            let p = catalog::v1(v);
            let scopes: Vec<&str> = p.v3_scopes().map(|s| s.id).collect();
            let help = match p.mapping {
                Mapping::None => format!("`{}` has no v3 equivalent. {}", p.label, p.note),
                Mapping::Equivalent => format!("in harvest-v3 this is: {}", scopes.join(", ")),
                Mapping::Approximate => format!("in harvest-v3 this is approximately: {}", scopes.join(", ")),
            };
            // Quote what the file says (`GET /v1/jobs` or a label), and name the other form.
            let written = src
                .text
                .get(span.offset()..span.offset() + span.len())
                .map(|w| crate::input::sanitize::clean_line(w.trim().trim_matches(['"', '\''])))
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| p.key.to_string());
            let other = if written == p.key { p.label } else { p.key };
            let message = format!(
                "`{}` is a Harvest v1 permission ({other}), but this file says `api: {}`",
                catalog::shorten(&written),
                api.as_str()
            );
            SourceError::at(src, span, message, "v1 permission").with_help(help)
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

/// The evidence named by an inferred profile's `source: observed in FILE...`.
pub fn observed_in(source: &str) -> Option<&str> {
    source
        .strip_prefix("observed in ")
        .map(str::trim)
        .filter(|rest| !rest.is_empty())
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

/// A YYYY-MM-DD calendar date, with a reason when it is not one.
pub fn parse_date(s: &str) -> Result<jiff::civil::Date, &'static str> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return Err("expected YYYY-MM-DD");
    }
    let number = |r: std::ops::Range<usize>| s[r].parse::<i16>().map_err(|_| "expected YYYY-MM-DD");
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    if !(1..=12).contains(&month) {
        return Err("the month must be 01 to 12");
    }
    jiff::civil::Date::new(year, month as i8, day as i8).map_err(|_| "no such day in that month")
}

/// The id of a profile file (or the default name of a grants file): its stem, without
/// control characters.
pub fn id_of_path(path: &Path) -> String {
    path.file_stem()
        .map(|s| sanitize::clean_line(&s.to_string_lossy()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert!(parse_date("2026-11-23").is_ok());
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(parse_date("2026-02-29"), Err("no such day in that month"));
        assert_eq!(parse_date("2026-13-01"), Err("the month must be 01 to 12"));
        assert_eq!(parse_date("26-11-23"), Err("expected YYYY-MM-DD"));
        assert_eq!(parse_date("2026-1a-01"), Err("expected YYYY-MM-DD"));
    }

    #[test]
    fn urls() {
        assert!(check_url("https://support.seekout.io/hc/en-us/articles/1").is_ok());
        assert!(check_url("ftp://x.example").is_err());
        assert!(check_url("https://localhost").is_err());
        assert!(check_url("https://a .example").is_err());
    }
}
