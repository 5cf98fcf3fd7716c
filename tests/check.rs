#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Offline check": grants inputs, comparison, findings, table / JSON / checklist,
//! exit codes, hostile input. Every test runs the real binary.

mod common;

use common::{grantlint, jwt, run, write};
use serde_json::Value;

fn json(args: &[&str]) -> (i32, Value) {
    let mut cmd = grantlint();
    cmd.args(["check", "--format", "json"]).args(args);
    let (code, stdout, stderr) = run(&mut cmd);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}\n{stderr}"));
    (code, v)
}

fn kinds(v: &Value) -> Vec<(String, String)> {
    v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["permission"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn seekout_overgranted_table() {
    let (code, stdout, stderr) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
    ]));
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("check_seekout_overgranted_table", stdout);
}

#[test]
fn seekout_overgranted_json_is_the_documented_schema() {
    let (code, v) = json(&["-p", "seekout", "--grants", "examples/grants/seekout-overgranted.yaml"]);
    assert_eq!(code, 1);
    insta::assert_json_snapshot!("check_seekout_overgranted_json", v);
    let r = &v["results"][0];
    assert_eq!(v["schema"], "grantlint.check.v1");
    assert_eq!(r["credential"], "seekout-prod");
    assert_eq!(r["grants_source"], "file");
    assert_eq!(r["space"], "harvest-v3");
    assert_eq!(r["verdict"], "fail");
    assert_eq!(r["read_at"], common::NOW);
    assert_eq!(
        r["summary"],
        serde_json::json!({"required": 13, "granted": 18, "missing": 1, "excess": 6, "waived": 0})
    );
    let missing = &r["findings"][0];
    assert_eq!(missing["kind"], "missing");
    assert_eq!(missing["permission"], "harvest:close_reasons:list");
    assert_eq!(missing["labels"], serde_json::json!(["GET: Get close reasons"]));
    assert_eq!(missing["profiles"], serde_json::json!(["seekout"]));
    assert_eq!(missing["approximate"], false);
    // Excess by descending risk.
    let risks: Vec<&str> = r["findings"].as_array().unwrap()[1..]
        .iter()
        .filter(|f| f["kind"] == "excess")
        .map(|f| f["risk"].as_str().unwrap())
        .collect();
    assert_eq!(risks, ["critical", "critical", "high", "high", "high", "low"]);
}

#[test]
fn checklist_groups_ticks_and_unticks_as_the_screen_does() {
    let (code, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
        "--format",
        "checklist",
    ]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_seekout_checklist", stdout);
}

#[test]
fn exact_match_passes() {
    let (code, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "jobtarget",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
    ]));
    assert_eq!(code, 0, "{stdout}");
    insta::assert_snapshot!("check_jobtarget_exact", stdout);
}

