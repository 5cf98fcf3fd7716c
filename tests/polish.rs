#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! What a first-time user tripped over (issue 15), each through the real binary: caveats in
//! every report, locations in the user's files, honest verdicts, the wrong-credential
//! checklist, waivers, --output, screen-form labels, every problem at once, consistent
//! commands and messages that say how to fix it.

mod common;

use std::path::Path;

use common::{grantlint, jwt, run, write};
use serde_json::Value;

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// A token whose `exp` (2023-11-14) is long past, with JobTarget's scopes and one more.
fn expired_token() -> String {
    jwt(
        r#"{"sub":"1","exp":1700000000,"scope":"harvest:jobs:list harvest:openings:list harvest:job_posts:list harvest:job_post_locations:list harvest:job_board_custom_locations:list harvest:job_post_searchable_locations:list harvest:candidates:list"}"#,
    )
}

#[test]
fn caveats_reach_markdown_sarif_and_junit() {
    let dir = tempfile::tempdir().unwrap();
    let token = write(dir.path(), "t.jwt", &expired_token());
    let caveats = [
        "token decoded without verifying its signature",
        "the token expired at 2023-11-14T22:13:20Z",
    ];
    for format in ["table", "markdown", "sarif", "junit", "json"] {
        let (code, stdout, stderr) = run(grantlint()
            .args(["check", "-p", "jobtarget", "--format", format, "--token"])
            .arg(&token));
        assert_eq!(code, 1, "{format}: one excess grant fails: {stderr}");
        for c in caveats {
            assert!(stdout.contains(c), "{format} lacks {c:?}:\n{stdout}");
        }
    }
    // SARIF: in the run's invocation as notifications, not only per result.
    let (_, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "sarif", "--token"])
        .arg(&token));
    let sarif = json(&stdout);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"].to_string();
    assert!(notes.contains(caveats[0]) && notes.contains(caveats[1]), "{notes}");
    // JUnit: as properties and in system-out.
    let (_, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "junit", "--token"])
        .arg(&token));
    assert!(
        stdout.contains(r#"<property name="caveat" value="token decoded without verifying its signature"/>"#),
        "{stdout}"
    );
    assert!(
        stdout.contains("<system-out>caveat: token decoded without verifying its signature"),
        "{stdout}"
    );
}

#[test]
fn no_waivers_is_a_caveat_of_the_markdown_report() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = \"{}\"\n\n[[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:departments:list\"\nreason = \"maps requisitions\"\nexpires = 2027-01-31\n",
            common::root()
                .join("examples/grants/seekout-overgranted.yaml")
                .display()
        ),
    );
    let (_, stdout, _) = run(grantlint()
        .args(["audit", "--no-waivers", "--format", "markdown", "--config"])
        .arg(&config));
    assert!(
        stdout.contains("--no-waivers: 1 waiver in the config not applied"),
        "{stdout}"
    );
}

#[test]
fn sarif_and_annotations_of_a_builtin_profile_point_at_the_users_grants_file() {
    let grants = "examples/grants/seekout-overgranted.yaml";
    let (_, stdout, _) = run(grantlint().args(["check", "-p", "seekout", "--format", "sarif", "--grants", grants]));
    let sarif = json(&stdout);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap_or("");
        assert!(
            uri.ends_with("examples/grants/seekout-overgranted.yaml"),
            "a result points at the user's grants file, not at a built-in profile: {r}"
        );
    }
    // The excess candidates:destroy points at its own line of the grants file.
    let destroy = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .unwrap()
                .contains("harvest:candidates:destroy")
        })
        .unwrap();
    let text = std::fs::read_to_string(common::root().join(grants)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("harvest:candidates:destroy"))
        .unwrap()
        + 1;
    assert_eq!(destroy["locations"][0]["physicalLocation"]["region"]["startLine"], line);
    let (_, stdout, _) = run(grantlint().args(["check", "-p", "seekout", "--format", "github", "--grants", grants]));
    for l in stdout.lines() {
        assert!(l.contains(&format!("file={grants},")), "{l}");
        assert!(!l.contains("file=profiles/"), "{l}");
    }
    assert!(
        stdout.contains("built-in profile"),
        "the message names the built-in profile: {stdout}"
    );
}

