//! The comparison: profile(s) x grants -> findings (DESIGN.md section 4, "Comparison
//! rules"). Pure: no I/O, no printing.

use std::collections::BTreeMap;

use crate::catalog::{self, Mapping, Risk};
use crate::diag::Source;
use crate::finding::{Finding, Kind, Level, Location};
use crate::grants::{GrantState, Grants, GrantsSource, ProbeOutcome, ProbeReport};
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
    /// The credential could not be checked (see its `credential-error` finding).
    Error,
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
    /// Where to point a report at when a finding has no line of its own (SARIF needs one):
    /// line 1 of the first profile, or the credential's entry in the config.
    pub anchor: Option<Location>,
    /// For `Verdict::Error`: the exit code the failure stands for (2 setup, 3 live).
    pub error_exit: Option<u8>,
}

impl CheckResult {
    /// Order the findings and derive the verdict from them: the last step of every check, and
    /// again after findings change (waivers, probe).
    pub fn finish(&mut self) {
        for f in &mut self.findings {
            if f.level == Level::Note {
                f.fails = false;
            }
        }
        self.findings.sort_by(|a, b| {
            order(a.kind)
                .cmp(&order(b.kind))
                .then(b.risk.cmp(&a.risk))
                .then(a.permission.map(Perm::id).cmp(&b.permission.map(Perm::id)))
        });
        self.verdict = if self.error_exit.is_some() {
            Verdict::Error
        } else if self.findings.iter().any(|f| f.fails && !f.waived) {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
    }

    /// A credential that could not be checked at all.
    pub fn failed(
        credential: &str,
        profiles: &[String],
        source: GrantsSource,
        origin: String,
        message: String,
        exit: u8,
    ) -> CheckResult {
        let mut r = CheckResult {
            credential: credential.to_string(),
            profiles: profiles.to_vec(),
            grants_source: source,
            grants_origin: origin,
            read_at: crate::time::now_rfc3339(),
            caveats: Vec::new(),
            space: Api::HarvestV3,
            verdict: Verdict::Error,
            findings: vec![Finding::new(Kind::CredentialError, message)],
            summary: Summary::default(),
            anchor: None,
            error_exit: Some(exit),
        };
        r.finish();
        r
    }

    /// The exit code this result stands for.
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            Verdict::Pass => 0,
            Verdict::Fail => 1,
            Verdict::Error => self.error_exit.unwrap_or(3),
        }
    }
}

/// Add what `--probe` saw: a `probe-disagrees` finding wherever the probe and the token
/// disagree. Pure, like [`check`].
pub fn apply_probe(result: &mut CheckResult, report: &ProbeReport) {
    let mut disagreements = 0;
    for &(id, claimed, path, outcome) in &report.results {
        let scope = catalog::scope(id);
        let message = match (claimed, outcome) {
            (true, ProbeOutcome::Refused) => format!(
                "the token claims {} but Greenhouse refused GET {path} (403): the token's user may not be a Site Admin, or the scope was removed",
                scope.id
            ),
            (false, ProbeOutcome::Allowed) => format!(
                "the token does not claim {} but GET {path} answered: the credential reaches more than its scopes say",
                scope.id
            ),
            _ => continue,
        };
        disagreements += 1;
        let mut f = Finding::new(Kind::ProbeDisagrees, message);
        f.permission = Some(Perm::V3(id));
        f.risk = Some(scope.risk());
        f.labels = vec![scope.label];
        result.findings.push(f);
    }
    let skipped = if report.skipped > 0 {
        format!(", {} not probed (request budget)", report.skipped)
    } else {
        String::new()
    };
    result.caveats.push(format!(
        "probe: {} list endpoints read with per_page=1&fields=id{skipped}; {disagreements} disagree with the token",
        report.results.len()
    ));
    result.finish();
}

/// Why a permission is in a set: which profiles (or the grant) put it there, through which
/// v1 permissions, whether only through approximate mappings, and where it was written.
#[derive(Debug, Clone, Default)]
struct Why<'a> {
    profiles: Vec<&'a str>,
    v1_labels: Vec<&'static str>,
    /// True while every path to this permission is an approximate mapping.
    approximate: bool,
    /// The file and byte offset of the first entry that put it here (a line is computed
    /// only when a finding needs it).
    at: Option<(&'a Source, usize)>,
}

impl Why<'_> {
    fn location(&self) -> Option<Location> {
        self.at.map(|(src, offset)| Location {
            file: src.path().to_string(),
            line: src.line_of(offset),
        })
    }
}

type Set<'a> = BTreeMap<Perm, Why<'a>>;

