#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "CI gating and reports": waivers, diff, SARIF / JUnit / GitHub / Markdown, migrate,
//! schema, completions, man page. Every test runs the real binary.

mod common;

use common::{grantlint, run, write};
use serde_json::Value;

const OVERGRANTED: &str = "examples/grants/seekout-overgranted.yaml";

fn seekout(format: &str) -> (i32, String) {
    let (code, stdout, stderr) =
        run(grantlint().args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--format", format]));
    assert!(stderr.is_empty(), "{stderr}");
    (code, stdout)
}

#[test]
fn no_format_changes_the_exit_code() {
    for format in [
        "table",
        "json",
        "checklist",
        "sarif",
        "junit",
        "github",
        "markdown",
        "html",
        "csv",
    ] {
        assert_eq!(seekout(format).0, 1, "{format}");
    }
    let (code, _, _) = run(grantlint().args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--exit-zero"]));
    assert_eq!(code, 0, "--exit-zero zeroes failing findings");
    let (code, _, _) = run(grantlint().args(["check", "-p", "seekout", "--grants", "missing.yaml", "--exit-zero"]));
    assert_eq!(code, 2, "--exit-zero never zeroes an error");
}

#[test]
fn report_formats_snapshots() {
    for format in ["sarif", "junit", "github", "markdown"] {
        let (_, stdout) = seekout(format);
        insta::assert_snapshot!(format!("report_{format}"), stdout);
    }
}

/// The OASIS SARIF 2.1.0 schema (tests/data, as serde-sarif 0.8.0 ships it). Its `language`
/// pattern has a stray `]`, which ECMA-262 reads as a literal but Rust's regex rejects; it is
/// escaped here, which keeps its meaning.
fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(common::root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let text = text.replace(r#"[a-zA-Z]{2}]?$"#, r#"[a-zA-Z]{2}\\]?$"#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF 2.1.0 schema compiles")
}

fn assert_valid_sarif(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).unwrap();
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&v)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF does not validate: {errors:#?}");
    v
}

#[test]
fn sarif_validates_against_the_official_schema_and_has_locations_and_fingerprints() {
    let (_, stdout) = seekout("sarif");
    let v = assert_valid_sarif(&stdout);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"missing") && rules.contains(&"excess") && rules.contains(&"expired-waiver"));
    let results = run["results"].as_array().unwrap();
    // 1 missing and 6 excess, then 3 notes for requirements met only through approximate
    // v1 -> v3 mappings.
    assert_eq!(results.len(), 10);
    let kinds = |k: &str| results.iter().filter(|r| r["ruleId"] == k).count();
    assert_eq!(
        (kinds("missing"), kinds("excess"), kinds("approximate-match")),
        (1, 6, 3)
    );
    for r in results {
        let loc = &r["locations"][0];
        assert!(loc["physicalLocation"]["region"]["startLine"].as_i64().unwrap() >= 1);
        assert!(
            loc["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .starts_with("credential:seekout-prod/permission:harvest:")
        );
        assert_eq!(r["partialFingerprints"]["grantlint/v1"].as_str().unwrap().len(), 16);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize],
            r["ruleId"].as_str().unwrap()
        );
    }
    // The missing grant is required by a built-in profile, which is not in the user's
    // repository: it points at the grants file, and the message names the profile's line. An
    // excess grant points at the grants line that grants it.
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        OVERGRANTED
    );
    assert_eq!(results[0]["locations"][0]["physicalLocation"]["region"]["startLine"], 1);
    let message = results[0]["message"]["text"].as_str().unwrap();
    assert!(
        message.contains("from grantlint's built-in profile profiles/seekout.yaml line 38"),
        "{message}"
    );
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        OVERGRANTED
    );
    assert_eq!(
        results[1]["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
    // Stable across runs.
    let (_, again) = seekout("sarif");
    assert_eq!(again, stdout);
}

fn waiver_config(dir: &std::path::Path, waivers: &str) -> std::path::PathBuf {
    let grants = std::fs::read_to_string(common::root().join(OVERGRANTED)).unwrap();
    write(dir, "seekout.yaml", &grants);
    write(
        dir,
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = \"seekout.yaml\"\n\n\
             [[credential]]\nname = \"jobtarget\"\nprofiles = [\"jobtarget\"]\ngrants = \"{}\"\n\n{waivers}",
            common::root().join("examples/grants/jobtarget-exact.yaml").display()
        ),
    )
}

