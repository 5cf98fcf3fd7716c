#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
#![allow(dead_code)]
//! Helpers shared by the integration tests: every test runs the real binary with a
//! scrubbed environment and a fixed clock.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub const NOW: &str = "2026-12-01T12:00:00Z";

/// The binary under test: this build's, or `GRANTLINT_TEST_BIN` (to show that a test fails
/// against an older build).
pub fn binary() -> PathBuf {
    std::env::var_os("GRANTLINT_TEST_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| assert_cmd::cargo::cargo_bin("grantlint"))
}

pub fn grantlint() -> Command {
    let mut cmd = Command::new(binary());
    cmd.env_clear().env("GRANTLINT_NOW", NOW).current_dir(root());
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run and return (exit code, stdout, stderr). Every JSON report the run writes (stdout or
/// an `--output` file, of `check`, `audit` or `usage`) must validate against its committed
/// schema (schema/*.json).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run grantlint");
    let (code, stdout, stderr) = (
        out.status.code().expect("exit code (not killed by a signal)"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    );
    validate_json_reports(cmd, &stdout);
    (code, stdout, stderr)
}

/// The JSON reports a run of `cmd` wrote: (schema file, format, text), for stdout and each
/// `--output json=PATH` / `jsonl=PATH` that exists.
pub fn json_reports(cmd: &Command, stdout: &str) -> Vec<(&'static str, String, String)> {
    let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
    let mut words = args.iter().map(String::as_str);
    let mut command = None;
    let (mut format, mut outputs) = (None, Vec::new());
    while let Some(a) = words.next() {
        match a {
            "--color" => {
                words.next();
            }
            "--format" => format = words.next(),
            "--output" => outputs.extend(words.next()),
            _ if a.starts_with("--format=") => format = a.strip_prefix("--format="),
            _ if a.starts_with("--output=") => outputs.extend(a.strip_prefix("--output=")),
            _ if command.is_none() && !a.starts_with('-') => command = Some(a),
            _ => {}
        }
    }
    let schema = match command {
        Some("check" | "audit") => "check.v1.schema.json",
        Some("usage") => "usage.v1.schema.json",
        _ => return Vec::new(),
    };
    let mut reports = Vec::new();
    if let Some(f @ ("json" | "jsonl")) = format
        && !stdout.is_empty()
    {
        reports.push((schema, f.to_string(), stdout.to_string()));
    }
    let dir = cmd.get_current_dir().map(Path::to_path_buf).unwrap_or_else(root);
    for o in outputs {
        if let Some((f @ ("json" | "jsonl"), path)) = o.split_once('=')
            && path != "-"
            && let Ok(text) = std::fs::read_to_string(dir.join(path))
        {
            reports.push((schema, f.to_string(), text));
        }
    }
    reports
}

fn validate_json_reports(cmd: &Command, stdout: &str) {
    for (schema, format, text) in json_reports(cmd, stdout) {
        let errors = schema_errors(schema, &format, &text);
        assert!(
            errors.is_empty(),
            "{format} output of {:?} does not validate against schema/{schema}: {errors:#?}",
            cmd.get_args().collect::<Vec<_>>()
        );
    }
}

/// A committed schema (schema/FILE), compiled once per test binary.
pub fn schema_validator(file: &'static str) -> &'static jsonschema::Validator {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static CACHE: OnceLock<Mutex<HashMap<&'static str, &'static jsonschema::Validator>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    cache.entry(file).or_insert_with(|| {
        let text = std::fs::read_to_string(root().join("schema").join(file)).unwrap();
        let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::options()
            .should_validate_formats(true)
            .build(&schema)
            .unwrap_or_else(|e| panic!("schema/{file} compiles: {e}"));
        Box::leak(Box::new(validator))
    })
}

/// Why `text` (a `json` document, or `jsonl` lines, each a result with `schema` in it) does
/// not validate against schema/FILE; empty when it does.
pub fn schema_errors(file: &'static str, format: &str, text: &str) -> Vec<String> {
    let validator = schema_validator(file);
    let documents: Vec<serde_json::Value> = if format == "jsonl" {
        // A line is one result of the document, with the document's `schema` in it.
        text.lines()
            .map(|l| {
                let mut result: serde_json::Value = serde_json::from_str(l).expect("a jsonl line is JSON");
                let schema = result.as_object_mut().and_then(|o| o.remove("schema"));
                serde_json::json!({ "schema": schema, "results": [result] })
            })
            .collect()
    } else {
        vec![serde_json::from_str(text).expect("a json report is JSON")]
    };
    documents
        .iter()
        .flat_map(|d| {
            validator
                .iter_errors(d)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect::<Vec<_>>()
        })
        .collect()
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

/// An unsigned JWT with the given claims (grantlint does not verify signatures).
pub fn jwt(claims: &str) -> String {
    use base64::Engine as _;
    let enc = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!(
        "{}.{}.{}",
        enc(r#"{"alg":"RS256","typ":"JWT"}"#),
        enc(claims),
        enc("signature")
    )
}
