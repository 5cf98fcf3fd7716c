#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Catalog updates without a release (issue 14, item 5): `grantlint catalog diff --spec`
//! against copies of Greenhouse's own spec (catalog/reference/harvest_v3.openapi.json) with
//! known edits, `--catalog-spec` and config `catalog_spec` laying a spec over the catalog,
//! and bad specs refused with exit 2. Every expected difference is one of the edits below.

mod common;

use std::path::{Path, PathBuf};

use common::{grantlint, run, write};
use serde_json::{Value, json};

const REFERENCE: &str = "catalog/reference/harvest_v3.openapi.json";

fn reference() -> Value {
    let text = std::fs::read_to_string(common::root().join(REFERENCE)).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Greenhouse's spec with five edits: two scopes added (one of a resource the catalog knows,
/// with no operation; one of a new resource, with a new operation), one removed with its
/// operation, one relabelled, one operation rebound to another scope.
fn edited() -> Value {
    let mut d = reference();
    let flows = d["components"]["securitySchemes"]["oauth2"]["flows"]
        .as_object_mut()
        .unwrap();
    assert_eq!(flows.len(), 2, "clientCredentials and authorizationCode");
    for flow in flows.values_mut() {
        let scopes = flow["scopes"].as_object_mut().unwrap();
        scopes.insert("harvest:skills:list".into(), json!("List skills"));
        scopes.insert("harvest:candidates:export".into(), json!("Export candidates"));
        assert!(scopes.remove("harvest:tracking_links:list").is_some());
        assert_eq!(scopes["harvest:offices:list"], "List offices");
        scopes.insert("harvest:offices:list".into(), json!("List offices and locations"));
    }
    let paths = d["paths"].as_object_mut().unwrap();
    assert!(paths.remove("/v3/tracking_links").is_some());
    paths.insert(
        "/v3/skills".into(),
        json!({"get": {"summary": "List skills", "security": [{"oauth2": ["harvest:skills:list"]}, {"bearer": []}]}}),
    );
    let boards = &mut paths["/v3/job_boards"]["get"]["security"];
    assert_eq!(boards[0]["oauth2"], json!(["harvest:job_boards:list"]));
    *boards = json!([{"oauth2": ["harvest:jobs:list"]}, {"bearer": []}]);
    d
}

fn write_json(dir: &Path, name: &str, v: &Value) -> PathBuf {
    write(dir, name, &serde_json::to_string(v).unwrap())
}

fn diff_json(spec: &Path) -> (i32, Value, String) {
    let (code, stdout, stderr) = run(grantlint()
        .args(["catalog", "diff", "--format", "json", "--spec"])
        .arg(spec));
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, v, stderr)
}

#[test]
fn greenhouse_spec_is_identical_to_the_built_in_catalog() {
    let (code, stdout, stderr) = run(grantlint().args(["catalog", "diff", "--spec", REFERENCE]));
    assert_eq!(code, 0, "{stderr}");
    // 163 scopes and 184 operations with a scope: reference/harvest_v3.*.tsv.
    assert!(
        stdout
            .contains("declares the built-in catalog's 163 scopes and binds its 184 operations exactly: no difference"),
        "{stdout}"
    );
    let (code, v, _) = diff_json(&common::root().join(REFERENCE));
    assert_eq!(code, 0);
    assert_eq!(v["schema"], "grantlint.catalog-diff.v1");
    assert_eq!(v["identical"], true);
    assert_eq!(v["changes"], json!([]));
}