#[test]
fn v1_profile_against_v1_key_compares_in_v1_space() {
    let (code, v) = json(&["-p", "cronofy-v1", "--grants", "examples/grants/cronofy-v1-key.yaml"]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["space"], "harvest-v1");
    assert_eq!(v["results"][0]["summary"]["required"], 17);

    let dir = tempfile::tempdir().unwrap();
    let grants = write(
        dir.path(),
        "key.yaml",
        "api: harvest-v1\ngranted:\n  Jobs:\n    - \"GET: List Jobs\"\n    - \"DELETE: Delete Candidate\"\n",
    );
    let (code, v) = json(&["-p", "pin", "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 1);
    let r = &v["results"][0];
    assert_eq!(r["space"], "harvest-v1");
    let excess: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "excess")
        .collect();
    assert_eq!(excess.len(), 1);
    assert_eq!(excess[0]["permission"], "DELETE /v1/candidates/{id}");
    assert_eq!(excess[0]["labels"], serde_json::json!(["DELETE: Delete Candidate"]));
    assert_eq!(excess[0]["risk"], "critical");
    assert_eq!(r["summary"]["missing"], 14);
}

#[test]
fn v1_profile_against_v3_grants_is_mapped_and_marks_approximations() {
    let dir = tempfile::tempdir().unwrap();
    // Pin (v1) needs, in v3: candidates list/update/create, notes, attachments, applications, educations,
    // employments, jobs:list, users:list. Grant the reads only.
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngranted:\n  - harvest:candidates:list\n  - harvest:jobs:list\n  - harvest:users:list\n",
    );
    let (code, v) = json(&["-p", "pin", "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 1);
    let findings = v["results"][0]["findings"].as_array().unwrap();
    let update = findings
        .iter()
        .find(|f| f["permission"] == "harvest:candidates:update")
        .unwrap();
    assert_eq!(update["kind"], "missing");
    assert_eq!(
        update["approximate"], true,
        "PATCH: Edit Candidate -> candidates:update is inferred"
    );
    assert_eq!(
        update["labels"],
        serde_json::json!(["GET: Retrieve Candidate", "PATCH: Edit Candidate"][1..])
    );
    let create = findings
        .iter()
        .find(|f| f["permission"] == "harvest:candidates:create")
        .unwrap();
    assert_eq!(
        create["labels"],
        serde_json::json!(["POST: Add Candidate", "POST: Add Prospect"]),
        "both v1 permissions map onto one scope"
    );
    assert_eq!(v["results"][0]["summary"]["missing"], 7);
}

#[test]
fn several_profiles_are_a_union() {
    let dir = tempfile::tempdir().unwrap();
    let cronofy = [
        "harvest:applications:list",
        "harvest:candidates:list",
        "harvest:users:list",
        "harvest:jobs:list",
        "harvest:application_stages:list",
        "harvest:job_interview_stages:list",
        "harvest:job_interviews:list",
        "harvest:interviews:list",
        "harvest:interviews:create",
        "harvest:interviews:update",
        "harvest:interviews:destroy",
        "harvest:interviewers:list",
        "harvest:interview_kits:list",
        "harvest:default_interviewers:list",
        "harvest:notes:create",
    ];
    let text = format!(
        "api: harvest-v3\ngranted:\n{}",
        cronofy.iter().map(|s| format!("  - {s}\n")).collect::<String>()
    );
    let grants = write(dir.path(), "g.yaml", &text);
    let (code, v) = json(&["-p", "cronofy", "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["summary"]["required"], 15);
    // Shared with SeekOut: union of both requirements, shared scopes counted once.
    let (code, v) = json(&["-p", "cronofy", "-p", "seekout", "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 1);
    let r = &v["results"][0];
    assert_eq!(r["profiles"], serde_json::json!(["cronofy", "seekout"]));
    assert_eq!(r["summary"]["required"], 15 + 13 - 5);
    assert_eq!(r["summary"]["excess"], 0);
    let missing: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "missing")
        .map(|f| f["permission"].as_str().unwrap())
        .collect();
    assert_eq!(missing.len(), 8, "{missing:?}");
    assert!(missing.contains(&"harvest:close_reasons:list"));
    let applications = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "missing")
        .unwrap();
    assert_eq!(applications["profiles"], serde_json::json!(["seekout"]));
}

#[test]
fn optional_is_never_excess_and_unused_optional_is_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [harvest:jobs:list]\noptional: [harvest:offices:list, harvest:departments:list]\n",
    );
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngranted: [harvest:jobs:list, harvest:offices:list]\n",
    );
    let (code, v) = json(&["-p", profile.to_str().unwrap(), "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert_eq!(
        kinds(&v),
        [("unused-optional".to_string(), "harvest:departments:list".to_string())]
    );
    assert_eq!(v["results"][0]["findings"][0]["fails"], false);
}

#[test]
fn excess_at_every_risk_level_and_the_fail_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n  - harvest:departments:list\n  - harvest:candidates:list\n  - harvest:offers:list\n  - harvest:candidates:destroy\n",
    );
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [harvest:jobs:list]\n",
    );
    let g = grants.to_str().unwrap();
    let p = profile.to_str().unwrap();
    let (code, v) = json(&["-p", p, "--grants", g]);
    assert_eq!(code, 1);
    let risks: Vec<(&str, bool)> = v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["risk"].as_str().unwrap(), f["fails"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        risks,
        [("critical", true), ("high", true), ("medium", true), ("low", true)]
    );
    for (level, code_want, failing) in [
        ("low", 1, 4),
        ("medium", 1, 3),
        ("high", 1, 2),
        ("critical", 1, 1),
        ("never", 0, 0),
    ] {
        let (code, v) = json(&["-p", p, "--grants", g, "--fail-on-excess", level]);
        assert_eq!(code, code_want, "{level}");
        let fails = v["results"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["fails"] == true)
            .count();
        assert_eq!(fails, failing, "{level}");
    }
    let only_low = write(
        dir.path(),
        "low.yaml",
        "api: harvest-v3\ngranted: [harvest:jobs:list, harvest:departments:list]\n",
    );
    let (code, _) = json(&[
        "-p",
        p,
        "--grants",
        only_low.to_str().unwrap(),
        "--fail-on-excess",
        "medium",
    ]);
    assert_eq!(
        code, 0,
        "a low excess under a medium threshold is reported, not failing"
    );
    let (code, _, stderr) = run(grantlint().args(["check", "-p", p, "--grants", g, "--fail-on-excess", "severe"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected low, medium, high, critical or never"),
        "{stderr}"
    );
}

#[test]
fn missing_only_and_no_fail_on_missing() {
    let dir = tempfile::tempdir().unwrap();
    let grants = write(dir.path(), "g.yaml", "api: harvest-v3\ngranted: [harvest:jobs:list]\n");
    let g = grants.to_str().unwrap();
    let (code, v) = json(&["-p", "jobtarget", "--grants", g]);
    assert_eq!(code, 1);
    assert_eq!(v["results"][0]["summary"]["missing"], 5);
    assert_eq!(v["results"][0]["summary"]["excess"], 0);
    let (code, v) = json(&["-p", "jobtarget", "--grants", g, "--no-fail-on-missing"]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["verdict"], "pass");
    assert_eq!(v["results"][0]["findings"][0]["fails"], false);
}

#[test]
fn planted_with_a_harvest_credential_is_the_wrong_type_and_all_excess() {
    let (code, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "planted",
        "--grants",
        "examples/grants/planted-harvest.toml",
    ]));
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_planted_wrong_type", stdout);
    let (_, v) = json(&["-p", "planted", "--grants", "examples/grants/planted-harvest.toml"]);
    let k = kinds(&v);
    assert_eq!(k[0], ("wrong-credential-type".to_string(), String::new()));
    assert_eq!(k.iter().filter(|(kind, _)| kind == "excess").count(), 4);
    assert_eq!(v["results"][0]["summary"]["required"], 0);
}

