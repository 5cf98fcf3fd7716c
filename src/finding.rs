//! Findings are data; every output format is a view of them. Each kind of finding has one
//! registry entry (id, description, default level, help), which `explain` shows and which
//! later feeds SARIF rules, so none of them can drift apart.

use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;

use crate::catalog::{Perm, Risk};

/// How serious a kind of finding is by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
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
    /// Stable identifier (`wrong-credential-type`): SARIF's rule id, what waivers and
    /// `explain` name.
    pub id: &'static str,
    /// A PascalCase name (`WrongCredentialType`, `MissingPermission`): SARIF's rule name,
    /// which validators require to differ from the id, case aside.
    pub name: &'static str,
    pub description: &'static str,
    pub level: Level,
    pub help: &'static str,
}

macro_rules! kinds {
    ($($variant:ident => $id:literal, $name:literal, $level:ident, $description:literal, $help:literal;)*) => {
        /// Every kind of finding grantlint reports.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &KindInfo { id: $id, name: $name, level: Level::$level, description: $description, help: $help }),*
                }
            }
        }
    };
}

kinds! {
    Missing => "missing", "MissingPermission", Error,
        "The credential lacks a permission that a profile requires.",
        "The integration will fail when it needs this permission. Grant it in Greenhouse (Dev Center > API Credentials > Manage scopes, or Manage Permissions for a v1 key).";
    Excess => "excess", "ExcessGrant", Warning,
        "The credential grants a permission that no profile requires or lists as optional.",
        "Remove the grant in Greenhouse. Whether it fails the run depends on its risk and --fail-on-excess (default: any excess fails).";
    WrongCredentialType => "wrong-credential-type", "WrongCredentialType", Error,
        "A profile needs a different kind of credential (for example a Candidate Ingestion key) than the one being checked.",
        "Create the kind of credential the partner documents instead; a Harvest credential handed to such a partner is pure excess.";
    UnmappedRequirement => "unmapped-requirement", "UnmappedRequirement", Error,
        "A profile requires a Harvest v1 permission that has no Harvest v3 equivalent, so whether the v3 credential covers it is unknown.",
        "Ask the partner how it replaced this v1 capability in v3, then update the profile (grantlint migrate helps).";
    UnknownGrant => "unknown-grant", "UnknownGrant", Warning,
        "The credential grants a Harvest v1 permission that has no Harvest v3 equivalent, so it cannot be compared in v3 space.",
        "Review the grant by hand; grantlint neither counts it as required nor silently drops it.";
    GrantsUnknown => "grants-unknown", "GrantsUnknown", Error,
        "The credential's grants could not be read (for example a token without a scope claim), so nothing can be said about them.",
        "Read the grants another way: introspection, a saved grants file, or live with --live.";
    UnusedOptional => "unused-optional", "UnusedOptional", Note,
        "A profile lists an optional permission that the credential does not grant.",
        "Nothing to do unless the partner feature that uses it is wanted.";
    AlsoNeeds => "also-needs", "AlsoNeeds", Note,
        "The partner also needs another credential that grantlint cannot check (for example a job board token).",
        "Hand that credential over separately; see the profile's notes.";
    RequiresEverything => "requires-everything", "RequiresEverything", Warning,
        "A profile requires every permission of its vocabulary (\"Select All\"): the opposite of least privilege.",
        "Ask the vendor for the list it really uses; until then the credential can read and delete everything, EEOC answers, offers and scorecards included.";
    NoV3Equivalent => "no-v3-equivalent", "NoV3Equivalent", Warning,
        "A harvest-v1 profile requires a permission that has no Harvest v3 equivalent; it will break after the v1 retirement (31 Aug 2026).",
        "Find out how the partner does this in v3 and update or migrate the profile.";
    ProbeInconclusive => "probe-inconclusive", "ProbeInconclusive", Error,
        "A read probe of a list endpoint concluded nothing: Greenhouse answered neither 2xx nor 403 (404, 5xx after retries), or the request failed. Whether the scope works is unknown.",
        "Run the probe again; if it keeps failing, check --base-url, the network and https://status.greenhouse.io. grantlint never counts an inconclusive probe as a pass.";
    ApproximateMatch => "approximate-match", "ApproximateMatch", Note,
        "A required permission is granted, but only through an approximate v1 -> v3 mapping (on the profile's side, the grant's, or both), so whether the credential really covers it is uncertain.",
        "Check in Greenhouse that the v3 scope gives the access the v1 permission gave (`grantlint explain` shows each mapping and its basis), or ask the partner for its v3 list.";
    UnusedGrant => "unused-grant", "UnusedGrant", Warning,
        "The credential grants a permission that the usage evidence could have seen used in its time range, and did not see used.",
        "If the integration does not need it, remove the grant; if it does, give evidence over a longer window. It fails the run only with `[policy] fail_on_unused = true` (or --fail-on-unused); an unobservable permission is never called unused.";
    UsedNotRequired => "used-not-required", "UsedNotRequired", Error,
        "The integration calls something that none of its profiles lists: the profile has drifted from what the integration does, or the integration does more than its vendor says.",
        "Add the permission to the profile if the call is expected (and ask the vendor why its list lacks it), or find out why the integration makes it.";
    DeniedCall => "denied-call", "DeniedCall", Error,
        "The usage evidence holds calls that Greenhouse refused (403): the integration tried to use a permission the credential lacks, or the token's user lacks a Greenhouse permission.",
        "Grant the permission if the integration needs it (its profile should list it), or check the sub user's Greenhouse permissions; if the call is unwanted, find out why the integration makes it.";
    ProbeDisagrees => "probe-disagrees", "ProbeDisagrees", Warning,
        "A read probe of a list endpoint disagrees with the token: the token claims the scope but Greenhouse refused the read (403), or the token lacks it but Greenhouse answered.",
        "A refusal usually means the token's user (sub) is not a Site Admin, or lacks the advanced permission for private data, or the scope was removed; an answer without the scope means the credential reaches more than it claims.";
    CredentialError => "credential-error", "CredentialError", Error,
        "A credential could not be checked: its secret is not available, or authentication, Greenhouse or the network failed.",
        "Read the message: check the client id and secret (and whether the secret was rotated), the sub user, the environment variables named in the config, and the network.";
    ExpiredWaiver => "expired-waiver", "ExpiredWaiver", Error,
        "A waiver in grantlint.toml has passed its `expires` date; the finding it waived counts again.",
        "Review the grant again: remove it in Greenhouse, or renew the waiver with a new `expires` date and a reason.";
    UnusedWaiver => "unused-waiver", "UnusedWaiver", Note,
        "A waiver in grantlint.toml matches no finding: the grant or the requirement it excused is gone.",
        "Delete the waiver, so it cannot silently excuse a future grant.";
    PublishedVariant => "published-variant", "PublishedVariant", Note,
        "A profile writes a v1 permission in a spelling that a vendor published (a plural, a missing word) rather than the label on Greenhouse's Manage Permissions screen. grantlint accepts it; the note names the screen's label.",
        "Nothing fails. To match the screen word for word, write the canonical label the note names; the catalog records which partner pages publish each variant (catalog/v1_permissions.tsv, alias_evidence).";
    NoProvenance => "no-provenance", "NoProvenance", Warning,
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

    /// Whether a waiver may excuse findings of this kind: findings about one permission of
    /// one credential, not failures, lint findings or the waivers' own findings.
    pub fn waivable(self) -> bool {
        matches!(
            self,
            Kind::Missing
                | Kind::Excess
                | Kind::UnmappedRequirement
                | Kind::UnknownGrant
                | Kind::ProbeDisagrees
                | Kind::ProbeInconclusive
                | Kind::ApproximateMatch
                | Kind::UnusedGrant
                | Kind::UsedNotRequired
                | Kind::DeniedCall
        )
    }
}

