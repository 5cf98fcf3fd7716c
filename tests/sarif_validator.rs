#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue 14, item 4: Microsoft's SARIF validator (`sarif-multitool validate`, the npm package
//! @microsoft/sarif-multitool pinned in tests/browser/package-lock.json, installed by
//! `.ci/run`'s `npm ci`) reports no error and no warning on any SARIF grantlint writes. Without
//! the validator these tests fail; they never skip.

mod common;

use std::path::{Path, PathBuf};

use common::{grantlint, root, run, write};
use serde_json::Value;

/// The validator, as npm installed it.
fn multitool() -> PathBuf {
    let bin = root().join("tests/browser/node_modules/.bin/sarif-multitool");
    assert!(
        bin.exists(),
        "Microsoft's SARIF validator is not installed: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    bin
}

/// Validate `files` in one run of the validator; its findings as (level, rule, file, message).
/// A result without a level is a warning (SARIF's default).
fn validate(files: &[PathBuf]) -> Vec<(String, String, String, String)> {
    let out_dir = tempfile::tempdir().unwrap();
    let log = out_dir.path().join("validation.sarif");
    let output = std::process::Command::new(multitool())
        .arg("validate")
        .arg("--output")
        .arg(&log)
        .args(files)
        .output()
        .expect("run sarif-multitool");
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "sarif-multitool failed:\n{console}");
    assert!(
        console.contains(&format!("Done. {} files scanned.", files.len())),
        "the validator did not read every file:\n{console}"
    );
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&log).unwrap()).unwrap();
    let run = &log["runs"][0];
    assert_eq!(run["invocations"][0]["executionSuccessful"], true, "{console}");
    run["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["level"].as_str().unwrap_or("warning").to_string(),
                r["ruleId"].as_str().unwrap().to_string(),
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                r["message"]["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn problems(found: &[(String, String, String, String)]) -> Vec<&(String, String, String, String)> {
    found
        .iter()
        .filter(|(level, ..)| level == "error" || level == "warning")
        .collect()
}

/// Run grantlint writing SARIF to stdout; keep it as `out/NAME.sarif`.
fn sarif(out: &Path, name: &str, cmd: &mut assert_cmd::Command, code: i32) -> PathBuf {
    let (got, stdout, stderr) = run(cmd.args(["--format", "sarif"]));
    assert_eq!(got, code, "{name}: {stderr}");
    serde_json::from_str::<Value>(&stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
    write(out, &format!("{name}.sarif"), &stdout)
}

const OVERGRANTED: &str = "examples/grants/seekout-overgranted.yaml";

#[test]
fn microsofts_sarif_validator_accepts_every_sarif_grantlint_writes() {
    let out = tempfile::tempdir().unwrap();
    let o = out.path();
    // A folder outside the working directory (the repository), with a space and a non-ASCII
    // letter in its name; and one inside it.
    let outside = tempfile::tempdir().unwrap();
    let far = outside.path().join("user profiles");
    std::fs::create_dir(&far).unwrap();
    let seekout = std::fs::read_to_string(root().join("profiles/seekout.yaml")).unwrap();
    let far_profile = write(&far, "seekout-ä.yaml", &seekout);
    let near = tempfile::tempdir_in(root().join("target")).unwrap();
    let near_profile = write(near.path(), "seekout copy.yaml", &seekout);
    let near_relative = near_profile.strip_prefix(root()).unwrap().to_path_buf();
    let far_grants = write(
        &far,
        "grants.yaml",
        &std::fs::read_to_string(root().join(OVERGRANTED)).unwrap(),
    );

    let check = |args: &[&str]| {
        let mut cmd = grantlint();
        cmd.arg("check").args(args);
        cmd
    };
    let mut files = vec![
        // Pass; fail; v1 space; a wrong kind of credential; a PARTIAL profile (caveats).
        sarif(
            o,
            "pass",
            &mut check(&["-p", "jobtarget", "--grants", "examples/grants/jobtarget-exact.yaml"]),
            0,
        ),
        sarif(o, "fail", &mut check(&["-p", "seekout", "--grants", OVERGRANTED]), 1),
        sarif(
            o,
            "v1",
            &mut check(&["-p", "cronofy-v1", "--grants", "examples/grants/cronofy-v1-key.yaml"]),
            0,
        ),
        sarif(
            o,
            "wrong-kind",
            &mut check(&["-p", "planted", "--grants", "examples/grants/planted-harvest.toml"]),
            1,
        ),
        sarif(
            o,
            "partial",
            &mut check(&["-p", "candidate-fyi-v3", "--grants", OVERGRANTED]),
            1,
        ),
        // User profiles: by a relative path inside the working directory, by an absolute one
        // outside it, with grants outside it too.
        sarif(
            o,
            "user-inside",
            check(&["--grants", OVERGRANTED]).arg("-p").arg(&near_relative),
            1,
        ),
        sarif(
            o,
            "user-outside",
            check(&["-p"]).arg(&far_profile).arg("--grants").arg(&far_grants),
            1,
        ),
        // A token, and a token whose scopes cannot be read; usage evidence.
        sarif(
            o,
            "token",
            check(&["-p", "seekout", "--token"]).arg(write(
                o,
                "t.jwt",
                &common::jwt(r#"{"scp":["harvest:jobs:list"],"exp":1796169600}"#),
            )),
            1,
        ),
        sarif(
            o,
            "grants-unknown",
            check(&["-p", "seekout", "--token"]).arg(write(
                o,
                "blind.jwt",
                &common::jwt(r#"{"sub":"12345","exp":1796169600}"#),
            )),
            1,
        ),
        sarif(
            o,
            "usage",
            &mut check(&[
                "-p",
                "seekout",
                "--grants",
                OVERGRANTED,
                "--usage",
                "tests/data/captures/integration.har",
            ]),
            1,
        ),
        sarif(
            o,
            "fleet",
            &mut check(&["-p", "jobtarget", "--grants-dir", "examples/grants"]),
            1,
        ),
    ];
    // Audits: the example config (one credential cannot be read: exit 2), and one with an
    // active, an expired and an unused waiver, in a folder outside the working directory.
    files.push(sarif(
        o,
        "audit-example",
        grantlint().args(["audit", "--config", "examples/ci/grantlint.toml"]),
        2,
    ));
    let config = write(
        &far,
        "grantlint.toml",
        "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = \"grants.yaml\"\n\n\
         [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:eeoc:list\"\nreason = \"ticket SEC-1\"\nexpires = 2027-01-31\n\n\
         [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\nreason = \"ticket SEC-2\"\nexpires = 2026-01-01\n\n\
         [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:webhooks:list\"\nreason = \"gone\"\n",
    );
    files.push(sarif(
        o,
        "audit-waivers",
        grantlint().args(["audit", "--config"]).arg(&config),
        1,
    ));
    files.push(sarif(
        o,
        "audit-no-waivers",
        grantlint().args(["audit", "--no-waivers", "--config"]).arg(&config),
        1,
    ));
    // A SARIF side report of a run that prints a table.
    let side = o.join("side.sarif");
    let (code, _, stderr) = run(check(&["-p", "seekout", "--grants", OVERGRANTED])
        .arg("--output")
        .arg(format!("sarif={}", side.display())));
    assert_eq!(code, 1, "{stderr}");
    files.push(side);

    // lint and diff: built-in profiles (flagged purpose-jobs), user profiles inside and outside
    // the working directory (one with a published variant, one invalid), profiles and grants.
    let variant = write(
        &far,
        "variant.yaml",
        "name: X\napi: harvest-v1\nsource: https://x.example/a\nreviewed: 2026-01-01\npermissions:\n  - \"GET: Retrieve Candidates\"\n",
    );
    let invalid = write(
        &far,
        "invalid.yaml",
        "name: X\napi: harvest-v1\npermissions:\n  - \"GET: Retrieve Departments\"\n",
    );
    files.push(sarif(o, "lint-builtin", grantlint().args(["lint", "profiles/"]), 1));
    files.push(sarif(
        o,
        "lint-user",
        grantlint()
            .arg("lint")
            .arg(&near_relative)
            .arg(&far_profile)
            .arg(&variant)
            .arg(&invalid),
        2,
    ));
    files.push(sarif(
        o,
        "diff-profiles",
        grantlint().args(["diff", "jobtarget"]).arg(&far_profile),
        1,
    ));
    files.push(sarif(
        o,
        "diff-grants",
        grantlint().args(["diff", "examples/grants/jobtarget-exact.yaml", OVERGRANTED]),
        1,
    ));
    // Two built-ins: no file of the user's on either side, still a location.
    files.push(sarif(
        o,
        "diff-builtins",
        grantlint().args(["diff", "seekout", "jobtarget"]),
        1,
    ));
    // lint of the built-in profiles (a folder without profiles/): purpose-jobs's select-all.
    let bare = tempfile::tempdir().unwrap();
    files.push(sarif(
        o,
        "lint-builtins-bare",
        grantlint().arg("lint").current_dir(bare.path()),
        1,
    ));
    files.push(sarif(
        o,
        "diff-none",
        grantlint().args(["diff", "seekout"]).arg(&near_relative),
        0,
    ));

    // The waived, expired and outside-cwd cases are really in the set.
    let text = |name: &str| std::fs::read_to_string(o.join(format!("{name}.sarif"))).unwrap();
    assert!(text("audit-waivers").contains("\"suppressions\""));
    assert!(text("audit-waivers").contains("expired-waiver") && text("audit-waivers").contains("unused-waiver"));
    assert!(
        text("user-outside").contains("\"uri\": \"file:///"),
        "{}",
        text("user-outside")
    );
    assert!(text("user-outside").contains("user%20profiles/seekout-%C3%A4.yaml"));
    assert!(text("user-inside").contains("seekout%20copy.yaml\""));
    assert!(!text("user-inside").contains("file://"));

    assert!(text("lint-user").contains("published-variant") && text("lint-user").contains("invalid-profile"));
    for builtin in ["diff-builtins", "lint-builtins-bare"] {
        let log: Value = serde_json::from_str(&text(builtin)).unwrap();
        let results = log["runs"][0]["results"].as_array().unwrap();
        assert!(!results.is_empty(), "{builtin}");
        for r in results {
            assert_eq!(
                r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"], "GRANTLINT_BUILTIN",
                "{builtin}: {r}"
            );
        }
    }

    let found = validate(&files);
    let bad = problems(&found);
    assert!(bad.is_empty(), "the SARIF validator objects: {bad:#?}");

    // Every rule of every log links to a section of docs/findings.md.
    let docs = std::fs::read_to_string(root().join("docs/findings.md")).unwrap();
    for f in &files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap();
        for rule in v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap() {
            let uri = rule["helpUri"].as_str().unwrap();
            let anchor = uri.rsplit_once("docs/findings.md#").unwrap().1;
            assert_eq!(anchor, rule["id"], "{}", f.display());
            assert!(docs.contains(&format!("\n## {anchor}\n")), "no section for {anchor}");
        }
    }
}

/// The validator is known to work: it reports what grantlint used to write (a rule `name`
/// equal to its id, no `informationUri`, an absolute path as a relative reference).
#[test]
fn the_validator_rejects_what_grantlint_used_to_write() {
    let (_, stdout, _) =
        run(grantlint().args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--format", "sarif"]));
    let mut v: Value = serde_json::from_str(&stdout).unwrap();
    let driver = &mut v["runs"][0]["tool"]["driver"];
    driver.as_object_mut().unwrap().remove("informationUri");
    let id = driver["rules"][0]["id"].clone();
    driver["rules"][0]["name"] = id;
    v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        "/somewhere/profile.yaml".into();
    let dir = tempfile::tempdir().unwrap();
    let old = write(dir.path(), "old.sarif", &serde_json::to_string_pretty(&v).unwrap());
    let found = validate(&[old]);
    let rules: Vec<(&str, &str)> = problems(&found)
        .iter()
        .map(|(level, rule, ..)| (level.as_str(), rule.as_str()))
        .collect();
    for want in [
        ("error", "SARIF1004"),
        ("warning", "SARIF1001"),
        ("warning", "SARIF2005"),
    ] {
        assert!(rules.contains(&want), "{want:?} not in {rules:?}");
    }
}

#[test]
fn rules_carry_names_descriptions_and_help_pages() {
    let (_, stdout, _) =
        run(grantlint().args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--format", "sarif"]));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let driver = &v["runs"][0]["tool"]["driver"];
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let repo = manifest
        .lines()
        .find_map(|l| l.strip_prefix("repository = "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(driver["informationUri"], repo);
    let docs = std::fs::read_to_string(root().join("docs/findings.md")).unwrap();
    let rules = driver["rules"].as_array().unwrap();
    // Hand-written: the names of the two one-word kinds, which cannot be their id in PascalCase.
    let name_of = |id: &str| rules.iter().find(|r| r["id"] == id).unwrap()["name"].clone();
    assert_eq!(name_of("missing"), "MissingPermission");
    assert_eq!(name_of("excess"), "ExcessGrant");
    assert_eq!(name_of("wrong-credential-type"), "WrongCredentialType");
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let name = r["name"].as_str().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()) && name.starts_with(char::is_uppercase));
        assert_ne!(name.to_lowercase(), id.to_lowercase());
        let full = r["fullDescription"]["text"].as_str().unwrap();
        let short = r["shortDescription"]["text"].as_str().unwrap();
        assert!(
            full.starts_with(short),
            "{id}: the short description is the first sentence"
        );
        assert_eq!(r["helpUri"], format!("{repo}/blob/main/docs/findings.md#{id}"), "{id}");
        // docs/findings.md is current: each kind's section says what `explain` says.
        let (_, explained, _) = run(grantlint().args(["explain", id]));
        let level = explained
            .lines()
            .next()
            .unwrap()
            .rsplit("default level: ")
            .next()
            .unwrap();
        let section = format!(
            "## {id}\n\n`{name}` · default level: {}\n\n{full}\n\n**What to do:** {}\n",
            level.trim_end_matches(')'),
            r["help"]["text"].as_str().unwrap()
        );
        assert!(
            docs.contains(&section),
            "docs/findings.md lacks or has a stale section:\n{section}"
        );
    }
    // One section per kind, and three for the rules only lint and diff report.
    assert_eq!(docs.matches("\n## ").count(), rules.len() + 3);
}
