#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Hardening" (live part), against fake-greenhouse and a recording proxy on 127.0.0.1:
//! a config cannot steer secrets, loopback never goes through a proxy, hostile headers and
//! bodies never panic or reach the terminal, the encoded forms of secrets never leak, a probe
//! that concludes nothing fails, and only `"active": true` is an active token.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use base64::Engine as _;
use common::{grantlint, write};
use fake_greenhouse::{Behavior, Config, Credential, RecordingProxy, Server};
use serde_json::Value;

const SCOPES: &[&str] = &[
    "harvest:jobs:list",
    "harvest:openings:list",
    "harvest:job_posts:list",
    "harvest:job_post_locations:list",
    "harvest:job_board_custom_locations:list",
    "harvest:job_post_searchable_locations:list",
];

const SECRET: &str = "s3cret/with+odd&chars-Zq8";

fn cred(behavior: Behavior) -> Credential {
    Credential {
        client_id: "jt".into(),
        secret: SECRET.into(),
        scopes: SCOPES.iter().map(|s| s.to_string()).collect(),
        behavior,
    }
}

fn serve(config: Config) -> Server {
    Server::start(config, 0).expect("start fake Greenhouse")
}

fn serve_one(behavior: Behavior) -> Server {
    serve(Config {
        credentials: vec![cred(behavior)],
        ..Config::default()
    })
}

/// Every form the client secret takes on the wire, and every token the server issued.
fn secret_forms(server: &Server) -> Vec<String> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("jt:{SECRET}"));
    let mut forms = vec![
        SECRET.to_string(),
        url_encode(SECRET),
        basic.trim_end_matches('=').to_string(),
    ];
    for t in server.issued_tokens() {
        forms.extend(t.split('.').skip(1).map(str::to_string));
        forms.push(t);
    }
    forms
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'*' => (b as char).to_string(),
            b' ' => "+".into(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Run; then neither stdout, stderr nor any of `files` may hold a secret's form or a
/// control character.
fn run_checked(cmd: &mut Command, server: &Server, files: &[&Path]) -> (i32, String, String) {
    let (code, stdout, stderr) = common::run(cmd);
    let mut texts = vec![
        ("stdout".to_string(), stdout.clone()),
        ("stderr".to_string(), stderr.clone()),
    ];
    for f in files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        // RFC 4180 ends CSV lines in CRLF; any other carriage return is a finding.
        let text = if f.extension().is_some_and(|e| e == "csv") {
            text.replace("\r\n", "\n")
        } else {
            text
        };
        texts.push((f.display().to_string(), text));
    }
    for (what, text) in &texts {
        for form in secret_forms(server) {
            assert!(!text.contains(&form), "{what} leaks {form:?}:\n{text}");
        }
        if let Some(c) = text.chars().find(|&c| c.is_control() && c != '\n' && c != '\t') {
            panic!("{what}: {c:?} reached the output:\n{text}");
        }
    }
    (code, stdout, stderr)
}

fn live(server: &Server, args: &[&str]) -> Command {
    let mut cmd = grantlint();
    cmd.env("GREENHOUSE_CLIENT_ID", "jt")
        .env("GREENHOUSE_CLIENT_SECRET", SECRET)
        .args([
            "check",
            "-p",
            "jobtarget",
            "--live",
            "--auth-url",
            &server.url(),
            "--base-url",
            &server.url(),
        ])
        .args(args);
    cmd
}

fn config(dir: &Path, top: &str, credential: &str) -> PathBuf {
    write(
        dir,
        "grantlint.toml",
        &format!("{top}\n[[credential]]\nname = \"jt\"\nprofiles = [\"jobtarget\"]\nclient_id = \"jt\"\n{credential}"),
    )
}

