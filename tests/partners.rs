#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! The partners of reference/partners.md shipped as built-in profiles (issue 14, item 6):
//! each loads, is listed, and checks a hand-written grants file with the missing and
//! excess grants worked out by hand from partners.md (tests/data/partners/).

mod common;

use std::collections::BTreeSet;

use common::{grantlint, run};
use serde_json::Value;

/// (id, vendor, api, credential, partial, requires all, required count, optional count):
/// the counts are the entries partners.md shows for each vendor.
/// id, vendor, api, credential, partial, requires all, required, optional.
type Expected = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    bool,
    usize,
    usize,
);

const NEW: [Expected; 11] = [
    // 61 entries in section 7 (the last completed from its cut), one of them optional.
    ("gem", "Gem", "harvest-v1", "harvest", true, false, 60, 1),
    ("pageup", "PageUp", "harvest-v3", "harvest", true, false, 19, 0),
    // 9 + 13 + 3 entries, of which List users, List candidates, List applications and
    // List attachments appear twice.
    ("knit", "Knit", "harvest-v3", "harvest", true, false, 22, 0),
    // "Select All or select the relevant permissions", the relevant ones unknown: the stated
    // minimum only, PARTIAL.
    ("merge", "Merge", "harvest-v1", "harvest", true, false, 1, 0),
    ("merge-v3", "Merge", "harvest-v3", "harvest", true, false, 1, 0),
    ("brighthire", "BrightHire", "harvest-v1", "harvest", false, true, 0, 0),
    // 11 required; Demographic Data (8), Email Templates (2) and EEOC (2) are "(Optional)".
    ("metaview", "Metaview", "harvest-v1", "harvest", true, false, 11, 12),
    ("datapeople", "Datapeople", "harvest-v1", "harvest", true, false, 25, 0),
    ("goodtime", "GoodTime", "harvest-v1", "harvest", true, false, 2, 0),
    (
        "tines",
        "Tines",
        "harvest-v3",
        "candidate-ingestion",
        false,
        false,
        0,
        0,
    ),
    (
        "planted",
        "Planted",
        "harvest-v3",
        "candidate-ingestion",
        false,
        false,
        0,
        0,
    ),
];

fn list() -> Vec<Value> {
    let (code, stdout, stderr) = run(grantlint().args(["profiles", "list", "--format", "json"]));
    assert_eq!(code, 0, "{stderr}");
    serde_json::from_str::<Value>(&stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn every_new_partner_is_listed_with_its_provenance() {
    let profiles = list();
    for (id, vendor, api, credential, partial, all, required, optional) in NEW {
        let p = profiles
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("{id} not listed"));
        assert_eq!(p["vendor"], vendor, "{id}");
        assert_eq!(p["api"], api, "{id}");
        assert_eq!(p["credential"], credential, "{id}");
        assert_eq!(p["partial"], partial, "{id}");
        assert_eq!(p["requires_all"], all, "{id}");
        assert_eq!(p["permissions"].as_array().unwrap().len(), required, "{id}");
        assert_eq!(p["optional"].as_array().unwrap().len(), optional, "{id}");
        assert_eq!(p["origin"], "built-in");
        assert_eq!(p["reviewed"].as_str().map(str::len), Some(10), "{id}");
        assert!(p["source"].as_str().unwrap().starts_with("http"), "{id}");
        let name = p["name"].as_str().unwrap();
        let notes = p["notes"].as_str().unwrap();
        if partial {
            assert!(name.contains("PARTIAL") && notes.starts_with("PARTIAL"), "{id}: {name}");
        }
    }
    // The table lists them too.
    let (code, table, _) = run(grantlint().args(["profiles", "list"]));
    assert_eq!(code, 0);
    for (id, ..) in NEW {
        assert!(
            table.lines().any(|l| l.starts_with(&format!("│ {id} "))),
            "{id}:\n{table}"
        );
    }
}

#[test]
fn every_new_partner_shows_and_lints_clean_but_the_select_all_ones() {
    for (id, ..) in NEW {
        let (code, stdout, stderr) = run(grantlint().args(["profiles", "show", id]));
        assert_eq!(code, 0, "{id}: {stderr}");
        assert!(stdout.contains(id), "{id}");
        let (code, stdout, _) = run(grantlint().args(["lint", &format!("profiles/{id}.yaml")]));
        if id == "brighthire" {
            assert_eq!(code, 1, "{id}:\n{stdout}");
            assert!(stdout.contains("warning[requires-everything]"), "{id}:\n{stdout}");
            assert!(stdout.contains("linted 1 profile: 0 invalid, 1 finding"), "{stdout}");
        } else {
            assert_eq!(code, 0, "{id}:\n{stdout}");
            assert!(stdout.contains("linted 1 profile: 0 invalid, 0 findings"), "{stdout}");
        }
    }
}

/// Run a check and return (exit code, result object).
fn check(profile: &str, grants: &str) -> (i32, Value) {
    let (code, stdout, stderr) = run(grantlint().args([
        "check",
        "--format",
        "json",
        "-p",
        profile,
        "--grants",
        &format!("tests/data/partners/{grants}"),
    ]));
    let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, v["results"][0].clone())
}

