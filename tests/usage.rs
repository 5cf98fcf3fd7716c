#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Usage evidence": the real binary on captures recorded by real tools
//! (tests/data/captures: mitmproxy's HAR, nginx's logs) and on Audit Log events, from files
//! and live from the local server that plays Greenhouse. Expected values come from the
//! recorded session as tests/data/captures/README.md documents it, never from grantlint.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::write;
use fake_greenhouse::{AuditBehavior, Behavior, Config, Credential, Server};
use serde_json::{Value, json};

/// The captures were recorded on 2026-12-02; the Audit Log events are of November 2026.
const NOW: &str = "2026-12-03T00:00:00Z";
const CLIENT_ID: &str = "8f2c1e9a4b7d4c21a6e0f35b9d8c7e10";
const CLIENT_SECRET: &str = "ghs3cr3t-Acme-inhouse-Qx7vT2pL9wRk";
const BASIC: &str = "OGYyYzFlOWE0YjdkNGMyMWE2ZTBmMzViOWQ4YzdlMTA6Z2hzM2NyM3QtQWNtZS1pbmhvdXNlLVF4N3ZUMnBMOXdSaw";
const BAD_TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.revoked-token-sig";
const READER_SECRET: &str = "ghs3cr3t-Acme-auditlog-Hn4cW8yZ";

fn capture(name: &str) -> PathBuf {
    common::root().join("tests/data/captures").join(name)
}

fn grantlint() -> Command {
    let mut cmd = common::grantlint();
    cmd.env("GRANTLINT_NOW", NOW);
    cmd
}

/// The bearer token the HAR's token request was answered with.
fn har_token() -> String {
    let har: Value = serde_json::from_str(&std::fs::read_to_string(capture("integration.har")).unwrap()).unwrap();
    let body: Value = serde_json::from_str(
        har["log"]["entries"][0]["response"]["content"]["text"]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    body["access_token"].as_str().unwrap().to_string()
}

/// Every secret the captures hold, in every form: none may reach any output.
fn secrets() -> Vec<String> {
    let token = har_token();
    let mut s = vec![
        CLIENT_SECRET.to_string(),
        BASIC.to_string(),
        BAD_TOKEN.to_string(),
        READER_SECRET.to_string(),
    ];
    s.extend(token.split('.').map(str::to_string));
    s.extend(BAD_TOKEN.split('.').skip(2).map(str::to_string));
    s.push(token);
    s
}

/// Run, and assert that no secret (nor any token `server` issued) and no control character
/// reaches stdout, stderr or `files`.
fn run(cmd: &mut Command, server: Option<&Server>, files: &[&Path]) -> (i32, String, String) {
    let (code, stdout, stderr) = common::run(cmd);
    let mut forms = secrets();
    if let Some(s) = server {
        forms.extend(s.issued_tokens());
    }
    let mut texts = vec![
        ("stdout".to_string(), stdout.clone()),
        ("stderr".to_string(), stderr.clone()),
    ];
    for f in files {
        texts.push((f.display().to_string(), std::fs::read_to_string(f).unwrap_or_default()));
    }
    for (what, text) in &texts {
        for form in &forms {
            assert!(!text.contains(form.as_str()), "{what} leaks {form:?}:\n{text}");
        }
        if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n') {
            panic!("{what}: {c:?} reached the output:\n{text}");
        }
    }
    (code, stdout, stderr)
}

fn json(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
}

/// permission -> (count, denied) of a `grantlint.usage.v1` document.
fn counts(usage: &Value) -> BTreeMap<String, (u64, u64)> {
    usage["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["permission"].as_str().unwrap().to_string(),
                (p["count"].as_u64().unwrap(), p["denied"].as_u64().unwrap()),
            )
        })
        .collect()
}

/// The recorded session (captures/README.md, "The session"): what each permission saw.
fn session() -> BTreeMap<String, (u64, u64)> {
    [
        ("harvest:applications:list", (1, 0)), // #5
        ("harvest:candidates:list", (1, 0)),   // #2 (#11 is a 401)
        ("harvest:candidates:update", (1, 0)), // #8
        ("harvest:jobs:list", (1, 0)),         // #7
        ("harvest:notes:create", (1, 0)),      // #9
        ("harvest:offers:list", (0, 1)),       // #10, refused
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn unmatched(usage: &Value) -> Vec<String> {
    usage["unmatched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {} x{}",
                u["method"].as_str().unwrap(),
                u["path"].as_str().unwrap(),
                u["count"]
            )
        })
        .collect()
}

fn finding<'a>(result: &'a Value, kind: &str, permission: &str) -> Option<&'a Value> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == kind && f["permission"] == permission)
}

