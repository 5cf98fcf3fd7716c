//! The Harvest permission catalog: every v3 scope, every v1/v2 endpoint permission, the
//! v1 -> v3 mapping and the risk rule. The data lives in `catalog/*.tsv` (sources in
//! `catalog/README.md`) and is compiled into static tables by `build.rs`; every lookup
//! here is a binary search over a sorted static array.

mod normalize;
mod overlay;
pub mod paths;
mod perm;
mod resolve;
mod risk;

pub use normalize::normalize_label;
pub use overlay::{
    Change, Derived, MAX_SCOPES, Provenance, SpecCatalog, SpecOperation, UNKNOWN_RESOURCE_CLASS, builtin_as_spec,
    derive, diff, effect_of, install, spec_origin,
};
pub use perm::{Api, Perm};
pub use resolve::{Unresolved, resolve, screen_form};
pub use risk::{DataClass, Effect, Risk};
use serde::Serialize;

/// How sure the catalog is of a scope's method + path binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// Read from the operations of Greenhouse's own OpenAPI spec (reference/harvest_v3.operations.tsv).
    Spec,
    /// No Harvest operation names the scope; what it authorises is inferred (auditlog).
    Inferred,
    /// Declared in the scope catalogue, but no operation references it.
    None,
}

/// How a v1 permission translates into v3 scopes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mapping {
    /// Greenhouse's migration guide states this translation.
    Equivalent,
    /// Inferred from the v1 docs and the v3 path list, or v3 covers the capability only in part.
    Approximate,
    /// v3 has no equivalent.
    None,
}

/// Where a mapping comes from (reference/harvest-v3.md section 5 "Basis").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MappingBasis {
    Guide,
    Inferred,
}

/// What Greenhouse's Audit Log records of a permission's use (catalog/reference/auditlog.md;
/// the rule is in catalog/import_reference.py).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AuditLog {
    /// Its `harvest_access` events cover the object (candidates, applications) [GH].
    Recorded,
    /// Writes presumably produce `data_change_*` rows; not confirmed by Greenhouse [INF].
    Inferred,
    /// Reads of this object are not audited: no event means nothing.
    NotRecorded,
}

/// Whether a v1 UI label was seen on a partner page or inferred from the docs heading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelEvidence {
    Verbatim,
    Inferred,
}

/// One HTTP operation a v3 scope authorises.
#[derive(Debug, Serialize)]
pub struct Operation {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
}

/// Index of a v3 scope in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeId(pub(crate) u16);

/// Index of a v1 permission in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct V1Id(pub(crate) u16);

/// A Harvest v3 OAuth scope, `harvest:<resource>:<action>`.
#[derive(Debug)]
pub struct Scope {
    pub sid: ScopeId,
    pub id: &'static str,
    /// Group heading on Dev Center's "Manage scopes" screen.
    pub group: &'static str,
    /// The scope's label on that screen.
    pub label: &'static str,
    pub effect: Effect,
    pub data_class: DataClass,
    pub binding: Binding,
    /// The binding grade reference/harvest-v3.md gave before the spec tables were available:
    /// P (read in the spec), R (transcribed from reference pages), C (inferred from naming).
    pub reference_mark: &'static str,
    /// What the Audit Log records of its use.
    pub audit_log: AuditLog,
    pub note: &'static str,
    pub operations: &'static [Operation],
    pub v1_equivalents: &'static [V1Id],
    /// Built in, or what a `--catalog-spec` spec says of it.
    pub provenance: Provenance,
}

impl Scope {
    pub fn risk(&self) -> Risk {
        Risk::of(self.effect, self.data_class)
    }

    /// New in a `--catalog-spec` spec: effect, data class and so risk are derived from its
    /// name by the catalog's rule, not reviewed.
    pub fn risk_inferred(&self) -> bool {
        self.provenance == Provenance::Added
    }
}

