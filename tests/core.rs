#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Core": catalog, profile format, built-in profiles, lint / explain / catalog /
//! profiles / schema, all through the real binary.

mod common;

use common::{grantlint, run, write};

#[test]
fn builtin_profiles_lint_clean_except_the_select_all_vendors() {
    let (code, stdout, _) = run(grantlint().args(["lint", "profiles/"]));
    assert_eq!(
        code, 1,
        "the select-all vendors' deliberate findings fail lint:\n{stdout}"
    );
    insta::assert_snapshot!("lint_builtin_profiles", stdout);
    // Exactly the vendors that ask only for "select all" have findings (reference/partners.md:
    // BrightHire and Purpose Jobs; Merge and Knit offer a choice), one requires-everything each.
    let flagged: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("finding") || l.starts_with("invalid"))
        .collect();
    assert_eq!(
        flagged,
        [
            "finding profiles/brighthire.yaml — BrightHire (\"Select All\")",
            "finding profiles/purpose-jobs.yaml — Purpose Jobs",
        ]
    );
    assert_eq!(stdout.matches("warning[requires-everything]").count(), 2);
    // Nothing else, not even a note: the shipped profiles write the screen's labels (a
    // vendor's published variant is kept in a comment).
    assert!(!stdout.lines().any(|l| l.starts_with("note")), "{stdout}");
    assert!(stdout.contains("linted 21 profiles: 0 invalid, 2 findings"), "{stdout}");
}

#[test]
fn lint_without_arguments_lints_the_local_profiles_dir() {
    let (code, stdout, _) = run(grantlint().arg("lint"));
    assert_eq!(code, 1);
    assert!(stdout.contains("linted 21 profiles: 0 invalid, 2 findings"), "{stdout}");
}

#[test]
fn lint_of_a_clean_profile_exits_zero() {
    let (code, stdout, _) = run(grantlint().args(["lint", "profiles/seekout.yaml", "profiles/planted.yaml"]));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("linted 2 profiles: 0 invalid, 0 findings"));
}

#[test]
fn misspelt_permission_names_line_and_column_and_suggests_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "acme.yaml",
        "name: Acme\napi: harvest-v1\nsource: https://acme.example/help\nreviewed: 2026-11-01\npermissions:\n  Candidates:\n    - \"Get: Retreive Candidate\"\n",
    );
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 2);
    assert!(
        stdout.contains("unknown Harvest v1 permission `Get: Retreive Candidate`"),
        "{stdout}"
    );
    assert!(stdout.contains("acme.yaml:7:7]"), "line 7, column 7:\n{stdout}");
    assert!(stdout.contains("did you mean `GET: Retrieve Candidate`?"), "{stdout}");

    let (code, json, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&path));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let err = &v["profiles"][0]["errors"][0];
    assert_eq!((err["line"].as_u64(), err["column"].as_u64()), (Some(7), Some(7)));
    assert_eq!(err["help"], "did you mean `GET: Retrieve Candidate`?");
}

#[test]
fn misspelt_scope_in_a_v3_profile_suggests_the_scope() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "acme.yaml",
        "name: Acme\napi: harvest-v3\nsource: https://acme.example/help\nreviewed: 2026-11-01\npermissions:\n  - harvest:candidate:list\n  - List aplications\n",
    );
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 2);
    insta::assert_snapshot!(
        "lint_misspelt_v3",
        stdout.replace(&dir.path().display().to_string(), "[TMP]")
    );
    assert!(stdout.contains("did you mean `harvest:candidates:list`?"));
    assert!(stdout.contains("did you mean `List applications`?"));
}

#[test]
fn every_profile_problem_is_reported_at_once_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "bad.yaml",
        "name: Bad\napi: harvest-v1\nsource: ftp://bad.example\nreviewed: 2026-02-30\npermissions:\n  Candidates:\n    - \"GET: List Candidates\"\n    - \"get:list candidates\"\n    - harvest:jobs:list\noptional:\n  Jobs:\n    - \"GET: List Candidates\"\n",
    );
    let (code, stdout, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&path));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<(String, u64)> = v["profiles"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["message"].as_str().unwrap().to_string(), e["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "`source` is not a valid URL: it must start with https:// or http://".to_string(),
                3
            ),
            (
                "`reviewed` is not a valid date: no such day in that month".to_string(),
                4
            ),
            ("`GET: List Candidates` is listed twice".to_string(), 8),
            (
                "`harvest:jobs:list` is a Harvest v3 scope, but this file says `api: harvest-v1`".to_string(),
                9
            ),
            (
                "`GET: List Candidates` is in both `permissions` and `optional`".to_string(),
                12
            ),
        ]
    );
}

