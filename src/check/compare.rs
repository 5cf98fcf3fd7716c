//! The comparison: profile(s) x grants -> findings (DESIGN.md section 4, "Comparison
//! rules"). Both sides are translated into one comparison space; the profiles' side is
//! computed once per space and shared by every credential checked against them.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use super::usage::Usage;
use super::{CheckResult, Summary, Verdict};
use crate::catalog::{self, Api, Mapping, Perm, V1Permission};
use crate::finding::{Basis, Finding, Kind, Location, UsageState, no_profiles};
use crate::input::Entry;
use crate::input::grants::{GrantState, Grants};
use crate::input::policy::Policy;
use crate::input::profile::{CredentialKind, Profile};
use crate::input::source::Source;

/// Where a permission in a translated set came from: which profiles (or the grant) put it
/// there, through which v1 permissions, whether only through approximate mappings, and where
/// it was written.
#[derive(Debug, Clone, Default)]
struct Provenance<'a> {
    profiles: Vec<&'a Arc<str>>,
    v1_labels: Vec<&'static str>,
    /// True while every path to this permission is an approximate mapping.
    approximate: bool,
    /// The file and byte offset of the first entry that put it here (a line is computed
    /// only when a finding needs it).
    at: Option<(&'a Source, usize)>,
    /// The basis, made once: a profile's requirement is reported for every credential.
    basis: OnceLock<Basis>,
}

impl Provenance<'_> {
    /// What a finding about this permission reports.
    fn basis(&self) -> Basis {
        self.basis
            .get_or_init(|| Basis {
                profiles: if self.profiles.is_empty() {
                    no_profiles()
                } else {
                    self.profiles.iter().map(|p| Arc::clone(p)).collect()
                },
                labels: self.v1_labels.clone(),
                approximate: self.approximate,
                location: self.at.map(|(src, offset)| src.location(offset)),
            })
            .clone()
    }
}

type PermissionSet<'a> = BTreeMap<Perm, Provenance<'a>>;

/// Translate entries into the comparison space, into `into`; entries that cannot be
/// translated are returned separately (v1 permissions with no v3 equivalent). `src` is the
/// file the entries were read from, `profile` the id of the profile they belong to.
fn translate<'a>(
    entries: &[Entry],
    space: Api,
    src: Option<&'a Source>,
    profile: Option<&'a Arc<str>>,
    into: &mut PermissionSet<'a>,
) -> Vec<&'static V1Permission> {
    let mut unmapped = Vec::new();
    for e in entries {
        let mut add = |perm: Perm, approximate: bool, v1_label: Option<&'static str>| {
            let why = into.entry(perm).or_insert_with(|| Provenance {
                approximate: true,
                ..Provenance::default()
            });
            why.approximate &= approximate;
            if let Some(p) = profile
                && !why.profiles.contains(&p)
            {
                why.profiles.push(p);
            }
            if let Some(l) = v1_label
                && !why.v1_labels.contains(&l)
            {
                why.v1_labels.push(l);
            }
            if why.at.is_none() {
                why.at = src.map(|s| (s, e.span.offset()));
            }
        };
        match (e.perm, space) {
            (Perm::V1(v), Api::HarvestV3) => {
                let p = catalog::v1(v);
                if p.mapping == Mapping::None {
                    unmapped.push(p);
                }
                for s in p.v3_scopes() {
                    add(Perm::V3(s.sid), p.mapping != Mapping::Equivalent, Some(p.label));
                }
            }
            (perm, _) => add(perm, false, None),
        }
    }
    unmapped
}

/// A permission in a comparison space, as `diff` and `migrate` see it.
#[derive(Debug, Clone)]
pub struct Translated {
    /// Every path to it is an approximate v1 -> v3 mapping.
    pub approximate: bool,
    /// The v1 labels it was translated from.
    pub v1_labels: Vec<&'static str>,
}

/// Entries translated into a comparison space, plus the v1 permissions that have no
/// equivalent there.
pub fn translate_set(entries: &[Entry], space: Api) -> (BTreeMap<Perm, Translated>, Vec<&'static V1Permission>) {
    let mut set = PermissionSet::new();
    let unmapped = translate(entries, space, None, None, &mut set);
    let set = set
        .into_iter()
        .map(|(p, why)| {
            (
                p,
                Translated {
                    approximate: why.approximate,
                    v1_labels: why.v1_labels,
                },
            )
        })
        .collect();
    (set, unmapped)
}

/// The profiles' side of a comparison in one space: required, optional, and the v1
/// requirements with no equivalent there.
#[derive(Debug)]
struct Requirements<'a> {
    required: PermissionSet<'a>,
    optional: PermissionSet<'a>,
    unmapped: Vec<(&'a Arc<str>, &'static V1Permission)>,
}

/// One or more profiles for one credential (their union), ready to be compared with many
/// credentials: their side of the comparison is computed once per space and shared.
#[derive(Debug)]
pub struct ProfileSet<'a> {
    profiles: &'a [&'a Profile],
    /// [v1 space, v3 space], computed on first use.
    sides: [OnceLock<Requirements<'a>>; 2],
}

