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

/// Run and return (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run grantlint");
    (
        out.status.code().expect("exit code (not killed by a signal)"),
        String::from_utf8(out.stdout).expect("utf-8 stdout"),
        String::from_utf8(out.stderr).expect("utf-8 stderr"),
    )
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