#[test]
fn unknown_keys_and_bad_values_point_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, message, at) in [
        (
            "name: X\napi: harvest-v1\npermission: []\n",
            "unknown key `permission`",
            ":3:1]",
        ),
        (
            "name: X\napi: harvest-v4\npermissions: []\n",
            "unknown variant `harvest-v4`",
            ":2:6]",
        ),
        (
            "name: X\napi: harvest-v3\ncredential: oauth\npermissions: []\n",
            "unknown variant `oauth`",
            ":3:13]",
        ),
        (
            "name: X\napi: harvest-v3\npermissions: everything\n",
            "expected a list of permissions",
            ":3:",
        ),
        ("api: harvest-v3\npermissions: []\n", "missing field `name`", ":2:1]"),
        (
            "name: X\napi: harvest-v3\npermissions: [\n",
            "unclosed bracket '['",
            ":3:14]",
        ),
    ] {
        let path = write(dir.path(), "p.yaml", text);
        let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
        assert_eq!(code, 2, "{text}\n{stdout}");
        assert!(stdout.contains(message), "{text}: want {message:?} in\n{stdout}");
        assert!(
            stdout.contains(&format!("p.yaml{at}")),
            "{text}: want position {at} in\n{stdout}"
        );
    }
}

#[test]
fn non_harvest_profile_with_permissions_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.yaml",
        "name: X\napi: harvest-v3\ncredential: candidate-ingestion\npermissions:\n  - harvest:jobs:list\n",
    );
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 2);
    assert!(
        stdout.contains("a `candidate-ingestion` credential has no Harvest permissions"),
        "{stdout}"
    );
}

#[test]
fn profile_without_provenance_is_a_lint_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.yaml",
        "name: X\napi: harvest-v3\npermissions:\n  - harvest:jobs:list\n",
    );
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("warning[no-provenance]"));
    assert!(stdout.contains("profile `p` has no `source` and no `reviewed`"));
}

#[test]
fn v1_permission_without_v3_equivalent_is_a_lint_finding() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.yaml",
        "name: X\napi: harvest-v1\nsource: https://x.example/a\nreviewed: 2026-01-01\npermissions:\n  Users:\n    - \"GET: List Pending Approvals\"\n",
    );
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("warning[no-v3-equivalent]"));
    assert!(stdout.contains("p.yaml:7:7]"));
}