#[test]
fn a_partial_profile_an_expired_token_and_unknown_grants_are_said() {
    let grants = "examples/grants/seekout-overgranted.yaml";
    let (code, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "candidate-fyi-v3",
        "--format",
        "json",
        "--grants",
        grants,
    ]));
    assert_eq!(code, 1);
    let r = &json(&stdout)["results"][0];
    let excess: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "excess")
        .collect();
    assert!(!excess.is_empty());
    assert!(excess.iter().all(|f| f["partial_profile"] == true), "{excess:?}");
    assert!(r["caveats"].to_string().contains("is a PARTIAL list"), "{r}");
    let (_, stdout, _) = run(grantlint().args(["check", "-p", "candidate-fyi-v3", "--grants", grants]));
    assert!(stdout.contains("against a PARTIAL profile"), "{stdout}");
    // A token with no scope claim: unknown, not zero.
    let (code, stdout, _) = run(grantlint()
        .args(["check", "-p", "seekout", "--token", "-"])
        .write_stdin(jwt(r#"{"sub":"12345"}"#)));
    assert_eq!(code, 1);
    assert!(stdout.contains("grants unknown"), "{stdout}");
    assert!(!stdout.contains(" 0 granted"), "{stdout}");
}

#[test]
fn the_checklist_for_a_wrong_kind_of_credential_says_revoke() {
    let (_, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "planted",
        "--format",
        "checklist",
        "--grants",
        "examples/grants/planted-harvest.toml",
    ]));
    assert!(stdout.contains("[ ] revoke this Harvest credential"), "{stdout}");
    assert!(stdout.contains("create a Candidate Ingestion key"), "{stdout}");
    assert!(!stdout.contains("[x]"), "a ticked box reads as done: {stdout}");
    assert!(!stdout.to_lowercase().contains("untick harvest:"), "{stdout}");
    // Nothing to change: no Save footer, no ≈ footer.
    let (code, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "jobtarget",
        "--format",
        "checklist",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
    ]));
    assert_eq!(code, 0, "{stdout}");
    assert!(!stdout.contains("Save"), "{stdout}");
}

#[test]
fn waived_findings_do_not_fail_and_show_reason_and_expiry() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "g.yaml",
        "credential: jt\napi: harvest-v3\ngranted:\n  - harvest:jobs:list\n  - harvest:openings:list\n  - harvest:job_posts:list\n  - harvest:job_post_locations:list\n  - harvest:job_board_custom_locations:list\n  - harvest:job_post_searchable_locations:list\n  - harvest:offices:list\n  - harvest:departments:list\n",
    );
    let config = write(
        dir.path(),
        "grantlint.toml",
        "[[credential]]\nname = \"jt\"\nprofiles = [\"jobtarget\"]\ngrants = \"g.yaml\"\n\n[[waiver]]\ncredential = \"jt\"\npermission = \"harvest:offices:list\"\nreason = \"office feed\"\nexpires = 2027-01-31\n\n[[waiver]]\ncredential = \"jt\"\npermission = \"harvest:departments:list\"\nreason = \"old department feed\"\nexpires = 2026-11-30\n",
    );
    let (code, stdout, _) = run(grantlint().args(["audit", "--format", "json", "--config"]).arg(&config));
    assert_eq!(code, 1, "the expired waiver's grant fails again: {stdout}");
    let r = &json(&stdout)["results"][0];
    let offices = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["permission"] == "harvest:offices:list" && f["kind"] == "excess")
        .unwrap();
    assert_eq!(
        (&offices["waived"], &offices["fails"]),
        (&Value::Bool(true), &Value::Bool(false))
    );
    assert_eq!(offices["waiver"]["reason"], "office feed");
    assert_eq!(offices["waiver"]["expires"], "2027-01-31");
    assert_eq!(
        r["summary"]["excess"], 1,
        "the waived excess is counted apart: {}",
        r["summary"]
    );
    assert_eq!(r["summary"]["waived"], 1);
    let (_, table, _) = run(grantlint()
        .env("COLUMNS", "250")
        .args(["audit", "--config"])
        .arg(&config));
    assert!(table.contains("waived until 2027-01-31: office feed"), "{table}");
    assert!(table.contains("expired 2026-11-30: old department feed"), "{table}");
    assert!(
        table.contains("1 excess (1 low)") && table.contains("1 waived"),
        "{table}"
    );
    let (_, md, _) = run(grantlint()
        .args(["audit", "--format", "markdown", "--config"])
        .arg(&config));
    assert!(
        md.contains("2027-01-31") && md.contains("office feed"),
        "Markdown has reason and expiry: {md}"
    );
}