#[test]
fn introspection_with_scope_as_string_or_array() {
    let (code, v) = json(&[
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-introspection.json",
    ]);
    assert_eq!(code, 0);
    assert_eq!(v["results"][0]["grants_source"], "introspection");
    assert_eq!(v["results"][0]["credential"], "seekout-inbound");
    let dir = tempfile::tempdir().unwrap();
    let array = write(
        dir.path(),
        "i.json",
        r#"{"active": true, "scopes": ["harvest:jobs:list", "harvest:openings:list"], "iss": "https://auth.greenhouse.io"}"#,
    );
    let (code, v) = json(&["-p", "jobtarget", "--grants", array.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["results"][0]["summary"]["granted"], 2);
    let inactive = write(dir.path(), "off.json", r#"{"active": false}"#);
    let (code, _, stderr) = run(grantlint().args(["check", "-p", "seekout", "--grants"]).arg(&inactive));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("the introspection response says the token is not active"),
        "{stderr}"
    );
    let unknown = write(
        dir.path(),
        "u.json",
        "{\n  \"active\": true,\n  \"scope\": \"harvest:jobs:list harvest:jobs:lsit\"\n}\n",
    );
    // A scope the catalog does not know is an unknown-grant finding, as it is live (not an
    // input error): Greenhouse adds scopes. It still says what was probably meant, and where.
    let (code, v) = json(&["-p", "seekout", "--grants", unknown.to_str().unwrap()]);
    assert_eq!(code, 1);
    let f = v["results"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "unknown-grant")
        .unwrap();
    assert!(
        f["message"].as_str().unwrap().contains("`harvest:jobs:lsit`")
            && f["message"]
                .as_str()
                .unwrap()
                .contains("did you mean `harvest:jobs:list`?"),
        "{f}"
    );
    let (code, annotations, _) = run(grantlint()
        .args(["check", "-p", "seekout", "--format", "github", "--grants"])
        .arg(&unknown));
    assert_eq!(code, 1);
    assert!(
        annotations
            .lines()
            .any(|l| l.starts_with("::error file=") && l.contains("u.json,line=3,") && l.contains("unknown-grant")),
        "points at the line of the scope: {annotations}"
    );
}

#[test]
fn jwt_token_from_file_and_stdin_is_labelled_unverified() {
    let dir = tempfile::tempdir().unwrap();
    let token = jwt(
        r#"{"sub":"12345","client_id":"jt","scope":"harvest:jobs:list harvest:openings:list harvest:job_posts:list harvest:job_post_locations:list harvest:job_board_custom_locations:list harvest:job_post_searchable_locations:list"}"#,
    );
    let file = write(dir.path(), "token.jwt", &format!("{token}\n"));
    let (code, stdout, stderr) = run(grantlint().args(["check", "-p", "jobtarget", "--token"]).arg(&file));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("caveat: token decoded without verifying its signature"),
        "{stdout}"
    );
    assert!(
        !stdout.contains(&token) && !stderr.contains(&token),
        "the token is never printed"
    );
    let (code, stdout, stderr) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "json", "--token", "-"])
        .write_stdin(token.clone()));
    assert_eq!(code, 0, "{stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["grants_source"], "token");
    assert_eq!(v["results"][0]["credential"], "jt");
    assert!(!stdout.contains(&token));
    // scp as an array
    let scp = jwt(r#"{"scp":["harvest:jobs:list"]}"#);
    let (_, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "json", "--token", "-"])
        .write_stdin(scp));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["results"][0]["summary"]["granted"], 1);
}