#[test]
fn label_spelling_variants_resolve_to_the_same_endpoint() {
    let spellings = [
        "GET: List Applications",
        "Get: List Applications",
        "GET: List applications",
        "get:list applications",
        "GET List Applications",
        "GET :  List   Applications",
        "GET /v1/applications",
    ];
    for s in spellings {
        let (code, stdout, _) = run(grantlint().args(["explain", s]));
        assert_eq!(code, 0, "{s}");
        assert!(
            stdout.starts_with("GET: List Applications — Harvest v1/v2 permission"),
            "{s}:\n{stdout}"
        );
        assert!(stdout.contains("key:          GET /v1/applications\n"), "{s}");
    }
    for s in [
        "GET: List application\u{2019}s offers",
        "GET: List Application's Offers",
        "Get: List application`s offers",
    ] {
        let (code, stdout, _) = run(grantlint().args(["explain", s]));
        assert_eq!(code, 0, "{s}");
        assert!(
            stdout.contains("key:          GET /v1/applications/{application_id}/offers\n"),
            "{s}:\n{stdout}"
        );
    }
    // Strict where partners do not vary: a different word is a different label.
    let (code, _, stderr) = run(grantlint().args(["explain", "GET: List Aplications"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `GET: List Applications`?"), "{stderr}");
}

#[test]
fn explain_list_candidates() {
    let (code, stdout, _) = run(grantlint().args(["explain", "Get: List Candidates"]));
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_get_list_candidates", stdout);
}

#[test]
fn explain_a_scope_shows_operations_provenance_and_v1_equivalents() {
    let (code, stdout, _) = run(grantlint().args(["explain", "harvest:candidates:destroy"]));
    assert_eq!(code, 0);
    insta::assert_snapshot!("explain_candidates_destroy", stdout);
    let (_, by_path, _) = run(grantlint().args(["explain", "DELETE /v3/candidates/{id}"]));
    assert_eq!(by_path, stdout);
    let (_, by_label, _) = run(grantlint().args(["explain", "Destroy candidates"]));
    assert_eq!(by_label, stdout);
}

#[test]
fn explain_keeps_uncertainty_visible() {
    let (_, stdout, _) = run(grantlint().args(["explain", "harvest:bulk_requests:list"]));
    assert!(
        stdout.contains("no Harvest v3 operation in Greenhouse's spec"),
        "{stdout}"
    );
    assert!(stdout.contains("no operation references it"));
    let (_, stdout, _) = run(grantlint().args(["explain", "GET: List Pending Approvals"]));
    assert!(stdout.contains("v3:           no Harvest v3 equivalent"), "{stdout}");
    let (_, stdout, _) = run(grantlint().args(["explain", "POST: Request Approvals"]));
    assert!(stdout.contains("label inferred from the docs heading"), "{stdout}");
    assert!(stdout.contains("approximate (inferred"), "{stdout}");
}

#[test]
fn explain_a_finding_kind() {
    let (code, stdout, _) = run(grantlint().args(["explain", "requires-everything"]));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with("requires-everything — finding kind (default level: warning)"),
        "{stdout}"
    );
}

#[test]
fn catalog_counts_equal_the_reference() {
    let (code, stdout, _) = run(grantlint().args(["catalog", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema"], "grantlint.catalog.v1");
    assert_eq!(v["counts"]["scopes"], 163);
    assert_eq!(v["counts"]["v1_permissions"], 137);
    let scopes = v["scopes"].as_array().unwrap();
    let v1 = v["v1_permissions"].as_array().unwrap();
    assert_eq!(scopes.len(), 163);
    assert_eq!(v1.len(), 137);
    // 184 operations with a scope (the 185th, POST /auth/token, has none).
    let ops: usize = scopes.iter().map(|s| s["operations"].as_array().unwrap().len()).sum();
    assert_eq!(ops, 184);
    // Every mapped v1 permission maps to scopes that exist, and "none" means no scopes.
    let ids: std::collections::HashSet<&str> = scopes.iter().map(|s| s["scope"].as_str().unwrap()).collect();
    for p in v1 {
        let mapped = p["v3_scopes"].as_array().unwrap();
        assert_eq!(mapped.is_empty(), p["mapping"] == "none", "{}", p["key"]);
        for s in mapped {
            assert!(ids.contains(s.as_str().unwrap()), "{} maps to unknown {s}", p["key"]);
        }
    }
    // Risk follows one rule over effect x data class; 24 rows.
    assert_eq!(v["risk_rule"].as_array().unwrap().len(), 24);
}

/// The catalog against the reference files it was made from (catalog/reference/, copies of
/// the team's reference with their sources inside).
#[test]
fn catalog_matches_the_reference_files() {
    let reference = common::root().join("catalog/reference");
    let (_, stdout, _) = run(grantlint().args(["catalog", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let tsv = std::fs::read_to_string(reference.join("harvest_v3.scopes.tsv")).unwrap();
    let want: Vec<(&str, &str)> = tsv
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (c[0], c[1])
        })
        .collect();
    let got: Vec<(&str, &str)> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["scope"].as_str().unwrap(), s["label"].as_str().unwrap()))
        .collect();
    assert_eq!(got, want);
    let ops = std::fs::read_to_string(reference.join("harvest_v3.operations.tsv")).unwrap();
    let mut want: Vec<String> = ops
        .lines()
        .skip(1)
        .filter_map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (!c[2].is_empty()).then(|| format!("{} {} {}", c[0], c[1], c[2]))
        })
        .collect();
    let mut got: Vec<String> = v["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["operations"].as_array().unwrap().iter().map(move |o| {
                format!(
                    "{} {} {}",
                    o["method"].as_str().unwrap(),
                    o["path"].as_str().unwrap(),
                    s["scope"].as_str().unwrap()
                )
            })
        })
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
    // Every v1 endpoint of reference/harvest-v1.md section 4 is in the catalog.
    let md = std::fs::read_to_string(reference.join("harvest-v1.md")).unwrap();
    let section4 = &md[md.find("## 4. Permission catalog").unwrap()..md.find("## 5.").unwrap()];
    let keys: std::collections::HashSet<&str> = v["v1_permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["key"].as_str().unwrap())
        .collect();
    let mut rows = 0;
    for line in section4.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let (method, path) = (cells[1], cells[2].trim_matches('`'));
        let path = path
            .trim_start_matches("https://harvest.greenhouse.io")
            .split('?')
            .next()
            .unwrap();
        rows += 1;
        if path.starts_with('(') {
            continue; // the UI-only scorecard checkbox, keyed `GET ui:application-scorecard`
        }
        assert!(
            keys.contains(format!("{method} {path}").as_str()),
            "{method} {path} missing"
        );
    }
    assert_eq!(rows, 137);
}