impl<'a> ProfileSet<'a> {
    pub fn new(profiles: &'a [&'a Profile]) -> Self {
        ProfileSet {
            profiles,
            sides: [OnceLock::new(), OnceLock::new()],
        }
    }

    /// The ids of the profiles, in order.
    pub fn profile_ids(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.id.to_string()).collect()
    }

    fn harvest(&self) -> impl Iterator<Item = &'a Profile> + '_ {
        self.profiles
            .iter()
            .copied()
            .filter(|p| p.credential == CredentialKind::Harvest)
    }

    fn side(&self, space: Api) -> &Requirements<'a> {
        let i = usize::from(space == Api::HarvestV3);
        self.sides[i].get_or_init(|| {
            let mut r = Requirements {
                required: PermissionSet::new(),
                optional: PermissionSet::new(),
                unmapped: Vec::new(),
            };
            for p in self.harvest() {
                for v1 in translate(&p.permissions, space, Some(&p.src), Some(&p.id), &mut r.required) {
                    r.unmapped.push((&p.id, v1));
                }
                translate(&p.optional, space, Some(&p.src), Some(&p.id), &mut r.optional);
            }
            r
        })
    }

    /// v1 space only when every side speaks v1; otherwise v3, translating the v1 side.
    fn space(&self, grants: &Grants) -> Api {
        let grants_v1 = matches!(
            grants.state,
            GrantState::Known {
                api: Api::HarvestV1,
                ..
            }
        );
        if grants_v1 && self.harvest().all(|p| p.api == Api::HarvestV1) {
            Api::HarvestV1
        } else {
            Api::HarvestV3
        }
    }

    /// Compare one credential's grants with the union of the profiles.
    pub fn check(&self, credential: &str, grants: &Grants, policy: &Policy) -> CheckResult {
        self.check_with(credential, grants, policy, None)
    }

    /// Compare one credential's grants with the union of the profiles, and with what the
    /// usage evidence says the integration called, when there is evidence.
    pub fn check_with(&self, credential: &str, grants: &Grants, policy: &Policy, usage: Option<&Usage>) -> CheckResult {
        let space = self.space(grants);
        let side = self.side(space);
        let mut findings = self.credential_findings();
        findings.extend(
            side.unmapped
                .iter()
                .map(|(profile, v1)| Finding::unmapped_requirement(profile, v1)),
        );
        let mut summary = Summary {
            required: side.required.len(),
            ..Summary::default()
        };
        let mut granted = PermissionSet::new();
        match &grants.state {
            GrantState::Unknown { reason } => {
                findings.push(Finding::grants_unknown(reason));
                summary.grants_unknown = true;
            }
            GrantState::Known { entries, .. } => {
                for v1 in translate(entries, space, grants.src.as_ref(), None, &mut granted) {
                    findings.push(Finding::unknown_v1_grant(v1, policy));
                }
                for scope in &grants.unrecognized {
                    let location = grants.src.as_ref().zip(scope.at).map(|(src, at)| src.location(at));
                    findings.push(Finding::unrecognized_scope(scope, location, policy));
                }
                findings.extend(
                    grants
                        .unreadable
                        .iter()
                        .map(|json| Finding::unreadable_scope(json, policy)),
                );
                summary.granted = granted.len() + grants.unrecognized.len() + grants.unreadable.len();
                compare(side, &granted, policy, &mut findings, &mut summary);
            }
        }
        let mut caveats = grants.caveats.clone();
        caveats.extend(self.certainty_caveats(&findings));
        if self.harvest().any(|p| p.partial) {
            for f in findings.iter_mut().filter(|f| f.kind == Kind::Excess) {
                f.partial_profile = true;
            }
        }
        let usage = usage.map(|u| {
            let u = u.in_space(space);
            let known = matches!(grants.state, GrantState::Known { .. });
            usage_findings(side, &granted, known, &u, policy, &mut findings);
            caveats.extend(u.caveats());
            Arc::new(u)
        });
        let mut result = CheckResult {
            credential: credential.to_string(),
            profiles: self.profile_ids(),
            grants_source: grants.source,
            grants_origin: grants.origin.clone(),
            read_at: grants.read_at,
            caveats,
            space,
            verdict: Verdict::Pass,
            findings,
            summary,
            anchor: self.anchor(grants),
            failure: None,
            usage,
        };
        result.finish();
        result
    }

    /// What makes the verdict less certain than it looks: a partial profile, approximate
    /// mappings.
    fn certainty_caveats(&self, findings: &[Finding]) -> Vec<String> {
        let mut out = Vec::new();
        for p in self.harvest().filter(|p| p.partial) {
            out.push(format!(
                "profile `{}` is a PARTIAL list (the vendor has not published all it needs): an excess grant may be one the partner uses",
                p.id
            ));
        }
        let mut inferred: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.permission.filter(|p| p.risk_inferred()).map(|p| p.id()))
            .collect();
        inferred.sort_unstable();
        inferred.dedup();
        if let (false, Some(spec)) = (inferred.is_empty(), catalog::spec_origin()) {
            out.push(format!(
                "{} scope(s) are new in {spec}, not in grantlint's built-in catalog: their risk is inferred from their names ({})",
                inferred.len(),
                inferred.join(", ")
            ));
        }
        let approximate = findings.iter().filter(|f| f.kind == Kind::ApproximateMatch).count();
        if approximate > 0 {
            out.push(format!(
                "{} granted only through approximate v1 -> v3 mappings: whether the credential covers {} is uncertain",
                if approximate == 1 {
                    "1 required permission is".to_string()
                } else {
                    format!("{approximate} required permissions are")
                },
                if approximate == 1 { "it" } else { "them" }
            ));
        }
        out
    }

    /// Where a report points when a finding has no line of its own, or only one in a built-in
    /// profile: the grants file, else the first profile the user owns, else the first profile.
    fn anchor(&self, grants: &Grants) -> Option<Location> {
        grants
            .src
            .as_ref()
            .map(|src| src.location(0))
            .or_else(|| self.profiles.iter().map(|p| p.src.location(0)).find(|l| !l.builtin))
            .or_else(|| self.profiles.first().map(|p| p.src.location(0)))
    }

    /// Findings about the credential as a whole: a wrong kind of credential, and other
    /// credentials the partners need.
    fn credential_findings(&self) -> Vec<Finding> {
        let wrong_type = self
            .profiles
            .iter()
            .filter(|p| p.credential != CredentialKind::Harvest)
            .map(|p| Finding::wrong_credential_type(&p.id, p.credential, p.src.location(0)));
        let also_needs = self
            .profiles
            .iter()
            .flat_map(|p| p.also_needs.iter().map(|other| Finding::also_needs(&p.id, *other)));
        wrong_type.chain(also_needs).collect()
    }
}