#[test]
fn token_without_scope_claim_is_unknown_not_empty() {
    let token = jwt(r#"{"sub":"12345","exp":1796169600}"#);
    let (code, stdout, _) = run(grantlint()
        .args(["check", "-p", "seekout", "--format", "json", "--token", "-"])
        .write_stdin(token.clone()));
    assert_eq!(code, 1, "unknown grants fail closed");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(kinds(&v), [("grants-unknown".to_string(), String::new())]);
    for field in ["missing", "excess", "granted"] {
        assert!(
            r["summary"][field].is_null(),
            "{field}: unknown, not 0, when the grants are unknown: {}",
            r["summary"]
        );
    }
    assert_eq!(r["verdict"], "fail");
    assert!(!stdout.contains(&token));
}

#[test]
fn malformed_tokens_are_clear_errors_that_do_not_echo_the_token() {
    for token in [
        "not-a-token",
        "a.b",
        "aGVsbG8.!!!.c",
        "eyJhbGciOiJub25lIn0.WzFd.c",
        "a.b.c.d",
    ] {
        let (code, stdout, stderr) = run(grantlint()
            .args(["check", "-p", "seekout", "--token", "-"])
            .write_stdin(format!("{token}SECRETPART")));
        assert_eq!(code, 2, "{token}");
        assert!(stderr.contains("not a JWT access token"), "{token}: {stderr}");
        assert!(
            !stderr.contains("SECRETPART") && !stdout.contains("SECRETPART"),
            "{stderr}"
        );
    }
}

#[test]
fn grants_file_errors_point_at_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "a.yaml",
            "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n  - harvest:candidates:lst\n",
            "a.yaml:4:5]",
            "did you mean `harvest:candidates:list`?",
        ),
        (
            "b.yaml",
            "api: harvest-v3\ngranted: [harvest:jobs:list, harvest:jobs:list]\n",
            "b.yaml:2:30]",
            "is granted twice",
        ),
        (
            "c.json",
            "{\n  \"api\": \"harvest-v1\",\n  \"granted\": {\"Jobs\": [\"GET: List Jobs\", \"harvest:jobs:list\"]}\n}\n",
            "c.json:3:42]",
            "is a Harvest v3 scope, but this file says `api: harvest-v1`",
        ),
        (
            "d.toml",
            "api = \"harvest-v3\"\ngranted = [\"harvest:jobs:list\", \"harvest:bogus:list\"]\n",
            "d.toml:2:33]",
            "unknown Harvest v3 scope `harvest:bogus:list`",
        ),
        (
            "e.toml",
            "api = \"harvest-v3\"\ngranted = [\n",
            "e.toml:2:12]",
            "unclosed array",
        ),
        (
            "f.yaml",
            "api: harvest-v3\ngrants: []\n",
            "f.yaml:2:1]",
            "unknown key `grants`",
        ),
        (
            "g.json",
            "{\"api\": \"harvest-v3\", \"granted\": [\"harvest:jobs:list\"],}",
            "g.json:1:56]",
            "invalid JSON: key must be a string",
        ),
        (
            "h.yaml",
            "- harvest:jobs:list\n- nope\n",
            "h.yaml:2:3]",
            "unknown Harvest v3 scope `nope`",
        ),
        (
            "i.yaml",
            "hello: world\n",
            "i.yaml",
            "neither a grants file nor an introspection response",
        ),
        (
            "j.yaml",
            "42\n",
            "j.yaml",
            "neither a grants file nor an introspection response",
        ),
    ];
    for (name, text, at, message) in cases {
        let path = write(dir.path(), name, text);
        let (code, stdout, stderr) = run(grantlint().args(["check", "-p", "seekout", "--grants"]).arg(&path));
        assert_eq!(code, 2, "{name}: {stdout}{stderr}");
        assert!(stderr.contains(at), "{name}: want {at} in\n{stderr}");
        assert!(stderr.contains(message), "{name}: want {message:?} in\n{stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn hostile_inputs_fail_with_exit_2_and_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\napi: harvest-v3\ngranted: *h\n";
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let long_line = format!("api: harvest-v3\ngranted: [\"{}\"]\n", "x".repeat(1_000_000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("bomb.yaml", bomb.as_bytes().to_vec(), "alias replay limit exceeded"),
        ("deep.yaml", deep.into_bytes(), "recursion limit exceeded"),
        (
            "binary.yaml",
            vec![0x7f, b'E', b'L', b'F', 0, 1, 2, 3, 0xff, 0xfe],
            "binary file",
        ),
        (
            "latin1.yaml",
            b"api: harvest-v3\ngranted: [\"caf\xe9\"]\n".to_vec(),
            "not valid UTF-8",
        ),
        ("huge.yaml", vec![b'#'; 5 * 1024 * 1024], "larger than the 4 MiB limit"),
        ("long.yaml", long_line.into_bytes(), "unknown Harvest v3 scope"),
        (
            "dupkey.yaml",
            b"api: harvest-v3\napi: harvest-v1\ngranted: []\n".to_vec(),
            "duplicate",
        ),
        ("empty.yaml", Vec::new(), "the file is empty"),
    ];
    for (name, bytes, message) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let started = std::time::Instant::now();
        let (code, stdout, stderr) = run(grantlint().args(["check", "-p", "seekout", "--grants"]).arg(&path));
        assert_eq!(code, 2, "{name}: {stdout}{}", &stderr[..stderr.len().min(2000)]);
        assert!(
            stderr.contains(message),
            "{name}: want {message:?} in\n{}",
            &stderr[..stderr.len().min(2000)]
        );
        assert!(!stderr.contains("panicked"), "{name}");
        assert!(
            stderr.len() < 20_000,
            "{name}: the error quotes a bounded snippet, not the input"
        );
        // Not a timing assertion on speed, a bound on hangs: hostile input must not spin.
        assert!(started.elapsed().as_secs() < 30, "{name}");
    }
}

#[test]
fn exit_codes_are_0_1_2() {
    let (code, _, _) = run(grantlint().args([
        "check",
        "-p",
        "jobtarget",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
    ]));
    assert_eq!(code, 0);
    let (code, _, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
    ]));
    assert_eq!(code, 1);
    let (code, _, stderr) = run(grantlint().args(["check", "-p", "seekout", "--grants", "no/such/file.yaml"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read no/such/file.yaml"), "{stderr}");
    let (code, _, _) = run(grantlint().args([
        "check",
        "-p",
        "nosuchprofile",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
    ]));
    assert_eq!(code, 2);
    let (code, _, stderr) = run(grantlint().args(["check", "-p", "seekout"]));
    assert_eq!(code, 2, "no grants input is a usage error");
    assert!(stderr.contains("--grants"), "{stderr}");
    let (code, _, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
        "--token",
        "-",
    ]));
    assert_eq!(code, 2, "two grants inputs are a usage error");
    let (code, _, _) = run(grantlint().args(["check", "-p", "seekout", "--grants", "examples/grants"]));
    assert_eq!(code, 2, "a directory is not a grants file");
}

#[test]
fn v3_profile_against_v1_grants_translates_the_grants() {
    let dir = tempfile::tempdir().unwrap();
    let grants = write(
        dir.path(),
        "key.yaml",
        "api: harvest-v1\ngranted:\n  Users:\n    - \"GET: List Users\"\n    - \"GET: List Pending Approvals\"\n",
    );
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\nsource: https://p.example/x\nreviewed: 2026-01-01\npermissions: [harvest:users:list]\n",
    );
    let (code, v) = json(&["-p", profile.to_str().unwrap(), "--grants", grants.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(v["results"][0]["space"], "harvest-v3");
    assert_eq!(
        kinds(&v),
        [(
            "unknown-grant".to_string(),
            "GET /v1/users/{user_id}/pending_approvals".to_string()
        )],
        "a v1 grant with no v3 equivalent is reported, never silently dropped"
    );
}

#[test]
fn no_color_in_pipes_and_colour_on_request() {
    let (_, plain, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
    ]));
    assert!(!plain.contains('\x1b'));
    let (_, colored, _) = run(grantlint().args([
        "--color",
        "always",
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
    ]));
    assert!(colored.contains("\x1b["));
}
