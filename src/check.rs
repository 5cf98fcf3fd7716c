//! The comparison: profile(s) x grants -> findings (DESIGN.md section 4, "Comparison
//! rules"). Pure: no I/O, no printing.

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{self, Mapping, Risk};
use crate::finding::{Finding, Kind, Level, Location};
use crate::grants::{GrantState, Grants, GrantsSource};
use crate::profile::{Api, CredentialKind, Entry, Perm, Profile};

/// Fail on excess grants at or above a risk, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcessThreshold {
    AtLeast(Risk),
    Never,
}

impl std::str::FromStr for ExcessThreshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "never" {
            return Ok(ExcessThreshold::Never);
        }
        s.parse::<Risk>()
            .map(ExcessThreshold::AtLeast)
            .map_err(|_| format!("unknown level {s:?} (expected low, medium, high, critical or never)"))
    }
}

impl ExcessThreshold {
    pub fn fails(self, risk: Risk) -> bool {
        matches!(self, ExcessThreshold::AtLeast(min) if risk >= min)
    }
}

/// When findings fail a run.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub fail_on_missing: bool,
    pub fail_on_excess: ExcessThreshold,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on_missing: true,
            fail_on_excess: ExcessThreshold::AtLeast(Risk::Low),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    Fail,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub required: usize,
    pub granted: usize,
    pub missing: usize,
    pub excess: usize,
    pub waived: usize,
}

/// The result of checking one credential.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub credential: String,
    pub profiles: Vec<String>,
    pub grants_source: GrantsSource,
    pub grants_origin: String,
    pub read_at: String,
    pub caveats: Vec<String>,
    pub space: Api,
    pub verdict: Verdict,
    /// Missing first, then excess by descending risk, then the rest.
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

/// Why a permission is in a set: which profiles (or the grant) put it there, through which
/// v1 permissions, and whether only through approximate mappings.
#[derive(Debug, Clone, Default)]
struct Why {
    profiles: BTreeSet<String>,
    v1_labels: Vec<&'static str>,
    /// True while every path to this permission is an approximate mapping.
    approximate: bool,
    location: Option<Location>,
}

type Set = BTreeMap<Perm, Why>;

