#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! The GitHub Action (action.yml and the scripts in .github/action/), run locally: bash runs
//! the very scripts the action runs, with a fake runner environment (GITHUB_STEP_SUMMARY,
//! GITHUB_OUTPUT, GITHUB_PATH, RUNNER_*), the real grantlint binary, a release served from
//! a file:// directory and a fake cargo that records how it was called. Nothing here
//! touches the network.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");
const LINUX_X64: &str = "x86_64-unknown-linux-musl";

/// A fake runner: its files and directories in one temporary directory.
struct Runner {
    tmp: tempfile::TempDir,
}

impl Runner {
    fn new() -> Runner {
        let tmp = tempfile::tempdir().unwrap();
        for d in ["temp", "tool-cache", "releases"] {
            std::fs::create_dir_all(tmp.path().join(d)).unwrap();
        }
        for f in ["output", "path", "summary"] {
            std::fs::write(tmp.path().join(f), "").unwrap();
        }
        // A cargo that records its arguments and installs a grantlint into --root: the real
        // binary, or (FAKE_CARGO_VERSION) a stub that reports that version.
        let cargo = tmp.path().join("fake-cargo");
        std::fs::write(
            &cargo,
            r#"#!/usr/bin/env bash
set -eu
printf '%s\n' "$*" >>"$FAKE_CARGO_LOG"
root=""
while [ "$#" -gt 0 ]; do [ "$1" = --root ] && root=$2; shift; done
mkdir -p "$root/bin"
if [ -n "${FAKE_CARGO_VERSION:-}" ]; then
    printf '#!/bin/sh\necho "grantlint %s"\n' "$FAKE_CARGO_VERSION" >"$root/bin/grantlint"
else
    cp "$FAKE_CARGO_BINARY" "$root/bin/grantlint"
fi
chmod +x "$root/bin/grantlint"
"#,
        )
        .unwrap();
        make_executable(&cargo);
        Runner { tmp }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// `bash .github/action/SCRIPT ARGS` in the fake runner's environment.
    fn script(&self, script: &str) -> Command {
        let mut cmd = Command::new("bash");
        cmd.arg(common::root().join(".github/action").join(script))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap())
            .env("GRANTLINT_NOW", common::NOW)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .env("RUNNER_TEMP", self.path("temp"))
            .env("RUNNER_TOOL_CACHE", self.path("tool-cache"))
            .env("GITHUB_OUTPUT", self.path("output"))
            .env("GITHUB_PATH", self.path("path"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary"))
            .env("GITHUB_ACTION_PATH", common::root())
            .env("ACTION_REPOSITORY", "example-org/grantlint")
            .env(
                "GRANTLINT_ACTION_RELEASES_URL",
                format!("file://{}", self.path("releases").display()),
            )
            .env("GRANTLINT_ACTION_CARGO", self.path("fake-cargo"))
            .env("FAKE_CARGO_LOG", self.path("cargo-calls"))
            .env("FAKE_CARGO_BINARY", common::binary())
            .current_dir(common::root());
        cmd
    }

    /// The run step with the real grantlint.
    fn run_step(&self, args: &str) -> Command {
        let mut cmd = self.script("run.sh");
        cmd.env("INPUT_ARGS", args).env("GRANTLINT_BIN", common::binary());
        cmd
    }

    /// Every `name=value` line the scripts wrote to GITHUB_OUTPUT (the last one wins).
    fn outputs(&self) -> HashMap<String, String> {
        let text = std::fs::read_to_string(self.path("output")).unwrap();
        text.lines()
            .map(|l| {
                let (k, v) = l.split_once('=').unwrap_or_else(|| panic!("not name=value: {l:?}"));
                (k.to_string(), v.to_string())
            })
            .collect()
    }

    fn summary(&self) -> String {
        std::fs::read_to_string(self.path("summary")).unwrap()
    }

    fn cargo_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.path("cargo-calls"))
            .map(|t| t.lines().map(str::to_string).collect())
            .unwrap_or_default()
    }