/// A line of a user's file that something is about (a finding, a waiver).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Shared with every other location in the same file.
    pub file: Arc<str>,
    pub line: usize,
    /// In a built-in profile: a file of grantlint's, not of the user's repository.
    #[serde(skip)]
    pub builtin: bool,
}

/// One finding. Its constructors, one per kind, are in `check::findings`.
#[derive(Debug, Clone)]
pub struct Finding {
    pub kind: Kind,
    pub level: Level,
    /// The permission in the comparison space, if the finding is about one.
    pub permission: Option<Perm>,
    pub risk: Option<Risk>,
    /// Profiles the finding comes from (for missing: those that require the permission),
    /// shared by every finding of one requirement.
    pub profiles: Arc<[Arc<str>]>,
    /// Greenhouse UI labels that name the permission (v1 labels a mapping came from, or the
    /// v3 screen label).
    pub labels: Cow<'static, [&'static str]>,
    /// The finding rests on an approximate v1 <-> v3 mapping.
    pub approximate: bool,
    pub fails: bool,
    pub waived: bool,
    /// The reason of the waiver that excuses this finding.
    pub waiver_reason: Option<String>,
    /// The last day that waiver holds (it holds for good without one); for an
    /// `expired-waiver` or `unused-waiver` finding, the waiver's own date.
    pub waiver_expires: Option<jiff::civil::Date>,
    pub message: Message,
    pub location: Option<Location>,
    /// What the finding is about, telling it apart from the other findings of its kind for
    /// the same credential (the permission, an unknown scope's text, a profile): part of
    /// its SARIF fingerprint.
    pub subject: Cow<'static, str>,
    /// What the usage evidence says of the permission, when there is evidence.
    pub usage: Option<UsageNote>,
    /// An excess grant judged against a PARTIAL profile: the partner may need it.
    pub partial_profile: bool,
}

