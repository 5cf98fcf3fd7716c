#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Live audit": the real binary against a local server that plays Greenhouse
//! (fake-greenhouse, 127.0.0.1 only). Every run is checked for leaked secrets and tokens.

mod common;

use assert_cmd::Command;
use common::{grantlint, write};
use fake_greenhouse::{Behavior, Config, Credential, Introspection, Server};
use serde_json::Value;

const SEEKOUT_V3: &[&str] = &[
    "harvest:applications:list",
    "harvest:applications:update",
    "harvest:applications:move",
    "harvest:applications:reject",
    "harvest:applications:unreject",
    "harvest:rejection_details:update",
    "harvest:candidates:list",
    "harvest:jobs:list",
    "harvest:job_posts:list",
    "harvest:job_interview_stages:list",
    "harvest:openings:list",
    "harvest:users:list",
    "harvest:close_reasons:list",
];

fn cred(id: &str, scopes: &[&str], behavior: Behavior) -> Credential {
    Credential {
        client_id: id.into(),
        secret: format!("s3cret-{id}-do-not-print"),
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
        behavior,
    }
}

fn serve(credentials: Vec<Credential>) -> (Server, Vec<String>) {
    let secrets = credentials.iter().map(|c| c.secret.clone()).collect();
    (
        Server::start(
            Config {
                credentials,
                ..Config::default()
            },
            0,
        )
        .expect("start fake Greenhouse"),
        secrets,
    )
}

/// Run, then assert that no secret and no issued token appears anywhere in the output.
fn run_live(cmd: &mut Command, server: &Server, secrets: &[String]) -> (i32, String, String) {
    let (code, stdout, stderr) = common::run(cmd);
    for s in secrets.iter().cloned().chain(server.issued_tokens()) {
        assert!(
            !stdout.contains(&s) && !stderr.contains(&s),
            "a secret or token leaked:\n{stdout}\n{stderr}"
        );
    }
    (code, stdout, stderr)
}

fn live_check(server: &Server, id: &str, secret: &str, args: &[&str]) -> Command {
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", id)
        .env("GREENHOUSE_CLIENT_SECRET", secret)
        .args([
            "check",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
        ])
        .args(args);
    cmd
}