    /// Publish release `version` for `target` with the release workflow's packaging script.
    /// Its binary is a small stand-in that runs the real one (a debug build is too large to
    /// compress in every test).
    fn publish(&self, version: &str, target: &str) -> PathBuf {
        let dir = self.path("releases").join(format!("v{version}"));
        let stub = self.path("stub/grantlint");
        std::fs::create_dir_all(stub.parent().unwrap()).unwrap();
        std::fs::write(
            &stub,
            format!("#!/bin/sh\nexec '{}' \"$@\"\n", common::binary().display()),
        )
        .unwrap();
        make_executable(&stub);
        let out = Command::new("bash")
            .arg(common::root().join(".github/action/package.sh"))
            .args([target, version])
            .arg(&stub)
            .arg(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        dir.join(format!("grantlint-v{version}-{target}.tar.gz"))
    }

    fn installed(&self, version: &str, target: &str) -> PathBuf {
        self.path("tool-cache")
            .join(format!("grantlint/{version}/{target}/bin/grantlint"))
    }
}

fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

/// (exit code, stdout, stderr).
fn exec(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().expect("not killed by a signal"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn version_of(bin: &Path) -> String {
    let out = Command::new(bin).arg("--version").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

// ---- install.sh ------------------------------------------------------------------------

#[test]
fn resolve_names_the_cache_directory_and_key_of_the_version_and_platform() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(r.script("install.sh").arg("--resolve").env("INPUT_VERSION", "v1.2.3"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let o = r.outputs();
    assert_eq!(o["version"], "1.2.3");
    assert_eq!(o["target"], LINUX_X64);
    assert_eq!(o["key"], format!("grantlint-1.2.3-{LINUX_X64}-Linux-X64"));
    assert_eq!(
        PathBuf::from(&o["dir"]),
        r.path("tool-cache").join(format!("grantlint/1.2.3/{LINUX_X64}"))
    );
    // macOS on Apple silicon and Windows get their own binaries.
    for (os, arch, target) in [
        ("macOS", "ARM64", "aarch64-apple-darwin"),
        ("Windows", "X64", "x86_64-pc-windows-msvc"),
        ("Linux", "ARM64", "aarch64-unknown-linux-musl"),
    ] {
        let r = Runner::new();
        exec(
            r.script("install.sh")
                .arg("--resolve")
                .env("RUNNER_OS", os)
                .env("RUNNER_ARCH", arch),
        );
        assert_eq!(r.outputs()["target"], target, "{os}/{arch}");
        assert_eq!(
            r.outputs()["version"],
            VERSION,
            "the default is the action's own version"
        );
    }
}

#[test]
fn install_prefers_the_release_binary_then_uses_the_cache() {
    let r = Runner::new();
    r.publish(VERSION, LINUX_X64);
    let (code, stdout, stderr) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let bin = r.installed(VERSION, LINUX_X64);
    let o = r.outputs();
    assert_eq!(o["source"], "release");
    assert_eq!(PathBuf::from(&o["path"]), bin);
    assert_eq!(o["version"], VERSION);
    assert_eq!(version_of(&bin), format!("grantlint {VERSION}"));
    assert_eq!(
        std::fs::read_to_string(r.path("path")).unwrap(),
        format!("{}\n", bin.parent().unwrap().display())
    );
    assert!(r.cargo_calls().is_empty(), "cargo ran: {:?}", r.cargo_calls());

    // Next run (actions/cache restored the directory): no download, no build.
    std::fs::remove_dir_all(r.path("releases")).unwrap();
    let (code, stdout, stderr) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(r.outputs()["source"], "cache");
    assert!(r.cargo_calls().is_empty());
}

#[test]
fn a_checksum_mismatch_stops_the_job_and_is_never_fixed_by_building() {
    let r = Runner::new();
    let archive = r.publish(VERSION, LINUX_X64);
    let sums = PathBuf::from(format!("{}.sha256", archive.display()));
    let name = archive.file_name().unwrap().to_str().unwrap();
    std::fs::write(&sums, format!("{}  {name}\n", "0".repeat(64))).unwrap();
    let (code, stdout, _) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains("::error") && stdout.contains("checksum mismatch"),
        "{stdout}"
    );
    assert!(!r.installed(VERSION, LINUX_X64).exists());
    assert!(r.cargo_calls().is_empty());
    assert!(!r.outputs().contains_key("path"));

    // A tampered archive with the original checksum fails the same way.
    let r = Runner::new();
    let archive = r.publish(VERSION, LINUX_X64);
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.extend_from_slice(b"tampered");
    std::fs::write(&archive, bytes).unwrap();
    let (code, stdout, _) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("checksum mismatch"), "{stdout}");
}

#[test]
fn without_a_release_binary_the_action_builds_its_own_source_with_cargo() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(
        stdout.contains("::notice") && stdout.contains("no release binary"),
        "{stdout}"
    );
    let dir = r.path("tool-cache").join(format!("grantlint/{VERSION}/{LINUX_X64}"));
    assert_eq!(
        r.cargo_calls(),
        [format!(
            "install --locked --path {} --root {}",
            common::root().display(),
            dir.display()
        )]
    );
    assert_eq!(r.outputs()["source"], "cargo");

    // A release without a checksum is not trusted either: built instead.
    let r = Runner::new();
    let archive = r.publish(VERSION, LINUX_X64);
    std::fs::remove_file(format!("{}.sha256", archive.display())).unwrap();
    let (code, stdout, _) = exec(&mut r.script("install.sh"));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("no checksum"), "{stdout}");
    assert_eq!(r.outputs()["source"], "cargo");

    // A platform without a prebuilt binary: built, with no download tried.
    let r = Runner::new();
    r.publish(VERSION, LINUX_X64);
    let (code, stdout, _) = exec(r.script("install.sh").env("RUNNER_ARCH", "S390X"));
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("no prebuilt grantlint for Linux/S390X"), "{stdout}");
    assert_eq!(r.outputs()["source"], "cargo");
}

