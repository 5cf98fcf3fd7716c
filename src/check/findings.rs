//! One constructor per kind of finding: each kind's message, level, risk and whether it
//! fails are decided here and nowhere else.

use std::borrow::Cow;
use std::sync::Arc;

use jiff::civil::Date;

use crate::catalog::{self, Api, Perm, V1Permission};
use crate::finding::{Basis, Finding, Kind, Level, Location, Message, UsageNote, no_profiles};
use crate::input::clock::rfc3339;
use crate::input::grants::UnknownScope;
use crate::input::policy::{ExcessThreshold, Policy, Waiver};
use crate::input::probe::{ProbeOutcome, Probed};
use crate::input::profile::{CredentialKind, OtherCredential};

/// One constructor per kind: each kind's message, level, risk and whether it fails are
/// decided here and nowhere else.
impl Finding {
    pub(crate) fn new(kind: Kind, message: String) -> Self {
        Self::with(kind, Message::Text(message))
    }

    fn with(kind: Kind, message: Message) -> Self {
        Finding {
            kind,
            level: kind.info().level,
            permission: None,
            risk: None,
            profiles: no_profiles(),
            labels: Cow::Borrowed(&[]),
            approximate: false,
            fails: kind.info().level >= Level::Warning,
            waived: false,
            waiver_reason: None,
            waiver_expires: None,
            message,
            location: None,
            subject: Cow::Borrowed(""),
            usage: None,
            partial_profile: false,
        }
    }

    fn about(mut self, perm: Perm, basis: Basis) -> Self {
        self.permission = Some(perm);
        self.subject = Cow::Borrowed(perm.id());
        self.risk = Some(perm.risk());
        self.labels = if basis.labels.is_empty() {
            Cow::Borrowed(perm.labels())
        } else {
            Cow::Owned(basis.labels)
        };
        self.profiles = basis.profiles;
        self.approximate = basis.approximate;
        self.location = basis.location;
        self
    }

    fn about_v1(mut self, v1: &'static V1Permission) -> Self {
        self.permission = Some(Perm::V1(v1.vid));
        self.subject = Cow::Borrowed(v1.key);
        self.risk = Some(v1.risk());
        self.labels = Cow::Borrowed(std::slice::from_ref(&v1.label));
        self
    }

    /// A required permission the credential lacks: fails unless missing grants do not.
    pub fn missing(perm: Perm, basis: Basis, policy: &Policy) -> Self {
        let mut f = Finding::with(
            Kind::Missing,
            Message::Permission {
                before: "missing ",
                after: "",
            },
        )
        .about(perm, basis);
        f.fails = policy.fail_on_missing;
        f
    }

    /// A grant no profile needs: fails at or above the excess threshold. It is about the
    /// credential, not about any profile.
    pub fn excess(perm: Perm, basis: Basis, policy: &Policy) -> Self {
        let mut f = Finding::with(
            Kind::Excess,
            Message::Permission {
                before: "excess ",
                after: "",
            },
        )
        .about(perm, basis);
        f.profiles = no_profiles();
        f.fails = policy.fail_on_excess.fails(perm.risk());
        f
    }

    /// An optional permission that is not granted: a note.
    pub fn unused_optional(perm: Perm, basis: Basis) -> Self {
        Finding::with(
            Kind::UnusedOptional,
            Message::Permission {
                before: "optional ",
                after: " is not granted",
            },
        )
        .about(perm, basis)
    }