#[test]
fn a_config_cannot_send_credentials_to_another_host() {
    let server = serve_one(Behavior::default());
    let proxy = RecordingProxy::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (top, host) in [
        (
            format!(
                "auth_url = \"https://auth.attacker.example\"\nbase_url = \"{}\"",
                server.url()
            ),
            "auth.attacker.example",
        ),
        (
            format!(
                "auth_url = \"{}\"\nbase_url = \"https://greenhouse.io.attacker.example\"",
                server.url()
            ),
            "greenhouse.io.attacker.example",
        ),
    ] {
        let path = config(dir.path(), &top, "client_secret_env = \"JT_SECRET\"\n");
        let proxied_before = proxy.seen().len();
        let audit = |extra: &[&str], env: Option<&str>| {
            let mut cmd = grantlint();
            cmd.env("JT_SECRET", SECRET)
                .env("HTTPS_PROXY", proxy.url())
                .args(["audit", "--timeout", "3", "--retries", "0", "--config"])
                .arg(&path)
                .args(extra);
            if let Some(allowed) = env {
                cmd.env("GRANTLINT_ALLOW_HOSTS", allowed);
            }
            run_checked(&mut cmd, &server, &[])
        };
        let (code, _, stderr) = audit(&[], None);
        assert_eq!(code, 2, "{host}: refused as a config error\n{stderr}");
        assert!(
            stderr.contains(&format!("names {host}, which is neither a Greenhouse host")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!("--allow-host {host}")),
            "says how to allow it: {stderr}"
        );
        assert!(
            stderr.contains("grantlint.toml:1:") || stderr.contains("grantlint.toml:2:"),
            "{stderr}"
        );
        assert_eq!(
            proxy.seen().len(),
            proxied_before,
            "nothing was sent: {:?}",
            proxy.seen()
        );
        assert!(server.seen().is_empty(), "nothing was sent: {:?}", server.seen().len());
        // Allowed by the person running grantlint, by flag or environment: the request leaves
        // (here into the recording proxy, which refuses it: a live failure for the token, an
        // inconclusive probe for the API).
        for (extra, env) in [
            (vec!["--probe", "--allow-host", host], None),
            (vec!["--probe"], Some(host)),
        ] {
            let before = proxy.seen().len();
            let (code, _, stderr) = audit(&extra, env);
            assert!(code == 1 || code == 3, "{host} allowed: exit {code}: {stderr}");
            let seen = proxy.seen();
            assert!(
                seen[before..]
                    .iter()
                    .any(|l| l.starts_with(&format!("CONNECT {host}:443"))),
                "{seen:?}"
            );
        }
    }
}

