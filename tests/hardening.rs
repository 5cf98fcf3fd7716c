#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Hardening" (offline part): nothing from outside reaches a terminal raw, secrets
//! never reach a diagnostic, no silent pass, waivers name a finding kind, SARIF
//! fingerprints are unique, and the smaller defects. Every test runs the real binary and
//! failed against the build before the fix (`GRANTLINT_TEST_BIN` runs them against another).

mod common;

use std::path::Path;

use common::{grantlint, jwt, run, write};
use serde_json::Value;

const FORMATS: &[&str] = &[
    "table",
    "json",
    "checklist",
    "sarif",
    "junit",
    "github",
    "markdown",
    "summary",
    "html",
    "csv",
];

/// Every control character but newline and tab, and the bidi overrides.
fn unsafe_char(text: &str) -> Option<char> {
    text.chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || ('\u{202A}'..='\u{202E}').contains(&c))
}

fn assert_clean(what: &str, text: &str) {
    if let Some(c) = unsafe_char(text) {
        panic!("{what}: {c:?} reached the output:\n{text}");
    }
}

/// Run in every format, on stdout and into an --output file, and check all of it.
fn assert_clean_everywhere(dir: &Path, args: &[&str]) {
    for format in FORMATS {
        let report = dir.join(format!("report.{format}"));
        let (code, stdout, stderr) = run(grantlint()
            .args(args)
            .args(["--format", format, "--output"])
            .arg(format!("{format}={}", report.display())));
        assert!(code <= 2, "{format}: exit {code}\n{stderr}");
        // RFC 4180 ends CSV lines in CRLF; any other carriage return is a finding.
        let lines = |text: String| {
            if *format == "csv" {
                text.replace("\r\n", "\n")
            } else {
                text
            }
        };
        assert_clean(&format!("{format} stdout"), &lines(stdout));
        assert_clean(&format!("{format} stderr"), &stderr);
        assert_clean(
            &format!("{format} --output"),
            &lines(std::fs::read_to_string(&report).unwrap()),
        );
    }
}

#[test]
fn escape_sequences_in_files_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    // YAML and TOML escapes put real control characters into names, notes and scopes.
    write(
        dir.path(),
        "evil.yaml",
        "name: \"Evil \\e[2J\\e]0;pwned\\a\u{202e}Corp\"\nvendor: \"\\e[31mred\"\napi: harvest-v3\nsource: https://evil.example/x\nreviewed: 2026-01-01\npermissions: [harvest:jobs:list]\nnotes: \"line\\e[1A\"\n",
    );
    let grants = write(
        dir.path(),
        "g.json",
        "{\"active\": true, \"client_id\": \"cl\\u001b[31mient\", \"scope\": \"harvest:jobs:list harvest:x\\u001b[2J:list harvest:offers:list\"}",
    );
    let profile = dir.path().join("evil.yaml");
    let args = [
        "check",
        "-p",
        profile.to_str().unwrap(),
        "--grants",
        grants.to_str().unwrap(),
    ];
    assert_clean_everywhere(dir.path(), &args);
    let (_, stdout, _) = run(grantlint().args(["profiles", "show"]).arg(&profile));
    assert_clean("profiles show", &stdout);
    assert!(stdout.contains("Evil [2J]0;pwnedCorp"), "{stdout}");
    // A config whose names and reasons carry escapes, audited offline.
    write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"prod\\u001b[2K\"\nprofiles = [\"jobtarget\"]\ngrants = \"{}\"\n\n[[waiver]]\ncredential = \"prod\\u001b[2K\"\npermission = \"harvest:offers:list\"\nreason = \"ok\\u001b[8m hidden\"\n",
            grants.display()
        ),
    );
    let config = dir.path().join("grantlint.toml");
    assert_clean_everywhere(dir.path(), &["audit", "--config", config.to_str().unwrap()]);
}

