#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Readable at the terminal's width: with `COLUMNS` set, no line of a text output is wider
//! (measured in display columns), and a permission string the JSON output of the same run
//! names is never cut: it stands whole on one line of the text.

mod common;

use common::{grantlint, run};
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

const WIDTHS: [usize; 2] = [80, 60];

/// Scopes, v1 labels and `METHOD /path` keys: what a user copies out of a table.
fn is_permission(s: &str) -> bool {
    let methods = ["GET", "POST", "PATCH", "PUT", "DELETE"];
    s.starts_with("harvest:")
        || methods
            .iter()
            .any(|m| s.starts_with(&format!("{m}: ")) || s.starts_with(&format!("{m} /")))
}

/// Every permission string in `json` under a key whose value a text output shows.
fn permissions(json: &Value, keys: &[&str], out: &mut Vec<String>) {
    match json {
        Value::Object(map) => {
            for (k, v) in map {
                if keys.contains(&k.as_str()) {
                    let mut strings = Vec::new();
                    match v {
                        Value::String(s) => strings.push(s.clone()),
                        Value::Array(a) => strings.extend(a.iter().filter_map(|x| x.as_str().map(String::from))),
                        _ => {}
                    }
                    out.extend(strings.into_iter().filter(|s| is_permission(s)));
                }
                permissions(v, keys, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|v| permissions(v, keys, out)),
        _ => {}
    }
}

/// Run `args` with COLUMNS=`width`; its stdout and exit code.
fn text(args: &[&str], width: usize) -> (i32, String) {
    let (code, out, err) = run(grantlint().args(args).env("COLUMNS", width.to_string()));
    assert!(code == 0 || code == 1, "{args:?}: exit {code}\n{err}");
    (code, out)
}

/// No line is wider than `width`, but for a line that is one permission string or URL wider
/// than the width itself (`GET: List Demographic Answer Options for Demographic Question` is
/// 61 columns): cutting it would make it uncopyable, so it starts a line of its own.
fn assert_fits(what: &str, out: &str, width: usize) {
    for line in out.lines() {
        // Exempt only a line that is nothing but one permission string, URL or path (what
        // cannot be cut), not any line that starts with one.
        let trimmed = line.trim();
        let url = (trimmed.starts_with("https://") || trimmed.contains('/')) && !trimmed.contains(' ');
        let permission = is_permission(trimmed) && !trimmed.contains("  ");
        let alone = (permission || url) && line.width() > width;
        assert!(
            line.width() <= width || alone,
            "{what} at COLUMNS={width}: a line of {} columns:\n{line}\n---\n{out}",
            line.width()
        );
    }
}

/// The text output fits the width; every permission string of the JSON output (the same
/// run with `--format json`) that `keys` name stands whole on one line of it.
fn check(args: &[&str], keys: &[&str], expect: &[&str]) {
    for width in WIDTHS {
        let (code, out) = text(args, width);
        assert_fits(&format!("{args:?}"), &out, width);
        let mut json_args = args.to_vec();
        json_args.extend(["--format", "json"]);
        let (json_code, json) = text(&json_args, width);
        assert_eq!(code, json_code, "{args:?}: the text and JSON runs disagree");
        let json: Value = serde_json::from_str(&json).expect("JSON output");
        let mut perms = Vec::new();
        permissions(&json, keys, &mut perms);
        for p in expect {
            assert!(perms.iter().any(|x| x == p), "{args:?}: the JSON lacks {p}");
        }
        assert!(!perms.is_empty(), "{args:?}: no permission string in the JSON");
        for p in &perms {
            assert!(
                out.lines().any(|l| l.contains(p.as_str())),
                "{args:?} at COLUMNS={width}: `{p}` is not whole on any line:\n{out}"
            );
        }
    }
}

#[test]
fn check_table_fits_and_keeps_permissions_whole() {
    check(
        &[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
        ],
        &["permission"],
        &["harvest:close_reasons:list", "harvest:candidates:destroy"],
    );
    // A v1 key against a v1 profile: labels in the table, a long one among them.
    let dir = tempfile::tempdir().unwrap();
    let grants = common::write(
        dir.path(),
        "v1-key.yaml",
        "credential: v1-key\napi: harvest-v1\ngranted:\n  - \"DELETE: Delete Application\"\n  \
         - \"GET: List Demographic Answer Options for Demographic Question\"\n  - \"GET: List Candidates\"\n",
    );
    check(
        &["check", "-p", "cronofy-v1", "--grants", grants.to_str().unwrap()],
        &["permission"],
        &[
            "DELETE /v1/applications/{id}",
            "GET /v1/demographics/questions/{id}/answer_options",
        ],
    );
}

#[test]
fn audit_fits_and_keeps_permissions_whole() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let config = common::write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = \"{}\"\n\n\
             [[credential]]\nname = \"cronofy-v1\"\nprofiles = [\"cronofy-v1\"]\ngrants = \"{}\"\n\n\
             [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:departments:list\"\n\
             reason = \"SeekOut maps requisitions to departments (ticket SEC-1234)\"\nexpires = 2027-01-31\n",
            root.join("examples/grants/seekout-overgranted.yaml").display(),
            root.join("examples/grants/cronofy-v1-key.yaml").display()
        ),
    );
    let config = config.to_str().unwrap();
    check(
        &["audit", "--config", config],
        &["permission"],
        &["harvest:departments:list", "harvest:users:create"],
    );
}