#[test]
fn an_edited_spec_differs_by_exactly_its_edits() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_json(dir.path(), "harvest.json", &edited());
    let (code, v, stderr) = diff_json(&spec);
    assert_eq!(code, 1, "differences exit 1: {stderr}");
    assert_eq!(v["identical"], false);
    assert_eq!(
        v["changes"],
        json!([
            // candidates are candidate PII; a write of it is high (catalog/README.md Risk).
            {"change": "scope-added", "scope": "harvest:candidates:export", "label": "Export candidates",
             "effect": "write", "data_class": "candidate", "risk": "high", "risk_inferred": true},
            // skills is no resource the catalog knows: assumed sensitive, so a read is high.
            {"change": "scope-added", "scope": "harvest:skills:list", "label": "List skills",
             "effect": "read", "data_class": "sensitive", "risk": "high", "risk_inferred": true},
            {"change": "scope-removed", "scope": "harvest:tracking_links:list", "label": "List tracking links"},
            {"change": "label-changed", "scope": "harvest:offices:list", "old": "List offices", "new": "List offices and locations"},
            {"change": "operation-rebound", "operation": "GET /v3/job_boards", "old": "harvest:job_boards:list", "new": "harvest:jobs:list"},
            {"change": "operation-added", "operation": "GET /v3/skills", "scope": "harvest:skills:list"},
            {"change": "operation-removed", "operation": "GET /v3/tracking_links", "scope": "harvest:tracking_links:list"},
        ])
    );
    assert_eq!(
        v["summary"],
        json!({"scopes_added": 2, "scopes_removed": 1, "labels_changed": 1, "operations_rebound": 1,
               "operations_added": 1, "operations_removed": 1, "summaries_changed": 0})
    );

    let (code, table, _) = run(grantlint().args(["catalog", "diff", "--spec"]).arg(&spec));
    assert_eq!(code, 1);
    for row in [
        "scope-added       ┆ harvest:skills:list",
        "scope-removed     ┆ harvest:tracking_links:list ┆ List tracking links",
        "label-changed     ┆ harvest:offices:list        ┆ List offices                ┆ List offices and locations",
        "operation-rebound ┆ GET /v3/job_boards          ┆ harvest:job_boards:list     ┆ harvest:jobs:list",
    ] {
        assert!(table.contains(row), "{row}\n{table}");
    }
    assert!(
        table.contains("7 differences between the built-in catalog and"),
        "{table}"
    );
    assert!(table.contains("risk high (inferred)"));
}

#[test]
fn a_changed_summary_is_a_difference() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = reference();
    d["paths"]["/v3/offices"]["get"]["summary"] = json!("List every office");
    let spec = write_json(dir.path(), "s.json", &d);
    let (code, v, _) = diff_json(&spec);
    assert_eq!(code, 1);
    assert_eq!(
        v["changes"],
        json!([{"change": "summary-changed", "operation": "GET /v3/offices", "old": "List offices", "new": "List every office"}])
    );
}

#[test]
fn a_yaml_spec_is_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write(
        dir.path(),
        "mini.yaml",
        r#"openapi: 3.1.0
info: {title: Harvest API, version: v3}
components:
  securitySchemes:
    oauth2:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.greenhouse.io/token
          scopes:
            harvest:jobs:list: List jobs
            harvest:skills:list: List skills
paths:
  /v3/jobs:
    get:
      summary: List jobs
      security: [{oauth2: [harvest:jobs:list]}]
  /v3/skills:
    get:
      summary: List skills
      security: [{oauth2: [harvest:skills:list]}]
"#,
    );
    let (code, v, stderr) = diff_json(&spec);
    assert_eq!(code, 1, "{stderr}");
    // Of the catalog's 163 scopes and 184 operations it keeps one of each and adds one.
    assert_eq!(
        v["summary"],
        json!({"scopes_added": 1, "scopes_removed": 162, "labels_changed": 0, "operations_rebound": 0,
               "operations_added": 1, "operations_removed": 183, "summaries_changed": 0})
    );
}