#[test]
fn raw_control_characters_are_not_quoted_by_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    // A raw ESC in a file is a parse error; the snippet that quotes the line must not carry it.
    let bad = write(
        dir.path(),
        "bad.yaml",
        "api: harvest-v3\ngranted: [harvest:jobs:list, \u{1b}[2J\u{1b}]0;owned\u{7}]\n",
    );
    let (code, stdout, stderr) = run(grantlint().args(["check", "-p", "seekout", "--grants"]).arg(&bad));
    assert_eq!(code, 2, "{stderr}");
    assert_clean("stderr", &stderr);
    assert_clean("stdout", &stdout);
    // Unknown names echoed in errors (an argument, a profile id) lose theirs too.
    let (code, _, stderr) = run(grantlint().args(["explain", "harvest:\u{1b}[2Jjobs:list"]));
    assert_eq!(code, 2);
    assert_clean("explain stderr", &stderr);
    let (code, _, stderr) = run(grantlint().args(["profiles", "show", "seek\u{1b}[31mout"]));
    assert_eq!(code, 2);
    assert_clean("profiles stderr", &stderr);
}

#[test]
fn a_saved_token_response_with_an_error_does_not_quote_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = jwt(r#"{"sub":"1","scope":"harvest:jobs:list","jti":"secret-token-id-123"}"#);
    let parts: Vec<&str> = token.split('.').collect();
    for (name, text) in [
        // A type error on the same line as the token.
        (
            "one-line.json",
            format!("{{\"access_token\": \"{token}\", \"token_type\": \"Bearer\", \"scope\": 5}}"),
        ),
        // The error points at the token's own line.
        (
            "own-line.json",
            format!("{{\n  \"access_token\": \"{token}\" \"expires_at\": 1\n}}\n"),
        ),
        (
            "yaml.yaml",
            format!("access_token: {token}\nscope: [harvest:jobs:list, [nested]]\n"),
        ),
    ] {
        let path = write(dir.path(), name, &text);
        let (code, stdout, stderr) = run(grantlint().args(["check", "-p", "jobtarget", "--grants"]).arg(&path));
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        for secret in [token.as_str(), parts[1], parts[2]] {
            assert!(
                !stdout.contains(secret) && !stderr.contains(secret),
                "{name}: a token segment leaked:\n{stderr}"
            );
        }
        assert!(
            stderr.contains(name),
            "{name}: the error still names the file: {stderr}"
        );
    }
}

#[test]
fn an_introspection_answer_is_active_only_when_active_is_true() {
    let dir = tempfile::tempdir().unwrap();
    for (active, said) in [
        ("\"true\"", "`active` is the string \"true\", not true"),
        ("1", "`active` is the number 1, not true"),
        ("null", "`active` is null, not true"),
        ("false", "says the token is not active"),
    ] {
        let path = write(
            dir.path(),
            "i.json",
            &format!("{{\"active\": {active}, \"scope\": \"harvest:jobs:list\"}}"),
        );
        let (code, _, stderr) = run(grantlint().args(["check", "-p", "jobtarget", "--grants"]).arg(&path));
        assert_eq!(code, 2, "{active}: {stderr}");
        assert!(stderr.contains(said), "{active}: want {said:?} in\n{stderr}");
    }
}

