//! Findings are data; every output format is a view of them. Each kind of finding has one
//! registry entry (id, description, default level, help), which `explain` shows and which
//! later feeds SARIF rules, so none of them can drift apart.

use jiff::civil::Date;
use serde::Serialize;

use crate::catalog::{self, Api, Perm, Risk, V1Permission};
use crate::input::policy::{ExcessThreshold, Policy, Waiver};
use crate::input::probe::{ProbeOutcome, Probed};
use crate::input::profile::{CredentialKind, OtherCredential};
use crate::input::source::Location;

/// How serious a kind of finding is by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Information; never fails a run.
    Note,
    /// A problem that fails a run unless a policy or waiver says otherwise.
    Warning,
    /// A problem that fails a run.
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// The registry entry of one kind of finding.
#[derive(Debug)]
pub struct KindInfo {
    pub id: &'static str,
    pub description: &'static str,
    pub level: Level,
    pub help: &'static str,
}

macro_rules! kinds {
    ($($variant:ident => $id:literal, $level:ident, $description:literal, $help:literal;)*) => {
        /// Every kind of finding grantlint reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &KindInfo { id: $id, level: Level::$level, description: $description, help: $help }),*
                }
            }
        }
    };
}

kinds! {
    Missing => "missing", Error,
        "The credential lacks a permission that a profile requires.",
        "The integration will fail when it needs this permission. Grant it in Greenhouse (Dev Center > API Credentials > Manage scopes, or Manage Permissions for a v1 key).";
    Excess => "excess", Warning,
        "The credential grants a permission that no profile requires or lists as optional.",
        "Remove the grant in Greenhouse. Whether it fails the run depends on its risk and --fail-on-excess (default: any excess fails).";
    WrongCredentialType => "wrong-credential-type", Error,
        "A profile needs a different kind of credential (for example a Candidate Ingestion key) than the one being checked.",
        "Create the kind of credential the partner documents instead; a Harvest credential handed to such a partner is pure excess.";
    UnmappedRequirement => "unmapped-requirement", Error,
        "A profile requires a Harvest v1 permission that has no Harvest v3 equivalent, so whether the v3 credential covers it is unknown.",
        "Ask the partner how it replaced this v1 capability in v3, then update the profile (grantlint migrate helps).";
    UnknownGrant => "unknown-grant", Warning,
        "The credential grants a Harvest v1 permission that has no Harvest v3 equivalent, so it cannot be compared in v3 space.",
        "Review the grant by hand; grantlint neither counts it as required nor silently drops it.";
    GrantsUnknown => "grants-unknown", Error,
        "The credential's grants could not be read (for example a token without a scope claim), so nothing can be said about them.",
        "Read the grants another way: introspection, a saved grants file, or live with --live.";
    UnusedOptional => "unused-optional", Note,
        "A profile lists an optional permission that the credential does not grant.",
        "Nothing to do unless the partner feature that uses it is wanted.";
    AlsoNeeds => "also-needs", Note,
        "The partner also needs another credential that grantlint cannot check (for example a job board token).",
        "Hand that credential over separately; see the profile's notes.";
    RequiresEverything => "requires-everything", Warning,
        "A profile requires every permission of its vocabulary (\"Select All\"): the opposite of least privilege.",
        "Ask the vendor for the list it really uses; until then the credential can read and delete everything, EEOC answers, offers and scorecards included.";
    NoV3Equivalent => "no-v3-equivalent", Warning,
        "A harvest-v1 profile requires a permission that has no Harvest v3 equivalent; it will break after the v1 retirement (31 Aug 2026).",
        "Find out how the partner does this in v3 and update or migrate the profile.";
    ProbeDisagrees => "probe-disagrees", Warning,
        "A read probe of a list endpoint disagrees with the token: the token claims the scope but Greenhouse refused the read (403), or the token lacks it but Greenhouse answered.",
        "A refusal usually means the token's user (sub) is not a Site Admin, or lacks the advanced permission for private data, or the scope was removed; an answer without the scope means the credential reaches more than it claims.";
    CredentialError => "credential-error", Error,
        "A credential could not be checked: its secret is not available, or authentication, Greenhouse or the network failed.",
        "Read the message: check the client id and secret (and whether the secret was rotated), the sub user, the environment variables named in the config, and the network.";
    ExpiredWaiver => "expired-waiver", Error,
        "A waiver in grantlint.toml has passed its `expires` date; the finding it waived counts again.",
        "Review the grant again: remove it in Greenhouse, or renew the waiver with a new `expires` date and a reason.";
    UnusedWaiver => "unused-waiver", Note,
        "A waiver in grantlint.toml matches no finding: the grant or the requirement it excused is gone.",
        "Delete the waiver, so it cannot silently excuse a future grant.";
    NoProvenance => "no-provenance", Warning,
        "A profile has no `source` URL or no `reviewed` date, so nobody can tell where its list came from or how old it is.",
        "Add `source:` (the vendor's page) and `reviewed:` (YYYY-MM-DD, when a person last compared the list with it).";
}

