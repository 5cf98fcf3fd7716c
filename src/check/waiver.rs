//! Waivers: a credential may keep a finding for a stated reason, until a date. Applied to
//! check results after the comparison. Pure: "today" is an argument.

use std::collections::HashMap;

use jiff::civil::Date;

use super::CheckResult;
use crate::catalog::{self, Perm};
use crate::finding::{Finding, Kind};
use crate::input::policy::Waiver;

/// Whether `w` names the finding's permission, in either vocabulary: a v1 permission also
/// names the v3 scopes it maps to.
fn covers(w: &Waiver, perm: Perm) -> bool {
    if w.permission == perm {
        return true;
    }
    match (w.permission, perm) {
        (Perm::V1(v), Perm::V3(s)) | (Perm::V3(s), Perm::V1(v)) => catalog::v1(v).v3.contains(&s),
        _ => false,
    }
}

/// The waivers of a config, by credential: looked up once per result, however many
/// credentials and waivers there are.
#[derive(Debug, Default)]
pub struct Waivers<'a> {
    by_credential: HashMap<&'a str, Vec<&'a Waiver>>,
}

impl<'a> Waivers<'a> {
    pub fn new(waivers: &'a [Waiver]) -> Self {
        let mut by_credential: HashMap<&str, Vec<&Waiver>> = HashMap::new();
        for w in waivers {
            by_credential.entry(w.credential.as_str()).or_default().push(w);
        }
        Waivers { by_credential }
    }

    fn of(&self, credential: &str) -> &[&'a Waiver] {
        self.by_credential
            .get(credential)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

/// Apply the waivers of one result's credential. An expired waiver waives nothing and is
/// itself a failing finding; a waiver that matches nothing is an `unused-waiver` note. With
/// `disabled` (`--no-waivers`) nothing is waived, and the result says how many waivers were
/// ignored.
pub fn apply(r: &mut CheckResult, waivers: &Waivers, today: Date, disabled: bool) {
    let mine = waivers.of(&r.credential);
    if disabled {
        if !mine.is_empty() {
            r.caveats.push(format!(
                "--no-waivers: {} in the config not applied",
                crate::check::usage::counted(mine.len(), "waiver")
            ));
        }
        return;
    }
    let mut new = Vec::new();
    for &w in mine {
        if let Some(expires) = w.expires
            && expires < today
        {
            new.push(Finding::expired_waiver(w, expires));
            continue;
        }
        let mut used = false;
        for f in r.findings.iter_mut() {
            let Some(perm) = f.permission else { continue };
            if f.kind != w.kind || !covers(w, perm) {
                continue;
            }
            // A waived finding no longer fails, and is counted apart.
            f.waived = true;
            f.fails = false;
            f.waiver_reason = Some(w.reason.clone());
            f.waiver_expires = w.expires;
            used = true;
        }
        if !used {
            new.push(Finding::unused_waiver(w));
        }
    }
    r.findings.extend(new);
    let count = |kind: Kind| r.findings.iter().filter(|f| f.kind == kind && !f.waived).count();
    r.summary.missing = count(Kind::Missing);
    r.summary.excess = count(Kind::Excess);
    r.summary.waived = r.findings.iter().filter(|f| f.waived).count();
    r.finish();
}