#[test]
fn a_requirement_met_only_through_an_approximate_mapping_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions:\n  - harvest:candidates:update\n  - harvest:users:list\n",
    );
    // PATCH: Edit Candidate maps onto candidates:update only approximately; GET: List Users
    // is the migration guide's equivalent of users:list.
    let grants = write(
        dir.path(),
        "key.yaml",
        "api: harvest-v1\ngranted:\n  - \"PATCH: Edit Candidate\"\n  - \"GET: List Users\"\n",
    );
    let (code, stdout, _) = run(grantlint()
        .args(["check", "--format", "json", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(
        (code, r["verdict"].as_str()),
        (0, Some("pass")),
        "a note, not a failure"
    );
    let notes: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "approximate-match")
        .map(|f| (f["permission"].as_str().unwrap(), f["level"].as_str().unwrap()))
        .collect();
    assert_eq!(notes, [("harvest:candidates:update", "note")]);
    let (_, table, _) = run(grantlint()
        .args(["check", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert!(table.contains("(1 only through ≈ mappings)"), "{table}");
}

fn waiver_run(dir: &Path, waiver: &str) -> (i32, Value, String) {
    let grants = write(dir, "g.yaml", "api: harvest-v3\ngranted: [harvest:offers:list]\n");
    let config = write(
        dir,
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"jt\"\nprofiles = [\"jobtarget\"]\ngrants = \"{}\"\n\n[[waiver]]\ncredential = \"jt\"\nreason = \"r\"\n{waiver}",
            grants.display()
        ),
    );
    let (code, stdout, stderr) = run(grantlint().args(["audit", "--format", "json", "--config"]).arg(&config));
    let v = serde_json::from_str(&stdout).unwrap_or(Value::Null);
    (code, v, stderr)
}

fn findings(v: &Value) -> Vec<(String, String, bool)> {
    v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["permission"].as_str().unwrap_or("").to_string(),
                f["waived"].as_bool().unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_waiver_excuses_one_kind_of_finding() {
    let dir = tempfile::tempdir().unwrap();
    // A waiver for a permission that is missing does not hide the missing grant: it excuses
    // excess by default, so it is unused.
    let (code, v, _) = waiver_run(dir.path(), "permission = \"harvest:jobs:list\"\n");
    assert_eq!(code, 1);
    let f = findings(&v);
    assert!(
        f.contains(&("missing".into(), "harvest:jobs:list".into(), false)),
        "{f:?}"
    );
    assert!(
        f.contains(&("unused-waiver".into(), "harvest:jobs:list".into(), false)),
        "{f:?}"
    );
    // Naming the kind excuses it.
    let (_, v, _) = waiver_run(dir.path(), "permission = \"harvest:jobs:list\"\nkind = \"missing\"\n");
    let f = findings(&v);
    assert!(
        f.contains(&("missing".into(), "harvest:jobs:list".into(), true)),
        "{f:?}"
    );
    assert!(!f.iter().any(|(k, _, _)| k == "unused-waiver"), "{f:?}");
    // The default, excess, still works.
    let (_, v, _) = waiver_run(dir.path(), "permission = \"harvest:offers:list\"\n");
    assert!(findings(&v).contains(&("excess".into(), "harvest:offers:list".into(), true)));
    // A kind that is not one, or that no waiver may excuse, is a config error.
    for (kind, said) in [
        ("exces", "did you mean `excess`?"),
        ("credential-error", "a waiver cannot excuse `credential-error` findings"),
    ] {
        let (code, _, stderr) = waiver_run(
            dir.path(),
            &format!("permission = \"harvest:offers:list\"\nkind = \"{kind}\"\n"),
        );
        assert_eq!(code, 2, "{kind}");
        assert!(stderr.contains(said), "{kind}: {stderr}");
        assert!(
            stderr.contains("grantlint.toml:10:8]"),
            "{kind}: points at the kind: {stderr}"
        );
    }
}

#[test]
fn no_two_sarif_results_share_a_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let unknown = write(
        dir.path(),
        "u.json",
        "{\"active\": true, \"scope\": \"harvest:jobs:list harvest:new_a:list harvest:new_b:list harvest:new_c:create\"}",
    );
    let two_waivers = write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"a\"\nprofiles = [\"jobtarget\", \"planted\"]\ngrants = \"{0}\"\n\n[[credential]]\nname = \"b\"\nprofiles = [\"jobtarget\"]\ngrants = \"{0}\"\n\n\
             [[waiver]]\ncredential = \"a\"\npermission = \"harvest:eeoc:list\"\nreason = \"x\"\n\n[[waiver]]\ncredential = \"a\"\npermission = \"harvest:eeoc:list\"\nreason = \"y\"\n\n\
             [[waiver]]\ncredential = \"a\"\npermission = \"harvest:users:list\"\nreason = \"z\"\nexpires = 2020-01-01\n",
            unknown.display()
        ),
    );
    let runs: Vec<Vec<String>> = vec![
        vec![
            "check".into(),
            "-p".into(),
            "seekout".into(),
            "--grants".into(),
            unknown.display().to_string(),
        ],
        vec![
            "check".into(),
            "-p".into(),
            "planted".into(),
            "-p".into(),
            "jobtarget".into(),
            "--grants".into(),
            "examples/grants/seekout-overgranted.yaml".into(),
        ],
        vec!["audit".into(), "--config".into(), two_waivers.display().to_string()],
    ];
    for args in runs {
        let (_, stdout, stderr) = run(grantlint().args(&args).args(["--format", "sarif"]));
        let v: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));
        let results = v["runs"][0]["results"].as_array().unwrap();
        let mut seen = std::collections::HashMap::new();
        for r in results {
            let fp = r["partialFingerprints"]["grantlint/v1"].as_str().unwrap().to_string();
            if let Some(first) = seen.insert(fp.clone(), r["message"]["text"].clone()) {
                panic!("{args:?}: two results share {fp}:\n{first}\n{}", r["message"]["text"]);
            }
        }
        assert!(results.len() >= 3, "{args:?}");
    }
}