impl Kind {
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn by_id(id: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.id() == id)
    }
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub level: Level,
    /// The permission in the comparison space, if the finding is about one.
    pub permission: Option<Perm>,
    pub risk: Option<Risk>,
    /// Profiles the finding comes from (for missing: those that require the permission).
    pub profiles: Vec<String>,
    /// Greenhouse UI labels that name the permission (v1 labels a mapping came from, or the
    /// v3 screen label).
    pub labels: Vec<&'static str>,
    /// The finding rests on an approximate v1 <-> v3 mapping.
    pub approximate: bool,
    pub fails: bool,
    pub waived: bool,
    /// The reason of the waiver that excuses this finding.
    pub waiver_reason: Option<String>,
    pub message: String,
    pub location: Option<Location>,
}

/// Where a required or granted permission came from, as a finding reports it: the profiles
/// that require it, the v1 labels a translation came from, whether only approximate
/// mappings lead to it, and the line it was written on.
#[derive(Debug, Clone, Default)]
pub struct Basis {
    pub profiles: Vec<String>,
    pub labels: Vec<&'static str>,
    pub approximate: bool,
    pub location: Option<Location>,
}

/// "scope (Group > label, risk risk)": how a finding names a permission in words.
fn describe(perm: Perm) -> String {
    format!(
        "{} ({} > {}, {} risk)",
        perm.id(),
        perm.group(),
        perm.label(),
        perm.risk()
    )
}

/// One constructor per kind: each kind's message, level, risk and whether it fails are
/// decided here and nowhere else.
impl Finding {
    fn new(kind: Kind, message: String) -> Self {
        Finding {
            kind,
            level: kind.info().level,
            permission: None,
            risk: None,
            profiles: Vec::new(),
            labels: Vec::new(),
            approximate: false,
            fails: kind.info().level >= Level::Warning,
            waived: false,
            waiver_reason: None,
            message,
            location: None,
        }
    }

    fn about(mut self, perm: Perm, basis: Basis) -> Self {
        self.permission = Some(perm);
        self.risk = Some(perm.risk());
        self.labels = if basis.labels.is_empty() {
            vec![perm.label()]
        } else {
            basis.labels
        };
        self.profiles = basis.profiles;
        self.approximate = basis.approximate;
        self.location = basis.location;
        self
    }

    fn about_v1(mut self, v1: &'static V1Permission) -> Self {
        self.permission = Some(Perm::V1(v1.vid));
        self.risk = Some(v1.risk());
        self.labels = vec![v1.label];
        self
    }

    /// A required permission the credential lacks: fails unless missing grants do not.
    pub fn missing(perm: Perm, basis: Basis, policy: &Policy) -> Self {
        let mut f = Finding::new(Kind::Missing, format!("missing {}", describe(perm))).about(perm, basis);
        f.fails = policy.fail_on_missing;
        f
    }

    /// A grant no profile needs: fails at or above the excess threshold. It is about the
    /// credential, not about any profile.
    pub fn excess(perm: Perm, basis: Basis, policy: &Policy) -> Self {
        let mut f = Finding::new(Kind::Excess, format!("excess {}", describe(perm))).about(perm, basis);
        f.profiles.clear();
        f.fails = policy.fail_on_excess.fails(perm.risk());
        f
    }

    /// An optional permission that is not granted: a note.
    pub fn unused_optional(perm: Perm, basis: Basis) -> Self {
        Finding::new(
            Kind::UnusedOptional,
            format!("optional {} is not granted", describe(perm)),
        )
        .about(perm, basis)
    }

    pub fn wrong_credential_type(profile: &str, needs: CredentialKind, location: Location) -> Self {
        let mut f = Finding::new(
            Kind::WrongCredentialType,
            format!(
                "profile `{profile}` needs a {} credential, not a Harvest credential: every Harvest grant here is excess for it",
                needs.as_str()
            ),
        );
        f.profiles = vec![profile.to_string()];
        f.location = Some(location);
        f
    }

    pub fn also_needs(profile: &str, other: OtherCredential) -> Self {
        let mut f = Finding::new(
            Kind::AlsoNeeds,
            format!(
                "profile `{profile}` also needs a {}, which grantlint cannot check",
                other.as_str()
            ),
        );
        f.profiles = vec![profile.to_string()];
        f
    }

    /// A v1 requirement with no v3 equivalent: whether it is covered is unknown.
    pub fn unmapped_requirement(profile: &str, v1: &'static V1Permission) -> Self {
        let mut f = Finding::new(
            Kind::UnmappedRequirement,
            format!(
                "profile `{profile}` requires `{}` ({}), which has no Harvest v3 equivalent: whether this credential covers it is unknown. {}",
                v1.label, v1.key, v1.note
            ),
        )
        .about_v1(v1);
        f.profiles = vec![profile.to_string()];
        f
    }