#[test]
fn another_version_than_the_actions_is_built_from_its_release_tag() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(
        r.script("install.sh")
            .env("INPUT_VERSION", "v9.9.9")
            .env("FAKE_CARGO_VERSION", "9.9.9"),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    let dir = r.path("tool-cache").join(format!("grantlint/9.9.9/{LINUX_X64}"));
    assert_eq!(
        r.cargo_calls(),
        [format!(
            "install --locked --git https://github.com/example-org/grantlint --tag v9.9.9 --root {} grantlint",
            dir.display()
        )]
    );
    // What cargo installed must be the version asked for.
    let r = Runner::new();
    let (code, stdout, _) = exec(
        r.script("install.sh")
            .env("INPUT_VERSION", "9.9.9")
            .env("FAKE_CARGO_VERSION", "9.9.8"),
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("does not report grantlint 9.9.9"), "{stdout}");
}

#[test]
fn a_version_that_is_not_a_release_version_is_refused_before_anything_runs() {
    for bad in [
        "latest",
        "1.0; touch pwned",
        "../../1.0.0",
        "1.0.0\nsource=evil",
        "$(id)",
    ] {
        let r = Runner::new();
        let (code, stdout, _) = exec(r.script("install.sh").env("INPUT_VERSION", bad));
        assert_eq!(code, 2, "{bad:?}: {stdout}");
        assert!(stdout.contains("::error"), "{stdout}");
        assert!(r.cargo_calls().is_empty());
        assert_eq!(std::fs::read_to_string(r.path("output")).unwrap(), "");
        assert!(!common::root().join("pwned").exists());
    }
}

// ---- run.sh ----------------------------------------------------------------------------

