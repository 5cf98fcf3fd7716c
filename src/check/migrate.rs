//! `grantlint migrate`: a harvest-v1 profile rewritten as harvest-v3 scopes. Every line
//! outside `api`, `permissions` and `optional` is kept as written (metadata, comments,
//! notes); each scope carries a comment naming the v1 permissions it replaces, `≈` where the
//! mapping is approximate, and v1 permissions with no v3 equivalent stay as comments.

use std::collections::BTreeSet;

use super::{Translated, translate_set};
use crate::catalog::{Api, Perm};
use crate::input::Entry;
use crate::input::profile::Profile;

/// The top-level key a line starts, if it starts one.
fn top_level_key(line: &str) -> Option<&str> {
    let first = line.chars().next()?;
    if !(first.is_ascii_alphabetic() || first == '_') {
        return None;
    }
    let (key, _) = line.split_once(':')?;
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then_some(key)
}

/// One migrated list. `required` holds the scopes the `permissions` list already has: an
/// optional v1 permission that maps onto one of them is covered there, and says so.
fn block(key: &str, entries: &[Entry], requires_all: bool, required: &BTreeSet<Perm>) -> String {
    if requires_all {
        return format!("{key}: all  # migrated from harvest-v1 `all`: every v3 scope\n");
    }
    let (mut set, unmapped) = translate_set(entries, Api::HarvestV3);
    let covered: Vec<(Perm, Translated)> = set
        .iter()
        .filter(|(perm, _)| required.contains(perm))
        .map(|(perm, why)| (*perm, why.clone()))
        .collect();
    set.retain(|perm, _| !required.contains(perm));
    if set.is_empty() && unmapped.is_empty() && covered.is_empty() {
        return format!("{key}: []\n");
    }
    if set.is_empty() && unmapped.is_empty() {
        let mut out = format!("{key}: []\n");
        push_covered(&mut out, &covered);
        return out;
    }
    let mut out = format!("{key}:\n");
    if key == "permissions" {
        out.push_str("  # Migrated from harvest-v1 by `grantlint migrate`; each comment names the v1 permissions a\n");
        out.push_str(
            "  # scope replaces, and ≈ marks an approximate mapping: check those against the vendor's v3 list.\n",
        );
    }
    for (perm, why) in &set {
        let mark = if why.approximate { "≈ " } else { "" };
        out.push_str(&format!("  - {}  # {mark}{}\n", perm.id(), why.v1_labels.join("; ")));
    }
    for p in unmapped {
        out.push_str(&format!(
            "  # UNMAPPED: {} ({}) has no v3 equivalent. {}\n",
            p.label, p.key, p.note
        ));
    }
    push_covered(&mut out, &covered);
    out
}

/// Comments for optional v1 permissions whose scope is already required.
fn push_covered(out: &mut String, covered: &[(Perm, Translated)]) {
    for (perm, why) in covered {
        out.push_str(&format!(
            "  # {} is required above, which also covers {}\n",
            perm.id(),
            why.v1_labels.join("; ")
        ));
    }
}

/// The scopes the migrated `permissions` list holds.
fn required_scopes(profile: &Profile) -> BTreeSet<Perm> {
    translate_set(&profile.permissions, Api::HarvestV3)
        .0
        .into_keys()
        .collect()
}

/// The migrated text of a harvest-v1 profile.
pub fn migrate(profile: &Profile) -> Result<String, String> {
    if profile.api != Api::HarvestV1 {
        return Err(format!("profile `{}` is already {}", profile.id, profile.api.as_str()));
    }
    let text: &str = &profile.src.text;
    // Split into top-level blocks; comment and blank lines at column 0 that directly precede a
    // key belong to that key.
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut blocks: Vec<(Option<&str>, String)> = Vec::new();
    let mut pending = String::new();
    for line in &lines {
        if let Some(key) = top_level_key(line) {
            blocks.push((Some(key), std::mem::take(&mut pending) + line));
        } else if line.starts_with('#') || line.trim().is_empty() {
            pending.push_str(line);
        } else {
            let target = blocks.last_mut().map(|b| &mut b.1);
            match target {
                Some(b) => {
                    b.push_str(&std::mem::take(&mut pending));
                    b.push_str(line);
                }
                None => pending.push_str(line),
            }
        }
    }
    let required = required_scopes(profile);
    let mut out = String::with_capacity(text.len());
    let mut saw_optional = false;
    for (key, content) in &blocks {
        let leading: String = content
            .lines()
            .take_while(|l| top_level_key(l).is_none())
            .map(|l| format!("{l}\n"))
            .collect();
        match *key {
            Some("api") => out.push_str(&format!("{leading}api: harvest-v3\n")),
            Some("permissions") => out.push_str(&format!(
                "{leading}{}",
                block(
                    "permissions",
                    &profile.permissions,
                    profile.requires_all,
                    &BTreeSet::new()
                )
            )),
            Some("optional") => {
                saw_optional = true;
                out.push_str(&format!(
                    "{leading}{}",
                    block("optional", &profile.optional, false, &required)
                ));
            }
            _ => out.push_str(content),
        }
    }
    out.push_str(&pending);
    if !saw_optional && !profile.optional.is_empty() {
        out.push_str(&block("optional", &profile.optional, false, &required));
    }
    Ok(out)
}