fn kinds(result: &Value) -> BTreeSet<(String, String)> {
    result["findings"]
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
fn three_real_captures_of_one_session_say_what_the_session_did() {
    // mitmproxy's HAR and nginx's requests log hold the hosts; nginx's combined log does not.
    for (file, ignored) in [
        (
            "integration.har",
            vec!["api.vendor.example x1", "auth.greenhouse.io x1"],
        ),
        ("requests.log", vec!["api.vendor.example x1", "auth.greenhouse.io x1"]),
        ("access.log", vec!["(no host: not a Harvest path) x2"]),
    ] {
        let (code, stdout, _) = run(
            grantlint()
                .args(["usage", "--format", "json", "--requests"])
                .arg(capture(file)),
            None,
            &[],
        );
        assert_eq!(code, 0, "{file}");
        let u = json(&stdout);
        assert_eq!(u["schema"], "grantlint.usage.v1");
        assert_eq!(counts(&u), session(), "{file}");
        assert_eq!(
            unmatched(&u),
            [
                "GET /v3/applications/{id} x1",
                "GET /v3/candidates/{id} x2",
                "GET /v3/no_such_thing x1"
            ],
            "{file}: v3 has no per-id read, and no_such_thing is no resource"
        );
        let got: Vec<String> = u["ignored"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| format!("{} x{}", i["host"].as_str().unwrap(), i["count"]))
            .collect();
        assert_eq!(got, ignored, "{file}");
        let source = &u["sources"][0];
        assert_eq!(
            (source["requests"].as_u64(), source["harvest"].as_u64()),
            (Some(13), Some(11)),
            "{file}"
        );
        assert_eq!(
            (source["auth_failures"].as_u64(), source["denied"].as_u64()),
            (Some(1), Some(1)),
            "{file}"
        );
        let candidates = u["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["permission"] == "harvest:candidates:list")
            .unwrap();
        assert_eq!(candidates["state"], "used");
        if file != "requests.log" {
            // #2 at 04:24:48 or :57; the 401 (#11) later is no use, so it is not the last seen.
            let last = candidates["last_seen"].as_str().unwrap();
            assert!(
                last.starts_with("2026-12-02T04:24:4") || last.starts_with("2026-12-02T04:24:5"),
                "{last}"
            );
            let first = candidates["first_seen"].as_str().unwrap();
            assert_eq!(first, last, "{file}: one call that was use");
        }
    }
}

#[test]
fn the_table_names_states_unmatched_and_ignored() {
    let (code, stdout, _) = run(
        grantlint()
            .args(["usage", "--requests"])
            .arg(capture("integration.har")),
        None,
        &[],
    );
    assert_eq!(code, 0);
    for want in [
        "harvest:offers:list",
        "refused",
        "match no operation",
        "GET /v3/candidates/{id}",
        "api.vendor.example",
        "1 request failed authentication (401)",
    ] {
        assert!(stdout.contains(want), "{want}:\n{stdout}");
    }
}

/// The profile of issue 12's "done when": infer from the capture, lint it, check with it.
fn inferred_profile(dir: &Path) -> PathBuf {
    let path = dir.join("acme-sync.yaml");
    let (code, stdout, stderr) = run(
        grantlint()
            .args(["infer", "--name", "Acme in-house sync", "--write"])
            .arg(&path)
            .arg("--requests")
            .arg(capture("integration.har")),
        None,
        &[&path],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.is_empty(), "--write prints nothing: {stdout}");
    assert!(stderr.contains("5 required, 1 optional"), "{stderr}");
    path
}

#[test]
fn infer_writes_a_commented_lint_clean_least_privilege_profile() {
    let dir = tempfile::tempdir().unwrap();
    let path = inferred_profile(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let entries: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(
        entries,
        [
            "  - harvest:applications:list  # 1 call, last 2026-12-02",
            "  - harvest:candidates:list  # 1 call, last 2026-12-02",
            "  - harvest:candidates:update  # 1 call, last 2026-12-02",
            "  - harvest:jobs:list  # 1 call, last 2026-12-02",
            "  - harvest:notes:create  # 1 call, last 2026-12-02",
            "  - harvest:offers:list  # refused once (403), last 2026-12-02: the integration tried it",
        ]
    );
    assert!(text.contains("\nname: \"Acme in-house sync\"\n"), "{text}");
    assert!(text.contains("\nsource: \"observed in "), "{text}");
    assert!(text.contains("integration.har\"\n"), "{text}");
    assert!(text.contains("\nreviewed: 2026-12-03\n"), "today: {text}");
    assert!(text.contains("\noptional:\n"), "{text}");
    let notes = &text[text.find("notes:").unwrap()..];
    for want in [
        "2026-12-02T04:24:46Z to 2026-12-02T04:24:54Z",
        "11 Greenhouse requests",
        "GET /v3/candidates/{id} x2",
        "refused (403)",
        "authentication failure",
    ] {
        assert!(
            notes.replace("\n  ", " ").contains(want),
            "notes lack {want:?}:\n{notes}"
        );
    }
    // Lint-clean: valid, and no finding at all.
    let (code, stdout, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&path), None, &[]);
    assert_eq!(code, 0, "{stdout}");
    let lint = json(&stdout);
    assert_eq!(lint["profiles"][0]["valid"], true);
    assert_eq!(lint["profiles"][0]["findings"].as_array().unwrap().len(), 0, "{stdout}");
    // Deterministic: the same evidence gives the same bytes.
    let (_, again, _) = run(
        grantlint()
            .args(["infer", "--name", "Acme in-house sync", "--requests"])
            .arg(capture("integration.har")),
        None,
        &[],
    );
    assert_eq!(again, text);
}

#[cfg(unix)]
#[test]
fn infer_write_replaces_atomically_and_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "p.yaml", "old\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (code, _, stderr) = run(
        grantlint()
            .args(["infer", "--write"])
            .arg(&path)
            .arg("--requests")
            .arg(capture("requests.log")),
        None,
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(&path).unwrap().contains("harvest:jobs:list"));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left beside it");
}

