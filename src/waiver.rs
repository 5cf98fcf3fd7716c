//! Waivers: a credential may keep a finding for a stated reason, until a date. Applied to
//! check results after the comparison. Pure: "today" is an argument.

use crate::catalog;
use crate::check::CheckResult;
use crate::finding::{Finding, Kind, Location};
use crate::profile::Perm;

/// A validated `[[waiver]]`.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub credential: String,
    pub permission: Perm,
    pub reason: String,
    /// YYYY-MM-DD; the waiver holds through that day.
    pub expires: Option<String>,
    pub location: Location,
}

impl Waiver {
    /// Whether this waiver names the finding's permission, in either vocabulary: a v1
    /// permission also names the v3 scopes it maps to.
    fn covers(&self, perm: Perm) -> bool {
        if self.permission == perm {
            return true;
        }
        match (self.permission, perm) {
            (Perm::V1(v), Perm::V3(s)) => catalog::v1(v).v3.contains(&s),
            (Perm::V3(s), Perm::V1(v)) => catalog::v1(v).v3.contains(&s),
            _ => false,
        }
    }
}

/// Apply waivers to results. An expired waiver waives nothing and is itself a failing
/// finding; a waiver that matches nothing is an `unused-waiver` note. With `disabled`
/// (`--no-waivers`) nothing is waived, and each result says how many waivers were ignored.
pub fn apply(results: &mut [CheckResult], waivers: &[Waiver], today: &str, disabled: bool) {
    for r in results.iter_mut() {
        let mine: Vec<&Waiver> = waivers.iter().filter(|w| w.credential == r.credential).collect();
        if disabled {
            if !mine.is_empty() {
                r.caveats
                    .push(format!("--no-waivers: {} waiver(s) in the config ignored", mine.len()));
            }
            continue;
        }
        let mut new = Vec::new();
        for w in mine {
            if let Some(expires) = &w.expires
                && expires.as_str() < today
            {
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
                new.push(f);
                continue;
            }
            let mut used = false;
            for f in r.findings.iter_mut() {
                let Some(perm) = f.permission else { continue };
                if matches!(f.kind, Kind::ExpiredWaiver | Kind::UnusedWaiver) || !w.covers(perm) {
                    continue;
                }
                f.waived = true;
                f.waiver_reason = Some(w.reason.clone());
                used = true;
            }
            if !used {
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
                new.push(f);
            }
        }
        r.findings.extend(new);
        r.summary.waived = r.findings.iter().filter(|f| f.waived).count();
        r.finish();
    }
}