/// A Harvest v1/v2 API-key permission: one checkbox on "Manage Permissions", keyed on
/// method + path.
#[derive(Debug)]
pub struct V1Permission {
    pub vid: V1Id,
    /// `"METHOD /path"`, the permission's identity.
    pub key: &'static str,
    pub group: &'static str,
    pub label: &'static str,
    /// Other spellings partners publish (beyond case, apostrophe and spacing).
    pub aliases: &'static [&'static str],
    /// Who published each alias, in the same order: partner pages by their code in
    /// reference/harvest-v1.md section 9 ("SO, KNIT, R2R").
    pub alias_evidence: &'static [&'static str],
    pub method: &'static str,
    pub path: &'static str,
    pub effect: Effect,
    pub data_class: DataClass,
    pub on_behalf_of: bool,
    pub label_evidence: LabelEvidence,
    /// Partner pages quoting the label (codes of reference/harvest-v1.md section 9).
    pub evidence: &'static str,
    pub v3: &'static [ScopeId],
    pub mapping: Mapping,
    pub mapping_basis: MappingBasis,
    /// What the Audit Log records of its use.
    pub audit_log: AuditLog,
    pub note: &'static str,
}

impl V1Permission {
    pub fn risk(&self) -> Risk {
        Risk::of(self.effect, self.data_class)
    }

    /// The published variant that `written` spells, with who published it: an alias that
    /// differs from the canonical label in its words (a plural, a missing word), not only in
    /// what loose matching forgives (case, apostrophes, spacing). None for the canonical
    /// label in any loose spelling. Several aliases may spell the same words (`Get: Hiring
    /// Team`, `GET: Hiring team`): the one written exactly is named, else the first, and the
    /// evidence is all of theirs.
    pub fn published_variant(&self, written: &str) -> Option<(&'static str, String)> {
        let n = normalize_label(written);
        if n == normalize_label(self.label) {
            return None;
        }
        let same: Vec<(&'static str, &'static str)> = self
            .aliases
            .iter()
            .zip(self.alias_evidence)
            .filter(|(a, _)| normalize_label(a) == n)
            .map(|(a, e)| (*a, *e))
            .collect();
        let named = same.iter().find(|(a, _)| *a == written.trim()).or(same.first())?.0;
        let evidence: Vec<&str> = same.iter().map(|(_, e)| *e).collect();
        Some((named, evidence.join("; ")))
    }

    pub fn v3_scopes(&self) -> impl Iterator<Item = &'static Scope> + '_ {
        self.v3.iter().map(|&id| scope(id))
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog_data.rs"));

fn search<K: AsRef<str>, T: Copy>(index: &[(K, T)], key: &str) -> Option<T> {
    index
        .binary_search_by(|(k, _)| k.as_ref().cmp(key))
        .ok()
        .map(|i| index[i].1)
}

/// Every v3 scope of the running catalog: the built-in one, or the built-in one with a
/// `--catalog-spec` spec laid over it ([`install`]).
pub fn scopes() -> &'static [Scope] {
    overlay::OVERLAY.get().map_or(&SCOPES[..], |o| o.scopes)
}

/// The built-in scopes, whatever spec is laid over them.
pub fn builtin_scopes() -> &'static [Scope] {
    &SCOPES
}

pub fn v1_permissions() -> &'static [V1Permission] {
    &V1_PERMISSIONS
}

pub fn scope(id: ScopeId) -> &'static Scope {
    &scopes()[usize::from(id.0)]
}

pub fn v1(id: V1Id) -> &'static V1Permission {
    &V1_PERMISSIONS[usize::from(id.0)]
}

/// A scope by its exact string, e.g. `harvest:applications:list`.
pub fn scope_by_id(id: &str) -> Option<ScopeId> {
    match overlay::OVERLAY.get() {
        Some(o) => search(&o.by_id, id),
        None => search(&SCOPE_BY_ID, id),
    }
}

/// A scope by its "Manage scopes" label, matched loosely (case, spacing).
pub fn scope_by_label(label: &str) -> Option<ScopeId> {
    let key = normalize_label(label);
    match overlay::OVERLAY.get() {
        Some(o) => search(&o.by_label, &key),
        None => search(&SCOPE_BY_LABEL, &key),
    }
}

/// The scope that authorises a v3 operation, e.g. `GET /v3/applications`.
pub fn scope_by_operation(method_path: &str) -> Option<ScopeId> {
    let (m, p) = split_method_path(method_path)?;
    let key = format!("{m} {p}");
    match overlay::OVERLAY.get() {
        Some(o) => search(&o.by_operation, &key),
        None => search(&SCOPE_BY_OPERATION, &key),
    }
}

/// A v1 permission by `"METHOD /path"`.
pub fn v1_by_key(method_path: &str) -> Option<V1Id> {
    let (m, p) = split_method_path(method_path)?;
    search(&V1_BY_KEY, &format!("{m} {p}"))
}