#[test]
fn catalog_spec_makes_a_run_use_the_new_scopes_marked_inferred() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_json(dir.path(), "harvest.json", &edited());
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [harvest:jobs:list, \"List offices and locations\"]\n",
    );
    let grants = write(
        dir.path(),
        "g.yaml",
        "credential: c\napi: harvest-v3\ngranted: [harvest:jobs:list, harvest:offices:list, harvest:skills:list]\n",
    );
    // Without the spec, the new label and the new scope are unknown.
    let (code, _, stderr) = run(grantlint()
        .arg("check")
        .arg("-p")
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown Harvest v3 scope `List offices and locations`"),
        "{stderr}"
    );

    let (code, stdout, stderr) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .args(["check", "--format", "json", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 1, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let r = &v["results"][0];
    let findings = r["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["kind"], "excess");
    assert_eq!(findings[0]["permission"], "harvest:skills:list");
    assert_eq!(findings[0]["risk"], "high");
    assert_eq!(findings[0]["risk_inferred"], true);
    let caveats = r["caveats"].as_array().unwrap();
    assert!(
        caveats.iter().any(|c| c.as_str().unwrap().contains("new in")
            && c.as_str().unwrap().contains("harvest.json")
            && c.as_str().unwrap().contains("risk is inferred")
            && c.as_str().unwrap().contains("harvest:skills:list")),
        "{caveats:?}"
    );
    // The table says so too.
    let (_, table, _) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .arg("check")
        .arg("-p")
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert!(
        table.contains("risk is inferred from their names (harvest:skills:list)"),
        "{table}"
    );
    let row = table.lines().find(|l| l.contains("harvest:skills:list ")).unwrap();
    assert!(row.contains("EXCESS ┆ high (inferred) ┆ harvest:skills:list"), "{row}");
}

#[test]
fn explain_and_catalog_show_provenance_from_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_json(dir.path(), "harvest.json", &edited());
    let (code, stdout, stderr) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .args(["explain", "harvest:skills:list"]));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("GET /v3/skills — List skills"), "{stdout}");
    assert!(
        stdout.contains("risk:         high (as an excess grant, inferred)"),
        "{stdout}"
    );
    assert!(stdout.contains("provenance:   from "), "{stdout}");
    assert!(stdout.contains("harvest.json: new there"), "{stdout}");

    let (code, stdout, _) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .args(["explain", "harvest:tracking_links:list"]));
    assert_eq!(code, 0);
    assert!(stdout.contains("not declared by"), "{stdout}");

    let (code, stdout, _) =
        run(grantlint()
            .arg("--catalog-spec")
            .arg(&spec)
            .args(["catalog", "--format", "json", "--api", "harvest-v3"]));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["catalog_spec"].as_str().unwrap().ends_with("harvest.json"));
    let scopes = v["scopes"].as_array().unwrap();
    assert_eq!(scopes.len(), 165, "163 built in, 2 added");
    let by = |id: &str| scopes.iter().find(|s| s["scope"] == id).unwrap().clone();
    let skills = by("harvest:skills:list");
    assert_eq!(skills["provenance"], "added");
    assert_eq!(skills["risk_inferred"], true);
    assert_eq!(skills["operations"][0]["path"], "/v3/skills");
    assert_eq!(by("harvest:offices:list")["label"], "List offices and locations");
    assert_eq!(by("harvest:offices:list")["provenance"], "spec");
    assert_eq!(by("harvest:tracking_links:list")["provenance"], "not_in_spec");
    // reference/harvest_v3.operations.tsv: GET /v3/jobs and GET /v3/jobs/search, and now
    // the rebound GET /v3/job_boards.
    let jobs = by("harvest:jobs:list");
    let jobs: Vec<&str> = jobs["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| op["path"].as_str().unwrap())
        .collect();
    assert_eq!(jobs, ["/v3/job_boards", "/v3/jobs", "/v3/jobs/search"]);
    assert_eq!(by("harvest:job_boards:list")["operations"], json!([]));
    let (code, table, _) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .args(["catalog", "--api", "harvest-v3"]));
    assert_eq!(code, 0);
    assert!(table.contains("(165 scopes; built-in catalog with "), "{table}");
    let skills_row = table.lines().find(|l| l.contains("harvest:skills:list")).unwrap();
    assert!(skills_row.contains("high (inferred)"), "{skills_row}");
    let offices_row = table.lines().find(|l| l.contains("harvest:offices:list ")).unwrap();
    assert!(!offices_row.contains("inferred"), "{offices_row}");
    // Without a spec, the catalog is the built-in one.
    let (_, stdout, _) = run(grantlint().args(["catalog", "--format", "json", "--api", "harvest-v3"]));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["scopes"].as_array().unwrap().len(), 163);
    assert!(v.get("catalog_spec").is_none());
}

