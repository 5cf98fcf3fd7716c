#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Hostile input to every reader (profiles, grants, config, tokens): each case exits 2 with
//! a clear message, in bounded time, under a 256 MiB address-space limit, and never panics.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::grantlint;

const LIMIT_AS: &str = "268435456";

fn alias_bomb(tail: &str) -> Vec<u8> {
    let mut s = String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    for w in names.windows(2) {
        s.push_str(&format!(
            "{}: &{} [{}]\n",
            w[1],
            w[1],
            vec![format!("*{}", w[0]); 10].join(",")
        ));
    }
    s.push_str(tail);
    s.into_bytes()
}

fn cases(kind: &str, ext: &str) -> Vec<(&'static str, Vec<u8>, &'static str)> {
    let nested = |open: &str, close: &str, prefix: &str| {
        format!("{prefix}{}{}", open.repeat(20_000), close.repeat(20_000)).into_bytes()
    };
    let mut v: Vec<(&'static str, Vec<u8>, &'static str)> = vec![
        ("huge", vec![b'#'; 5 * 1024 * 1024], "larger than the 4 MiB limit"),
        (
            "binary",
            vec![0x7f, b'E', b'L', b'F', 2, 1, 1, 0, 0, 0, 0xff, 0xd8],
            "binary file",
        ),
        ("latin1", b"name = \"caf\xe9\"\n".to_vec(), "not valid UTF-8"),
        (
            "long-line",
            format!("name = \"{}\n", "y".repeat(2_000_000)).into_bytes(),
            // Not a mapping (YAML), not JSON, an unterminated string (TOML): each said so,
            // with the position in words instead of a quote of the 2 MB line.
            match (kind, ext) {
                ("profile", _) => "expected mapping start (at ",
                (_, "json") => "invalid JSON: expected ident (at ",
                (_, "toml") => "invalid basic string, expected `\"` (at ",
                _ => "neither a grants file nor an introspection response",
            },
        ),
    ];
    if ext == "yaml" {
        // A profile rejects the bomb's first unknown key before expanding anything; grants
        // skip unknown keys, so they meet the alias budget.
        let bomb_message = if kind == "profile" {
            "unknown key `a`"
        } else {
            "alias replay limit exceeded"
        };
        v.push((
            "bomb",
            alias_bomb("api: harvest-v3\npermissions: *i\ngranted: *i\n"),
            bomb_message,
        ));
        v.push((
            "deep",
            nested("[", "]", "api: harvest-v3\npermissions: "),
            "recursion limit exceeded",
        ));
        // Unknown keys are skipped (grants) or rejected at once (profiles: before any depth).
        let (prefix, message) = if kind == "profile" {
            ("x: ", "unknown key `x`")
        } else {
            ("x: ", "nests deeper than 64 levels")
        };
        v.push(("deep-map", nested("{a: ", "}", prefix), message));
        v.push(("empty", Vec::new(), "the file is empty"));
        v.push((
            "multi-doc",
            if kind == "profile" {
                b"name: X\napi: harvest-v3\npermissions: []\n---\napi: harvest-v1\n".to_vec()
            } else {
                b"api: harvest-v3\ngranted: []\n---\napi: harvest-v1\n".to_vec()
            },
            "holds more than one YAML document",
        ));
    } else if ext == "json" {
        v.push(("deep", nested("[", "]", ""), "recursion limit exceeded"));
        let deep_map = format!("{}1{}", "{\"a\": ".repeat(20_000), "}".repeat(20_000)).into_bytes();
        v.push(("deep-map", deep_map, "nests deeper than 64 levels"));
        v.push((
            "trailing-garbage",
            b"{\"api\": \"harvest-v3\", \"granted\": []} xyz".to_vec(),
            "invalid JSON",
        ));
    } else {
        v.push(("deep", nested("[", "]", "a = "), "max recursion depth"));
        v.push(("deep-table", nested("{a=", "}", "b = "), "max recursion depth"));
    }
    v
}

/// `prlimit`, which caps the address space of the runs: without it the limits below would
/// not be tested, so its absence fails the test (.ci/run installs util-linux when missing).
fn prlimit() -> std::path::PathBuf {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join("prlimit"))
        .chain([std::path::PathBuf::from("/usr/bin/prlimit")])
        .find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("prlimit (util-linux) is not installed: these tests need it to bound memory"))
}

fn run_bounded(args: &[&str], file: &Path) -> (i32, String, Duration) {
    let mut cmd = std::process::Command::new(prlimit());
    cmd.arg(format!("--as={LIMIT_AS}")).arg("--").arg(common::binary());
    cmd.env_clear()
        .env("GRANTLINT_NOW", common::NOW)
        .current_dir(common::root())
        .args(args)
        .arg(file);
    let started = Instant::now();
    let out = cmd.output().expect("run grantlint");
    let text = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text, started.elapsed())
}

fn check_all(kind: &str, args: &[&str], ext: &str) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, message) in cases(kind, ext) {
        let path = dir.path().join(format!("{name}.{ext}"));
        std::fs::write(&path, &bytes).unwrap();
        let (code, text, took) = run_bounded(args, &path);
        let shown = &text[..text.len().min(1500)];
        assert_eq!(code, 2, "{kind}/{name}: exit {code}\n{shown}");
        assert!(text.contains(message), "{kind}/{name}: want {message:?}\n{shown}");
        assert!(
            !text.contains("panicked") && !text.contains("memory allocation"),
            "{kind}/{name}\n{shown}"
        );
        assert!(
            text.len() < 20_000,
            "{kind}/{name}: the message quotes a bounded snippet ({} bytes)",
            text.len()
        );
        assert!(took < Duration::from_secs(20), "{kind}/{name}: took {took:?}");
    }
}

#[test]
fn hostile_profiles() {
    check_all("profile", &["lint"], "yaml");
}

#[test]
fn hostile_grants() {
    check_all("grants", &["check", "-p", "seekout", "--grants"], "yaml");
}

#[test]
fn hostile_json_grants() {
    check_all("grants", &["check", "-p", "seekout", "--grants"], "json");
}

#[test]
fn hostile_config() {
    check_all("config", &["audit", "--config"], "toml");
}

#[test]
fn hostile_tokens() {
    use base64::Engine as _;
    let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    let deep = format!("{}1{}", "{\"a\":".repeat(5000), "}".repeat(5000));
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, message) in [
        ("huge", vec![b'e'; 5 * 1024 * 1024], "larger than 4 MiB"),
        ("binary", vec![0, 1, 2, 0xff, 0xfe], "not text"),
        (
            "deep",
            format!("{}.{}.c", enc("{}"), enc(&deep)).into_bytes(),
            "not a JSON object",
        ),
        (
            "array",
            format!("{}.{}.c", enc("{}"), enc("[1,2]")).into_bytes(),
            "not a JSON object",
        ),
        ("dots", ".".repeat(100_000).into_bytes(), "wrong number of parts"),
        ("empty", Vec::new(), "wrong number of parts"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        let (code, text, took) = run_bounded(&["check", "-p", "seekout", "--token"], &path);
        assert_eq!(code, 2, "token/{name}\n{}", &text[..text.len().min(1500)]);
        assert!(
            text.contains(message),
            "token/{name}: want {message:?}\n{}",
            &text[..text.len().min(1500)]
        );
        assert!(text.len() < 5_000, "token/{name}");
        assert!(took < Duration::from_secs(20));
    }
    // And on stdin.
    let out = grantlint()
        .args(["check", "-p", "seekout", "--token", "-"])
        .write_stdin(vec![b'x'; 5 * 1024 * 1024])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
