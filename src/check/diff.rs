//! `grantlint diff OLD NEW`: what a change of profile or grants adds and removes, ranked by
//! risk. Pure: both sides arrive as entries.

use std::collections::BTreeMap;

use super::{Translated, translate_set};
use crate::catalog::{Api, Perm, Risk};
use crate::input::Entry;
use crate::input::policy::ExcessThreshold;

/// One side of a diff.
pub struct Side<'a> {
    pub name: String,
    pub api: Api,
    /// Required permissions (a profile) or granted ones (grants).
    pub main: &'a [Entry],
    /// What `main` is: `required` (a profile) or `granted` (grants).
    pub main_is: &'static str,
    /// A profile's optional permissions.
    pub optional: &'a [Entry],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Delta {
    pub change: Change,
    /// `required` (a profile's), `granted` (grants'), `required / granted` (a profile against
    /// grants) or `optional`.
    pub set: &'static str,
    pub permission: &'static str,
    pub label: &'static str,
    pub group: &'static str,
    pub risk: Risk,
    /// v1 labels behind a translated permission.
    pub labels: Vec<&'static str>,
    pub approximate: bool,
    /// Whether this change fails the run (an addition at or above the threshold).
    pub fails: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct DiffResult {
    pub schema: &'static str,
    pub old: String,
    pub new: String,
    pub space: &'static str,
    pub changes: Vec<Delta>,
    /// v1 permissions of either side with no equivalent in the comparison space.
    pub unmapped: Vec<&'static str>,
    pub fails: bool,
}

pub fn diff(old: &Side, new: &Side, threshold: ExcessThreshold) -> DiffResult {
    let space = if old.api == Api::HarvestV1 && new.api == Api::HarvestV1 {
        Api::HarvestV1
    } else {
        Api::HarvestV3
    };
    let mut changes = Vec::new();
    let mut unmapped = Vec::new();
    let main = if old.main_is == new.main_is {
        old.main_is
    } else {
        "required / granted"
    };
    for (set, a, b) in [(main, old.main, new.main), ("optional", old.optional, new.optional)] {
        let (before, u1) = translate_set(a, space);
        let (after, u2) = translate_set(b, space);
        unmapped.extend(u1.into_iter().chain(u2).map(|p| p.key));
        let mut push = |change, perm: Perm, why: &Translated| {
            let risk = perm.risk();
            changes.push(Delta {
                change,
                set,
                permission: perm.id(),
                label: perm.label(),
                group: perm.group(),
                risk,
                labels: why.v1_labels.clone(),
                approximate: why.approximate,
                fails: change == Change::Added && threshold.fails(risk),
            });
        };
        for (perm, why) in &after {
            if !before.contains_key(perm) {
                push(Change::Added, *perm, why);
            }
        }
        for (perm, why) in &before {
            if !after.contains_key(perm) {
                push(Change::Removed, *perm, why);
            }
        }
    }
    unmapped.sort_unstable();
    unmapped.dedup();
    changes.sort_by(|a, b| {
        let rank = |d: &Delta| (d.change == Change::Removed, d.set == "optional");
        rank(a)
            .cmp(&rank(b))
            .then(b.risk.cmp(&a.risk))
            .then(a.permission.cmp(b.permission))
    });
    let fails = changes.iter().any(|d| d.fails);
    DiffResult {
        schema: "grantlint.diff.v1",
        old: old.name.clone(),
        new: new.name.clone(),
        space: space.as_str(),
        changes,
        unmapped,
        fails,
    }
}

/// Added and removed counts by risk, for summaries.
pub fn counts(d: &DiffResult, change: Change) -> BTreeMap<Risk, usize> {
    let mut m = BTreeMap::new();
    for c in d.changes.iter().filter(|c| c.change == change) {
        *m.entry(c.risk).or_default() += 1;
    }
    m
}