#[test]
fn output_into_a_new_folder_creates_it_with_the_users_umask() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reports/ci/report.json");
    let check_with = |output: String| {
        run(grantlint()
            .args([
                "check",
                "-p",
                "jobtarget",
                "--grants",
                "examples/grants/jobtarget-exact.yaml",
                "--output",
            ])
            .arg(output))
    };
    let (code, stdout, stderr) = check_with(format!("json={}", target.display()));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("PASS"), "stdout keeps its report: {stdout}");
    let doc = json(&std::fs::read_to_string(&target).unwrap());
    assert_eq!(doc["results"][0]["verdict"], "pass");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
        assert_ne!(mode, 0o600, "a report gets the umask's mode, not 0600");
    }
    // A side report that cannot be written fails the run, but stdout's result is kept.
    let blocker = write(dir.path(), "file", "x");
    let (code, stdout, stderr) = check_with(format!("json={}/under/r.json", blocker.display()));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.contains("PASS"), "{stdout}");
    let tmp_mentions = stderr.matches(".tmp").count();
    assert!(tmp_mentions <= 1, "no temp path printed twice: {stderr}");
}

#[test]
fn what_grantlint_prints_it_accepts_screen_form_labels() {
    let dir = tempfile::tempdir().unwrap();
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngranted:\n  - Applications › List applications\n  - Jobs > List jobs\n",
    );
    let (code, stdout, stderr) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "json", "--grants"])
        .arg(&grants));
    assert_ne!(code, 2, "{stderr}");
    assert_eq!(json(&stdout)["results"][0]["summary"]["granted"], 2);
    let (code, stdout, _) = run(grantlint().args(["explain", "Applications › List applications"]));
    assert_eq!(code, 0);
    assert!(stdout.starts_with("harvest:applications:list"), "{stdout}");
}

#[test]
fn every_problem_at_once_with_did_you_mean_keys() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: t\nsource: https://example.com/docs\nreviwed: 2026-01-01\napi: harvest-v3\npermissions:\n  - harvest:jobs:lst\n  - harvest:candidates:lis\n",
    );
    let (code, stdout, _) = run(grantlint().args(["lint"]).arg(&profile));
    assert_eq!(code, 2);
    assert!(stdout.contains("unknown key `reviwed`"), "{stdout}");
    assert!(
        !stdout.contains("expected one of"),
        "a did-you-mean, not every key: {stdout}"
    );
    let (_, stdout, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&profile));
    let errors: Vec<String> = json(&stdout)["profiles"][0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{}|{}|{}",
                e["line"],
                e["message"].as_str().unwrap(),
                e["help"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            "3|unknown key `reviwed`|did you mean `reviewed`?",
            "6|unknown Harvest v3 scope `harvest:jobs:lst`|did you mean `harvest:jobs:list`?",
            "7|unknown Harvest v3 scope `harvest:candidates:lis`|did you mean `harvest:candidates:list`?",
        ]
    );
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngrants:\n  - harvest:jobs:list\n",
    );
    let (code, _, stderr) = run(grantlint().args(["check", "-p", "jobtarget", "--grants"]).arg(&grants));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown key `grants`") && stderr.contains("did you mean `granted`?"),
        "{stderr}"
    );
    let config = write(
        dir.path(),
        "grantlint.toml",
        "[[credential]]\nname = \"a\"\nprofiles = [\"seekot\"]\ngrants = \"g.yaml\"\n\n[[waiver]]\ncredential = \"a\"\npermission = \"harvest:jobs:lst\"\nexpires = \"2026-13-01\"\n\n[polcy]\nfail_on_missing = true\n\n[[credential]]\nnam = \"b\"\nname = \"b\"\nprofiles = [\"seekout\"]\ngrants = \"g.yaml\"\n",
    );
    let (code, _, stderr) = run(grantlint().args(["audit", "--config"]).arg(&config));
    assert_eq!(code, 2);
    for said in [
        "unknown key `nam`",
        "did you mean `name`?",
        "unknown key `polcy`",
        "did you mean `policy`?",
        "did you mean `seekout`?",
        "a waiver needs a reason",
        "`expires` is not a valid date",
        "unknown Harvest v3 scope `harvest:jobs:lst`",
    ] {
        assert!(stderr.contains(said), "{said}: {stderr}");
    }
}