fn of_kind(result: &Value, kind: &str) -> BTreeSet<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| f["permission"].as_str().unwrap().to_string())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// (profile, grants file, missing, excess): the endpoints are reference/harvest-v1.md's.
const CHECKS: [(&str, &str, &[&str], &[&str]); 7] = [
    (
        "gem",
        "gem.yaml",
        &["PUT /v1/candidates/merge", "GET /v1/users/{id}/permissions/jobs"],
        &["DELETE /v1/applications/{id}"],
    ),
    (
        "datapeople",
        "datapeople.yaml",
        &["GET /v1/sources"],
        &["POST /v1/candidates/{id}/activity_feed/notes"],
    ),
    (
        "metaview",
        "metaview.yaml",
        &["GET /v1/candidates/{id}/activity_feed"],
        &["GET /v1/users"],
    ),
    ("goodtime", "goodtime.yaml", &[], &["GET /v1/candidates"]),
    (
        "pageup",
        "pageup.yaml",
        &["harvest:offices:list"],
        &["harvest:pay_inputs:list"],
    ),
    (
        "knit",
        "knit.yaml",
        &["harvest:referrers:list"],
        &["harvest:candidates:create"],
    ),
    ("merge-v3", "v3-move-and-users.yaml", &[], &["harvest:users:list"]),
];

#[test]
fn merge_v1_requires_its_stated_minimum_and_calls_the_rest_partial() {
    // GET: List Users alone is what Merge states; anything more is excess on a partial list.
    let (code, r) = check("merge", "v1-list-users.yaml");
    assert_eq!(code, 0, "{r}");
    assert!(
        of_kind(&r, "missing").is_empty() && of_kind(&r, "excess").is_empty(),
        "{r}"
    );
    assert_eq!(r["summary"]["required"], 1);
}

#[test]
fn checks_against_partner_lists_give_the_hand_worked_differences() {
    for (profile, grants, missing, excess) in CHECKS {
        let (code, r) = check(profile, grants);
        assert_eq!(of_kind(&r, "missing"), set(missing), "{profile}");
        assert_eq!(of_kind(&r, "excess"), set(excess), "{profile}");
        assert_eq!(code, 1, "{profile}: a missing or excess grant fails by default");
        // Every one of these lists is partial: an excess grant may be one the vendor needs.
        for f in r["findings"].as_array().unwrap() {
            if f["kind"] == "excess" {
                assert_eq!(f["partial_profile"], true, "{profile}: {f}");
            }
        }
    }
}

#[test]
fn metaview_optional_groups_are_never_excess() {
    let (_, r) = check("metaview", "metaview.yaml");
    let unused = of_kind(&r, "unused-optional");
    // EEOC was granted: not excess, not unused; the other 10 optional entries are unused.
    assert_eq!(unused.len(), 10, "{unused:?}");
    assert!(!unused.contains("GET /v1/eeoc") && !unused.contains("GET /v1/applications/{id}/eeoc"));
    assert!(unused.contains("GET /v1/demographics/questions"), "{unused:?}");
}

#[test]
fn select_all_vendors_require_every_v1_permission() {
    // reference/harvest-v1.md has 137 permissions; the grants hold one of them.
    for profile in ["brighthire", "purpose-jobs"] {
        let (code, r) = check(profile, "v1-list-users.yaml");
        assert_eq!(code, 1, "{profile}");
        assert_eq!(r["summary"]["required"], 137, "{profile}");
        assert_eq!(of_kind(&r, "missing").len(), 136, "{profile}");
        assert!(!of_kind(&r, "missing").contains("GET /v1/users"));
        assert!(of_kind(&r, "excess").is_empty(), "{profile}");
    }
}

#[test]
fn tines_rejects_a_harvest_credential() {
    let (code, r) = check("tines", "v3-two-reads.yaml");
    assert_eq!(code, 1);
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings[0]["kind"], "wrong-credential-type");
    assert_eq!(
        of_kind(&r, "excess"),
        set(&["harvest:candidates:list", "harvest:jobs:list"])
    );
    assert!(of_kind(&r, "missing").is_empty());
    assert_eq!(r["summary"]["required"], 0);
}