const WAIVERS: &str = "[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:departments:list\"\nreason = \"maps requisitions to departments\"\nexpires = 2027-01-31\n\n\
[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\nreason = \"temporary, SEC-99\"\nexpires = 2026-11-30\n\n\
[[waiver]]\ncredential = \"jobtarget\"\npermission = \"harvest:eeoc:list\"\nreason = \"left over\"\n";

fn audit(config: &std::path::Path, now: &str, extra: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = run(grantlint()
        .env("GRANTLINT_NOW", now)
        .args(["audit", "--format", "json", "--config"])
        .arg(config)
        .args(extra));
    (
        code,
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}\n{stdout}\n{stderr}")),
    )
}

#[test]
fn waivers_expire_and_unused_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let config = waiver_config(dir.path(), WAIVERS);
    let (code, v) = audit(&config, "2026-12-01T09:00:00Z", &[]);
    assert_eq!(code, 1);
    let seekout = &v["results"][0];
    let find = |r: &Value, kind: &str, perm: &str| -> Value {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == kind && f["permission"] == perm)
            .cloned()
            .unwrap_or_default()
    };
    let departments = find(seekout, "excess", "harvest:departments:list");
    assert_eq!(departments["waived"], true);
    assert_eq!(seekout["summary"]["waived"], 1, "every report counts waived findings");
    let offers = find(seekout, "excess", "harvest:offers:list");
    assert_eq!(offers["waived"], false, "an expired waiver waives nothing");
    let expired = find(seekout, "expired-waiver", "harvest:offers:list");
    assert_eq!(expired["fails"], true);
    assert!(expired["message"].as_str().unwrap().contains("expired on 2026-11-30"));
    let unused = find(&v["results"][1], "unused-waiver", "harvest:eeoc:list");
    assert_eq!(unused["fails"], false);
    assert_eq!(v["results"][1]["verdict"], "pass");

    // Before the expiry date the offers waiver holds too.
    let (_, v) = audit(&config, "2026-11-30T23:00:00Z", &[]);
    assert_eq!(v["results"][0]["summary"]["waived"], 2);
    assert!(find(&v["results"][0], "expired-waiver", "harvest:offers:list").is_null());

    // --no-waivers shows everything.
    let (_, v) = audit(&config, "2026-11-30T23:00:00Z", &["--no-waivers"]);
    assert_eq!(v["results"][0]["summary"]["waived"], 0);
    assert!(
        v["results"][0]["caveats"]
            .to_string()
            .contains("3 waivers in the config not applied")
            || v["results"][0]["caveats"]
                .to_string()
                .contains("2 waivers in the config not applied")
    );

    // Waivers reach SARIF as suppressions, and the output still validates.
    let (_, sarif, _) = run(grantlint()
        .env("GRANTLINT_NOW", "2026-12-01T09:00:00Z")
        .args(["audit", "--format", "sarif", "--config"])
        .arg(&config));
    let v = assert_valid_sarif(&sarif);
    let suppressed: Vec<&Value> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0]["suppressions"][0]["justification"],
        "maps requisitions to departments"
    );
    assert_eq!(suppressed[0]["suppressions"][0]["kind"], "external");
}