/// What the usage evidence says of a permission (DESIGN.md section 7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UsageState {
    /// Called (answered, not refused).
    Used,
    /// A source could have seen a call in its time range and saw none.
    Unused,
    /// No source can see this permission (the audit log does not record most reads).
    Unobservable,
}

impl UsageState {
    pub fn as_str(self) -> &'static str {
        match self {
            UsageState::Used => "used",
            UsageState::Unused => "unused",
            UsageState::Unobservable => "unobservable",
        }
    }
}

/// The usage of one finding's permission.
#[derive(Debug, Clone)]
pub struct UsageNote {
    pub state: UsageState,
    /// The unused verdict rests only on an audit log whose recording of this permission is
    /// inferred, not documented.
    pub inferred: bool,
    /// Calls answered.
    pub count: usize,
    /// Calls refused (403).
    pub denied: usize,
    /// The first and last call that was use.
    pub first_seen: Option<jiff::Timestamp>,
    pub last_seen: Option<jiff::Timestamp>,
    /// The last refused call.
    pub last_denied: Option<jiff::Timestamp>,
    /// The sources that saw it (for unused: none).
    pub sources: Vec<String>,
}

/// What a finding says in words.
#[derive(Debug, Clone)]
pub enum Message {
    /// Written when the finding was made; it may quote text from outside, which the report
    /// layer cleans before any output.
    Text(String),
    /// The finding's permission described from the catalog alone:
    /// `{before}{id} ({group} > {label}, {risk} risk){after}`. Built when a report needs it.
    Permission { before: &'static str, after: &'static str },
    /// A profile needs another kind of credential (`candidate-ingestion`, `job-board`).
    WrongKind { profile: Arc<str>, needs: &'static str },
}

impl Finding {
    /// The message in words.
    pub fn message(&self) -> Cow<'_, str> {
        match (&self.message, self.permission) {
            (Message::Text(t), _) => Cow::Borrowed(t),
            (Message::Permission { before, after }, Some(perm)) => Cow::Owned(describe(before, perm, after)),
            (Message::Permission { before, after }, None) => Cow::Owned(format!("{before}{after}")),
            (Message::WrongKind { profile, needs }, _) => Cow::Owned(format!(
                "profile `{profile}` needs a {needs} credential, not a Harvest credential: every Harvest grant here is excess for it"
            )),
        }
    }
}

/// `{before}{id} ({group} > {label}, {risk} risk){after}`, built by hand rather than with
/// `format!`: a fleet makes millions of these.
pub fn describe(before: &str, perm: Perm, after: &str) -> String {
    let parts = [
        before,
        perm.id(),
        " (",
        perm.group(),
        " > ",
        perm.label(),
        ", ",
        perm.risk().as_str(),
        " risk)",
        after,
    ];
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// An empty list of profiles, shared: most findings name none, and this costs no allocation.
pub fn no_profiles() -> Arc<[Arc<str>]> {
    static EMPTY: std::sync::OnceLock<Arc<[Arc<str>]>> = std::sync::OnceLock::new();
    EMPTY.get_or_init(|| Arc::from([])).clone()
}

/// Where a required or granted permission came from, as a finding reports it: the profiles
/// that require it, the v1 labels a translation came from, whether only approximate
/// mappings lead to it, and the line it was written on.
#[derive(Debug, Clone)]
pub struct Basis {
    pub profiles: Arc<[Arc<str>]>,
    pub labels: Vec<&'static str>,
    pub approximate: bool,
    pub location: Option<Location>,
}

impl Default for Basis {
    fn default() -> Self {
        Basis {
            profiles: no_profiles(),
            labels: Vec::new(),
            approximate: false,
            location: None,
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
            // PascalCase, and not the id whatever the case (SARIF1001).
            let name = k.info().name;
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{name}");
            assert_ne!(name.to_lowercase(), k.id().to_lowercase(), "{name}");
            assert!(!k.info().help.is_empty() && !k.info().description.is_empty());
        }
    }
}
