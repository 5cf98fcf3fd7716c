//! Pure functions from checked inputs to findings: the comparison of profiles with grants
//! ([`compare`]), waivers, probe results, diff, lint and migrate. Nothing here reads files,
//! the environment or the clock ("now" is a parameter), or talks HTTP.

pub mod compare;
pub mod diff;
pub mod findings;
pub mod infer;
pub mod lint;
pub mod migrate;
pub mod probe;
pub mod usage;
pub mod waiver;

use std::sync::Arc;

use jiff::Timestamp;

pub use compare::{ProfileSet, Translated, check, translate_set};

use crate::catalog::{Api, Perm};
use crate::error::{EXIT_FINDINGS, EXIT_INPUT, EXIT_LIVE, Error, LiveError};
use crate::finding::Location;
use crate::finding::{Finding, Kind};
use crate::input::grants::GrantsSource;

/// A credential's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// No failing finding.
    Pass,
    /// At least one failing finding.
    Fail,
    /// The credential could not be checked (see its `credential-error` finding).
    Error,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(into = "SummaryJson")]
pub struct Summary {
    pub required: usize,
    pub granted: usize,
    pub missing: usize,
    pub excess: usize,
    pub waived: usize,
    /// The grants could not be read: granted, missing and excess are unknown, not zero.
    pub grants_unknown: bool,
}

/// The summary as `grantlint.check.v1` writes it: what is unknown is null.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct SummaryJson {
    /// Permissions the profiles require.
    pub required: usize,
    /// Permissions the credential grants; null when its grants could not be read.
    pub granted: Option<usize>,
    /// Required permissions not granted; null when the grants are unknown.
    pub missing: Option<usize>,
    /// Granted permissions no profile requires or lists as optional; null when unknown.
    pub excess: Option<usize>,
    /// Findings a waiver excuses.
    pub waived: usize,
}

impl From<Summary> for SummaryJson {
    fn from(s: Summary) -> SummaryJson {
        let known = |n: usize| (!s.grants_unknown).then_some(n);
        SummaryJson {
            required: s.required,
            granted: known(s.granted),
            missing: known(s.missing),
            excess: known(s.excess),
            waived: s.waived,
        }
    }
}

/// Why a credential could not be checked. Reports render it; its exit code follows from it.
#[derive(Debug, Clone)]
pub enum Failure {
    /// An input of this credential could not be read (a grants file): exit 2.
    Input(Arc<Error>),
    /// What the config names is not there (an unset variable, an unreadable secret file):
    /// exit 2.
    Setup(String),
    /// Greenhouse, the network or authentication failed: exit 3.
    Live(LiveError),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Input(_) | Failure::Setup(_) => EXIT_INPUT,
            Failure::Live(_) => EXIT_LIVE,
        }
    }

    /// The failure in one line.
    pub fn summary(&self) -> String {
        match self {
            Failure::Input(e) => e.to_string(),
            Failure::Setup(message) => message.clone(),
            Failure::Live(e) => format!("{} (help: {})", e.message, e.help),
        }
    }
}

/// The result of checking one credential.
#[derive(Debug, Clone)]
pub struct CheckResult {
    pub credential: String,
    pub profiles: Vec<String>,
    pub grants_source: GrantsSource,
    pub grants_origin: String,
    pub read_at: Timestamp,
    pub caveats: Vec<String>,
    pub space: Api,
    pub verdict: Verdict,
    /// Missing first, then excess by descending risk, then the rest.
    pub findings: Vec<Finding>,
    pub summary: Summary,
    /// Where to point a report at when a finding has no line of its own (SARIF needs one):
    /// line 1 of the first profile, or the credential's entry in the config.
    pub anchor: Option<Location>,
    /// Why the credential could not be checked, for [`Verdict::Error`].
    pub failure: Option<Failure>,
    /// The usage evidence it was checked against, in its comparison space.
    pub usage: Option<Arc<usage::Usage>>,
}

impl CheckResult {
    /// Order the findings and derive the verdict from them: the last step of every check, and
    /// again after findings change (waivers, probe).
    pub fn finish(&mut self) {
        for f in &mut self.findings {
            f.settle();
        }
        self.findings.sort_by(|a, b| {
            order(a.kind)
                .cmp(&order(b.kind))
                .then(b.risk.cmp(&a.risk))
                .then(a.permission.map(Perm::id).cmp(&b.permission.map(Perm::id)))
        });
        self.verdict = if self.failure.is_some() {
            Verdict::Error
        } else if self.findings.iter().any(|f| f.fails && !f.waived) {
            Verdict::Fail
        } else {
            Verdict::Pass
        };
    }

    /// A credential that could not be checked at all, as of `at`.
    pub fn failed(
        credential: &str,
        profiles: &[String],
        source: GrantsSource,
        origin: String,
        failure: Failure,
        at: Timestamp,
    ) -> CheckResult {
        let mut r = CheckResult {
            credential: credential.to_string(),
            profiles: profiles.to_vec(),
            grants_source: source,
            grants_origin: origin,
            read_at: at,
            caveats: Vec::new(),
            space: Api::HarvestV3,
            verdict: Verdict::Error,
            findings: vec![Finding::credential_error(failure.summary())],
            summary: Summary::default(),
            anchor: None,
            failure: Some(failure),
            usage: None,
        };
        r.finish();
        r
    }

    /// The exit code this result stands for.
    pub fn exit_code(&self) -> u8 {
        match (self.verdict, &self.failure) {
            (Verdict::Pass, _) => 0,
            (Verdict::Fail, _) => EXIT_FINDINGS,
            (Verdict::Error, Some(f)) => f.exit_code(),
            (Verdict::Error, None) => EXIT_LIVE,
        }
    }
}

/// Report order: what breaks the integration, then what over-exposes, then the rest.
fn order(kind: Kind) -> u8 {
    match kind {
        Kind::CredentialError | Kind::WrongCredentialType | Kind::GrantsUnknown => 0,
        Kind::Missing | Kind::UnmappedRequirement | Kind::DeniedCall | Kind::UsedNotRequired => 1,
        Kind::Excess | Kind::UnknownGrant | Kind::ProbeDisagrees | Kind::ExpiredWaiver | Kind::UnusedGrant => 2,
        _ => 3,
    }
}