#[test]
fn infer_in_v1_vocabulary_is_a_valid_v1_profile() {
    let (code, stdout, stderr) = run(
        grantlint()
            .args(["infer", "--api", "harvest-v1", "--requests"])
            .arg(capture("integration.har")),
        None,
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("api: harvest-v1\n"), "{stdout}");
    assert!(
        stdout.contains("translated from calls in the other API version"),
        "{stdout}"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "v1.yaml", &stdout);
    let (code, out, _) = run(grantlint().args(["lint", "--format", "json"]).arg(&path), None, &[]);
    let linted = &json(&out)["profiles"][0];
    assert_eq!(linted["valid"], true, "{out}");
    // The only thing lint may say of it: a v1 permission has no v3 equivalent (a call that
    // v1 names and v3 does not), which the README documents.
    let kinds: Vec<&str> = linted["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.iter().all(|k| *k == "no-v3-equivalent"), "{out}");
    if kinds.is_empty() {
        assert_eq!(code, 0, "{out}");
    } else {
        assert_ne!(code, 2, "{out}");
    }
}

fn fake_credential(id: &str, secret: &str, scopes: &[&str]) -> Credential {
    Credential {
        client_id: id.into(),
        secret: secret.into(),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        behavior: Behavior::default(),
    }
}

fn live_check(server: &Server, profile: &Path, extra: &[&str]) -> Command {
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", CLIENT_ID)
        .env("GREENHOUSE_CLIENT_SECRET", CLIENT_SECRET)
        .args([
            "check",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
            "-p",
        ])
        .arg(profile)
        .arg("--usage")
        .arg(capture("integration.har"))
        .args(extra);
    cmd
}

/// The in-house credential as the session's README describes it, plus two grants it never
/// used: users and EEOC answers.
fn acme_server() -> Server {
    Server::start(
        Config {
            credentials: vec![fake_credential(
                CLIENT_ID,
                CLIENT_SECRET,
                &[
                    "harvest:candidates:list",
                    "harvest:candidates:update",
                    "harvest:applications:list",
                    "harvest:jobs:list",
                    "harvest:notes:create",
                    "harvest:users:list",
                    "harvest:eeoc:list",
                ],
            )],
            ..Config::default()
        },
        0,
    )
    .unwrap()
}

#[test]
fn capture_infer_lint_then_check_the_live_credential_with_its_usage() {
    let dir = tempfile::tempdir().unwrap();
    let profile = inferred_profile(dir.path());
    let server = acme_server();
    let (code, stdout, stderr) = run(
        &mut live_check(&server, &profile, &["--format", "json"]),
        Some(&server),
        &[],
    );
    assert_eq!(code, 1, "{stderr}\n{stdout}");
    let r = &json(&stdout)["results"][0];
    assert_eq!(r["grants_source"], "live");
    // The profile came from this very evidence: nothing it calls is missing from it.
    let got = kinds(r);
    assert!(
        !got.iter().any(|(k, _)| k == "used-not-required" || k == "missing"),
        "{got:?}"
    );
    // The two grants it never used are excess, and the evidence says they went unused.
    for p in ["harvest:users:list", "harvest:eeoc:list"] {
        let f = finding(r, "excess", p).unwrap_or_else(|| panic!("{p}: {got:?}"));
        assert_eq!(f["usage"]["state"], "unused", "{f}");
        assert_eq!(f["usage"]["count"], 0);
    }
    // The refused call is a failing denied-call.
    let denied = finding(r, "denied-call", "harvest:offers:list").unwrap();
    assert_eq!(
        (denied["fails"].as_bool(), denied["level"].as_str()),
        (Some(true), Some("error"))
    );
    assert_eq!(denied["usage"]["denied"], 1);
    assert_eq!(denied["usage"]["last_denied"], "2026-12-02T04:24:52Z");
    assert!(
        denied["usage"]["source"][0]
            .as_str()
            .unwrap()
            .ends_with("integration.har"),
        "{denied}"
    );
}

const VENDOR_PROFILE: &str = "name: Acme sync, as the vendor documents it
api: harvest-v3
credential: harvest
source: https://vendor.example/docs/greenhouse
reviewed: 2026-11-01
permissions:
  - harvest:candidates:list
  - harvest:applications:list
  - harvest:jobs:list
  - harvest:users:list
";

#[test]
fn a_vendor_profile_checked_with_usage_shows_unused_grants_drift_and_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "acme-vendor.yaml", VENDOR_PROFILE);
    let server = acme_server();
    let (code, stdout, stderr) = run(
        &mut live_check(&server, &profile, &["--format", "json"]),
        Some(&server),
        &[],
    );
    assert_eq!(code, 1, "{stderr}");
    let r = &json(&stdout)["results"][0];
    let got = kinds(r);
    let want: BTreeSet<(String, String)> = [
        // users:list is required and granted, and never called.
        ("unused-grant", "harvest:users:list"),
        // It calls what the vendor's list lacks.
        ("used-not-required", "harvest:candidates:update"),
        ("used-not-required", "harvest:notes:create"),
        ("denied-call", "harvest:offers:list"),
        ("excess", "harvest:candidates:update"),
        ("excess", "harvest:notes:create"),
        ("excess", "harvest:eeoc:list"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(got, want);
    let unused = finding(r, "unused-grant", "harvest:users:list").unwrap();
    assert_eq!(unused["level"], "warning");
    assert_eq!(unused["fails"], false, "unused grants fail only with fail_on_unused");
    assert_eq!(unused["profiles"][0], "acme-vendor");
    let drift = finding(r, "used-not-required", "harvest:notes:create").unwrap();
    assert_eq!(
        (drift["usage"]["state"].as_str(), drift["usage"]["count"].as_u64()),
        (Some("used"), Some(1))
    );
    assert!(
        r["caveats"][0].as_str().unwrap().contains("usage evidence: "),
        "{}",
        r["caveats"]
    );
    // The table says the same, with the usage counts in its summary.
    let (_, table, _) = run(
        &mut live_check(&server, &profile, &["--format", "table"]),
        Some(&server),
        &[],
    );
    assert!(
        table.contains("usage: 1 unused, 2 used but not required, 1 denied"),
        "{table}"
    );
    // Every report format carries the new kinds without leaking the captures' secrets.
    for format in ["sarif", "markdown", "junit", "github", "checklist", "jsonl", "summary"] {
        let (code, out, _) = run(
            &mut live_check(&server, &profile, &["--format", format]),
            Some(&server),
            &[],
        );
        assert_eq!(code, 1, "{format}");
        if ["sarif", "markdown", "junit", "github", "jsonl"].contains(&format) {
            assert!(out.contains("used-not-required"), "{format}:\n{out}");
        }
    }
}

const EXACT_GRANTS: &str = "credential: acme-exact
api: harvest-v3
granted:
  - harvest:candidates:list
  - harvest:applications:list
  - harvest:jobs:list
  - harvest:users:list
";

#[test]
fn unused_grants_warn_and_fail_only_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.yaml", VENDOR_PROFILE);
    let grants = write(dir.path(), "g.yaml", EXACT_GRANTS);
    let log = write(
        dir.path(),
        "calls.log",
        "GET https://harvest.greenhouse.io/v3/candidates 200\nGET https://harvest.greenhouse.io/v3/applications 200\nGET https://harvest.greenhouse.io/v3/jobs 200\n",
    );
    let check = |extra: &[&str]| {
        let mut cmd = grantlint();
        cmd.args(["check", "--format", "json", "-p"])
            .arg(&profile)
            .arg("--grants")
            .arg(&grants)
            .arg("--usage")
            .arg(&log)
            .args(extra);
        let (code, stdout, _) = run(&mut cmd, None, &[]);
        (code, json(&stdout))
    };
    let (code, doc) = check(&[]);
    assert_eq!(code, 0, "an unused grant alone warns: {doc}");
    let r = &doc["results"][0];
    assert_eq!(kinds(r).into_iter().map(|k| k.0).collect::<Vec<_>>(), ["unused-grant"]);
    let (code, doc) = check(&["--fail-on-unused"]);
    assert_eq!(code, 1);
    assert_eq!(
        finding(&doc["results"][0], "unused-grant", "harvest:users:list").unwrap()["fails"],
        true
    );
    // Without usage evidence nothing is said of use at all.
    let mut cmd = grantlint();
    cmd.args(["check", "--format", "json", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants);
    let (code, stdout, _) = run(&mut cmd, None, &[]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("\"usage\""), "{stdout}");

    // The config: [policy] fail_on_unused, a credential's usage files, and a waiver of the kind.
    let config = |extra: &str| {
        write(
            dir.path(),
            "grantlint.toml",
            &format!(
                "[policy]\nfail_on_unused = true\n\n[[credential]]\nname = \"acme-exact\"\nprofiles = [\"p.yaml\"]\ngrants = \"g.yaml\"\nusage = [\"calls.log\"]\n{extra}"
            ),
        )
    };
    let audit = |path: &Path| {
        let (code, stdout, stderr) = run(
            grantlint().args(["audit", "--format", "json", "--config"]).arg(path),
            None,
            &[],
        );
        (code, stdout, stderr)
    };
    let (code, stdout, stderr) = audit(&config(""));
    assert_eq!(code, 1, "{stderr}");
    assert!(finding(&json(&stdout)["results"][0], "unused-grant", "harvest:users:list").is_some());
    let waived = config(
        "\n[[waiver]]\ncredential = \"acme-exact\"\nkind = \"unused-grant\"\npermission = \"harvest:users:list\"\nreason = \"the nightly user sync runs monthly\"\nexpires = 2027-01-31\n",
    );
    let (code, stdout, stderr) = audit(&waived);
    assert_eq!(code, 0, "{stderr}\n{stdout}");
    let r = &json(&stdout)["results"][0];
    assert_eq!(
        finding(r, "unused-grant", "harvest:users:list").unwrap()["waived"],
        true
    );
    assert_eq!(r["summary"]["waived"], 1);
}

/// The performer of the in-house credential's rows, and how many distinct requests of it the
/// events hold per path (query dropped) and per kind: read alone, or with a data change.
fn audit_oracle() -> BTreeMap<(String, bool), usize> {
    let events: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(capture("audit-events.json")).unwrap()).unwrap();
    let mut requests: BTreeMap<String, (String, bool)> = BTreeMap::new();
    for e in events.iter().filter(|e| e["performer"]["id"] == CLIENT_ID) {
        let path = e["request"]["type"]
            .as_str()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let write = e["event"]["type"].as_str().unwrap().starts_with("data_change");
        let entry = requests
            .entry(e["request"]["id"].as_str().unwrap().to_string())
            .or_insert((path, false));
        entry.1 |= write;
    }
    let mut out = BTreeMap::new();
    for (path, write) in requests.into_values() {
        *out.entry((path, write)).or_default() += 1;
    }
    out
}