#[test]
fn audit_checks_one_credential_of_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let config = write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"jobtarget\"\nprofiles = [\"jobtarget\"]\ngrants = \"{}\"\n\n[[credential]]\nname = \"seekout\"\nprofiles = [\"seekout\"]\ngrants = \"{}\"\n",
            root.join("examples/grants/jobtarget-exact.yaml").display(),
            root.join("examples/grants/seekout-overgranted.yaml").display()
        ),
    );
    let (code, stdout, _) = run(grantlint()
        .args(["audit", "--format", "json", "--credential", "jobtarget", "--config"])
        .arg(&config));
    assert_eq!(code, 0, "only the passing credential: {stdout}");
    let results = json(&stdout)["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["credential"], "jobtarget");
    let (code, _, stderr) = run(grantlint()
        .args(["audit", "--credential", "jobtargt", "--config"])
        .arg(&config));
    assert_eq!(code, 2);
    assert!(stderr.contains("did you mean `jobtarget`?"), "{stderr}");
}

const MY_SEEKOUT_CHANGE: [(&str, &str); 2] = [
    ("\"Get: List Jobs\"", "\"Get: List Offices\""),
    ("    - \"Get: List Candidates\"", "    - \"Delete: Delete Candidate\""),
];

fn changed_seekout(dir: &Path) -> std::path::PathBuf {
    let mut text = std::fs::read_to_string(common::root().join("profiles/seekout.yaml")).unwrap();
    for (from, to) in MY_SEEKOUT_CHANGE {
        assert!(text.contains(from), "{from}");
        text = text.replacen(from, to, 1);
    }
    write(dir, "my-seekout.yaml", &text)
}

#[test]
fn diff_names_its_sides_in_words_reads_stdin_and_speaks_the_ci_formats() {
    let dir = tempfile::tempdir().unwrap();
    let mine = changed_seekout(dir.path());
    let text = std::fs::read_to_string(&mine).unwrap();
    let (code, stdout, _) = run(grantlint().args(["diff", "seekout"]).arg(&mine));
    assert_eq!(code, 1, "a critical addition fails: {stdout}");
    assert!(
        stdout.contains("built-in profile seekout → profile my-seekout ("),
        "{stdout}"
    );
    assert!(stdout.contains("required"), "{stdout}");
    assert!(!stdout.contains("main"), "{stdout}");
    let (code, stdout, _) = run(grantlint().args(["diff", "seekout", "-"]).write_stdin(text.clone()));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("built-in profile seekout → profile from stdin"),
        "{stdout}"
    );
    // GitHub: the additions at their lines of the new file, the removals as notices.
    let (_, stdout, _) = run(grantlint().args(["diff", "--format", "github", "seekout"]).arg(&mine));
    let delete_line = text
        .lines()
        .position(|l| l.contains("Delete: Delete Candidate"))
        .unwrap()
        + 1;
    assert!(
        stdout.lines().any(|l| l.starts_with("::error ")
            && l.contains(&format!("line={delete_line},"))
            && l.contains("DELETE /v1/candidates/{id}")),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::notice ")).count(),
        2,
        "{stdout}"
    );
    // SARIF and Markdown.
    let (_, stdout, _) = run(grantlint().args(["diff", "--format", "sarif", "seekout"]).arg(&mine));
    let sarif = json(&stdout);
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 4);
    let (_, stdout, _) = run(grantlint().args(["diff", "--format", "markdown", "seekout"]).arg(&mine));
    assert!(
        stdout.contains("| ➕ added | required | critical | `DELETE /v1/candidates/{id}` |"),
        "{stdout}"
    );
}