/// Translate entries into the comparison space; entries that cannot be translated are
/// returned separately (v1 permissions with no v3 equivalent).
fn translate(
    entries: &[Entry],
    space: Api,
    profile: Option<&Profile>,
    into: &mut Set,
) -> Vec<&'static catalog::V1Permission> {
    let mut unmapped = Vec::new();
    for e in entries {
        let location = profile.map(|p| Location {
            file: p.src.name.clone(),
            line: p.src.line_of(e.span.offset()),
        });
        let mut add = |perm: Perm, approximate: bool, v1_label: Option<&'static str>| {
            let why = into.entry(perm).or_insert_with(|| Why {
                approximate: true,
                ..Why::default()
            });
            why.approximate &= approximate;
            if let Some(p) = profile {
                why.profiles.insert(p.id.clone());
            }
            if let Some(l) = v1_label
                && !why.v1_labels.contains(&l)
            {
                why.v1_labels.push(l);
            }
            if why.location.is_none() {
                why.location = location.clone();
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

/// Compare one credential's grants with the union of some profiles.
pub fn check(credential: &str, profiles: &[Profile], grants: &Grants, policy: &Policy) -> CheckResult {
    let profile_ids: Vec<String> = profiles.iter().map(|p| p.id.clone()).collect();
    let harvest_profiles: Vec<&Profile> = profiles
        .iter()
        .filter(|p| p.credential == CredentialKind::Harvest)
        .collect();
    let mut findings = Vec::new();

    let grants_api = match &grants.state {
        GrantState::Known { api, .. } => Some(*api),
        GrantState::Unknown { .. } => None,
    };
    // v1 space only when every side speaks v1; otherwise v3, translating the v1 side.
    let space = if grants_api == Some(Api::HarvestV1) && harvest_profiles.iter().all(|p| p.api == Api::HarvestV1) {
        Api::HarvestV1
    } else {
        Api::HarvestV3
    };

    for p in profiles.iter().filter(|p| p.credential != CredentialKind::Harvest) {
        let mut f = Finding::new(
            Kind::WrongCredentialType,
            format!(
                "profile `{}` needs a {} credential, not a Harvest credential: every Harvest grant here is excess for it",
                p.id,
                p.credential.as_str()
            ),
        );
        f.profiles = vec![p.id.clone()];
        f.location = Some(Location {
            file: p.src.name.clone(),
            line: 1,
        });
        findings.push(f);
    }
    for p in profiles {
        for other in &p.also_needs {
            let mut f = Finding::new(
                Kind::AlsoNeeds,
                format!(
                    "profile `{}` also needs a {}, which grantlint cannot check",
                    p.id,
                    other.as_str()
                ),
            );
            f.profiles = vec![p.id.clone()];
            findings.push(f);
        }
    }

    let mut required = Set::new();
    let mut optional = Set::new();
    for p in &harvest_profiles {
        for v1 in translate(&p.permissions, space, Some(p), &mut required) {
            let mut f = Finding::new(
                Kind::UnmappedRequirement,
                format!(
                    "profile `{}` requires `{}` ({}), which has no Harvest v3 equivalent: whether this credential covers it is unknown. {}",
                    p.id, v1.label, v1.key, v1.note
                ),
            );
            f.permission = Some(Perm::V1(v1.vid));
            f.risk = Some(v1.risk());
            f.labels = vec![v1.label];
            f.profiles = vec![p.id.clone()];
            findings.push(f);
        }
        translate(&p.optional, space, Some(p), &mut optional);
    }

    let mut summary = Summary {
        required: required.len(),
        ..Summary::default()
    };
    match &grants.state {
        GrantState::Unknown { reason } => {
            let mut f = Finding::new(
                Kind::GrantsUnknown,
                format!("the grants of this credential are unknown: {reason}; missing and excess cannot be determined"),
            );
            f.fails = true;
            findings.push(f);
        }
        GrantState::Known { entries, .. } => {
            let mut granted = Set::new();
            for v1 in translate(entries, space, None, &mut granted) {
                let mut f = Finding::new(
                    Kind::UnknownGrant,
                    format!(
                        "the credential grants `{}` ({}), which has no Harvest v3 equivalent; review it by hand. {}",
                        v1.label, v1.key, v1.note
                    ),
                );
                f.permission = Some(Perm::V1(v1.vid));
                f.risk = Some(v1.risk());
                f.labels = vec![v1.label];
                f.fails = policy.fail_on_excess.fails(v1.risk());
                findings.push(f);
            }
            summary.granted = granted.len();

            for (perm, why) in &required {
                if granted.contains_key(perm) {
                    continue;
                }
                let mut f = Finding::new(Kind::Missing, format!("missing {}", describe(*perm)));
                fill(&mut f, *perm, why);
                f.fails = policy.fail_on_missing;
                findings.push(f);
                summary.missing += 1;
            }
            for (perm, why) in &granted {
                if required.contains_key(perm) || optional.contains_key(perm) {
                    continue;
                }
                let mut f = Finding::new(Kind::Excess, format!("excess {}", describe(*perm)));
                fill(&mut f, *perm, why);
                f.profiles.clear();
                f.location = None;
                f.fails = policy.fail_on_excess.fails(perm.risk());
                findings.push(f);
                summary.excess += 1;
            }
            for (perm, why) in &optional {
                if granted.contains_key(perm) || required.contains_key(perm) {
                    continue;
                }
                let mut f = Finding::new(
                    Kind::UnusedOptional,
                    format!("optional {} is not granted", describe(*perm)),
                );
                fill(&mut f, *perm, why);
                findings.push(f);
            }
        }
    }

    for f in &mut findings {
        if f.level == Level::Note {
            f.fails = false;
        }
    }
    findings.sort_by(|a, b| {
        order(a.kind)
            .cmp(&order(b.kind))
            .then(b.risk.cmp(&a.risk))
            .then(a.permission.map(Perm::id).cmp(&b.permission.map(Perm::id)))
    });
    let verdict = if findings.iter().any(|f| f.fails && !f.waived) {
        Verdict::Fail
    } else {
        Verdict::Pass
    };
    CheckResult {
        credential: credential.to_string(),
        profiles: profile_ids,
        grants_source: grants.source,
        grants_origin: grants.origin.clone(),
        read_at: grants.read_at.clone(),
        caveats: grants.caveats.clone(),
        space,
        verdict,
        findings,
        summary,
    }
}

fn fill(f: &mut Finding, perm: Perm, why: &Why) {
    f.permission = Some(perm);
    f.risk = Some(perm.risk());
    f.profiles = why.profiles.iter().cloned().collect();
    f.labels = if why.v1_labels.is_empty() {
        vec![perm.label()]
    } else {
        why.v1_labels.clone()
    };
    f.approximate = why.approximate;
    f.location = why.location.clone();
}

fn describe(perm: Perm) -> String {
    format!(
        "{} ({} > {}, {} risk)",
        perm.id(),
        perm.group(),
        perm.label(),
        perm.risk()
    )
}

/// Report order: what breaks the integration, then what over-exposes, then the rest.
fn order(kind: Kind) -> u8 {
    match kind {
        Kind::WrongCredentialType | Kind::GrantsUnknown => 0,
        Kind::Missing | Kind::UnmappedRequirement => 1,
        Kind::Excess | Kind::UnknownGrant => 2,
        _ => 3,
    }
}