fn parse(stdout: &str) -> Value {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn live_check_reads_scopes_by_introspection() {
    let (server, secrets) = serve(vec![cred("seekout", SEEKOUT_V3, Behavior::default())]);
    let (code, stdout, stderr) = run_live(
        &mut live_check(&server, "seekout", &secrets[0], &["-p", "seekout", "--format", "json"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let r = &parse(&stdout)["results"][0];
    assert_eq!(r["grants_source"], "live");
    assert!(
        r["grants_origin"]
            .as_str()
            .unwrap()
            .starts_with("live: introspection at http://127.0.0.1:"),
        "{r}"
    );
    assert_eq!(r["credential"], "seekout");
    assert_eq!(r["verdict"], "pass");
    assert_eq!(r["summary"]["granted"], 13);
    let seen = server.seen();
    assert_eq!(
        seen.iter().map(|s| s.path.as_str()).collect::<Vec<_>>(),
        ["/token", "/introspect"]
    );
}

#[test]
fn introspection_scope_array_and_sub() {
    let (server, secrets) = serve(vec![cred(
        "a",
        &["harvest:jobs:list", "harvest:eeoc:list"],
        Behavior {
            introspection: Introspection::ScopeArray,
            ..Behavior::default()
        },
    )]);
    let mut cmd = live_check(&server, "a", &secrets[0], &["-p", "jobtarget", "--format", "json"]);
    cmd.env("GREENHOUSE_SUB", "4080123");
    let (code, stdout, _) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 1);
    let r = &parse(&stdout)["results"][0];
    assert_eq!(r["summary"]["granted"], 2);
    let excess: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "excess")
        .collect();
    assert_eq!(excess[0]["permission"], "harvest:eeoc:list");
}

#[test]
fn no_introspection_falls_back_to_the_jwt_claims_and_says_so() {
    let (server, secrets) = serve(vec![cred(
        "b",
        SEEKOUT_V3,
        Behavior {
            introspection: Introspection::NotFound,
            jwt_scope_claim: true,
            ..Behavior::default()
        },
    )]);
    let (code, stdout, stderr) = run_live(
        &mut live_check(&server, "b", &secrets[0], &["-p", "seekout", "--format", "json"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 0, "{stderr}");
    let r = &parse(&stdout)["results"][0];
    assert!(
        r["grants_origin"]
            .as_str()
            .unwrap()
            .starts_with("live: token claims from"),
        "{r}"
    );
    let caveats = r["caveats"].to_string();
    assert!(
        caveats.contains("introspection unavailable (introspection answered 404 Not Found)"),
        "{caveats}"
    );
    assert!(caveats.contains("signature not verified"), "{caveats}");
}

#[test]
fn no_scopes_anywhere_is_unknown_and_fails_closed() {
    for introspection in [
        Introspection::NotFound,
        Introspection::NoScope,
        Introspection::Malformed,
    ] {
        let (server, secrets) = serve(vec![cred(
            "c",
            SEEKOUT_V3,
            Behavior {
                introspection,
                ..Behavior::default()
            },
        )]);
        let (code, stdout, _) = run_live(
            &mut live_check(&server, "c", &secrets[0], &["-p", "seekout", "--format", "json"]),
            &server,
            &secrets,
        );
        assert_eq!(code, 1, "{introspection:?}");
        let r = &parse(&stdout)["results"][0];
        assert_eq!(r["findings"][0]["kind"], "grants-unknown", "{introspection:?}");
        assert!(r["summary"]["missing"].is_null(), "unknown, not 0: {}", r["summary"]);
    }
}

#[test]
fn bad_client_secret_is_exit_3_with_what_to_check_and_no_retry() {
    let (server, secrets) = serve(vec![cred("d", SEEKOUT_V3, Behavior::default())]);
    let (code, stdout, stderr) = run_live(
        &mut live_check(&server, "d", "wrong-secret-value", &["-p", "seekout"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 3, "{stdout}");
    assert!(stderr.contains("authentication failed for credential `d` (client id `d`): Greenhouse answered 401 Unauthorized (invalid_client)"), "{stderr}");
    assert!(stderr.contains("client secret is the current one"), "{stderr}");
    assert!(!stderr.contains("wrong-secret-value"));
    assert_eq!(server.seen().len(), 1, "401 is not retried");
}

#[test]
fn forbidden_token_and_sub_hint() {
    let (server, secrets) = serve(vec![cred(
        "e",
        SEEKOUT_V3,
        Behavior {
            token_status: Some(403),
            echo_secret: true,
            ..Behavior::default()
        },
    )]);
    let mut cmd = live_check(&server, "e", &secrets[0], &["-p", "seekout"]);
    cmd.env("GREENHOUSE_SUB", "77");
    let (code, _, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("Greenhouse refused a token for credential `e`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("[redacted]"),
        "a secret echoed by the server is scrubbed: {stderr}"
    );
    let (server, secrets) = serve(vec![cred(
        "f",
        SEEKOUT_V3,
        Behavior {
            token_status: Some(400),
            ..Behavior::default()
        },
    )]);
    let mut cmd = live_check(&server, "f", &secrets[0], &["-p", "seekout"]);
    cmd.env("GREENHOUSE_SUB", "77");
    let (code, _, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("check that user 77 (the sub) exists and is a Site Admin"),
        "{stderr}"
    );
}

#[test]
fn rate_limited_and_failing_servers_are_retried_honouring_retry_after() {
    let (server, secrets) = serve(vec![cred(
        "g",
        SEEKOUT_V3,
        Behavior {
            token_429s: 2,
            retry_after: Some(1),
            token_5xx: 1,
            ..Behavior::default()
        },
    )]);
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = run_live(
        &mut live_check(&server, "g", &secrets[0], &["-p", "seekout"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let statuses: Vec<u16> = server
        .seen()
        .iter()
        .filter(|s| s.path == "/token")
        .map(|s| s.status)
        .collect();
    assert_eq!(statuses, [429, 429, 503, 200]);
    assert!(started.elapsed().as_secs_f64() >= 2.0, "waited Retry-After: 1 twice");
}

#[test]
fn persistent_5xx_gives_up_with_exit_3() {
    let (server, secrets) = serve(vec![cred(
        "h",
        SEEKOUT_V3,
        Behavior {
            token_5xx: 100,
            ..Behavior::default()
        },
    )]);
    let (code, _, stderr) = run_live(
        &mut live_check(&server, "h", &secrets[0], &["-p", "seekout", "--retries", "2"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 3);
    assert!(
        stderr.contains("Greenhouse answered 503 Service Unavailable 3 times in a row"),
        "{stderr}"
    );
    assert_eq!(server.seen().len(), 3);
}

#[test]
fn a_hanging_server_times_out_with_exit_3() {
    let (server, secrets) = serve(vec![cred(
        "i",
        SEEKOUT_V3,
        Behavior {
            token_hang: true,
            ..Behavior::default()
        },
    )]);
    let started = std::time::Instant::now();
    let (code, _, stderr) = run_live(
        &mut live_check(
            &server,
            "i",
            &secrets[0],
            &["-p", "seekout", "--timeout", "0.5", "--retries", "1"],
        ),
        &server,
        &secrets,
    );
    assert_eq!(code, 3);
    assert!(stderr.contains("no answer within 0.5s (2 attempts)"), "{stderr}");
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn a_slow_server_within_the_timeout_is_fine() {
    let (server, secrets) = serve(vec![cred(
        "j",
        SEEKOUT_V3,
        Behavior {
            delay_ms: 300,
            ..Behavior::default()
        },
    )]);
    let (code, _, stderr) = run_live(
        &mut live_check(&server, "j", &secrets[0], &["-p", "seekout", "--timeout", "5"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn malformed_token_response_is_exit_3() {
    let (server, secrets) = serve(vec![cred(
        "k",
        SEEKOUT_V3,
        Behavior {
            token_malformed: true,
            ..Behavior::default()
        },
    )]);
    let (code, _, stderr) = run_live(
        &mut live_check(&server, "k", &secrets[0], &["-p", "seekout"]),
        &server,
        &secrets,
    );
    assert_eq!(code, 3);
    assert!(stderr.contains("the token response is not JSON"), "{stderr}");
}

#[test]
fn connection_refused_is_exit_3() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "x")
        .env("GREENHOUSE_CLIENT_SECRET", "secret-x")
        .args([
            "check",
            "-p",
            "seekout",
            "--live",
            "--auth-url",
            &url,
            "--base-url",
            &url,
            "--retries",
            "1",
        ]);
    let (code, _, stderr) = common::run(&mut cmd);
    assert_eq!(code, 3);
    assert!(stderr.contains("cannot connect"), "{stderr}");
    assert!(!stderr.contains("secret-x"));
}

#[test]
fn probe_reads_list_endpoints_only_and_reports_disagreement() {
    let granted: Vec<&str> = SEEKOUT_V3
        .iter()
        .copied()
        .filter(|s| *s != "harvest:close_reasons:list")
        .collect();
    let (server, secrets) = serve(vec![cred(
        "l",
        &granted,
        Behavior {
            refused: vec!["harvest:candidates:list".into()],
            also_allowed: vec!["harvest:close_reasons:list".into()],
            ..Behavior::default()
        },
    )]);
    let (code, stdout, stderr) = run_live(
        &mut live_check(
            &server,
            "l",
            &secrets[0],
            &["-p", "seekout", "--probe", "--format", "json"],
        ),
        &server,
        &secrets,
    );
    assert_eq!(code, 1, "{stderr}");
    let r = &parse(&stdout)["results"][0];
    let disagree: Vec<(&str, &str)> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "probe-disagrees")
        .map(|f| (f["permission"].as_str().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(disagree.len(), 2, "{disagree:?}");
    assert!(
        disagree
            .iter()
            .any(|(p, m)| *p == "harvest:candidates:list" && m.contains("refused GET /v3/candidates (403)"))
    );
    assert!(
        disagree
            .iter()
            .any(|(p, m)| *p == "harvest:close_reasons:list" && m.contains("does not claim"))
    );
    let probes: Vec<_> = server
        .seen()
        .into_iter()
        .filter(|s| s.path.starts_with("/v3/"))
        .collect();
    // 7 of the 12 granted scopes are list scopes with a list endpoint, plus the missing close_reasons read.
    assert_eq!(probes.len(), 8, "{probes:?}");
    for p in &probes {
        assert_eq!(p.method, "GET", "never a write");
        assert_eq!(p.query, "per_page=1&fields=id");
    }
    assert!(
        r["caveats"].to_string().contains("probe: 8 list endpoints read"),
        "{}",
        r["caveats"]
    );
}

#[test]
fn a_401_during_the_probe_is_met_with_one_fresh_token() {
    let (server, secrets) = serve(vec![cred(
        "n",
        SEEKOUT_V3,
        Behavior {
            reject_first_token: true,
            ..Behavior::default()
        },
    )]);
    let (code, stdout, stderr) = run_live(
        &mut live_check(
            &server,
            "n",
            &secrets[0],
            &["-p", "seekout", "--probe", "--format", "json"],
        ),
        &server,
        &secrets,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let tokens = server.seen().iter().filter(|s| s.path == "/token").count();
    assert_eq!(tokens, 2, "one refresh");
    let unauthorized = server.seen().iter().filter(|s| s.status == 401).count();
    assert_eq!(unauthorized, 1);
}

#[test]
fn plain_http_only_to_loopback_and_secrets_never_in_argv() {
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "x")
        .env("GREENHOUSE_CLIENT_SECRET", "y")
        .args([
            "check",
            "-p",
            "seekout",
            "--live",
            "--auth-url",
            "http://auth.example.com",
        ]);
    let (code, _, stderr) = common::run(&mut cmd);
    assert_eq!(code, 2);
    assert!(stderr.contains("uses plain HTTP"), "{stderr}");
    // There is no flag that takes a secret's value.
    let (code, _, stderr) = common::run(grantlint().args(["check", "-p", "seekout", "--live", "--client-secret", "x"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("unexpected argument '--client-secret'"), "{stderr}");
    let (code, _, stderr) = common::run(grantlint().args(["check", "-p", "seekout", "--live"]));
    assert_eq!(code, 2);
    assert!(stderr.contains("--live needs GREENHOUSE_CLIENT_ID"), "{stderr}");
}

#[test]
fn client_secret_from_file_or_stdin() {
    let (server, secrets) = serve(vec![cred("m", SEEKOUT_V3, Behavior::default())]);
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "m")
        .args([
            "check",
            "-p",
            "seekout",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
        ])
        .args(["--client-secret-file", "-"])
        .write_stdin(format!("{}\n", secrets[0]));
    let (code, _, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 0, "{stderr}");
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "secret", &secrets[0]);
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "m")
        .args([
            "check",
            "-p",
            "seekout",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
        ])
        .arg("--client-secret-file")
        .arg(&file);
    let (code, _, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 0, "{stderr}");
}

fn audit_config(dir: &std::path::Path, server: &Server, credentials: &str) -> std::path::PathBuf {
    write(
        dir,
        "grantlint.toml",
        &format!(
            "auth_url = \"{0}\"\nbase_url = \"{0}\"\n\n[policy]\nfail_on_excess = \"low\"\n\n{credentials}",
            server.url()
        ),
    )
}

#[test]
fn audit_reports_each_credential_and_exits_with_the_worst() {
    let (server, secrets) = serve(vec![
        cred("ok", SEEKOUT_V3, Behavior::default()),
        cred(
            "bad",
            SEEKOUT_V3,
            Behavior {
                token_status: Some(401),
                ..Behavior::default()
            },
        ),
        cred(
            "wide",
            &[SEEKOUT_V3, &["harvest:candidates:destroy"]].concat(),
            Behavior::default(),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let grants = write(dir.path(), "jt.yaml", "api: harvest-v3\ngranted: [harvest:jobs:list]\n");
    let config = audit_config(
        dir.path(),
        &server,
        &format!(
            "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\nclient_id = \"ok\"\nclient_secret_env = \"OK_SECRET\"\n\n\
             [[credential]]\nname = \"seekout-rotated\"\nprofiles = [\"seekout\"]\nclient_id_env = \"BAD_ID\"\nclient_secret_env = \"BAD_SECRET\"\nsub = 12345\n\n\
             [[credential]]\nname = \"seekout-wide\"\nprofiles = [\"seekout\"]\nclient_id = \"wide\"\nclient_secret_env = \"WIDE_SECRET\"\n\n\
             [[credential]]\nname = \"jobtarget-file\"\nprofiles = [\"jobtarget\"]\ngrants = \"{}\"\n\n\
             [[credential]]\nname = \"no-env\"\nprofiles = [\"seekout\"]\nclient_id = \"ok\"\nclient_secret_env = \"UNSET_SECRET\"\n",
            grants.file_name().unwrap().to_str().unwrap()
        ),
    );
    let mut cmd = grantlint();
    cmd.env("OK_SECRET", &secrets[0])
        .env("BAD_ID", "bad")
        .env("BAD_SECRET", &secrets[1])
        .env("WIDE_SECRET", &secrets[2])
        .args(["audit", "--format", "json", "--config"])
        .arg(&config);
    let (code, stdout, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(
        code, 3,
        "a credential that fails to authenticate makes the run exit 3:\n{stderr}"
    );
    let v = parse(&stdout);
    let verdicts: Vec<(&str, &str)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["credential"].as_str().unwrap(), r["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [
            ("seekout-prod", "pass"),
            ("seekout-rotated", "error"),
            ("seekout-wide", "fail"),
            ("jobtarget-file", "fail"),
            ("no-env", "error")
        ]
    );
    let rotated = &v["results"][1]["findings"][0];
    assert_eq!(rotated["kind"], "credential-error");
    assert!(
        rotated["message"].as_str().unwrap().contains("authentication failed"),
        "{rotated}"
    );
    assert!(
        v["results"][4]["findings"][0]["message"]
            .as_str()
            .unwrap()
            .contains("UNSET_SECRET")
    );
    assert_eq!(v["results"][3]["grants_source"], "file");

    // The table view, and the exit code without the failing credential.
    let mut cmd = grantlint();
    cmd.env("OK_SECRET", &secrets[0])
        .env("WIDE_SECRET", &secrets[2])
        .args(["audit", "--config"])
        .arg(&config);
    let (code, stdout, _) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(
        code, 2,
        "unset secret variables are setup errors (2), worse than findings (1)"
    );
    assert!(stdout.contains("audited 5 credentials from"), "{stdout}");
    assert!(stdout.contains("1 pass, 2 fail, 2 could not be checked"), "{stdout}");
}

#[test]
fn audit_config_errors_point_at_the_toml_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases: &[(&str, &str, &str)] = &[
        (
            "[[credential]]\nname = \"a\"\nprofiles = [\"seekot\"]\ngrants = \"g.yaml\"\n",
            "grantlint.toml:3:13]",
            "did you mean `seekout`?",
        ),
        (
            "[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\nclient_secret = \"x\"\n",
            "grantlint.toml:4:1]",
            "unknown key `client_secret`",
        ),
        (
            "[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\n",
            "grantlint.toml:2:8]",
            "has no `grants` and no `client_id_env`",
        ),
        (
            "[policy]\nfail_on_excess = \"severe\"\n[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\ngrants = \"g\"\n",
            "grantlint.toml:2:18]",
            "unknown level",
        ),
        (
            "auth_url = \"http://auth.example.com\"\n[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\ngrants = \"g\"\n",
            "grantlint.toml:1:12]",
            "plain HTTP",
        ),
        (
            "[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\ngrants = \"g\"\n[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\ngrants = \"g\"\n",
            "grantlint.toml:6:8]",
            "defined twice",
        ),
        (
            "[[credential]\n",
            "grantlint.toml:1:14]",
            "unclosed array table, expected `]`",
        ),
    ];
    for (text, at, message) in cases {
        let config = write(dir.path(), "grantlint.toml", text);
        let (code, _, stderr) = common::run(grantlint().args(["audit", "--config"]).arg(&config));
        assert_eq!(code, 2, "{text}\n{stderr}");
        assert!(stderr.contains(at), "{text}: want {at} in\n{stderr}");
        assert!(stderr.contains(message), "{text}: want {message:?} in\n{stderr}");
    }
    let (code, _, stderr) = common::run(
        grantlint()
            .current_dir(dir.path())
            .arg("audit")
            .args(["--config", "nope.toml"]),
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read nope.toml"), "{stderr}");
}

/// 200 credentials, some rate-limited, some failing, some hanging: every verdict is right.
#[test]
fn audit_of_200_credentials_under_faults() {
    let mut credentials = Vec::new();
    let mut toml = String::new();
    let mut want = Vec::new();
    for i in 0..200 {
        let id = format!("c{i:03}");
        let (behavior, scopes, verdict): (Behavior, Vec<&str>, &str) = match i % 10 {
            0 => (
                Behavior {
                    token_429s: 1,
                    retry_after: Some(1),
                    ..Behavior::default()
                },
                SEEKOUT_V3.to_vec(),
                "pass",
            ),
            1 => (
                Behavior {
                    token_5xx: 2,
                    ..Behavior::default()
                },
                SEEKOUT_V3.to_vec(),
                "pass",
            ),
            2 if i % 40 == 2 => (
                Behavior {
                    token_hang: true,
                    ..Behavior::default()
                },
                SEEKOUT_V3.to_vec(),
                "error",
            ),
            3 => (
                Behavior {
                    token_status: Some(401),
                    ..Behavior::default()
                },
                SEEKOUT_V3.to_vec(),
                "error",
            ),
            4 => (
                Behavior::default(),
                [SEEKOUT_V3, &["harvest:offers:list"]].concat(),
                "fail",
            ),
            5 => (Behavior::default(), SEEKOUT_V3[1..].to_vec(), "fail"),
            6 => (
                Behavior {
                    delay_ms: 200,
                    ..Behavior::default()
                },
                SEEKOUT_V3.to_vec(),
                "pass",
            ),
            _ => (Behavior::default(), SEEKOUT_V3.to_vec(), "pass"),
        };
        credentials.push(cred(&id, &scopes, behavior));
        toml.push_str(&format!(
            "[[credential]]\nname = \"{id}\"\nprofiles = [\"seekout\"]\nclient_id = \"{id}\"\nclient_secret_env = \"S_{id}\"\n"
        ));
        want.push((id, verdict));
    }
    let (server, secrets) = serve(credentials);
    let dir = tempfile::tempdir().unwrap();
    let config = audit_config(dir.path(), &server, &toml);
    let mut cmd = grantlint();
    for (i, s) in secrets.iter().enumerate() {
        cmd.env(format!("S_c{i:03}"), s);
    }
    cmd.args([
        "audit",
        "--format",
        "json",
        "--concurrency",
        "16",
        "--timeout",
        "1",
        "--retries",
        "2",
        "--config",
    ])
    .arg(&config);
    let (code, stdout, stderr) = run_live(&mut cmd, &server, &secrets);
    assert_eq!(code, 3, "{stderr}");
    let v = parse(&stdout);
    let got: Vec<(String, String)> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["credential"].as_str().unwrap().to_string(),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = want.into_iter().map(|(a, b)| (a, b.to_string())).collect();
    assert_eq!(got, want);
}