#[test]
fn a_config_cannot_name_a_secret_file_outside_its_folder() {
    let server = serve_one(Behavior::default());
    let outside = tempfile::tempdir().unwrap();
    let secret_file = write(outside.path(), "secret", &format!("{SECRET}\n"));
    let dir = tempfile::tempdir().unwrap();
    let top = format!("auth_url = \"{0}\"\nbase_url = \"{0}\"", server.url());
    let run_audit = |path: &Path, extra: &[&str]| {
        let mut cmd = grantlint();
        cmd.args(["audit", "--format", "json", "--config"])
            .arg(path)
            .args(extra);
        run_checked(&mut cmd, &server, &[])
    };
    // An absolute path elsewhere, a path that climbs out, and a link inside that points out.
    std::os::unix::fs::symlink(&secret_file, dir.path().join("link")).unwrap();
    for named in [
        secret_file.display().to_string(),
        format!("../{}/secret", outside.path().file_name().unwrap().to_string_lossy()),
        "link".into(),
    ] {
        let path = config(dir.path(), &top, &format!("client_secret_file = \"{named}\"\n"));
        let (code, _, stderr) = run_audit(&path, &[]);
        assert_eq!(code, 2, "{named}: {stderr}");
        assert!(stderr.contains("lies outside the config's folder"), "{named}: {stderr}");
        assert!(stderr.contains("--allow-secret-file"), "{named}: {stderr}");
        assert!(server.seen().is_empty(), "{named}: nothing was read and sent");
    }
    // Allowed: it is read.
    let path = config(
        dir.path(),
        &top,
        &format!("client_secret_file = \"{}\"\n", secret_file.display()),
    );
    let (code, stdout, stderr) = run_audit(&path, &["--allow-secret-file", secret_file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        serde_json::from_str::<Value>(&stdout).unwrap()["results"][0]["verdict"],
        "pass"
    );
    // A file inside the config's folder needs no allowance.
    std::fs::create_dir(dir.path().join("secrets")).unwrap();
    write(&dir.path().join("secrets"), "jt", SECRET);
    let path = config(dir.path(), &top, "client_secret_file = \"secrets/jt\"\n");
    let (code, _, stderr) = run_audit(&path, &[]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn plain_http_to_loopback_never_goes_through_a_proxy() {
    let server = serve_one(Behavior::default());
    let proxy = RecordingProxy::start().unwrap();
    let mut cmd = live(&server, &["--probe"]);
    for var in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY"] {
        cmd.env(var, proxy.url());
    }
    let (code, _, stderr) = run_checked(&mut cmd, &server, &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(proxy.seen().is_empty(), "the proxy saw {:?}", proxy.seen());
    assert!(server.seen().len() >= 3);
}

#[test]
fn https_goes_through_https_proxy_unless_no_proxy_says_otherwise() {
    let proxy = RecordingProxy::start().unwrap();
    let server = serve_one(Behavior::default());
    let check = |no_proxy: Option<&str>| {
        let mut cmd = grantlint();
        cmd.env("GREENHOUSE_CLIENT_ID", "jt")
            .env("GREENHOUSE_CLIENT_SECRET", SECRET)
            .env("HTTPS_PROXY", proxy.url())
            .args(["check", "-p", "jobtarget", "--live", "--timeout", "2", "--retries", "0"]);
        if let Some(n) = no_proxy {
            cmd.env("NO_PROXY", n);
        }
        run_checked(&mut cmd, &server, &[])
    };
    let (code, _, _) = check(None);
    assert_eq!(code, 3, "the proxy refuses it");
    assert!(
        proxy
            .seen()
            .iter()
            .any(|l| l.starts_with("CONNECT auth.greenhouse.io:443")),
        "{:?}",
        proxy.seen()
    );
    let before = proxy.seen().len();
    let (code, _, _) = check(Some("auth.greenhouse.io"));
    assert_eq!(code, 3, "no internet here");
    assert_eq!(proxy.seen().len(), before, "NO_PROXY is honoured");
}

#[test]
fn hostile_retry_after_values_are_ignored_or_capped_never_a_panic() {
    for raw in [
        "NaN",
        "-1",
        "1.5",
        "inf",
        "99999999999999999999",
        "Wed, 21 Oct 2015 07:28:00 GMT",
        "soon",
    ] {
        let server = serve_one(Behavior {
            token_429s: 1,
            retry_after_raw: Some(raw.into()),
            extra_headers: vec![
                ("X-RateLimit-Reset".into(), "NaN".into()),
                ("X-RateLimit-Remaining".into(), "-5".into()),
            ],
            ..Behavior::default()
        });
        let (code, _, stderr) = run_checked(&mut live(&server, &[]), &server, &[]);
        assert_eq!(code, 0, "Retry-After: {raw}: {stderr}");
        let tokens: Vec<u16> = server
            .seen()
            .iter()
            .filter(|s| s.path == "/token")
            .map(|s| s.status)
            .collect();
        assert_eq!(tokens, [429, 200], "Retry-After: {raw}");
    }
    // A date far ahead is a wait longer than grantlint accepts: a clear live failure.
    let server = serve_one(Behavior {
        token_429s: 1,
        retry_after_raw: Some("Thu, 31 Dec 2099 23:59:59 GMT".into()),
        ..Behavior::default()
    });
    let (code, _, stderr) = run_checked(&mut live(&server, &[]), &server, &[]);
    assert_eq!(code, 3);
    assert!(
        stderr.contains("Greenhouse asks to retry in 86400s, longer than grantlint waits"),
        "{stderr}"
    );
}

#[test]
fn a_spent_rate_budget_is_waited_out_over_kept_alive_connections() {
    let server = serve(Config {
        credentials: vec![cred(Behavior::default())],
        rate_limit: Some(4),
        rate_window_secs: 2,
        ..Config::default()
    });
    let started = std::time::Instant::now();
    let (code, _, stderr) = run_checked(&mut live(&server, &["--probe", "--format", "json"]), &server, &[]);
    assert_eq!(code, 0, "{stderr}");
    let seen = server.seen();
    assert!(seen.len() > 4, "more requests than one window allows: {}", seen.len());
    assert!(
        seen.iter().all(|s| s.status != 429),
        "the budget was waited out, not overrun"
    );
    assert!(started.elapsed().as_secs() >= 1);
    let connections: std::collections::BTreeSet<u64> = seen.iter().map(|s| s.connection).collect();
    assert!(
        connections.len() < seen.len(),
        "requests share kept-alive connections: {} connections for {} requests",
        connections.len(),
        seen.len()
    );
}

#[test]
fn a_redirect_is_not_followed_with_the_credentials() {
    let server = serve_one(Behavior {
        token_redirect: Some("{base}/elsewhere".into()),
        ..Behavior::default()
    });
    let (code, _, stderr) = run_checked(&mut live(&server, &[]), &server, &[]);
    assert_eq!(code, 3, "{stderr}");
    assert!(stderr.contains("unexpected answer 307"), "{stderr}");
    assert!(server.seen().iter().all(|s| s.path != "/elsewhere"), "not followed");
}

#[test]
fn hostile_error_bodies_are_cleaned_and_scrubbed_everywhere() {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("jt:{SECRET}"));
    let body = format!(
        "{{\"error\": \"invalid_client\", \"error_description\": \"\\u001b[2J\\u001b]0;owned\\u0007 echo {SECRET} {} Basic {basic}\"}}",
        url_encode(SECRET)
    );
    let server = serve_one(Behavior {
        token_status: Some(401),
        error_body: Some(body),
        ..Behavior::default()
    });
    let (code, _, stderr) = run_checked(&mut live(&server, &[]), &server, &[]);
    assert_eq!(code, 3);
    assert!(stderr.contains("[redacted]"), "{stderr}");
    // The same failure in an audit's reports.
    let dir = tempfile::tempdir().unwrap();
    let path = config(
        dir.path(),
        &format!("auth_url = \"{0}\"\nbase_url = \"{0}\"", server.url()),
        "client_secret_env = \"JT_SECRET\"\n",
    );
    let reports: Vec<PathBuf> = [
        "json",
        "sarif",
        "junit",
        "markdown",
        "github",
        "summary",
        "checklist",
        "html",
        "csv",
    ]
    .iter()
    .map(|f| dir.path().join(format!("r.{f}")))
    .collect();
    let mut cmd = grantlint();
    cmd.env("JT_SECRET", SECRET).args(["audit", "--config"]).arg(&path);
    for r in &reports {
        cmd.arg("--output")
            .arg(format!("{}={}", r.extension().unwrap().to_string_lossy(), r.display()));
    }
    let files: Vec<&Path> = reports.iter().map(PathBuf::as_path).collect();
    let (code, stdout, _) = run_checked(&mut cmd, &server, &files);
    assert_eq!(code, 3);
    assert!(stdout.contains("authentication failed"), "{stdout}");
}

#[test]
fn a_probe_that_concludes_nothing_fails() {
    for (behavior, retries) in [
        (
            Behavior {
                probe_status: Some(404),
                ..Behavior::default()
            },
            "2",
        ),
        (
            Behavior {
                probe_status: Some(500),
                ..Behavior::default()
            },
            "0",
        ),
        (
            Behavior {
                probe_drop: true,
                ..Behavior::default()
            },
            "0",
        ),
    ] {
        let server = serve_one(behavior.clone());
        let (code, stdout, stderr) = run_checked(
            &mut live(
                &server,
                &["--probe", "--format", "json", "--retries", retries, "--timeout", "2"],
            ),
            &server,
            &[],
        );
        assert_eq!(code, 1, "{behavior:?}: {stderr}");
        let r = &serde_json::from_str::<Value>(&stdout).unwrap()["results"][0];
        let inconclusive = r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["kind"] == "probe-inconclusive" && f["fails"] == true)
            .count();
        assert!(inconclusive >= 2, "{behavior:?}: {r}");
        assert!(
            r["caveats"]
                .to_string()
                .contains(&format!("{inconclusive} inconclusive")),
            "{r}"
        );
    }
}

#[test]
fn only_the_boolean_true_makes_an_introspected_token_active() {
    for (body, said) in [
        (
            "{\"active\": \"true\", \"scope\": \"harvest:jobs:list\"}",
            "its `active` is \"true\", not the boolean true",
        ),
        (
            "{\"active\": 1, \"scope\": \"harvest:jobs:list\"}",
            "its `active` is 1, not the boolean true",
        ),
        ("{\"scope\": \"harvest:jobs:list\"}", "it has no `active` field"),
        ("{\"active\": false}", "it says the token is not active"),
    ] {
        let server = serve_one(Behavior {
            introspection_body: Some(body.into()),
            ..Behavior::default()
        });
        let (code, _, stderr) = run_checked(&mut live(&server, &[]), &server, &[]);
        assert_eq!(code, 3, "{body}: {stderr}");
        assert!(stderr.contains(said), "{body}: want {said:?} in\n{stderr}");
    }
}