#[test]
fn lint_speaks_the_ci_formats() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "bad.yaml",
        "name: t\nsource: https://example.com/docs\nreviewed: 2026-01-01\napi: harvest-v3\npermissions:\n  - harvest:jobs:lst\n",
    );
    let (code, stdout, _) = run(grantlint().args(["lint", "--format", "github"]).arg(&bad));
    assert_eq!(code, 2);
    assert!(
        stdout.starts_with(&format!("::error file={},line=6,col=5,", bad.display())),
        "{stdout}"
    );
    assert!(stdout.contains("did you mean `harvest:jobs:list`?"), "{stdout}");
    let (_, stdout, _) = run(grantlint().args(["lint", "--format", "sarif"]).arg(&bad));
    let sarif = json(&stdout);
    let r = &sarif["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "invalid-profile");
    assert_eq!(r["locations"][0]["physicalLocation"]["region"]["startLine"], 6);
    let rules = &sarif["runs"][0]["tool"]["driver"]["rules"];
    assert_eq!(rules[0]["name"], "InvalidProfile");
    let (_, stdout, _) = run(grantlint().args(["lint", "--format", "markdown"]).arg(&bad));
    assert!(stdout.contains("**FAIL: 1 of 1 profile invalid**"), "{stdout}");
    // The shipped profiles/: purpose-jobs's select-all at its `permissions: all` line.
    let (_, stdout, _) = run(grantlint().args(["lint", "--format", "github"]));
    let text = std::fs::read_to_string(common::root().join("profiles/purpose-jobs.yaml")).unwrap();
    let line = text.lines().position(|l| l.starts_with("permissions: all")).unwrap() + 1;
    assert!(
        stdout
            .lines()
            .any(|l| l.contains(&format!("file=profiles/purpose-jobs.yaml,line={line},"))
                && l.contains("title=grantlint requires-everything::")),
        "{stdout}"
    );
}

#[test]
fn profiles_list_shows_the_valid_ones_and_reports_the_invalid_one() {
    let dir = tempfile::tempdir().unwrap();
    changed_seekout(dir.path());
    write(
        dir.path(),
        "broken.yaml",
        "name: t\napi: harvest-v3\npermissions:\n\t- harvest:jobs:list\n",
    );
    let (code, stdout, stderr) = run(grantlint().args(["profiles", "list", "--profile-dir"]).arg(dir.path()));
    assert_eq!(code, 2, "an invalid profile fails the run");
    assert!(
        stdout.contains("my-seekout") && stdout.contains("jobtarget"),
        "{stdout}"
    );
    assert!(stderr.contains("broken.yaml"), "{stderr}");
}

#[test]
fn messages_say_how_to_fix_it() {
    let dir = tempfile::tempdir().unwrap();
    let v1_in_v3 = write(dir.path(), "g.yaml", "api: harvest-v3\ngranted:\n  - GET /v1/jobs\n");
    let (code, _, stderr) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--grants"])
        .arg(&v1_in_v3));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`GET /v1/jobs` is a Harvest v1 permission (GET: List Jobs)"),
        "quotes what the file says: {stderr}"
    );
    assert!(stderr.contains("in harvest-v3 this is: harvest:jobs:list"), "{stderr}");
    let empty = write(dir.path(), "empty.yaml", "");
    let (code, _, stderr) = run(grantlint().args(["lint"]).arg(&empty));
    assert_eq!(code, 2);
    let (_, stdout, _) = run(grantlint().args(["lint"]).arg(&empty));
    assert!(
        stdout.contains("the file is empty") || stderr.contains("the file is empty"),
        "{stdout}{stderr}"
    );
    let tabs = write(
        dir.path(),
        "tabs.yaml",
        "name: t\nsource: https://example.com/docs\nreviewed: 2026-01-01\napi: harvest-v3\npermissions:\n\t- harvest:jobs:list\n",
    );
    let (_, stdout, _) = run(grantlint().args(["lint"]).arg(&tabs));
    assert!(stdout.contains("replace the tab with spaces"), "{stdout}");
    let (code, _, stderr) = run(grantlint()
        .args(["check", "--grants", "examples/grants/jobtarget-exact.yaml", "-p"])
        .arg(dir.path()));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("use --profile-dir {}", dir.path().display())),
        "{stderr}"
    );
    // The one-line summary holds no diagnostic box.
    let (code, stdout, stderr) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "summary", "--grants"])
        .arg(&v1_in_v3));
    assert_eq!(code, 2);
    assert!(!stdout.contains('×') && !stdout.contains('╭'), "{stdout}");
    let _ = stderr;
    // An OS error once, not twice.
    let (_, _, stderr) = run(grantlint().args(["check", "-p", "jobtarget", "--grants", "no/such/file.yaml"]));
    assert_eq!(stderr.matches("No such file or directory").count(), 1, "{stderr}");
}

/// The fenced blocks of the README, in order.
fn readme_blocks() -> Vec<String> {
    let text = std::fs::read_to_string(common::root().join("README.md")).unwrap();
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if line.starts_with("```") {
            match current.take() {
                Some(b) => blocks.push(b),
                None => current = Some(String::new()),
            }
        } else if let Some(b) = current.as_mut() {
            b.push_str(line);
            b.push('\n');
        }
    }
    blocks
}