    pub fn wrong_credential_type(profile: &str, needs: CredentialKind, location: Location) -> Self {
        let mut f = Finding::with(
            Kind::WrongCredentialType,
            Message::WrongKind {
                profile: Arc::from(profile),
                needs: needs.as_str(),
            },
        );
        f.profiles = Arc::from([Arc::from(profile)]);
        f.location = Some(location);
        f.subject = Cow::Owned(profile.to_string());
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
        f.profiles = Arc::from([Arc::from(profile)]);
        f.subject = Cow::Owned(format!("{profile}/{}", other.as_str()));
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
        f.profiles = Arc::from([Arc::from(profile)]);
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
    pub fn unrecognized_scope(scope: &UnknownScope, location: Option<Location>, policy: &Policy) -> Self {
        let hint = match scope.suggestion {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        };
        let mut f = Finding::new(
            Kind::UnknownGrant,
            format!(
                "the credential grants `{}`, which is not in grantlint's catalog (Greenhouse may have added it since); its risk is unknown{hint}",
                scope.text
            ),
        );
        f.fails = policy.fail_on_excess != ExcessThreshold::Never;
        f.location = location;
        f.subject = Cow::Owned(scope.text.clone());
        f
    }

    /// An entry of a token's scope claim that is not a string at all.
    pub fn unreadable_scope(json: &str, policy: &Policy) -> Self {
        let mut f = Finding::new(
            Kind::UnknownGrant,
            format!("the token's scope claim holds `{json}`, which is not a scope string; what it grants is unknown"),
        );
        f.fails = policy.fail_on_excess != ExcessThreshold::Never;
        f.subject = Cow::Owned(json.to_string());
        f
    }

    /// A required permission that is granted only through approximate mappings: a note.
    pub fn approximate_match(perm: Perm, basis: Basis) -> Self {
        let via = if basis.labels.is_empty() {
            String::new()
        } else {
            format!(" ({})", basis.labels.join("; "))
        };
        let mut f = Finding::new(
            Kind::ApproximateMatch,
            format!(
                "{} ({} > {}) is required and granted, but only through approximate v1 -> v3 mappings{via}: whether the credential covers it is uncertain",
                perm.id(),
                perm.group(),
                perm.label()
            ),
        )
        .about(perm, basis);
        // Risk ranks what a grant exposes when it is not needed; this one is needed.
        f.risk = None;
        f
    }

    /// A grant the profiles need (or allow) that the evidence could have seen used and did
    /// not: a warning, failing only under `fail_on_unused`.
    pub fn unused_grant(perm: Perm, basis: Basis, note: UsageNote, policy: &Policy) -> Self {
        let after = if note.inferred {
            ": the usage evidence saw no call to it (the audit log is inferred, not documented, to record it)"
        } else {
            ": the usage evidence saw no call to it"
        };
        let mut f = Finding::with(
            Kind::UnusedGrant,
            Message::Permission {
                before: "unused grant ",
                after,
            },
        )
        .about(perm, basis);
        f.fails = policy.fail_on_unused;
        f.usage = Some(note);
        f
    }

    /// A permission the integration used that no profile lists: the profile has drifted.
    /// `granted` is `None` when the grants are unknown; `translated` when the calls were
    /// matched in another vocabulary (the mapping may be approximate).
    pub fn used_not_required(perm: Perm, granted: Option<bool>, translated: bool, note: UsageNote) -> Self {
        let grant = match granted {
            Some(true) => "the credential grants it",
            Some(false) => "the credential does not grant it now",
            None => "whether the credential grants it is unknown",
        };
        let mut f = Finding::new(
            Kind::UsedNotRequired,
            format!(
                "{} is used ({}){}, but no profile lists it; {grant}",
                crate::finding::describe("", perm, ""),
                calls(note.count),
                last_seen(note.last_seen)
            ),
        )
        .about(
            perm,
            Basis {
                approximate: translated,
                ..Basis::default()
            },
        );
        f.usage = Some(note);
        f
    }

    /// Calls to a permission that Greenhouse refused (403): the integration tried.
    /// `granted` is `None` when the grants are unknown.
    pub fn denied_call(perm: Perm, granted: Option<bool>, note: UsageNote) -> Self {
        let why = match granted {
            Some(true) => "the credential grants it, so the token's user may lack a Greenhouse permission",
            Some(false) => "the credential does not grant it",
            None => "whether the credential grants it is unknown",
        };
        let mut f = Finding::new(
            Kind::DeniedCall,
            format!(
                "{} to {} refused with 403{}: {why}",
                calls(note.denied),
                crate::finding::describe("", perm, ""),
                last_seen(note.last_denied),
            ),
        )
        .about(perm, Basis::default());
        f.usage = Some(note);
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

    /// A probe that concluded nothing: fails, since nothing may pass on it.
    pub fn probe_inconclusive(probed: &Probed) -> Option<Self> {
        let ProbeOutcome::Inconclusive(status) = probed.outcome else {
            return None;
        };
        let scope = catalog::scope(probed.scope);
        let answer = match status {
            0 => "failed (no answer)".to_string(),
            s => format!("answered {s}"),
        };
        let what = if probed.claimed { "works" } else { "is refused" };
        let mut f = Finding::new(
            Kind::ProbeInconclusive,
            format!(
                "GET {} {answer}: the probe could not confirm that {} {what}",
                probed.path, scope.id
            ),
        )
        .about(Perm::V3(probed.scope), Basis::default());
        f.fails = true;
        Some(f)
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
        f.subject = Cow::Owned(format!("{} {}@{}", w.kind.id(), w.permission.id(), w.location.line));
        f.location = Some(w.location.clone());
        f.waiver_reason = Some(w.reason.clone());
        f.waiver_expires = Some(expires);
        f
    }

    pub fn unused_waiver(w: &Waiver) -> Self {
        let mut f = Finding::new(
            Kind::UnusedWaiver,
            format!(
                "the waiver for {} ({}) on `{}` matches no finding",
                w.permission.id(),
                w.kind.id(),
                w.credential
            ),
        );
        f.permission = Some(w.permission);
        f.subject = Cow::Owned(format!("{} {}@{}", w.kind.id(), w.permission.id(), w.location.line));
        f.location = Some(w.location.clone());
        f.waiver_reason = Some(w.reason.clone());
        f.waiver_expires = w.expires;
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
        f.profiles = Arc::from([Arc::from(profile)]);
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
        f.profiles = Arc::from([Arc::from(profile)]);
        f.location = Some(location);
        f
    }

    /// A profile without `source` or `reviewed`; `lacking` names the missing keys.
    pub fn no_provenance(profile: &str, lacking: &[&str], location: Location) -> Self {
        let mut f = Finding::new(
            Kind::NoProvenance,
            format!("profile `{profile}` has no {}", lacking.join(" and no ")),
        );
        f.profiles = Arc::from([Arc::from(profile)]);
        f.location = Some(location);
        f
    }

    /// A v1 permission written in a published variant spelling.
    pub fn published_variant(
        profile: &str,
        v1: &'static V1Permission,
        variant: &str,
        published_by: &str,
        location: Location,
    ) -> Self {
        let mut f = Finding::new(
            Kind::PublishedVariant,
            format!(
                "`{variant}` is a published variant of `{}`, the label on Greenhouse's screen (evidence: {published_by}); accepted",
                v1.label
            ),
        )
        .about_v1(v1);
        f.profiles = Arc::from([Arc::from(profile)]);
        f.location = Some(location);
        f.settle();
        f
    }

    /// Notes never fail, whatever a constructor or a later step decided.
    pub fn settle(&mut self) {
        if self.level == Level::Note {
            self.fails = false;
        }
    }
}

/// `1 call`, `3 calls`.
fn calls(n: usize) -> String {
    if n == 1 { "1 call".into() } else { format!("{n} calls") }
}

/// `, last 2026-11-30T10:00:00Z` when the evidence says when.
fn last_seen(at: Option<jiff::Timestamp>) -> String {
    at.map(|t| format!(", last {}", rfc3339(t))).unwrap_or_default()
}