#[test]
fn waiver_config_errors_point_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    for (waiver, at, message) in [
        (
            "[[waiver]]\ncredential = \"seekout-prd\"\npermission = \"harvest:offers:list\"\nreason = \"x\"\n",
            ":12:14]",
            "did you mean `seekout-prod`?",
        ),
        (
            "[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:lst\"\nreason = \"x\"\n",
            ":13:14]",
            "did you mean `harvest:offers:list`?",
        ),
        (
            "[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\nreason = \"  \"\n",
            ":14:10]",
            "a waiver needs a reason",
        ),
        (
            "[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\n",
            ":12:14]",
            "a waiver needs a reason",
        ),
        (
            "[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\nreason = \"x\"\nexpires = \"2027-02-30\"\n",
            ":15:11]",
            "`expires` is not a valid date",
        ),
    ] {
        let config = waiver_config(dir.path(), waiver);
        let (code, _, stderr) = run(grantlint().args(["audit", "--config"]).arg(&config));
        assert_eq!(code, 2, "{waiver}\n{stderr}");
        assert!(stderr.contains(at), "{waiver}: want {at}\n{stderr}");
        assert!(stderr.contains(message), "{waiver}: want {message}\n{stderr}");
    }
}

#[test]
fn several_reports_from_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let out = |n: &str| dir.path().join(n);
    let (code, stdout, _) = run(grantlint()
        .args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--format", "json"])
        .args([
            "--output",
            &format!("sarif={}", out("r.sarif").display()),
            "--output",
            &format!("junit={}", out("r.xml").display()),
            "--output",
            &format!("markdown={}", out("r.md").display()),
        ]));
    assert_eq!(code, 1);
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["schema"],
        "grantlint.check.v1"
    );
    assert_valid_sarif(&std::fs::read_to_string(out("r.sarif")).unwrap());
    assert!(
        std::fs::read_to_string(out("r.xml"))
            .unwrap()
            .contains("<testcase name=\"seekout-prod × seekout\"")
    );
    assert!(
        std::fs::read_to_string(out("r.md"))
            .unwrap()
            .starts_with("## grantlint: 1 credential\n")
    );
    let (code, _, stderr) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        OVERGRANTED,
        "--output",
        "pdf=x.pdf",
    ]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown format \"pdf\""), "{stderr}");
}

#[test]
fn junit_has_one_case_per_credential_and_profile() {
    let (_, xml, _) = run(grantlint().args([
        "check",
        "-p",
        "cronofy",
        "-p",
        "seekout",
        "--grants",
        OVERGRANTED,
        "--format",
        "junit",
    ]));
    assert!(xml.contains("<testcase name=\"seekout-prod × cronofy\""), "{xml}");
    assert!(xml.contains("<testcase name=\"seekout-prod × seekout\""), "{xml}");
    assert!(xml.contains("tests=\"2\""), "{xml}");
}

#[test]
fn diff_of_profiles_gates_on_what_a_change_adds() {
    let dir = tempfile::tempdir().unwrap();
    let base = "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions:\n  - harvest:jobs:list\n  - harvest:candidates:list\n";
    let old = write(dir.path(), "old.yaml", base);
    let wider = write(
        dir.path(),
        "wider.yaml",
        &format!("{base}  - harvest:offers:list\n  - harvest:departments:list\n"),
    );
    let narrower = write(
        dir.path(),
        "narrower.yaml",
        "name: P\napi: harvest-v3\npermissions:\n  - harvest:jobs:list\n",
    );
    let (code, stdout, _) = run(grantlint().arg("diff").arg(&old).arg(&wider));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL: 2 (1 high, 1 low) added, 0 removed"), "{stdout}");
    let (code, stdout, _) = run(grantlint()
        .arg("diff")
        .arg(&old)
        .arg(&wider)
        .args(["--fail-on-excess", "critical"]));
    assert_eq!(code, 0, "{stdout}");
    let (code, _, _) = run(grantlint()
        .arg("diff")
        .arg(&old)
        .arg(&wider)
        .args(["--fail-on-excess", "high"]));
    assert_eq!(code, 1);
    let (code, _, _) = run(grantlint().arg("diff").arg(&old).arg(&wider).arg("--exit-zero"));
    assert_eq!(code, 0);
    let (code, stdout, _) = run(grantlint()
        .arg("diff")
        .arg(&old)
        .arg(&narrower)
        .args(["--format", "json"]));
    assert_eq!(code, 0, "removing permissions never fails");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["schema"], "grantlint.diff.v1");
    assert_eq!(v["changes"][0]["change"], "removed");
    assert_eq!(v["changes"][0]["permission"], "harvest:candidates:list");
    // A built-in v1 profile against its migration: no change.
    let (code, stdout, _) = run(grantlint().args(["migrate", "cronofy-v1"]));
    assert_eq!(code, 0);
    let migrated = write(dir.path(), "cronofy-v3.yaml", &stdout);
    let (code, stdout, _) = run(grantlint().args(["diff", "cronofy-v1"]).arg(&migrated));
    assert_eq!(code, 0);
    assert!(stdout.contains("PASS: 0 added, 0 removed"), "{stdout}");
}