/// Translate entries into the comparison space, into `into`; entries that cannot be
/// translated are returned separately (v1 permissions with no v3 equivalent). `src` is the
/// file the entries were read from, `profile` the id of the profile they belong to.
fn translate<'a>(
    entries: &[Entry],
    space: Api,
    src: Option<&'a Source>,
    profile: Option<&'a str>,
    into: &mut Set<'a>,
) -> Vec<&'static catalog::V1Permission> {
    let mut unmapped = Vec::new();
    for e in entries {
        let mut add = |perm: Perm, approximate: bool, v1_label: Option<&'static str>| {
            let why = into.entry(perm).or_insert_with(|| Why {
                approximate: true,
                ..Why::default()
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

/// Permissions in a comparison space, each with whether it rests only on approximate
/// mappings, and the v1 labels it came from.
pub type PermissionSet = BTreeMap<Perm, (bool, Vec<&'static str>)>;

/// A set of permissions in a comparison space, each with whether it rests only on an
/// approximate mapping and the v1 labels it came from; plus the v1 permissions that have no
/// equivalent in that space. Used by `diff`.
pub fn permission_set(entries: &[Entry], space: Api) -> (PermissionSet, Vec<&'static catalog::V1Permission>) {
    let mut set = Set::new();
    let unmapped = translate(entries, space, None, None, &mut set);
    (
        set.into_iter()
            .map(|(p, why)| (p, (why.approximate, why.v1_labels)))
            .collect(),
        unmapped,
    )
}

/// The profiles' side of a comparison in one space: required, optional, and the v1
/// requirements with no equivalent there.
#[derive(Debug)]
struct Requirements<'a> {
    required: Set<'a>,
    optional: Set<'a>,
    unmapped: Vec<(&'a str, &'static catalog::V1Permission)>,
}

/// One or more profiles, ready to be compared with many credentials: their side of the
/// comparison is computed once per space and shared (a fleet check reuses it for every file).
#[derive(Debug)]
pub struct Prepared<'a> {
    profiles: &'a [&'a Profile],
    /// [v1 space, v3 space], computed on first use.
    sides: [std::sync::OnceLock<Requirements<'a>>; 2],
}

impl<'a> Prepared<'a> {
    pub fn new(profiles: &'a [&'a Profile]) -> Self {
        Prepared {
            profiles,
            sides: [std::sync::OnceLock::new(), std::sync::OnceLock::new()],
        }
    }

    /// The ids of the profiles, in order.
    pub fn profile_ids(&self) -> Vec<String> {
        self.profiles.iter().map(|p| p.id.clone()).collect()
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
                required: Set::new(),
                optional: Set::new(),
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

    /// Compare one credential's grants with the union of the profiles.
    pub fn check(&self, credential: &str, grants: &Grants, policy: &Policy) -> CheckResult {
        let profiles = self.profiles;
        let mut findings = Vec::new();
        let grants_api = match &grants.state {
            GrantState::Known { api, .. } => Some(*api),
            GrantState::Unknown { .. } => None,
        };
        // v1 space only when every side speaks v1; otherwise v3, translating the v1 side.
        let space = if grants_api == Some(Api::HarvestV1) && self.harvest().all(|p| p.api == Api::HarvestV1) {
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
                file: p.src.path().to_string(),
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

        let side = self.side(space);
        for (profile, v1) in &side.unmapped {
            let mut f = Finding::new(
                Kind::UnmappedRequirement,
                format!(
                    "profile `{profile}` requires `{}` ({}), which has no Harvest v3 equivalent: whether this credential covers it is unknown. {}",
                    v1.label, v1.key, v1.note
                ),
            );
            f.permission = Some(Perm::V1(v1.vid));
            f.risk = Some(v1.risk());
            f.labels = vec![v1.label];
            f.profiles = vec![profile.to_string()];
            findings.push(f);
        }
        let (required, optional) = (&side.required, &side.optional);

        let mut summary = Summary {
            required: required.len(),
            ..Summary::default()
        };
        match &grants.state {
            GrantState::Unknown { reason } => {
                let mut f = Finding::new(
                    Kind::GrantsUnknown,
                    format!(
                        "the grants of this credential are unknown: {reason}; missing and excess cannot be determined"
                    ),
                );
                f.fails = true;
                findings.push(f);
            }
            GrantState::Known { entries, .. } => {
                let mut granted = Set::new();
                for v1 in translate(entries, space, grants.src.as_ref(), None, &mut granted) {
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
                for scope in &grants.unrecognized {
                    let mut f = Finding::new(
                        Kind::UnknownGrant,
                        format!(
                            "the credential grants `{scope}`, which is not in grantlint's catalog (Greenhouse may have added it since); its risk is unknown"
                        ),
                    );
                    f.fails = policy.fail_on_excess != ExcessThreshold::Never;
                    findings.push(f);
                }
                summary.granted = granted.len() + grants.unrecognized.len();

                for (perm, why) in required {
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
                    f.fails = policy.fail_on_excess.fails(perm.risk());
                    findings.push(f);
                    summary.excess += 1;
                }
                for (perm, why) in optional {
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

        let mut result = CheckResult {
            credential: credential.to_string(),
            profiles: self.profile_ids(),
            grants_source: grants.source,
            grants_origin: grants.origin.clone(),
            read_at: grants.read_at.clone(),
            caveats: grants.caveats.clone(),
            space,
            verdict: Verdict::Pass,
            findings,
            summary,
            anchor: profiles.first().map(|p| Location {
                file: p.src.path().to_string(),
                line: 1,
            }),
            error_exit: None,
        };
        result.finish();
        result
    }
}

/// Compare one credential's grants with the union of some profiles.
pub fn check(credential: &str, profiles: &[&Profile], grants: &Grants, policy: &Policy) -> CheckResult {
    Prepared::new(profiles).check(credential, grants, policy)
}

fn fill(f: &mut Finding, perm: Perm, why: &Why) {
    f.permission = Some(perm);
    f.risk = Some(perm.risk());
    f.profiles = why.profiles.iter().map(|p| p.to_string()).collect();
    f.labels = if why.v1_labels.is_empty() {
        vec![perm.label()]
    } else {
        why.v1_labels.clone()
    };
    f.approximate = why.approximate;
    f.location = why.location();
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
        Kind::CredentialError | Kind::WrongCredentialType | Kind::GrantsUnknown => 0,
        Kind::Missing | Kind::UnmappedRequirement => 1,
        Kind::Excess | Kind::UnknownGrant | Kind::ProbeDisagrees | Kind::ExpiredWaiver => 2,
        _ => 3,
    }
}
