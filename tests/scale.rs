#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Fleet at scale": results stream (a reader gets the first while later credentials
//! are still being checked), jsonl is one result object per line in a deterministic order,
//! and a very large config still points at the right line. Speed itself is measured by
//! bench/run, not here.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::{grantlint, run, write};
use serde_json::Value;

const GRANTS: &str = "api: harvest-v3\ngranted: [harvest:jobs:list, harvest:offers:list]\n";

/// A config of offline credentials: `names` in order, each reading `grants/<name>.yaml`.
fn config(dir: &std::path::Path, names: &[String]) -> std::path::PathBuf {
    std::fs::create_dir_all(dir.join("grants")).unwrap();
    let mut text = String::new();
    for n in names {
        text.push_str(&format!(
            "[[credential]]\nname = \"{n}\"\nprofiles = [\"jobtarget\"]\ngrants = \"grants/{n}.yaml\"\n\n"
        ));
    }
    write(dir, "grantlint.toml", &text)
}

fn spawn(args: &[&str]) -> std::process::Child {
    Command::new(common::binary())
        .env_clear()
        .env("GRANTLINT_NOW", common::NOW)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// The second credential's grants file is a FIFO: reading it blocks until this test writes
/// it. The first result must already be on stdout while grantlint waits, in both streaming
/// formats (offline credentials run on a pool of threads).
#[cfg(target_os = "linux")]
#[test]
fn results_are_written_while_later_credentials_are_still_being_checked() {
    for format in ["jsonl", "summary"] {
        {
            let dir = tempfile::tempdir().unwrap();
            let names: Vec<String> = ["a-first", "b-blocked", "c-last"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let cfg = config(dir.path(), &names);
            write(&dir.path().join("grants"), "a-first.yaml", GRANTS);
            write(&dir.path().join("grants"), "c-last.yaml", GRANTS);
            let fifo = dir.path().join("grants/b-blocked.yaml");
            let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
            assert!(made.success());
            let how = "audit";
            let mut child = spawn(&["audit", "--format", format, "--config", cfg.to_str().unwrap()]);
            let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
            let first = lines.next().unwrap().unwrap();
            assert!(first.contains("a-first"), "{how} {format}: {first}");
            assert!(
                child.try_wait().unwrap().is_none(),
                "{how} {format}: grantlint is still checking b-blocked when a-first is out"
            );
            // Release the blocked credential; the rest follows, in order. (O_NONBLOCK: while
            // no reader has the FIFO open, opening it fails with ENXIO instead of hanging; the
            // worker that reads it may not have got there yet, so try for a while.)
            use std::os::unix::fs::OpenOptionsExt;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
            let mut writer = loop {
                match std::fs::OpenOptions::new().write(true).custom_flags(0o4000).open(&fifo) {
                    Ok(w) => break w,
                    Err(e) if e.raw_os_error() == Some(6) && std::time::Instant::now() < deadline => {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(e) => panic!("{how} {format}: grantlint never opened the FIFO for reading: {e}"),
                }
            };
            writer.write_all(GRANTS.as_bytes()).unwrap();
            drop(writer);
            let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(1), "{how} {format}");
            assert_eq!(rest.len(), 2, "{how} {format}: {rest:?}");
            assert!(rest[0].contains("b-blocked") && rest[1].contains("c-last"), "{rest:?}");
        }
    }
}

/// The same for live credentials (they run on the async runtime): the second one's token
/// request hangs, and the first result is out while grantlint waits for it.
#[test]
fn live_results_stream_too() {
    use fake_greenhouse::{Behavior, Config, Credential, Server};
    let cred = |id: &str, behavior| Credential {
        client_id: id.into(),
        secret: format!("secret-{id}"),
        scopes: vec!["harvest:jobs:list".into()],
        behavior,
    };
    let server = Server::start(
        Config {
            credentials: vec![
                cred("first", Behavior::default()),
                cred(
                    "hangs",
                    Behavior {
                        token_hang: true,
                        ..Behavior::default()
                    },
                ),
            ],
            ..Config::default()
        },
        0,
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!("auth_url = \"{0}\"\nbase_url = \"{0}\"\n", server.url());
    for id in ["first", "hangs"] {
        text.push_str(&format!(
            "[[credential]]\nname = \"{id}\"\nprofiles = [\"jobtarget\"]\nclient_id = \"{id}\"\nclient_secret_env = \"S_{id}\"\n"
        ));
    }
    let cfg = write(dir.path(), "grantlint.toml", &text);
    let mut child = Command::new(common::binary())
        .env_clear()
        .env("S_first", "secret-first")
        .env("S_hangs", "secret-hangs")
        .args([
            "audit",
            "--format",
            "jsonl",
            "--timeout",
            "120",
            "--retries",
            "0",
            "--config",
        ])
        .arg(&cfg)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first: Value = serde_json::from_str(&lines.next().unwrap().unwrap()).unwrap();
    assert_eq!(first["credential"], "first");
    assert!(child.try_wait().unwrap().is_none(), "still waiting for `hangs`");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn jsonl_is_one_check_result_per_line_in_config_order() {
    let dir = tempfile::tempdir().unwrap();
    // Names that sort differently from the config order.
    let names: Vec<String> = (0..60).map(|i| format!("cred-{:02}", (i * 37) % 60)).collect();
    let cfg = config(dir.path(), &names);
    for (i, n) in names.iter().enumerate() {
        let text = if i % 7 == 3 {
            "api: harvest-v3\ngranted: [nope]\n"
        } else {
            GRANTS
        };
        write(&dir.path().join("grants"), &format!("{n}.yaml"), text);
    }
    let (code, stdout, stderr) = run(grantlint().args(["audit", "--format", "jsonl", "--config"]).arg(&cfg));
    assert_eq!(code, 2, "some credentials have invalid grants files: {stderr}");
    let lines: Vec<Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), names.len());
    for (i, (line, name)) in lines.iter().zip(&names).enumerate() {
        assert_eq!(line["schema"], "grantlint.check.v1");
        assert_eq!(&line["credential"], name.as_str(), "line {i} is in config order");
        let want = if i % 7 == 3 { "error" } else { "fail" };
        assert_eq!(line["verdict"], want, "{name}");
    }
    // The same objects as the json format's results.
    let (_, json, _) = run(grantlint().args(["audit", "--format", "json", "--config"]).arg(&cfg));
    let json: Value = serde_json::from_str(&json).unwrap();
    for (line, result) in lines.iter().zip(json["results"].as_array().unwrap()) {
        let mut line = line.clone();
        line.as_object_mut().unwrap().remove("schema");
        assert_eq!(&line, result);
    }
}

#[test]
fn a_grants_dir_streams_in_file_name_order() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..500).map(|i| format!("{:04}", (i * 7919) % 500)).collect();
    for n in &names {
        write(dir.path(), &format!("{n}.yaml"), GRANTS);
    }
    let (_, stdout, _) = run(grantlint()
        .args(["check", "-p", "jobtarget", "--format", "jsonl", "--grants-dir"])
        .arg(dir.path()));
    let got: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["credential"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let mut want = names.clone();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_ten_thousand_credential_config_points_at_the_right_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::new();
    let mut line = 1;
    let mut bad_line = 0;
    for i in 0..10_000 {
        let profile = if i == 9_000 {
            bad_line = line + 2;
            "seekot"
        } else {
            "jobtarget"
        };
        text.push_str(&format!(
            "[[credential]]\nname = \"c{i:05}\"\nprofiles = [\"{profile}\"]\ngrants = \"g.yaml\"\n\n"
        ));
        line += 5;
    }
    let cfg = write(dir.path(), "grantlint.toml", &text);
    write(dir.path(), "g.yaml", GRANTS);
    let (code, _, stderr) = run(grantlint().args(["audit", "--config"]).arg(&cfg));
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("grantlint.toml:{bad_line}:13]")),
        "want line {bad_line} in:\n{stderr}"
    );
    assert!(stderr.contains("did you mean `seekout`?"), "{stderr}");
}