#[test]
fn profiles_show_seekout() {
    let (code, stdout, _) = run(grantlint().args(["profiles", "show", "seekout"]));
    assert_eq!(code, 0);
    insta::assert_snapshot!("profiles_show_seekout", stdout);
    assert!(
        stdout.contains(
            "source:     https://support.seekout.io/hc/en-us/articles/4423683828365--Greenhouse-Inbound-Talent"
        )
    );
}

#[test]
fn every_builtin_profile_has_source_and_review_date() {
    let (code, stdout, _) = run(grantlint().args(["profiles", "list", "--format", "json"]));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let profiles = v.as_array().unwrap();
    let ids: Vec<&str> = profiles.iter().map(|p| p["id"].as_str().unwrap()).collect();
    for want in [
        "seekout",
        "jobtarget",
        "candidate-fyi",
        "purpose-jobs",
        "planted",
        "cronofy",
        "pin",
        "okta-workflows",
        "airbyte",
        "gem",
        "pageup",
        "knit",
        "merge",
        "merge-v3",
        "brighthire",
        "metaview",
        "datapeople",
        "goodtime",
        "tines",
    ] {
        assert!(ids.contains(&want), "{want} missing from {ids:?}");
    }
    for p in profiles {
        // BrightHire publishes its setup page at an http:// address only (partners.md 14).
        let scheme = if p["id"] == "brighthire" { "http://" } else { "https://" };
        assert!(
            p["source"].as_str().is_some_and(|s| s.starts_with(scheme)),
            "{}",
            p["id"]
        );
        assert!(p["reviewed"].as_str().is_some_and(|s| s.len() == 10), "{}", p["id"]);
        assert_eq!(p["origin"], "built-in");
    }
    let jobtarget = profiles.iter().find(|p| p["id"] == "jobtarget").unwrap();
    assert_eq!(jobtarget["also_needs"], serde_json::json!(["job-board-token"]));
    let planted = profiles.iter().find(|p| p["id"] == "planted").unwrap();
    assert_eq!(planted["credential"], "candidate-ingestion");
    assert_eq!(planted["permissions"], serde_json::json!([]));
}

#[test]
fn user_profile_replaces_a_builtin_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "seekout.yaml",
        "name: Our SeekOut\napi: harvest-v3\nsource: https://x.example/a\nreviewed: 2026-01-01\npermissions: [harvest:jobs:list]\n",
    );
    let (code, stdout, _) = run(grantlint()
        .args(["profiles", "list", "--format", "json", "--profile-dir"])
        .arg(dir.path()));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let seekout: Vec<&serde_json::Value> = v.as_array().unwrap().iter().filter(|p| p["id"] == "seekout").collect();
    assert_eq!(seekout.len(), 1, "the user profile replaces the built-in one");
    assert_eq!(seekout[0]["name"], "Our SeekOut");
    assert!(
        seekout[0]["origin"]
            .as_str()
            .unwrap()
            .ends_with("seekout.yaml (replaces built-in)"),
        "{stdout}"
    );
    let grants = write(dir.path(), "g.yaml", "api: harvest-v3\ngranted: [harvest:jobs:list]\n");
    let (code, _, stderr) = run(grantlint()
        .args(["check", "-p", "seekout", "--profile-dir"])
        .arg(dir.path())
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("replaces the built-in profile"), "{stderr}");
}