const PASSING: &str = "check -p jobtarget --grants examples/grants/jobtarget-exact.yaml";
const FAILING: &str = "check -p seekout --grants examples/grants/seekout-overgranted.yaml";

/// The Markdown report grantlint itself writes for these arguments.
fn markdown_of(args: &[&str]) -> String {
    let (_, stdout, _) = common::run(common::grantlint().args(args).args(["--format", "markdown"]));
    stdout
}

#[test]
fn a_passing_run_exits_0_and_puts_the_markdown_report_in_the_job_summary() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(&mut r.run_step(PASSING));
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = r.summary();
    assert!(summary.contains("jobtarget"), "{summary}");
    assert_eq!(
        summary,
        markdown_of(&[
            "check",
            "-p",
            "jobtarget",
            "--grants",
            "examples/grants/jobtarget-exact.yaml"
        ])
    );
    let o = r.outputs();
    assert_eq!(o["exit-code"], "0");
    assert!(Path::new(&o["markdown"]).is_file());
    assert!(!o.contains_key("sarif"));
}

#[test]
fn a_failing_run_exits_1_with_annotations_in_the_log_and_the_report_in_the_summary() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(&mut r.run_step(FAILING));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stdout.contains("::error file=examples/grants/seekout-overgranted.yaml,line=14,"),
        "{stdout}"
    );
    assert!(stdout.contains("excess harvest:candidates:destroy"), "{stdout}");
    assert_eq!(
        r.summary(),
        markdown_of(&[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml"
        ])
    );
    assert_eq!(r.outputs()["exit-code"], "1");
}

#[test]
fn an_input_error_exits_2_and_the_summary_says_so() {
    let r = Runner::new();
    let (code, stdout, stderr) = exec(&mut r.run_step("check -p seekout --grants no-such-file.yaml"));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("no-such-file.yaml"), "{stderr}");
    let summary = r.summary();
    assert!(
        summary.contains("exited with code 2 (a usage or input error)"),
        "{summary}"
    );
    assert_eq!(r.outputs()["exit-code"], "2");
    // And an unknown profile, after grantlint has started.
    let r = Runner::new();
    let (code, ..) = exec(&mut r.run_step("check -p no-such-partner --grants examples/grants/jobtarget-exact.yaml"));
    assert_eq!(code, 2);
}

#[test]
fn a_report_larger_than_a_job_summary_holds_is_cut_at_a_line_end_and_says_so() {
    let r = Runner::new();
    // A stand-in grantlint that writes a 2 MB Markdown report of numbered lines and fails.
    let bin = r.path("big-grantlint");
    std::fs::write(
        &bin,
        r#"#!/usr/bin/env bash
for a in "$@"; do case "$a" in markdown=*) md=${a#markdown=} ;; esac; done
awk 'BEGIN { for (i = 1; i <= 40000; i++) printf "| line %05d | %s |\n", i, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" }' >"$md"
exit 1
"#,
    )
    .unwrap();
    make_executable(&bin);
    let (code, stdout, stderr) = exec(r.run_step("audit").env("GRANTLINT_BIN", &bin));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = r.summary();
    assert!(summary.len() <= 1024 * 1024, "{} bytes", summary.len());
    assert!(summary.len() > 900_000, "{} bytes", summary.len());
    let (report, note) = summary.split_once("\n\n**The report is cut here**").expect("the note");
    assert!(note.contains("`markdown` output"), "{note}");
    let last = report.lines().last().unwrap();
    assert!(
        last.starts_with("| line ") && last.ends_with(" |"),
        "cut mid-line: {last:?}"
    );
    assert!(stdout.contains("::warning"), "{stdout}");
    let whole = std::fs::read_to_string(&r.outputs()["markdown"]).unwrap();
    assert_eq!(whole.lines().count(), 40000);
}