fn audit_usage(args: &[&str]) -> (i32, Value, String) {
    let (code, stdout, stderr) = run(
        grantlint()
            .args(["usage", "--all", "--format", "json", "--requests"])
            .arg(capture("audit-events.json"))
            .args(args),
        None,
        &[],
    );
    let doc = if code == 0 { json(&stdout) } else { Value::Null };
    (code, doc, stderr)
}

fn state<'a>(usage: &'a Value, permission: &str) -> &'a Value {
    usage["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["permission"] == permission)
        .unwrap()
}

#[test]
fn audit_log_events_need_a_named_caller_and_keep_unobservable_apart() {
    let (code, _, stderr) = audit_usage(&[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("holds rows of 4 performers") && stderr.contains("--performer ID"),
        "{stderr}"
    );
    let (code, u, stderr) = audit_usage(&["--performer", CLIENT_ID]);
    assert_eq!(code, 0, "{stderr}");
    let oracle = audit_oracle();
    let reads = |path: &str| oracle.get(&(path.to_string(), false)).copied().unwrap_or(0) as u64;
    assert_eq!(
        state(&u, "harvest:candidates:list")["count"].as_u64(),
        Some(reads("/v3/candidates"))
    );
    assert_eq!(
        state(&u, "harvest:applications:list")["count"].as_u64(),
        Some(reads("/v3/applications"))
    );
    let patched = oracle
        .get(&("/v3/candidates/123".to_string(), true))
        .copied()
        .unwrap_or(0) as u64;
    assert_eq!(patched, 1, "the README's one PATCH");
    assert_eq!(state(&u, "harvest:candidates:update")["count"].as_u64(), Some(patched));
    assert_eq!(state(&u, "harvest:candidates:list")["state"], "used");
    // The log does not record reads of jobs: unobservable, never unused.
    assert_eq!(state(&u, "harvest:jobs:list")["state"], "unobservable");
    assert_eq!(state(&u, "harvest:offers:list")["state"], "unobservable");
    // It records reads of candidates and applications, and (Greenhouse does not confirm it)
    // writes: an unused write is marked inferred.
    assert_eq!(state(&u, "harvest:applications:list")["audit_log"], "recorded");
    let update = state(&u, "harvest:jobs:update");
    assert_eq!(
        (update["state"].as_str(), update["inferred"].as_bool()),
        (Some("unused"), Some(true))
    );
    let note = u["sources"][0]["notes"][0].as_str().unwrap();
    assert!(
        note.contains("kept 16 rows of performer") && note.contains("left out 10 rows of 3 other performers"),
        "{note}"
    );
    assert!(note.contains("SkOut7Hq2PartnerAppKey"), "{note}");
}

fn audit_server(behavior: AuditBehavior, reader_scopes: &[&str]) -> Server {
    let events: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(capture("audit-events.json")).unwrap()).unwrap();
    Server::start(
        Config {
            credentials: vec![
                fake_credential("acme-auditlog-reader", READER_SECRET, reader_scopes),
                fake_credential(
                    CLIENT_ID,
                    CLIENT_SECRET,
                    &["harvest:candidates:list", "harvest:applications:list"],
                ),
            ],
            audit_events: events,
            audit: behavior,
            ..Config::default()
        },
        0,
    )
    .unwrap()
}