#[test]
fn unknown_profile_id_suggests_a_known_one() {
    let (code, _, stderr) = run(grantlint().args(["profiles", "show", "seekot"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no profile named `seekot`; did you mean `seekout`?"),
        "{stderr}"
    );
}

#[test]
fn schema_is_json_schema_of_the_profile_format() {
    let (code, stdout, _) = run(grantlint().arg("schema"));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["title"], "grantlint profile");
    assert_eq!(v["additionalProperties"], false);
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(required, ["name", "api", "permissions"]);
    let api = serde_json::to_string(&v["$defs"]["Api"]).unwrap();
    assert!(api.contains("harvest-v1") && api.contains("harvest-v3"), "{api}");
}

#[test]
fn help_of_every_subcommand_is_stable() {
    for sub in [
        "check",
        "audit",
        "diff",
        "migrate",
        "lint",
        "explain",
        "usage",
        "infer",
        "catalog",
        "profiles",
        "config",
        "schema",
        "completions",
        "man",
    ] {
        let (code, stdout, _) = run(grantlint().args([sub, "--help"]));
        assert_eq!(code, 0);
        insta::assert_snapshot!(format!("help_{sub}"), stdout);
    }
    let (code, stdout, _) = run(grantlint().arg("--help"));
    assert_eq!(code, 0);
    insta::assert_snapshot!("help", stdout);
}

/// Variants that vendors really published (catalog/reference/harvest-v1.md section 4,
/// "Variants:", and the JobStash article of section 4's tags row), copied by hand with the
/// screen's label and the evidence codes the reference gives: (written, canonical, evidence).
const PUBLISHED_VARIANTS: &[(&str, &str, &str)] = &[
    ("GET: Retrieve Candidates", "GET: Retrieve Candidate", "RIP"),
    (
        "Get: Retrieve Applications",
        "GET: Retrieve Application",
        "one SAP copy",
    ),
    ("GET List Candidate", "GET: List Candidates", "CQI"),
    ("Get: Custom field", "GET: Get custom fields", "R2R"),
    ("GET: List User", "GET: List Users", "GEMS"),
    (
        "POST: Add New Candidate Tags",
        "POST: Add New Candidate Tag",
        "JobStash",
    ),
    // Two pages publish these words, in two casings: both are the evidence.
    ("GET: Hiring team", "GET: Get hiring team", "(evidence: KNIT; DP)"),
];

fn v1_profile(dir: &std::path::Path, name: &str, labels: &[&str]) -> std::path::PathBuf {
    let list: String = labels.iter().map(|l| format!("  - \"{l}\"\n")).collect();
    write(
        dir,
        name,
        &format!("name: X\napi: harvest-v1\nsource: https://x.example/a\nreviewed: 2026-01-01\npermissions:\n{list}"),
    )
}

#[test]
fn lint_notes_a_published_variant_with_its_line_and_the_canonical_label_and_passes() {
    let dir = tempfile::tempdir().unwrap();
    let labels: Vec<&str> = PUBLISHED_VARIANTS.iter().map(|v| v.0).collect();
    let path = v1_profile(dir.path(), "p.yaml", &labels);
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 0, "a published variant is accepted:\n{stdout}");
    assert!(
        stdout.contains(&format!(
            "linted 1 profile: 0 invalid, {} findings",
            PUBLISHED_VARIANTS.len()
        )),
        "{stdout}"
    );
    for (i, (written, canonical, evidence)) in PUBLISHED_VARIANTS.iter().enumerate() {
        assert!(
            stdout.contains(&format!(
                "`{written}` is a published variant of `{canonical}`, the label on Greenhouse's screen"
            )),
            "{written}:\n{stdout}"
        );
        assert!(stdout.contains(evidence), "{evidence}");
        // The profile's sixth line holds the first permission.
        assert!(
            stdout.contains(&format!("p.yaml:{}:5]", 6 + i)),
            "line of {written}:\n{stdout}"
        );
    }
    assert_eq!(
        stdout.matches("note[published-variant]").count(),
        PUBLISHED_VARIANTS.len()
    );

    let (code, json, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&path));
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let findings = v["profiles"][0]["findings"].as_array().unwrap();
    let got: Vec<(&str, u64, &str, bool)> = findings
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap(),
                f["line"].as_u64().unwrap(),
                f["labels"][0].as_str().unwrap(),
                f["fails"].as_bool().unwrap(),
            )
        })
        .collect();
    let want: Vec<(&str, u64, &str, bool)> = PUBLISHED_VARIANTS
        .iter()
        .enumerate()
        .map(|(i, v)| ("published-variant", 6 + i as u64, v.1, false))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn every_variant_the_reference_lists_is_accepted_and_notes_name_its_row() {
    // Parse section 4 of the reference: each row's UI label and the variants it lists.
    let md = std::fs::read_to_string(common::root().join("catalog/reference/harvest-v1.md")).unwrap();
    let section4 = &md[md.find("## 4. Permission catalog").unwrap()..md.find("## 5.").unwrap()];
    let dir = tempfile::tempdir().unwrap();
    let mut expected = std::collections::HashMap::new();
    for line in section4.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split(" | ").collect();
        let canonical = cells[0].trim_start_matches("| ").trim_matches('`');
        let Some(at) = cells[7].find("Variants: ") else {
            continue;
        };
        // "Variants: `A` (SO); `B` (CFYI); other note": the parts that start with a quoted spelling.
        let rest = &cells[7][at + "Variants: ".len()..];
        let variants = rest
            .split("; ")
            .take_while(|p| p.starts_with('`'))
            .collect::<Vec<_>>()
            .join(" ");
        for (i, variant) in variants.split('`').skip(1).step_by(2).enumerate() {
            let file = format!("v{}-{i}.yaml", expected.len());
            v1_profile(dir.path(), &file, &[variant]);
            expected.insert(file, (variant.to_string(), canonical.to_string()));
        }
    }
    assert!(
        expected.len() > 60,
        "the reference lists about 70 variants: {}",
        expected.len()
    );
    let (code, json, _) = run(grantlint().args(["lint", "--format", "json"]).arg(dir.path()));
    assert_eq!(code, 0, "{json}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let mut notes = 0;
    for p in v["profiles"].as_array().unwrap() {
        assert_eq!(p["valid"], true, "{p}");
        let file = std::path::Path::new(p["file"].as_str().unwrap()).file_name().unwrap();
        let (variant, canonical) = &expected[file.to_str().unwrap()];
        for f in p["findings"].as_array().unwrap() {
            assert_eq!(f["kind"], "published-variant", "{variant}: {f}");
            assert_eq!(f["labels"][0], canonical.as_str(), "{variant}");
            assert_eq!(f["line"], 6);
            notes += 1;
        }
    }
    // Variants that differ from the label only in what loose matching forgives (case,
    // spacing) are not worth a note; those with other words are (the table above has seven).
    assert!(notes >= PUBLISHED_VARIANTS.len() && notes < expected.len(), "{notes}");
}