#[test]
fn usage_evidence_matches_the_spec_bindings() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_json(dir.path(), "harvest.json", &edited());
    let log = write(
        dir.path(),
        "access.log",
        "GET https://harvest.greenhouse.io/v3/skills 200\nGET https://harvest.greenhouse.io/v3/job_boards 200\n",
    );
    let (code, stdout, stderr) = run(grantlint()
        .arg("--catalog-spec")
        .arg(&spec)
        .args(["usage", "--format", "json", "--requests"])
        .arg(&log));
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let text = v.to_string();
    assert!(text.contains("harvest:skills:list"), "{text}");
    // The rebound operation now needs harvest:jobs:list, not harvest:job_boards:list.
    assert!(text.contains("harvest:jobs:list"), "{text}");
    assert!(!text.contains("harvest:job_boards:list"), "{text}");
}

#[test]
fn lint_accepts_a_new_scope_only_with_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    let spec = write_json(dir.path(), "harvest.json", &edited());
    let profile = write(
        dir.path(),
        "skills.yaml",
        "name: S\napi: harvest-v3\nsource: https://s.example/x\nreviewed: 2026-01-01\npermissions: [harvest:skills:list]\n",
    );
    let (code, _, _) = run(grantlint().arg("lint").arg(&profile));
    assert_eq!(code, 2);
    let (code, stdout, stderr) = run(grantlint().arg("--catalog-spec").arg(&spec).arg("lint").arg(&profile));
    assert_eq!(code, 0, "{stdout}{stderr}");
}

fn audit_config(dir: &Path, catalog_spec: &str) -> PathBuf {
    write(
        dir,
        "g.yaml",
        "api: harvest-v3\ngranted: [harvest:jobs:list, harvest:skills:list]\n",
    );
    write(
        dir,
        "grantlint.toml",
        &format!(
            "catalog_spec = {catalog_spec:?}\n\n[[credential]]\nname = \"c\"\nprofiles = [\"skills\"]\ngrants = \"g.yaml\"\n\n[[waiver]]\ncredential = \"c\"\npermission = \"harvest:jobs:list\"\nreason = \"test\"\n"
        ),
    );
    std::fs::create_dir_all(dir.join("profiles")).unwrap();
    write(
        &dir.join("profiles"),
        "skills.yaml",
        "name: S\napi: harvest-v3\nsource: https://s.example/x\nreviewed: 2026-01-01\npermissions: [harvest:skills:list]\n",
    );
    dir.join("grantlint.toml")
}