fn live_usage(server: &Server, extra: &[&str]) -> Command {
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "acme-auditlog-reader")
        .env("GREENHOUSE_CLIENT_SECRET", READER_SECRET)
        .env("GREENHOUSE_SUB", "4100000002")
        .args([
            "usage",
            "--all",
            "--format",
            "json",
            "--audit-log",
            "--auth-url",
            &server.url(),
            "--audit-url",
            &server.url(),
        ])
        .args(["--performer", CLIENT_ID, "--audit-log-pace", "3/1"])
        .args(extra);
    cmd
}

#[test]
fn the_live_audit_log_is_paged_paced_and_resumed_to_the_same_answer_as_its_file() {
    // Pages of 4 (whatever size grantlint asks), a point in time that expires after 2 pages,
    // Greenhouse's 3 paginated requests per window (1 s here), and one 429 without headers.
    let server = audit_server(
        AuditBehavior {
            page_size_cap: Some(4),
            pit_expire_after_pages: Some(2),
            paginated_limit: 3,
            paginated_window_secs: 1,
            force_429s: 1,
            ..AuditBehavior::default()
        },
        &["auditlog:events:list"],
    );
    let (code, stdout, stderr) = run(&mut live_usage(&server, &["--window", "30d"]), Some(&server), &[]);
    assert_eq!(code, 0, "{stderr}");
    let live = json(&stdout);
    let (_, file, _) = audit_usage(&["--performer", CLIENT_ID]);
    assert_eq!(counts(&live), counts(&file), "live and file agree");
    assert_eq!(unmatched(&live), unmatched(&file));
    let notes = live["sources"][0]["notes"].to_string();
    assert!(notes.contains("point in time expired"), "{notes}");
    let events: Vec<_> = server.seen().into_iter().filter(|s| s.path == "/events").collect();
    // One forced 429, and pacing kept every other request within the paginated limit.
    assert_eq!(
        events.iter().filter(|s| s.status == 429).count(),
        1,
        "{:?}",
        events.iter().map(|s| s.status).collect::<Vec<_>>()
    );
    let ok: Vec<_> = events.iter().filter(|s| s.status == 200).collect();
    assert!(ok.len() >= 4, "several pages: {}", ok.len());
    for s in &events {
        assert!(s.query.contains("paging=true"), "{}", s.query);
        assert!(
            s.query.contains("after_time=2026-11-03T00%3A00%3A00Z"),
            "--window 30d, whole seconds: {}",
            s.query
        );
        assert!(s.header("authorization").is_some_and(|a| a.starts_with("Bearer ")));
        assert_eq!(s.header("size"), Some("500"));
    }
    assert!(ok[0].header("pit-id").is_none() && ok[0].header("search-after").is_none());
    assert!(ok[1].header("pit-id").is_some() && ok[1].header("search-after").is_some());
    // After the expiry: Search-After without the expired Pit-Id.
    let resumed = events
        .windows(2)
        .find(|w| w[0].status == 422)
        .map(|w| &w[1])
        .expect("an expired point in time");
    assert!(resumed.header("pit-id").is_none() && resumed.header("search-after").is_some());
    // Paced: no 3 paginated requests after the 429 fell in one 1 s window with a fourth.
    let times: Vec<_> = events.iter().skip(1).map(|s| s.at).collect();
    for w in times.windows(4) {
        let span = w[3].duration_since(w[0]).unwrap_or_default();
        assert!(
            span >= std::time::Duration::from_millis(900),
            "4 paginated requests within {span:?}"
        );
    }
}