    /// A v1 grant with no v3 equivalent: fails like an excess grant of its risk.
    pub fn unknown_v1_grant(v1: &'static V1Permission, policy: &Policy) -> Self {
        let mut f = Finding::new(
            Kind::UnknownGrant,
            format!(
                "the credential grants `{}` ({}), which has no Harvest v3 equivalent; review it by hand. {}",
                v1.label, v1.key, v1.note
            ),
        )
        .about_v1(v1);
        f.fails = policy.fail_on_excess.fails(v1.risk());
        f
    }

    /// A scope the catalog does not know: its risk is unknown, so it fails unless excess
    /// never does.
    pub fn unrecognized_scope(scope: &str, policy: &Policy) -> Self {
        let mut f = Finding::new(
            Kind::UnknownGrant,
            format!(
                "the credential grants `{scope}`, which is not in grantlint's catalog (Greenhouse may have added it since); its risk is unknown"
            ),
        );
        f.fails = policy.fail_on_excess != ExcessThreshold::Never;
        f
    }

    /// The grants could not be read: always fails (CI fails closed).
    pub fn grants_unknown(reason: &str) -> Self {
        let mut f = Finding::new(
            Kind::GrantsUnknown,
            format!("the grants of this credential are unknown: {reason}; missing and excess cannot be determined"),
        );
        f.fails = true;
        f
    }

    /// Where the probe and the token disagree; `None` where they agree or the probe
    /// concluded nothing.
    pub fn probe_disagrees(probed: &Probed) -> Option<Self> {
        let scope = catalog::scope(probed.scope);
        let path = probed.path;
        let message = match (probed.claimed, probed.outcome) {
            (true, ProbeOutcome::Refused) => format!(
                "the token claims {} but Greenhouse refused GET {path} (403): the token's user may not be a Site Admin, or the scope was removed",
                scope.id
            ),
            (false, ProbeOutcome::Allowed) => format!(
                "the token does not claim {} but GET {path} answered: the credential reaches more than its scopes say",
                scope.id
            ),
            _ => return None,
        };
        Some(Finding::new(Kind::ProbeDisagrees, message).about(Perm::V3(probed.scope), Basis::default()))
    }

    /// The credential could not be checked; `message` is the failure in one line.
    pub fn credential_error(message: String) -> Self {
        Finding::new(Kind::CredentialError, message)
    }

    pub fn expired_waiver(w: &Waiver, expires: Date) -> Self {
        let mut f = Finding::new(
            Kind::ExpiredWaiver,
            format!(
                "the waiver for {} on `{}` expired on {expires} (reason was: {})",
                w.permission.id(),
                w.credential,
                w.reason
            ),
        );
        f.permission = Some(w.permission);
        f.location = Some(w.location.clone());
        f
    }

    pub fn unused_waiver(w: &Waiver) -> Self {
        let mut f = Finding::new(
            Kind::UnusedWaiver,
            format!(
                "the waiver for {} on `{}` matches no finding",
                w.permission.id(),
                w.credential
            ),
        );
        f.permission = Some(w.permission);
        f.location = Some(w.location.clone());
        f
    }

    /// A profile that requires every permission of its vocabulary.
    pub fn requires_everything(profile: &str, how: &str, api: Api, critical: usize, location: Location) -> Self {
        let mut f = Finding::new(
            Kind::RequiresEverything,
            format!(
                "profile `{profile}` requires every {} permission ({how}), {critical} of them critical",
                api.as_str()
            ),
        );
        f.profiles = vec![profile.to_string()];
        f.location = Some(location);
        f
    }

    /// A harvest-v1 requirement that will break after the v1 retirement.
    pub fn no_v3_equivalent(profile: &str, v1: &'static V1Permission, location: Location) -> Self {
        let mut f = Finding::new(
            Kind::NoV3Equivalent,
            format!("`{}` has no Harvest v3 equivalent. {}", v1.label, v1.note),
        )
        .about_v1(v1);
        f.profiles = vec![profile.to_string()];
        f.location = Some(location);
        f
    }

    /// A profile without `source` or `reviewed`; `lacking` names the missing keys.
    pub fn no_provenance(profile: &str, lacking: &[&str], location: Location) -> Self {
        let mut f = Finding::new(
            Kind::NoProvenance,
            format!("profile `{profile}` has no {}", lacking.join(" and no ")),
        );
        f.profiles = vec![profile.to_string()];
        f.location = Some(location);
        f
    }

    /// Notes never fail, whatever a constructor or a later step decided.
    pub fn settle(&mut self) {
        if self.level == Level::Note {
            self.fails = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_ids_are_unique_and_round_trip() {
        let mut ids: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), Kind::ALL.len());
        for k in Kind::ALL {
            assert_eq!(Kind::by_id(k.id()), Some(*k));
            assert!(!k.info().help.is_empty() && !k.info().description.is_empty());
        }
    }
}