#[test]
fn config_catalog_spec_is_relative_to_the_config_and_kept_in_its_tree() {
    let dir = tempfile::tempdir().unwrap();
    let inside = dir.path().join("repo");
    std::fs::create_dir_all(inside.join("specs")).unwrap();
    write_json(&inside.join("specs"), "harvest.json", &edited());
    let config = audit_config(&inside, "specs/harvest.json");
    let (code, stdout, stderr) = run(grantlint()
        .args(["audit", "--format", "json", "--profile-dir"])
        .arg(inside.join("profiles"))
        .arg("--config")
        .arg(&config));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["verdict"], "pass", "{v}");

    // A spec outside the config's folder needs the person running grantlint to allow it.
    let outside = write_json(dir.path(), "elsewhere.json", &edited());
    let config = audit_config(&inside, outside.to_str().unwrap());
    let (code, _, stderr) = run(grantlint()
        .args(["audit", "--profile-dir"])
        .arg(inside.join("profiles"))
        .arg("--config")
        .arg(&config));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`catalog_spec`") && stderr.contains("lies outside the config's folder"),
        "{stderr}"
    );
    assert!(stderr.contains("--allow-catalog-spec"), "{stderr}");
    let (code, _, stderr) = run(grantlint()
        .args(["audit", "--profile-dir"])
        .arg(inside.join("profiles"))
        .arg("--config")
        .arg(&config)
        .arg("--allow-catalog-spec")
        .arg(&outside));
    assert_eq!(code, 0, "{stderr}");

    // A missing file is an error at its line.
    let config = audit_config(&inside, "specs/nope.json");
    let (code, _, stderr) = run(grantlint().args(["audit", "--config"]).arg(&config));
    assert_eq!(code, 2);
    assert!(stderr.contains("is not a file"), "{stderr}");
}

#[test]
fn bad_specs_are_exit_2_with_a_clear_message_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut no_scopes = reference();
    no_scopes["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"] = json!({});
    no_scopes["components"]["securitySchemes"]["oauth2"]["flows"]["authorizationCode"]["scopes"] = json!({});
    let mut wrong_type = reference();
    wrong_type["paths"]["/v3/jobs"]["get"]["security"] = json!("harvest:jobs:list");
    let mut bad_scope = reference();
    bad_scope["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]["\u{1b}[31mevil"] =
        json!("x");
    // A path that reads as something else: a right-to-left override and a zero-width space.
    let mut bidi = reference();
    let jobs = bidi["paths"]["/v3/jobs"].take();
    bidi["paths"]["/v3/jobs\u{202e}gnp.exe\u{200b}"] = jobs;
    bidi["paths"].as_object_mut().unwrap().remove("/v3/jobs");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge = format!(
        "{{\"openapi\": \"3.1.0\", \"x\": \"{}\"}}",
        "a".repeat(33 * 1024 * 1024)
    );
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            write(d, "grants.json", r#"{"api": "harvest-v3", "granted": []}"#),
            "not an OpenAPI document: it has no `openapi` version field",
        ),
        (
            write_json(d, "noscopes.json", &no_scopes),
            "declares no OAuth 2.0 scopes",
        ),
        (write(d, "swagger.json", r#"{"swagger": "2.0"}"#), "Swagger 2.0"),
        (
            write_json(d, "wrongtype.json", &wrong_type),
            "`paths./v3/jobs.get.security` is not an array",
        ),
        (write_json(d, "badscope.json", &bad_scope), "which is not of the form"),
        (write_json(d, "bidi.json", &bidi), "is not a URL path"),
        (write(d, "deep.json", &deep), "not valid JSON: recursion limit exceeded"),
        (write(d, "huge.json", &huge), "larger than the 32 MiB limit"),
        (write(d, "broken.json", "{\"openapi\": "), "not valid JSON"),
        (write(d, "list.yaml", "- 1\n- 2\n"), "top level is not an object"),
        (write(d, "junk.json", "\u{0}\u{1}binary"), "NUL bytes"),
    ];
    for (path, want) in &cases {
        for args in [
            vec![
                "catalog".to_string(),
                "diff".into(),
                "--spec".into(),
                path.display().to_string(),
            ],
            vec![
                "--catalog-spec".to_string(),
                path.display().to_string(),
                "explain".into(),
                "harvest:jobs:list".into(),
            ],
        ] {
            let (code, stdout, stderr) = run(grantlint().args(&args));
            assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
            assert!(stderr.contains(want), "{args:?}: want {want:?} in\n{stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(!stderr.contains('\u{1b}'), "no escape reaches the terminal: {stderr:?}");
            assert!(
                !stderr.contains('\u{202e}'),
                "no bidi override reaches the terminal: {stderr:?}"
            );
        }
    }
}