#[test]
fn a_credential_that_may_not_read_the_audit_log_is_told_why() {
    let server = audit_server(AuditBehavior::default(), &["harvest:jobs:list"]);
    let (code, _, stderr) = run(&mut live_usage(&server, &[]), Some(&server), &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains("403") && stderr.contains("auditlog:events:list"),
        "{stderr}"
    );
}

#[test]
fn an_audit_attributes_the_log_read_once_to_each_credential_by_performer() {
    let server = audit_server(
        AuditBehavior {
            paginated_window_secs: 1,
            ..AuditBehavior::default()
        },
        &["auditlog:events:list"],
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.yaml", VENDOR_PROFILE);
    let config = write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "auth_url = \"{url}\"\nbase_url = \"{url}\"\naudit_url = \"{url}\"\n\n[audit_log]\nclient_id_env = \"AUDIT_ID\"\nclient_secret_env = \"AUDIT_SECRET\"\nsub = 4100000002\nwindow = \"30d\"\n\n[[credential]]\nname = \"acme-sync\"\nprofiles = [\"p.yaml\"]\nclient_id_env = \"ACME_ID\"\nclient_secret_env = \"ACME_SECRET\"\naudit_performer = \"{CLIENT_ID}\"\n",
            url = server.url()
        ),
    );
    let (code, stdout, stderr) = run(
        grantlint()
            .env("AUDIT_ID", "acme-auditlog-reader")
            .env("AUDIT_SECRET", READER_SECRET)
            .env("ACME_ID", CLIENT_ID)
            .env("ACME_SECRET", CLIENT_SECRET)
            .env("GRANTLINT_AUDIT_LOG_PACE", "3/1")
            .args(["audit", "--format", "json", "--config"])
            .arg(&config),
        Some(&server),
        &[],
    );
    assert_eq!(code, 1, "{stderr}\n{stdout}");
    let r = &json(&stdout)["results"][0];
    // Granted candidates and applications reads, both seen in the log; users and jobs are
    // required but not granted (missing), and the log could not have seen their reads anyway.
    let got = kinds(r);
    assert!(
        got.contains(&("used-not-required".into(), "harvest:candidates:update".into())),
        "{got:?}"
    );
    assert!(!got.iter().any(|(k, _)| k == "unused-grant"), "{got:?}");
    let missing = finding(r, "missing", "harvest:jobs:list").unwrap();
    assert_eq!(missing["usage"]["state"], "unobservable", "{missing}");
    assert_eq!(
        server.seen().iter().filter(|s| s.path == "/token").count(),
        2,
        "one token for the reader, one for the credential"
    );

    // `audit_performer` with nobody to read the log: an error at its line.
    let config = write(
        dir.path(),
        "bad.toml",
        "[[credential]]\nname = \"x\"\nprofiles = [\"p.yaml\"]\ngrants = \"g.yaml\"\naudit_performer = \"abc\"\n",
    );
    let (code, _, stderr) = run(grantlint().args(["audit", "--config"]).arg(&config), None, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("`audit_performer` needs an `[audit_log]` section") && stderr.contains("bad.toml:5"),
        "{stderr}"
    );
}

#[test]
fn evidence_of_one_credential_that_is_unreadable_fails_that_credential_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "p.yaml", VENDOR_PROFILE);
    write(dir.path(), "g.yaml", EXACT_GRANTS);
    write(dir.path(), "other.log", "GET https://example.com/v3/jobs 200\n");
    let config = write(
        dir.path(),
        "grantlint.toml",
        "[[credential]]\nname = \"a\"\nprofiles = [\"p.yaml\"]\ngrants = \"g.yaml\"\nusage = [\"other.log\"]\n\n[[credential]]\nname = \"b\"\nprofiles = [\"p.yaml\"]\ngrants = \"g.yaml\"\n",
    );
    let (code, stdout, _) = run(
        grantlint().args(["audit", "--format", "json", "--config"]).arg(&config),
        None,
        &[],
    );
    assert_eq!(code, 2, "{stdout}");
    let doc = json(&stdout);
    assert_eq!(doc["results"][0]["verdict"], "error");
    let message = doc["results"][0]["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("holds no Greenhouse requests") && message.contains("1 to other hosts"),
        "{message}"
    );
    assert_eq!(doc["results"][1]["verdict"], "pass");
}