/// A v1 permission by its UI label in any accepted spelling.
pub fn v1_by_label(label: &str) -> Option<V1Id> {
    search(&V1_BY_LABEL, &normalize_label(label))
}

fn split_method_path(s: &str) -> Option<(String, &str)> {
    let (m, p) = s.trim().split_once(char::is_whitespace)?;
    let m = m.to_ascii_uppercase();
    matches!(m.as_str(), "GET" | "POST" | "PUT" | "PATCH" | "DELETE").then_some((m, p.trim()))
}

/// Every accepted spelling of every v1 label, each with the canonical label to suggest:
/// the candidates for a "did you mean" suggestion.
pub fn v1_label_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    V1_PERMISSIONS.iter().flat_map(|p| {
        std::iter::once(p.label)
            .chain(p.aliases.iter().copied())
            .map(move |s| (s, p.label))
    })
}

/// The closest known name to `input`: `candidates` are (spelling to compare, name to
/// suggest) pairs, compared by Jaro-Winkler similarity of the normalised text.
pub fn suggest<'a>(input: &str, candidates: impl Iterator<Item = (&'a str, &'a str)>) -> Option<&'a str> {
    suggest_within(input, candidates, 0.8)
}

/// [`suggest`] with a similarity threshold: a claimed scope the catalog does not know may be
/// new rather than misspelt, so only a near miss is suggested for it.
pub fn suggest_within<'a>(
    input: &str,
    candidates: impl Iterator<Item = (&'a str, &'a str)>,
    threshold: f64,
) -> Option<&'a str> {
    // No real name is this long, and Jaro-Winkler is quadratic in the input's length.
    if input.len() > MAX_NAME_LEN {
        return None;
    }
    let needle = normalize_label(input);
    candidates
        .map(|(spelling, name)| (strsim::jaro_winkler(&needle, &normalize_label(spelling)), name))
        .filter(|(score, _)| *score > threshold)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// Longer than any permission label or scope (the longest are about 70 characters).
pub const MAX_NAME_LEN: usize = 120;

/// `input` cut to a length fit for a message.
pub fn shorten(input: &str) -> String {
    if input.chars().count() <= MAX_NAME_LEN {
        return input.to_string();
    }
    let head: String = input.chars().take(MAX_NAME_LEN).collect();
    format!("{head}… ({} characters)", input.chars().count())
}