#[test]
fn catalog_fits_and_keeps_permissions_whole() {
    check(
        &["catalog"],
        &["scope", "key", "label", "v3_scopes"],
        &[
            "harvest:applications:unreject",
            "DELETE /v1/applications/{id}",
            "GET: List Demographic Answer Options for Demographic Question",
        ],
    );
}

#[test]
fn diff_fits_and_keeps_permissions_whole() {
    check(
        &["diff", "cronofy-v1", "cronofy"],
        &["permission"],
        &["harvest:application_stages:list"],
    );
}

#[test]
fn usage_fits_and_keeps_permissions_whole() {
    check(
        &["usage", "--requests", "tests/data/captures/integration.har"],
        &["permission", "scope", "key"],
        &[],
    );
}

/// Outputs without a JSON twin, or whose JSON says more than the text shows: they fit the
/// width, and the permission strings named here by hand stand whole.
#[test]
fn prose_outputs_fit() {
    let runs: &[(&[&str], &[&str])] = &[
        (
            &[
                "check",
                "-p",
                "seekout",
                "--grants",
                "examples/grants/seekout-overgranted.yaml",
                "--format",
                "checklist",
            ],
            &[
                "harvest:candidates:destroy",
                "harvest:close_reasons:list",
                "List close reasons",
            ],
        ),
        (
            &[
                "check",
                "-p",
                "planted",
                "--grants",
                "examples/grants/planted-harvest.toml",
                "--format",
                "checklist",
            ],
            &[],
        ),
        (
            &["explain", "DELETE /v1/applications/{id}"],
            &["DELETE /v1/applications/{id}", "harvest:applications:destroy"],
        ),
        (
            &["explain", "harvest:candidates:list"],
            &["GET /v3/candidates", "GET: List Candidates"],
        ),
        (&["explain", "excess"], &[]),
        (&["explain"], &["wrong-credential-type"]),
        (&["lint", "profiles/"], &[]),
        (&["profiles", "list"], &["candidate-fyi-v3", "okta-workflows"]),
        (
            &["profiles", "show", "seekout"],
            &["GET /v1/candidates", "GET: List Candidates"],
        ),
        (&["diff", "cronofy-v1", "cronofy"], &["harvest:application_stages:list"]),
        (&["usage", "--requests", "tests/data/captures/integration.har"], &[]),
        (
            &["config", "--config", "examples/ci/grantlint.toml"],
            &["harvest:departments:list"],
        ),
        (
            &["catalog", "diff", "--spec", "catalog/reference/harvest_v3.openapi.json"],
            &[],
        ),
        (
            &[
                "audit",
                "--config",
                "examples/ci/grantlint.toml",
                "--credential",
                "jobtarget-prod",
            ],
            &["harvest:job_posts:list"],
        ),
    ];
    for (args, whole) in runs {
        for width in WIDTHS {
            let (_, out) = text(args, width);
            assert_fits(&format!("{args:?}"), &out, width);
            for p in *whole {
                assert!(
                    out.lines().any(|l| l.contains(p)),
                    "{args:?} at COLUMNS={width}: `{p}` is not whole on any line:\n{out}"
                );
            }
        }
    }
}

#[test]
fn help_fits() {
    for width in WIDTHS {
        for args in [&["--help"][..], &["check", "--help"], &["usage", "--help"]] {
            let (_, out) = text(args, width);
            assert_fits(&format!("{args:?}"), &out, width);
        }
    }
}

/// Narrower still: the outputs grantlint lays out itself (not clap's usage line, not miette's
/// labels) fit 50 and 40 columns.
#[test]
fn the_own_layouts_fit_narrow_terminals() {
    let runs: &[&[&str]] = &[
        &["explain", "--kinds"],
        &["explain", "excess"],
        &["config", "--config", "examples/ci/grantlint.toml"],
        &[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
        ],
        &[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--format",
            "checklist",
        ],
    ];
    for args in runs {
        for width in [50, 40] {
            let (_, out) = text(args, width);
            assert_fits(&format!("{args:?}"), &out, width);
        }
    }
}