#[test]
fn bad_evidence_is_a_clear_error_or_a_counted_skip_never_an_empty_pass() {
    let dir = tempfile::tempdir().unwrap();
    let har = std::fs::read_to_string(capture("integration.har")).unwrap();
    let truncated = write(dir.path(), "truncated.har", &har[..har.len() / 2]);
    let not_har = write(dir.path(), "not-har.json", "{\"foo\": 1}");
    let events_missing_fields = write(
        dir.path(),
        "events.json",
        "[{\"request\": {\"id\": \"a\", \"type\": \"/v3/jobs\"}, \"performer\": {\"id\": \"c\"}},\n {\"request\": {\"id\": \"b\", \"type\": \"/v3/candidates\"}, \"performer\": {\"id\": \"c\"}, \"event\": {\"type\": \"harvest_access\"}}]",
    );
    let garbage = write(
        dir.path(),
        "garbage.log",
        "GET https://harvest.greenhouse.io/v3/jobs 200\n\u{1b}[31mnot a request\u{1b}[0m\n\u{0}\n",
    );
    let garbage_text = write(
        dir.path(),
        "garbage2.log",
        "GET https://harvest.greenhouse.io/v3/jobs 200\nthis is not a request line\nGET\n",
    );
    let nothing = write(
        dir.path(),
        "nothing.log",
        "GET https://example.com/v3/jobs 200\nGET https://example.com/x 200\n",
    );
    let usage = |file: &Path, extra: &[&str]| {
        let mut cmd = grantlint();
        cmd.args(["usage", "--format", "json", "--requests"])
            .arg(file)
            .args(extra);
        run(&mut cmd, None, &[])
    };
    let (code, _, stderr) = usage(&truncated, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("truncated.har:") && stderr.contains("ends in the middle of the JSON"),
        "{stderr}"
    );
    let (code, _, stderr) = usage(&not_har, &["--requests-format", "har"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a HAR file: it has no `log.entries`"), "{stderr}");
    let (code, _, stderr) = usage(&not_har, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not Audit Log events"), "{stderr}");
    // One performer in the log is still not a guess grantlint makes.
    let (code, _, stderr) = usage(&events_missing_fields, &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("holds the rows of 1 performer (c (no type, 1 row))") && stderr.contains("--performer ID"),
        "{stderr}"
    );
    let (code, stdout, stderr) = usage(&events_missing_fields, &["--performer", "c"]);
    assert_eq!(code, 0, "{stderr}");
    let skipped = &json(&stdout)["sources"][0]["skipped"];
    assert_eq!(
        (skipped["count"].as_u64(), skipped["places"][0]["at"].as_u64()),
        (Some(1), Some(1)),
        "{skipped}"
    );
    assert_eq!(skipped["places"][0]["unit"], "entry");
    let (code, _, stderr) = usage(&garbage, &[]);
    assert_eq!(code, 2, "a NUL byte: binary");
    assert!(stderr.contains("NUL"), "{stderr}");
    let (code, stdout, _) = usage(&garbage_text, &[]);
    assert_eq!(code, 0);
    let skipped = &json(&stdout)["sources"][0]["skipped"];
    let lines: Vec<u64> = skipped["places"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["at"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3], "{skipped}");
    let (code, _, stderr) = usage(&nothing, &[]);
    assert_eq!(code, 2, "no Greenhouse request at all says so");
    assert!(
        stderr.contains("holds no Greenhouse requests") && stderr.contains("2 to other hosts"),
        "{stderr}"
    );
    // A window that leaves nothing says so too.
    let (code, _, stderr) = usage(&capture("integration.har"), &["--window", "1h"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("outside --window"), "{stderr}");
    // Escapes in a capture never reach the terminal (run() checks every output).
    let hostile = write(
        dir.path(),
        "hostile.log",
        "GET https://harvest.greenhouse.io/v3/\u{1b}]8;;http://evil\u{7}x 200\nGET https://harvest.greenhouse.io/v3/jobs 200\n",
    );
    let (code, stdout, _) = run(grantlint().args(["usage", "--requests"]).arg(&hostile), None, &[]);
    assert_eq!(code, 0, "{stdout}");
    // stdin, once.
    let (code, stdout, _) = run(
        grantlint()
            .args(["usage", "--format", "json", "--requests", "-"])
            .write_stdin(std::fs::read(capture("requests.log")).unwrap()),
        None,
        &[],
    );
    assert_eq!(code, 0);
    assert_eq!(counts(&json(&stdout)), session());
    let (code, _, stderr) = run(grantlint().args(["usage", "--requests", "-", "-"]), None, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("only once"), "{stderr}");
    let (code, _, stderr) = run(grantlint().arg("usage"), None, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--requests FILE"), "{stderr}");
    let (code, _, stderr) = run(grantlint().args(["usage", "--requests"]).arg(dir.path()), None, &[]);
    assert_eq!(code, 2);
    assert!(stderr.contains("is a directory"), "{stderr}");
    let (code, _, stderr) = run(
        grantlint()
            .args(["usage", "--window", "30y", "--requests"])
            .arg(&nothing),
        None,
        &[],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not a duration"), "{stderr}");
}

/// `prlimit`, to bound memory (see tests/limits.rs).
fn prlimit() -> PathBuf {
    std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("prlimit"))
        .chain([PathBuf::from("/usr/bin/prlimit")])
        .find(|p| p.is_file())
        .unwrap_or_else(|| panic!("prlimit (util-linux) is not installed: these tests need it to bound memory"))
}

#[test]
fn a_50_mb_har_is_read_in_bounded_time_and_memory() {
    // The recorded capture's entries, repeated until the file passes 50 MB: big bodies, as
    // captures with responses are.
    let har: Value = serde_json::from_str(&std::fs::read_to_string(capture("integration.har")).unwrap()).unwrap();
    let entries = har["log"]["entries"].as_array().unwrap();
    let filler = "x".repeat(64 * 1024);
    let mut text = String::from(
        "{\"log\": {\"version\": \"1.2\", \"creator\": {\"name\": \"mitmproxy\", \"version\": \"11.0.2\"}, \"entries\": [",
    );
    let mut n = 0;
    while text.len() < 50 * 1024 * 1024 {
        let mut e = entries[n % entries.len()].clone();
        e["response"]["content"]["text"] = Value::String(filler.clone());
        if n > 0 {
            text.push(',');
        }
        text.push_str(&e.to_string());
        n += 1;
    }
    text.push_str("]}}");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "big.har", &text);
    let started = std::time::Instant::now();
    let out = std::process::Command::new(prlimit())
        .arg("--as=268435456")
        .arg("--")
        .arg(common::binary())
        .env_clear()
        .env("GRANTLINT_NOW", NOW)
        .args(["usage", "--format", "json", "--requests"])
        .arg(&path)
        .output()
        .unwrap();
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let u = json(&String::from_utf8(out.stdout).unwrap());
    let repeats = (n / entries.len()) as u64;
    let jobs = state(&u, "harvest:jobs:list")["count"].as_u64().unwrap();
    assert!(jobs == repeats || jobs == repeats + 1, "{jobs} calls in {n} entries");
    assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
}

#[test]
fn har_entries_that_are_not_requests_are_counted_unquoted_and_unanswered_calls_are_not_use() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(dir.path(), "p.yaml", VENDOR_PROFILE);
    let grants = write(dir.path(), "g.yaml", EXACT_GRANTS);
    let entry = |path: &str, status: i64| {
        format!(
            r#"{{"startedDateTime": "2026-12-01T10:00:00Z", "request": {{"method": "GET", "url": "https://harvest.greenhouse.io{path}"}}, "response": {{"status": {status}}}}}"#
        )
    };
    let har = format!(
        r#"{{"log": {{"version": "1.2", "entries": ["Bearer SEKRET-in-an-entry", {{"request": {{"method": "GET", "url": ["Bearer SEKRET-in-a-url"]}}}}, {}, {}, {}, {}]}}}}"#,
        entry("/v3/users", 0),
        entry("/v3/candidates", 200),
        entry("/v3/applications", 200),
        entry("/v3/jobs", 200),
    );
    let har = write(dir.path(), "odd.har", &har);
    let mut cmd = grantlint();
    cmd.args(["check", "--format", "json", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants)
        .arg("--usage")
        .arg(&har);
    let (code, stdout, stderr) = run(&mut cmd, None, &[]);
    assert!(!format!("{stdout}{stderr}").contains("SEKRET"), "{stdout}{stderr}");
    assert_eq!(code, 0, "{stderr}");
    let r = &json(&stdout)["results"][0];
    // users:list was tried and got no answer: not use, and not absence either.
    assert!(kinds(r).is_empty(), "{r}");
    let caveats = r["caveats"].to_string();
    assert!(caveats.contains("1 request got no response"), "{caveats}");
    let (code, stdout, stderr) = run(
        grantlint().args(["usage", "--format", "json", "--requests"]).arg(&har),
        None,
        &[],
    );
    assert!(!format!("{stdout}{stderr}").contains("SEKRET"), "{stdout}{stderr}");
    assert_eq!(code, 0, "{stderr}");
    let doc = json(&stdout);
    let skipped = &doc["sources"][0]["skipped"];
    assert_eq!(skipped["count"], 2, "{skipped}");
    assert_eq!(state(&doc, "harvest:users:list")["count"], 0, "{doc}");
}

#[test]
fn a_broken_audit_log_cursor_is_an_error_not_a_short_read() {
    let long = "7".repeat(2048);
    for (next, says) in [
        (json!([1, 2]), "cannot send back"),
        (json!(long), "cannot send back"),
        (json!("a\u{1b}[2Jb"), "cannot send back"),
        // Far in the future: every event is after it, so the same page comes back.
        (json!("9999999999999,0"), "run in a circle"),
    ] {
        let server = audit_server(
            AuditBehavior {
                page_size_cap: Some(4),
                paginated_window_secs: 1,
                next_search_after: Some(next.clone()),
                ..AuditBehavior::default()
            },
            &["auditlog:events:list"],
        );
        let (code, stdout, stderr) = run(&mut live_usage(&server, &[]), Some(&server), &[]);
        assert_eq!(code, 3, "{next}: {stderr}");
        assert!(stderr.contains(says), "{next}: {stderr}");
        assert!(stdout.is_empty(), "no partial result: {stdout}");
        assert!(!stderr.contains('\u{1b}'), "{stderr}");
    }
}

#[test]
fn a_window_longer_than_the_audit_log_keeps_reads_what_there_is_and_says_so() {
    let server = audit_server(
        AuditBehavior {
            paginated_window_secs: 1,
            ..AuditBehavior::default()
        },
        &["auditlog:events:list"],
    );
    let (code, stdout, stderr) = run(&mut live_usage(&server, &["--window", "90d"]), Some(&server), &[]);
    assert_eq!(code, 0, "{stderr}");
    let notes = json(&stdout)["sources"][0]["notes"].to_string();
    assert!(
        notes.contains("further than the Audit Log keeps (30 days): read since 2026-11-03T00:00:00Z"),
        "{notes}"
    );
    let events: Vec<_> = server.seen().into_iter().filter(|s| s.path == "/events").collect();
    assert!(
        events
            .iter()
            .all(|s| s.query.contains("after_time=2026-11-03T00%3A00%3A00Z")),
        "clamped to the log's 30 days"
    );
}