/// The README's quick tour runs as it says: each `grantlint …` line of it, with the exit code
/// its comment promises (written here by hand), and the CSV it shows is what the binary prints.
#[test]
fn the_readme_examples_run_as_shown() {
    let blocks = readme_blocks();
    let tour = blocks
        .iter()
        .find(|b| b.starts_with("grantlint lint profiles/"))
        .expect("the quick tour");
    let expected_exit = |args: &str| match args {
        a if a.starts_with("lint profiles/") => 1, // purpose-jobs is flagged on purpose
        a if a.contains("seekout-overgranted") => 1,
        a if a.contains("planted-harvest") => 1, // wrong kind of credential
        _ => 0,
    };
    let mut ran = 0;
    for line in tour.lines() {
        let command = line.split(" #").next().unwrap().trim();
        let command = command.split(" > ").next().unwrap();
        let args: Vec<String> = shell_words(command.strip_prefix("grantlint ").unwrap());
        let (code, stdout, stderr) = run(grantlint().args(&args));
        assert_eq!(code, expected_exit(&args.join(" ")), "{line}\n{stdout}{stderr}");
        assert!(!stdout.is_empty(), "{line}");
        ran += 1;
    }
    assert!(ran >= 8, "{tour}");
    // The CSV block: its header and row are lines of the real output.
    let csv = blocks
        .iter()
        .find(|b| b.starts_with("credential,profiles,kind,"))
        .unwrap();
    let (_, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
        "--format",
        "csv",
    ]));
    let real: Vec<&str> = stdout.lines().collect();
    for shown in csv.lines() {
        assert!(
            real.contains(&shown),
            "README shows {shown:?}, the binary prints:\n{stdout}"
        );
    }
    // `grantlint config` as the README shows it (lines with … are elided there).
    let config = blocks
        .iter()
        .find(|b| b.starts_with("$ cd examples/ci && grantlint config --fail-on-excess high"))
        .unwrap();
    let (code, stdout, stderr) = run(grantlint()
        .current_dir(common::root().join("examples/ci"))
        .env("COLUMNS", "200")
        .args(["config", "--fail-on-excess", "high"]));
    assert_eq!(code, 0, "{stderr}");
    let real: Vec<&str> = stdout.lines().collect();
    for shown in config.lines().skip(1).filter(|l| !l.contains('…')) {
        assert!(
            real.contains(&shown),
            "README shows {shown:?}, the binary prints:\n{stdout}"
        );
    }
}

/// Words of a README command line: split on spaces, double quotes grouping.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

#[test]
fn text_from_outside_cannot_format_markdown_or_leave_its_place() {
    let dir = tempfile::tempdir().unwrap();
    // A permission that is a Markdown image and link, in a profile whose lint goes to a PR's
    // job summary; a file name with HTML in it for diff's header.
    let evil = write(
        dir.path(),
        "<img src=x>.yaml",
        "name: t\nsource: https://example.com/docs\nreviewed: 2026-01-01\napi: harvest-v3\npermissions:\n  - \"![x](https://evil.example/t.png) [click](https://evil.example)\"\n",
    );
    let (_, stdout, _) = run(grantlint().args(["lint", "--format", "markdown"]).arg(&evil));
    assert!(!stdout.contains("](https://evil"), "{stdout}");
    assert!(
        stdout.contains("\\!\\[x\\]\\(https://evil.example/t.png\\)"),
        "{stdout}"
    );
    assert!(!stdout.contains("<img"), "{stdout}");
    let grants = write(
        dir.path(),
        "<b>g.yaml",
        "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n",
    );
    let (_, stdout, _) = run(grantlint()
        .args(["diff", "--format", "markdown", "jobtarget"])
        .arg(&grants));
    assert!(
        stdout.starts_with("## grantlint diff: built-in profile jobtarget → grants file "),
        "{stdout}"
    );
    assert!(
        !stdout.contains("<b>") && stdout.contains("&lt;b&gt;g.yaml"),
        "{stdout}"
    );
    // GitHub annotations: no control character from a file name reaches the log.
    let escape = write(
        dir.path(),
        "e\u{1b}[31mvil.yaml",
        "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n",
    );
    let (_, stdout, _) = run(grantlint()
        .args(["diff", "--format", "github", "jobtarget"])
        .arg(&escape));
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
}