#[test]
fn the_sarif_file_is_written_when_asked_even_to_a_path_with_spaces() {
    let r = Runner::new();
    let sarif = r.path("reports dir/grant lint.sarif");
    let (code, stdout, stderr) = exec(r.run_step(FAILING).env("INPUT_SARIF", &sarif));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(v["version"], "2.1.0");
    assert!(!v["runs"][0]["results"].as_array().unwrap().is_empty());
    assert_eq!(PathBuf::from(&r.outputs()["sarif"]), sarif);
    // The summary still holds the Markdown report: one run wrote both.
    assert!(r.summary().contains("seekout"));
}

#[test]
fn inputs_with_spaces_quotes_and_shell_syntax_are_neither_split_nor_run() {
    let r = Runner::new();
    // A grants file whose name is shell syntax, in a folder with a space.
    let dir = r.path("my grants");
    std::fs::create_dir_all(&dir).unwrap();
    let grants = dir.join("g $(touch pwned1) `touch pwned2`.yaml");
    std::fs::copy(common::root().join("examples/grants/seekout-overgranted.yaml"), &grants).unwrap();
    let args = format!(
        r#"check -p seekout --grants '{}' --credential 'it'\''s "ours" $HOME $(touch pwned3) *'"#,
        grants.display()
    );
    let (code, stdout, stderr) = exec(r.run_step(&args).current_dir(r.tmp.path()).env("HOME", "/home/nobody"));
    assert_eq!(code, 1, "{stdout}{stderr}");
    let summary = r.summary();
    // As one argument, Markdown-escaped in the report (parentheses and `*` would format).
    assert!(
        summary.contains(r#"it's "ours" $HOME $\(touch pwned3\) \*"#),
        "{summary}"
    );
    assert!(!summary.contains("/home/nobody"), "{summary}");
    for marker in ["pwned1", "pwned2", "pwned3"] {
        assert!(
            !r.path(marker).exists() && !common::root().join(marker).exists(),
            "{marker} ran"
        );
    }

    // A config path with spaces and shell syntax reaches audit as one path.
    let r = Runner::new();
    let cfg_dir = r.path("conf $(touch pwned4)");
    std::fs::create_dir_all(&cfg_dir).unwrap();
    std::fs::copy(
        common::root().join("examples/grants/jobtarget-exact.yaml"),
        cfg_dir.join("jt.yaml"),
    )
    .unwrap();
    std::fs::write(
        cfg_dir.join("grant lint.toml"),
        "[[credential]]\nname = \"jt\"\nprofiles = [\"jobtarget\"]\ngrants = \"jt.yaml\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = exec(
        r.run_step("audit")
            .current_dir(r.tmp.path())
            .env("INPUT_CONFIG", cfg_dir.join("grant lint.toml")),
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(r.summary().contains("jt"), "{}", r.summary());
    assert!(!r.path("pwned4").exists());
}

#[test]
fn bad_args_are_refused_with_exit_2_before_grantlint_runs() {
    for (args, why) in [
        (r#"check -p "seekout"#, "cannot split the args input"),
        ("lint profiles/", "must start with audit or check"),
        (&format!("{FAILING} --format json"), "must not set --format"),
        (&format!("{FAILING} --format=sarif"), "must not set --format"),
    ] {
        let r = Runner::new();
        let (code, stdout, _) = exec(&mut r.run_step(args));
        assert_eq!(code, 2, "{args}: {stdout}");
        assert!(stdout.contains("::error") && stdout.contains(why), "{args}: {stdout}");
        assert_eq!(r.outputs()["exit-code"], "2");
    }
    let r = Runner::new();
    let (code, stdout, _) = exec(r.run_step(FAILING).env("INPUT_SARIF", "a.sarif\nexit-code=0"));
    assert_eq!(code, 2, "{stdout}");
    assert_eq!(r.outputs()["exit-code"], "2");
}

#[test]
fn the_default_args_audit_the_discovered_config_and_a_missing_config_fails() {
    let r = Runner::new();
    let repo = r.path("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("sub")).unwrap();
    std::fs::copy(
        common::root().join("examples/grants/seekout-overgranted.yaml"),
        repo.join("so.yaml"),
    )
    .unwrap();
    std::fs::write(
        repo.join("grantlint.toml"),
        "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = \"so.yaml\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = exec(r.run_step("").current_dir(repo.join("sub")));
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("::error file=../so.yaml"), "{stdout}");
    assert!(
        stderr.contains("config ../grantlint.toml (discovered in the parent directory)"),
        "{stderr}"
    );
    assert!(r.summary().contains("seekout-prod"));

    let r2 = Runner::new();
    let (code, _, stderr) = exec(r2.run_step("audit").current_dir(&repo).env("INPUT_CONFIG", "nope.toml"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("GRANTLINT_CONFIG names nope.toml"), "{stderr}");
    assert_eq!(r2.outputs()["exit-code"], "2");
}

// ---- action.yml and the workflows ------------------------------------------------------

fn yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(common::root().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn action_yml_is_composite_with_described_inputs_and_no_expression_in_shell_source() {
    let a = yaml("action.yml");
    for input in ["config", "args", "version", "sarif"] {
        let d = a["inputs"][input]["description"].as_str().unwrap_or_default();
        assert!(d.len() > 40, "input {input} needs a description");
    }
    assert_eq!(a["runs"]["using"], "composite");
    let steps = a["runs"]["steps"].as_array().unwrap();
    let mut scripts = Vec::new();
    for step in steps {
        if let Some(run) = step["run"].as_str() {
            assert!(!run.contains("${{"), "an expression in shell source: {run}");
            assert_eq!(step["shell"], "bash");
            scripts.push(run.to_string());
        }
        // Inputs reach the scripts through env only.
        if let Some(env) = step["env"].as_object() {
            for v in env.values() {
                let v = v.as_str().unwrap();
                assert!(v.starts_with("${{") && v.ends_with("}}"), "{v}");
            }
        }
    }
    let uses: Vec<&str> = steps.iter().filter_map(|s| s["uses"].as_str()).collect();
    assert!(uses.iter().any(|u| u.starts_with("actions/cache@")), "{uses:?}");
    assert!(
        uses.iter().any(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{uses:?}"
    );
    for script in ["install.sh\" --resolve", "install.sh\"", "run.sh\""] {
        assert!(scripts.iter().any(|s| s.ends_with(script)), "{script} in {scripts:?}");
    }
    let upload = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("upload-sarif")))
        .unwrap();
    assert!(
        upload["if"].as_str().unwrap().contains("always()"),
        "SARIF is uploaded when findings fail too"
    );
}

#[test]
fn the_example_workflow_uses_the_action_and_the_release_workflow_packages_every_platform() {
    let w = yaml("examples/ci/github-actions.yml");
    let steps = w["jobs"]["grantlint"]["steps"].as_array().unwrap();
    let action = steps
        .iter()
        .find(|s| s["uses"].as_str().is_some_and(|u| u.contains("/grantlint@")))
        .expect("a step uses the grantlint action");
    assert_eq!(action["with"]["sarif"], "grantlint.sarif");
    for s in steps {
        if let Some(run) = s["run"].as_str() {
            assert!(!run.contains("${{"), "{run}");
        }
    }
    let text = std::fs::read_to_string(common::root().join("examples/ci/github-actions.yml")).unwrap();
    assert!(
        !text.contains("cargo install"),
        "the example installs through the action"
    );

    let rel = yaml(".github/workflows/release.yml");
    let targets: Vec<&str> = rel["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    // Every platform the action downloads for.
    for t in [
        LINUX_X64,
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.contains(&t), "{t} in {targets:?}");
    }
    let release = std::fs::read_to_string(common::root().join(".github/workflows/release.yml")).unwrap();
    assert!(
        release.contains(".github/action/package.sh"),
        "the release packages as install.sh expects"
    );
}