#[test]
fn migrate_keeps_an_optional_permission_that_maps_onto_a_required_scope() {
    let dir = tempfile::tempdir().unwrap();
    // Both v1 permissions map onto harvest:candidates:create.
    let path = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v1\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions:\n  - \"POST: Add Candidate\"\noptional:\n  - \"POST: Add Prospect\"\n",
    );
    let (code, _, _) = run(grantlint().arg("lint").arg(&path));
    assert_eq!(code, 0, "the profile is lint-clean");
    let (code, migrated, stderr) = run(grantlint().arg("migrate").arg(&path));
    assert_eq!(code, 0, "{stderr}");
    let out = write(dir.path(), "p-v3.yaml", &migrated);
    let (code, lint, _) = run(grantlint().arg("lint").arg(&out));
    assert_eq!(code, 0, "{migrated}\n{lint}");
    assert!(
        migrated.contains("# harvest:candidates:create is required above, which also covers POST: Add Prospect"),
        "{migrated}"
    );
}

#[cfg(unix)]
#[test]
fn atomic_writes_keep_the_mode_and_new_reports_get_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v1\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [\"GET: List Jobs\"]\n",
    );
    for mode in [0o644, 0o664, 0o600] {
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
        std::fs::write(
            &path,
            "name: P\napi: harvest-v1\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [\"GET: List Jobs\"]\n",
        )
        .unwrap();
        let (code, _, stderr) = run(grantlint().arg("migrate").arg(&path).arg("--write"));
        assert_eq!(code, 0, "{stderr}");
        let got = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(got, mode, "migrate --write keeps the file's mode");
    }
    let umask = std::process::Command::new("sh").args(["-c", "umask"]).output().unwrap();
    let umask = u32::from_str_radix(String::from_utf8_lossy(&umask.stdout).trim(), 8).unwrap();
    let report = dir.path().join("r.json");
    let (_, _, _) = run(grantlint()
        .args([
            "check",
            "-p",
            "jobtarget",
            "--grants",
            "examples/grants/jobtarget-exact.yaml",
        ])
        .arg("--output")
        .arg(format!("json={}", report.display())));
    let got = std::fs::metadata(&report).unwrap().permissions().mode() & 0o777;
    assert_eq!(got, 0o666 & !umask, "a new report gets the mode the umask gives");
}

#[test]
fn a_grants_dir_reads_every_spelling_of_the_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let g = "api: harvest-v3\ngranted: [harvest:jobs:list]\n";
    for name in ["a.YAML", "b.yml", "c.Yml", "d.yaml"] {
        write(dir.path(), name, g);
    }
    write(
        dir.path(),
        "e.JSON",
        "{\"api\": \"harvest-v3\", \"granted\": [\"harvest:jobs:list\"]}",
    );
    write(dir.path(), "notes.txt", "not grants");
    let (_, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "summary", "--grants-dir"])
        .arg(dir.path()));
    let names: Vec<&str> = stdout.lines().map(|l| l.split(' ').next().unwrap()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"], "{stdout}");
}

#[test]
fn scope_claim_entries_that_are_not_strings_are_reported() {
    let token = jwt(r#"{"scp":["harvest:jobs:list", 7, {"x": 1}]}"#);
    let (code, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "json", "--token", "-"])
        .write_stdin(token));
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let unknown: Vec<&str> = v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "unknown-grant")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(unknown.len(), 2, "{unknown:?}");
    assert!(unknown[0].contains("`7`") || unknown[1].contains("`7`"), "{unknown:?}");
    assert_eq!(v["results"][0]["summary"]["granted"], 3);
}