#[test]
fn diff_of_grants_files_and_against_live() {
    let (code, stdout, _) = run(grantlint().args([
        "diff",
        "examples/grants/jobtarget-exact.yaml",
        OVERGRANTED,
        "--format",
        "json",
    ]));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let added: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["change"] == "added")
        .map(|c| c["risk"].as_str().unwrap())
        .collect();
    assert_eq!(added.first(), Some(&"critical"), "ranked by risk: {added:?}");

    use fake_greenhouse::{Behavior, Config, Credential, Server};
    let server = Server::start(
        Config {
            credentials: vec![Credential {
                client_id: "jt".into(),
                secret: "jt-secret-value".into(),
                scopes: vec!["harvest:jobs:list".into(), "harvest:candidates:destroy".into()],
                behavior: Behavior::default(),
            }],
            ..Config::default()
        },
        0,
    )
    .unwrap();
    let (code, stdout, stderr) = run(grantlint()
        .env("GREENHOUSE_CLIENT_ID", "jt")
        .env("GREENHOUSE_CLIENT_SECRET", "jt-secret-value")
        .args([
            "diff",
            "examples/grants/jobtarget-exact.yaml",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
        ]));
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stdout.contains("+ added") && stdout.contains("harvest:candidates:destroy"),
        "{stdout}"
    );
    for secret in std::iter::once("jt-secret-value".to_string()).chain(server.issued_tokens()) {
        assert!(!stdout.contains(&secret) && !stderr.contains(&secret));
    }
}