/// Missing, excess and unused-optional findings of known grants.
fn compare(
    side: &Requirements,
    granted: &PermissionSet,
    policy: &Policy,
    findings: &mut Vec<Finding>,
    summary: &mut Summary,
) {
    for (perm, why) in &side.required {
        match granted.get(perm) {
            None => {
                findings.push(Finding::missing(*perm, why.basis(), policy));
                summary.missing += 1;
            }
            Some(grant) if why.approximate || grant.approximate => {
                let mut basis = why.basis();
                basis.approximate = true;
                for l in &grant.v1_labels {
                    if !basis.labels.contains(l) {
                        basis.labels.push(l);
                    }
                }
                findings.push(Finding::approximate_match(*perm, basis));
            }
            Some(_) => {}
        }
    }
    for (perm, why) in granted {
        if !side.required.contains_key(perm) && !side.optional.contains_key(perm) {
            findings.push(Finding::excess(*perm, why.basis(), policy));
            summary.excess += 1;
        }
    }
    for (perm, why) in &side.optional {
        if !granted.contains_key(perm) && !side.required.contains_key(perm) {
            findings.push(Finding::unused_optional(*perm, why.basis()));
        }
    }
}

/// What the usage evidence adds (DESIGN.md section 7): unused grants, calls no profile lists,
/// refused calls; and what it says of every other finding's permission. `granted` counts only
/// when `grants_known`.
fn usage_findings(
    side: &Requirements,
    granted: &PermissionSet,
    grants_known: bool,
    usage: &Usage,
    policy: &Policy,
    findings: &mut Vec<Finding>,
) {
    // A v1 requirement with no equivalent in this space is listed as itself.
    let listed = |p: &Perm| {
        side.required.contains_key(p)
            || side.optional.contains_key(p)
            || matches!(p, Perm::V1(v) if side.unmapped.iter().any(|(_, u)| std::ptr::eq(*u, catalog::v1(*v))))
    };
    for f in findings.iter_mut() {
        if let Some(p) = f.permission {
            f.usage = Some(usage.note(p));
        }
    }
    if grants_known {
        for (perm, why) in granted.iter().filter(|(p, _)| listed(p)) {
            let note = usage.note(*perm);
            // Calls that were tried (401, no response) are not use, but not absence either.
            let tried = usage.of(*perm).is_some_and(|u| u.auth_failures + u.no_response > 0);
            if note.state == UsageState::Unused && !tried {
                let basis = side
                    .required
                    .get(perm)
                    .or_else(|| side.optional.get(perm))
                    .map_or_else(|| why.basis(), Provenance::basis);
                findings.push(Finding::unused_grant(*perm, basis, note, policy));
            }
        }
    }
    for (perm, u) in &usage.permissions {
        let is_granted = grants_known.then(|| granted.contains_key(perm));
        // Translated calls that map to several permissions are explained by any one listed.
        if u.used > 0 && !listed(perm) && !u.alternatives.iter().any(listed) {
            findings.push(Finding::used_not_required(
                *perm,
                is_granted,
                u.translated,
                usage.note(*perm),
            ));
        }
        if u.denied > 0 {
            findings.push(Finding::denied_call(*perm, is_granted, usage.note(*perm)));
        }
    }
}

/// Compare one credential's grants with the union of some profiles.
pub fn check(credential: &str, profiles: &[&Profile], grants: &Grants, policy: &Policy) -> CheckResult {
    ProfileSet::new(profiles).check(credential, grants, policy)
}