#[test]
fn a_spelling_no_vendor_published_stays_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    // Plural of a label whose reference row lists no such variant.
    let path = v1_profile(dir.path(), "p.yaml", &["GET: Retrieve Departments"]);
    let (code, stdout, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 2, "{stdout}");
    assert!(stdout.contains("unknown Harvest v1 permission `GET: Retrieve Departments`"));
    assert!(stdout.contains("did you mean `GET: Retrieve Department`?"), "{stdout}");
    let grants = write(
        dir.path(),
        "g.yaml",
        "credential: x\napi: harvest-v1\ngranted:\n  - \"GET: Retrieve Department\"\n",
    );
    let (code, _, stderr) = run(grantlint()
        .args(["check", "-p"])
        .arg(&path)
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `GET: Retrieve Department`?"), "{stderr}");
}

#[test]
fn check_accepts_a_profile_and_grants_written_in_published_variants() {
    let dir = tempfile::tempdir().unwrap();
    let labels: Vec<&str> = PUBLISHED_VARIANTS.iter().map(|v| v.0).collect();
    let profile = v1_profile(dir.path(), "p.yaml", &labels);
    // The grants file names the same permissions by their screen labels, and one by a variant.
    let mut granted: String = PUBLISHED_VARIANTS[1..]
        .iter()
        .map(|v| format!("  - \"{}\"\n", v.1))
        .collect();
    granted.push_str("  - \"GET: Retrieve Candidates\"\n");
    let grants = write(
        dir.path(),
        "g.yaml",
        &format!("credential: x\napi: harvest-v1\ngranted:\n{granted}"),
    );
    let (code, stdout, stderr) = run(grantlint()
        .args(["check", "--format", "json", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["verdict"], "pass");
    assert_eq!(v["results"][0]["summary"]["required"], PUBLISHED_VARIANTS.len());
    assert_eq!(v["results"][0]["summary"]["missing"], 0);
}