#[test]
fn migrate_round_trip_gives_the_same_verdict_on_the_same_v3_grants() {
    let dir = tempfile::tempdir().unwrap();
    let grants_files = [
        "examples/grants/seekout-overgranted.yaml",
        "examples/grants/jobtarget-exact.yaml",
        "examples/grants/seekout-introspection.json",
        "examples/grants/planted-harvest.toml",
    ];
    for profile in [
        "seekout",
        "jobtarget",
        "candidate-fyi",
        "cronofy-v1",
        "pin",
        "okta-workflows",
    ] {
        let (code, migrated, stderr) = run(grantlint().args(["migrate", profile]));
        assert_eq!(code, 0, "{profile}: {stderr}");
        assert!(migrated.contains("api: harvest-v3"));
        assert!(migrated.contains("source: https://"), "metadata kept: {migrated}");
        assert!(migrated.starts_with("# yaml-language-server:"), "comments kept");
        let path = write(dir.path(), &format!("{profile}.yaml"), &migrated);
        let (code, lint, _) = run(grantlint().arg("lint").arg(&path));
        assert_eq!(code, 0, "{profile}: the migrated profile is valid:\n{lint}");
        for g in grants_files {
            let verdict = |p: &str| {
                let (code, stdout, _) = run(grantlint().args(["check", "-p", p, "--grants", g, "--format", "json"]));
                let v: Value = serde_json::from_str(&stdout).unwrap();
                let mut missing: Vec<String> = v["results"][0]["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|f| f["kind"] == "missing" || f["kind"] == "excess")
                    .map(|f| format!("{} {}", f["kind"], f["permission"]))
                    .collect();
                missing.sort();
                (code, v["results"][0]["verdict"].clone(), missing)
            };
            assert_eq!(verdict(profile), verdict(path.to_str().unwrap()), "{profile} on {g}");
        }
    }
}

#[test]
fn migrate_write_replaces_the_file_and_marks_unmapped_permissions() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "acme.yaml",
        "# Acme's integration\nname: Acme\napi: harvest-v1  # old key\nsource: https://acme.example/help\nreviewed: 2026-01-01\npermissions:\n  Users:\n    - \"GET: List Users\"\n    - \"GET: List Pending Approvals\"\n  Jobs:\n    - \"POST: Create a new job\"\nnotes: keep me\n",
    );
    let (code, _, stderr) = run(grantlint().arg("migrate").arg(&path).arg("--write"));
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&path).unwrap();
    insta::assert_snapshot!("migrate_acme", text);
    assert!(text.contains("# UNMAPPED: GET: List Pending Approvals"));
    assert!(text.contains("- harvest:jobs:create  # ≈ POST: Create a new job"));
    assert!(text.contains("notes: keep me"));
    let (code, _, stderr) = run(grantlint().arg("migrate").arg(&path));
    assert_eq!(code, 2);
    assert!(stderr.contains("is already harvest-v3"), "{stderr}");
    let (code, _, stderr) = run(grantlint().args(["migrate", "seekout", "--write"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("is a built-in profile"), "{stderr}");
}

#[test]
fn committed_schema_is_current_and_every_builtin_profile_references_it() {
    let (code, stdout, _) = run(grantlint().arg("schema"));
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(common::root().join("schema/profile.schema.json")).unwrap();
    assert_eq!(stdout, committed, "run `grantlint schema > schema/profile.schema.json`");
    for entry in std::fs::read_dir(common::root().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../schema/profile.schema.json\n"),
            "{}",
            path.display()
        );
    }
}

#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, stdout, _) = run(grantlint().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}");
        assert!(
            stdout.contains("grantlint") && stdout.contains("audit") && stdout.len() > 1000,
            "{shell}"
        );
    }
    let (code, _, _) = run(grantlint().args(["completions", "tcsh"]));
    assert_eq!(code, 2);
    let (code, stdout, _) = run(grantlint().arg("man"));
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(".ie \\n(.g .ds Aq \\(aq") || stdout.contains(".TH grantlint"),
        "{}",
        &stdout[..200]
    );
    assert!(stdout.contains("Exit codes"));
}

#[test]
fn precedence_flag_over_environment_over_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = waiver_config(dir.path(), "");
    let policy = |extra: &[&str], env: Option<&str>| {
        let mut cmd = grantlint();
        if let Some(e) = env {
            cmd.env("GRANTLINT_FAIL_ON_EXCESS", e);
        }
        let (_, stdout, _) = run(cmd
            .args(["audit", "--format", "json", "--config"])
            .arg(&config)
            .args(extra));
        let v: Value = serde_json::from_str(&stdout).unwrap();
        v["results"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "excess" && f["fails"] == true)
            .count()
    };
    assert_eq!(policy(&[], None), 6, "config default: low");
    assert_eq!(policy(&[], Some("high")), 5, "environment over config");
    assert_eq!(
        policy(&["--fail-on-excess", "critical"], Some("high")),
        2,
        "flag over environment"
    );
}

#[test]
fn the_example_config_loads() {
    let (code, stdout, stderr) =
        run(grantlint().args(["audit", "--config", "examples/ci/grantlint.toml", "--format", "json"]));
    assert_eq!(code, 2, "the secret variables are unset here: a setup error\n{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["verdict"], "error");
    assert!(
        v["results"][0]["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("SEEKOUT_CLIENT_ID")
    );
    assert_eq!(v["results"][1]["credential"], "jobtarget-prod");
    assert_eq!(v["results"][1]["verdict"], "pass");
}