/// Pair each name with itself, for [`suggest`].
pub fn same<'a>(names: impl Iterator<Item = &'a str>) -> impl Iterator<Item = (&'a str, &'a str)> {
    names.map(|n| (n, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Audit Log records access to candidates and applications themselves
    /// (reference/auditlog.md); a v1 endpoint about a sub-resource (a candidate's activity
    /// feed, an application's scorecards or EEOC answers) is not recorded as such. The list is
    /// written by hand from the reference, not from the catalog.
    #[test]
    fn the_audit_log_records_only_candidates_and_applications_themselves() {
        let mut recorded: Vec<&str> = v1_permissions()
            .iter()
            .filter(|p| p.audit_log == AuditLog::Recorded)
            .map(|p| p.key)
            .collect();
        recorded.sort_unstable();
        let mut expected = vec![
            "GET /v1/applications",
            "GET /v1/applications/{id}",
            "DELETE /v1/applications/{id}",
            "PATCH /v1/applications/{id}",
            "POST /v1/applications/{id}/advance",
            "POST /v1/applications/{id}/move",
            "POST /v1/applications/{id}/transfer_to_job",
            "PATCH /v1/applications/{id}/convert_prospect",
            "POST /v1/applications/{id}/hire",
            "POST /v1/applications/{id}/reject",
            "PATCH /v1/applications/{id}/reject",
            "POST /v1/applications/{id}/unreject",
            "GET /v1/candidates",
            "GET /v1/candidates/{id}",
            "DELETE /v1/candidates/{id}",
            "PATCH /v1/candidates/{id}",
            "POST /v1/candidates",
            "PUT /v1/candidates/{id}/anonymize",
            "PUT /v1/candidates/merge",
            "POST /v1/candidates/{id}/applications",
        ];
        expected.sort_unstable();
        assert_eq!(recorded, expected);
        for sub in [
            "GET /v1/candidates/{id}/activity_feed",
            "GET /v1/applications/{id}/eeoc",
            "GET /v1/applications/{id}/scorecards",
        ] {
            let id = v1_by_key(sub).unwrap_or_else(|| panic!("{sub} is in the catalog"));
            assert_ne!(v1(id).audit_log, AuditLog::Recorded, "{sub}");
        }
    }

    #[test]
    fn counts_match_the_reference() {
        assert_eq!(scopes().len(), 163);
        assert_eq!(v1_permissions().len(), 137);
        let ops: usize = scopes().iter().map(|s| s.operations.len()).sum();
        assert_eq!(
            ops, 184,
            "reference/harvest_v3.operations.tsv has 185 operations, 184 with a scope"
        );
    }

    #[test]
    fn lookups_round_trip() {
        for s in scopes() {
            assert_eq!(scope(scope_by_id(s.id).unwrap()).id, s.id);
            assert_eq!(scope(scope_by_label(s.label).unwrap()).id, s.id);
            assert_eq!(scope(s.sid).id, s.id);
            for op in s.operations {
                let found = scope_by_operation(&format!("{} {}", op.method, op.path)).unwrap();
                assert_eq!(scope(found).id, s.id);
            }
        }
        for p in v1_permissions() {
            assert_eq!(v1(v1_by_key(p.key).unwrap()).key, p.key);
            assert_eq!(v1(v1_by_label(p.label).unwrap()).key, p.key);
            for a in p.aliases {
                assert_eq!(v1(v1_by_label(a).unwrap()).key, p.key, "alias {a}");
            }
        }
    }

    #[test]
    fn label_spellings_are_loose_only_where_partners_vary() {
        let want = v1_by_key("GET /v1/candidates").unwrap();
        for spelling in [
            "GET: List Candidates",
            "Get: List Candidates",
            "get:list candidates",
            "GET List Candidates",
            "GET :  List   Candidates",
        ] {
            assert_eq!(v1_by_label(spelling), Some(want), "{spelling}");
        }
        assert_eq!(v1_by_label("GET: List Candidatez"), None);
        let offers = v1_by_key("GET /v1/applications/{application_id}/offers").unwrap();
        assert_eq!(v1_by_label("GET: List application\u{2019}s offers"), Some(offers));
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_general_normalisation() {
        // The general path, forced by a non-ASCII character that normalises away.
        let general = |s: &str| {
            normalize_label(&format!("{s}\u{2019}"))
                .trim_end_matches('\'')
                .trim_end()
                .to_string()
        };
        for s in [
            "GET: List Candidates",
            "Get:List Candidates",
            "POST : Reject Application",
            "POST :Reject Application",
            "GET Retrieve Candidate",
            "  GET:   List   users  ",
            "GET: List application`s offers",
            "List applications",
            "harvest:jobs:list",
            "PATCH: Update a Rejected Application's Rejected Reason",
            "a:b:c",
            ":",
            "",
        ] {
            assert_eq!(normalize_label(s), general(s), "{s:?}");
        }
    }

    #[test]
    fn risk_rule_examples_from_design() {
        let r = |s: &str| scope(scope_by_id(s).unwrap()).risk();
        assert_eq!(r("harvest:departments:list"), Risk::Low);
        assert_eq!(r("harvest:candidates:list"), Risk::Medium);
        assert_eq!(r("harvest:eeoc:list"), Risk::High);
        assert_eq!(r("harvest:offers:list"), Risk::High);
        assert_eq!(r("harvest:candidates:update"), Risk::High);
        assert_eq!(r("harvest:candidates:destroy"), Risk::Critical);
        assert_eq!(r("harvest:candidates:anonymize"), Risk::Critical);
        assert_eq!(r("harvest:candidates:merge"), Risk::Critical);
        assert_eq!(r("harvest:users:create"), Risk::Critical);
        assert_eq!(r("harvest:user_job_permissions:create"), Risk::Critical);
    }

    #[test]
    fn every_mapped_v1_permission_maps_to_existing_scopes() {
        for p in v1_permissions() {
            assert_eq!(p.v3.is_empty(), p.mapping == Mapping::None, "{}", p.key);
            for s in p.v3_scopes() {
                assert!(s.v1_equivalents.iter().any(|&v| v1(v).key == p.key));
            }
        }
    }
}
