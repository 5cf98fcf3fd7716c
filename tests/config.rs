#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Config discovery (`--config` > `GRANTLINT_CONFIG` > grantlint.toml, .grantlint.toml,
//! .config/grantlint.toml here and in each parent up to the repository root) and
//! `grantlint config`. Every test runs the real binary in a temporary tree.

mod common;

use std::path::{Path, PathBuf};

use common::{grantlint, run};
use serde_json::Value;

/// The shipped JobTarget grants, which the built-in `jobtarget` profile passes exactly.
fn jobtarget_grants() -> String {
    std::fs::read_to_string(common::root().join("examples/grants/jobtarget-exact.yaml")).unwrap()
}

/// A config with one offline credential named `name`, its grants file beside it.
fn config_in(dir: &Path, file: &str, name: &str) -> PathBuf {
    let path = dir.join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let grants = path.parent().unwrap().join(format!("{name}.yaml"));
    std::fs::write(&grants, jobtarget_grants()).unwrap();
    std::fs::write(
        &path,
        format!("[[credential]]\nname = \"{name}\"\nprofiles = [\"jobtarget\"]\ngrants = \"{name}.yaml\"\n"),
    )
    .unwrap();
    path
}

fn mkdirs(p: &Path) -> &Path {
    std::fs::create_dir_all(p).unwrap();
    p
}

/// A temporary tree that is inside no repository: the tests depend on it.
fn tree() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    let above = t.path().ancestors().find(|d| d.join(".git").exists());
    assert!(
        above.is_none(),
        "the temporary directory lies inside a repository: {above:?}"
    );
    t
}

/// `grantlint config --format json` run in `cwd`: (exit code, JSON, stderr).
fn config_json(cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, Value, String) {
    let mut cmd = grantlint();
    cmd.current_dir(cwd).args(["config", "--format", "json"]).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let (code, stdout, stderr) = run(&mut cmd);
    let v = if code == 0 {
        serde_json::from_str(&stdout).unwrap()
    } else {
        Value::Null
    };
    (code, v, stderr)
}

fn setting<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["settings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no setting {key} in {v}"))
}

#[test]
fn the_flag_beats_the_variable_which_beats_discovery() {
    let t = tree();
    let repo = mkdirs(&t.path().join("repo")).to_path_buf();
    mkdirs(&repo.join(".git"));
    config_in(&repo, "grantlint.toml", "discovered");
    config_in(&repo, "env/b.toml", "from-env");
    config_in(&repo, "flag/c.toml", "from-flag");

    let (code, v, _) = config_json(
        &repo,
        &[("GRANTLINT_CONFIG", "env/b.toml")],
        &["--config", "flag/c.toml"],
    );
    assert_eq!(code, 0);
    assert_eq!(
        (v["config"]["path"].as_str(), v["config"]["from"].as_str()),
        (Some("flag/c.toml"), Some("flag"))
    );
    assert_eq!(v["credentials"][0]["name"], "from-flag");

    let (code, v, _) = config_json(&repo, &[("GRANTLINT_CONFIG", "env/b.toml")], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (v["config"]["path"].as_str(), v["config"]["from"].as_str()),
        (Some("env/b.toml"), Some("env"))
    );
    assert_eq!(v["credentials"][0]["name"], "from-env");

    let (code, v, _) = config_json(&repo, &[], &[]);
    assert_eq!(code, 0);
    assert_eq!(
        (v["config"]["path"].as_str(), v["config"]["from"].as_str()),
        (Some("grantlint.toml"), Some("discovered"))
    );
    assert_eq!(v["credentials"][0]["name"], "discovered");

    // audit follows the same order, and names a config it was not given on the command line.
    let (code, stdout, stderr) = run(grantlint()
        .current_dir(&repo)
        .env("GRANTLINT_CONFIG", "env/b.toml")
        .arg("audit"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("from-env"), "{stdout}");
    assert!(stderr.contains("config env/b.toml (GRANTLINT_CONFIG)"), "{stderr}");
    let (code, stdout, stderr) = run(grantlint()
        .current_dir(&repo)
        .args(["audit", "--config", "flag/c.toml"]));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("from-flag") && stderr.is_empty(), "{stdout}{stderr}");
}

#[test]
fn the_names_are_tried_in_order_in_each_directory() {
    let t = tree();
    let repo = t.path();
    mkdirs(&repo.join(".git"));
    config_in(repo, ".config/grantlint.toml", "dot-config");
    let (_, v, _) = config_json(repo, &[], &[]);
    assert_eq!(v["config"]["path"], ".config/grantlint.toml");
    config_in(repo, ".grantlint.toml", "hidden");
    let (_, v, _) = config_json(repo, &[], &[]);
    assert_eq!(v["config"]["path"], ".grantlint.toml");
    config_in(repo, "grantlint.toml", "plain");
    let (_, v, _) = config_json(repo, &[], &[]);
    assert_eq!(v["config"]["path"], "grantlint.toml");
    assert_eq!(v["credentials"][0]["name"], "plain");
}

#[test]
fn the_walk_climbs_to_the_repository_root_and_paths_stay_relative_to_the_config() {
    let t = tree();
    let repo = t.path().join("repo");
    let deep = mkdirs(&repo.join("teams/recruiting")).to_path_buf();
    // A worktree's .git is a file: it marks the root as well.
    std::fs::write(repo.join(".git"), "gitdir: /elsewhere\n").unwrap();
    config_in(&repo, "grantlint.toml", "root-config");
    // A grants file of the same name beside the current directory must not be the one read.
    std::fs::write(deep.join("root-config.yaml"), "not: [valid").unwrap();

    let (code, v, _) = config_json(&deep, &[], &[]);
    assert_eq!(code, 0);
    assert_eq!(v["config"]["path"], "../../grantlint.toml");
    assert_eq!(v["config"]["how"], "discovered 2 directories up");
    assert_eq!(v["credentials"][0]["grants"], "../../root-config.yaml");
    let searched: Vec<PathBuf> = v["config"]["searched"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| PathBuf::from(d.as_str().unwrap()))
        .collect();
    assert_eq!(searched, [deep.clone(), repo.join("teams"), repo.clone()]);

    let (code, stdout, stderr) = run(grantlint().current_dir(&deep).arg("audit"));
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("root-config"), "{stdout}");
    assert!(
        stderr.contains("config ../../grantlint.toml (discovered 2 directories up)"),
        "{stderr}"
    );
}

#[test]
fn the_walk_never_leaves_the_repository() {
    let t = tree();
    config_in(t.path(), "grantlint.toml", "outside");
    let repo = t.path().join("repo");
    let sub = mkdirs(&repo.join("sub")).to_path_buf();
    mkdirs(&repo.join(".git"));

    let (code, v, _) = config_json(&sub, &[], &[]);
    assert_eq!(code, 0);
    assert_eq!(v["config"]["path"], Value::Null);
    assert_eq!(v["config"]["from"], "none");
    assert_eq!(v["credentials"], serde_json::json!([]));

    let (code, stdout, stderr) = run(grantlint().current_dir(&sub).arg("audit"));
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("no config found"), "{stderr}");
    assert!(stderr.contains("the repository root"), "{stderr}");
    assert!(stdout.is_empty());
}

#[test]
fn outside_a_repository_the_walk_stops_at_home_and_elsewhere_searches_only_here() {
    let t = tree();
    let home = mkdirs(&t.path().join("home")).to_path_buf();
    config_in(&home, "grantlint.toml", "home-config");
    let inside = mkdirs(&home.join("a/b")).to_path_buf();
    let home_env = [("HOME", home.to_str().unwrap())];

    let (code, v, _) = config_json(&inside, &home_env, &[]);
    assert_eq!(code, 0);
    assert_eq!(v["config"]["path"], "../../grantlint.toml");
    assert!(
        v["config"]["search_stops_at"]
            .as_str()
            .unwrap()
            .starts_with("the home directory")
    );

    // Above the home directory nothing is searched: not even the temporary directory's own.
    config_in(t.path(), "grantlint.toml", "above-home");
    std::fs::remove_file(home.join("grantlint.toml")).unwrap();
    let (_, v, _) = config_json(&inside, &home_env, &[]);
    assert_eq!(v["config"]["path"], Value::Null);

    // Outside the home directory, only the current directory.
    let elsewhere = mkdirs(&t.path().join("shared/x")).to_path_buf();
    config_in(&t.path().join("shared"), "grantlint.toml", "planted");
    let (_, v, _) = config_json(&elsewhere, &home_env, &[]);
    assert_eq!(v["config"]["path"], Value::Null);
    assert_eq!(
        v["config"]["searched"],
        serde_json::json!([elsewhere.to_str().unwrap()])
    );
    config_in(&elsewhere, "grantlint.toml", "here");
    let (_, v, _) = config_json(&elsewhere, &home_env, &[]);
    assert_eq!(v["config"]["path"], "grantlint.toml");
}

#[test]
fn a_grantlint_config_that_names_no_file_is_an_error_not_a_fallback() {
    let t = tree();
    mkdirs(&t.path().join(".git"));
    config_in(t.path(), "grantlint.toml", "would-be-found");
    for value in ["missing.toml", ""] {
        for args in [&["config"][..], &["audit"][..]] {
            let (code, stdout, stderr) = run(grantlint()
                .current_dir(t.path())
                .env("GRANTLINT_CONFIG", value)
                .args(args));
            assert_eq!(code, 2, "{args:?} GRANTLINT_CONFIG={value:?}: {stdout}{stderr}");
            assert!(stderr.contains("GRANTLINT_CONFIG"), "{stderr}");
            assert!(!stdout.contains("would-be-found"), "{stdout}");
        }
    }
    // A directory is not a config either.
    mkdirs(&t.path().join("adir"));
    let (code, _, stderr) = run(grantlint()
        .current_dir(t.path())
        .env("GRANTLINT_CONFIG", "adir")
        .arg("audit"));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn a_discovered_config_is_held_to_the_same_trust_rules() {
    let t = tree();
    let repo = t.path().join("repo");
    let sub = mkdirs(&repo.join("sub")).to_path_buf();
    mkdirs(&repo.join(".git"));
    std::fs::write(t.path().join("outside-secret"), "s3cr3t-outside\n").unwrap();
    std::fs::write(
        repo.join("grantlint.toml"),
        "auth_url = \"https://collector.example.com\"\n\n[[credential]]\nname = \"c\"\nprofiles = [\"jobtarget\"]\nclient_id = \"abc\"\nclient_secret_file = \"../outside-secret\"\n",
    )
    .unwrap();
    for args in [&["audit"][..], &["config"][..]] {
        let (code, stdout, stderr) = run(grantlint().current_dir(&sub).args(args));
        assert_eq!(code, 2, "{args:?}: {stdout}{stderr}");
        assert!(stderr.contains("collector.example.com"), "{stderr}");
        assert!(stderr.contains("outside the config's folder"), "{stderr}");
        assert!(!stderr.contains("s3cr3t") && !stdout.contains("s3cr3t"));
    }
}

#[test]
fn grantlint_config_says_where_each_setting_came_from_and_never_shows_a_secret() {
    let t = tree();
    mkdirs(&t.path().join(".git"));
    std::fs::write(t.path().join("jt.yaml"), jobtarget_grants()).unwrap();
    std::fs::write(t.path().join("secret.txt"), "file-secret-value\n").unwrap();
    let text = "\
profile_dirs = [\"profiles\"]
concurrency = 3

[policy]
fail_on_unused = true

[[credential]]
name = \"seekout-prod\"
profiles = [\"seekout\"]
client_id_env = \"SEEKOUT_CLIENT_ID\"
client_secret_env = \"SEEKOUT_CLIENT_SECRET\"

[[credential]]
name = \"cronofy\"
profiles = [\"cronofy\"]
client_id = \"cronofy-client\"
client_secret_file = \"secret.txt\"

[[credential]]
name = \"jobtarget\"
profiles = [\"jobtarget\"]
grants = \"jt.yaml\"

[[waiver]]
credential = \"jobtarget\"
permission = \"harvest:departments:list\"
reason = \"maps departments\"
expires = 2027-01-31
";
    mkdirs(&t.path().join("profiles"));
    std::fs::write(t.path().join("grantlint.toml"), text).unwrap();
    let env = [
        ("SEEKOUT_CLIENT_ID", "client-id-value"),
        ("SEEKOUT_CLIENT_SECRET", "env-secret-value"),
        ("GRANTLINT_BASE_URL", "https://harvest.greenhouse.io"),
        ("GRANTLINT_FAIL_ON_EXCESS", "medium"),
    ];
    let args = ["--fail-on-excess", "high", "--allow-host", "proxy.internal"];
    let (code, v, stderr) = config_json(t.path(), &env, &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["schema"], "grantlint.settings.v1");
    let from = |key: &str| setting(&v, key)["from"].clone();
    let value = |key: &str| setting(&v, key)["value"].clone();
    use serde_json::json;
    assert_eq!(value("profile_dirs"), json!(["profiles"]));
    assert_eq!(
        from("profile_dirs"),
        json!({"kind": "file", "path": "grantlint.toml", "line": 1})
    );
    assert_eq!(value("concurrency"), json!(3));
    assert_eq!(
        from("concurrency"),
        json!({"kind": "file", "path": "grantlint.toml", "line": 2})
    );
    assert_eq!(value("policy.fail_on_unused"), json!(true));
    assert_eq!(
        from("policy.fail_on_unused"),
        json!({"kind": "file", "path": "grantlint.toml", "line": 5})
    );
    // The flag beats the variable.
    assert_eq!(value("policy.fail_on_excess"), json!("high"));
    assert_eq!(
        from("policy.fail_on_excess"),
        json!({"kind": "flag", "name": "--fail-on-excess"})
    );
    assert_eq!(from("base_url"), json!({"kind": "env", "name": "GRANTLINT_BASE_URL"}));
    assert_eq!(value("auth_url"), json!("https://auth.greenhouse.io"));
    assert_eq!(from("auth_url"), json!({"kind": "default"}));
    assert_eq!(value("policy.fail_on_missing"), json!(true));
    assert_eq!(from("policy.fail_on_missing"), json!({"kind": "default"}));
    assert_eq!(value("allow_hosts"), json!(["proxy.internal"]));
    assert_eq!(from("allow_hosts"), json!({"kind": "flag", "name": "--allow-host"}));

    let creds = v["credentials"].as_array().unwrap();
    assert_eq!(creds.len(), 3);
    assert_eq!(
        creds[0]["from"],
        json!({"kind": "file", "path": "grantlint.toml", "line": 8})
    );
    assert_eq!(
        creds[0]["client_id"],
        json!({"from": "env", "name": "SEEKOUT_CLIENT_ID", "set": true})
    );
    assert_eq!(
        creds[0]["client_secret"],
        json!({"from": "env", "name": "SEEKOUT_CLIENT_SECRET", "set": true})
    );
    assert_eq!(
        creds[1]["client_id"],
        json!({"from": "config", "value": "cronofy-client"})
    );
    assert_eq!(
        creds[1]["client_secret"],
        json!({"from": "file", "path": "secret.txt", "exists": true})
    );
    assert_eq!(creds[2]["grants"], "jt.yaml");
    assert_eq!(
        v["waivers"],
        json!([{"credential": "jobtarget", "kind": "excess", "permission": "harvest:departments:list",
                "expires": "2027-01-31", "from": {"kind": "file", "path": "grantlint.toml", "line": 26}}])
    );

    // The table says the same, and neither form shows a secret or the client id's value.
    let mut cmd = grantlint();
    cmd.current_dir(t.path()).arg("config").args(args).env("COLUMNS", "200");
    for (k, val) in env {
        cmd.env(k, val);
    }
    let (code, table, stderr) = run(&mut cmd);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        table.starts_with("config: grantlint.toml (discovered in the current directory)\n"),
        "{table}"
    );
    for row in [
        "│ concurrency            ┆ 3 ",
        "┆ grantlint.toml:2 ",
        "│ policy.fail_on_excess  ┆ high ",
        "┆ --fail-on-excess ",
        "┆ env GRANTLINT_BASE_URL ",
        "env SEEKOUT_CLIENT_SECRET (set)",
        "file secret.txt (exists)",
        "┆ grantlint.toml:26 ",
    ] {
        assert!(table.contains(row), "{row:?} in\n{table}");
    }
    let json = serde_json::to_string(&v).unwrap();
    for secret in ["env-secret-value", "file-secret-value", "client-id-value"] {
        assert!(
            !table.contains(secret) && !json.contains(secret) && !stderr.contains(secret),
            "{secret}"
        );
    }
}

#[test]
fn grantlint_config_refuses_a_bad_environment_value_as_audit_does() {
    let t = tree();
    mkdirs(&t.path().join(".git"));
    config_in(t.path(), "grantlint.toml", "x");
    for args in [&["config"][..], &["audit"][..]] {
        let (code, _, stderr) = run(grantlint()
            .current_dir(t.path())
            .env("GRANTLINT_FAIL_ON_EXCESS", "severe")
            .args(args));
        assert_eq!(code, 2, "{args:?} {stderr}");
        assert!(stderr.contains("severe"), "{stderr}");
    }
}

/// A home of `/` is no home (the walk would reach the root), and the walk never goes into a
/// folder anyone may write to: a `.git` and a config planted in a `/tmp`-like folder are not
/// the user's.
#[test]
fn discovery_never_climbs_into_a_shared_folder_or_to_the_root() {
    use std::os::unix::fs::PermissionsExt;
    let t = tree();
    // HOME=/: from a/b, the config two levels up is not found; only the current folder is searched.
    config_in(t.path(), "x/grantlint.toml", "above");
    let cwd = mkdirs(&t.path().join("x/a/b")).to_path_buf();
    let (code, v, stderr) = config_json(&cwd, &[("HOME", "/")], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(v["config"]["path"].is_null(), "{v}");
    assert_eq!(v["config"]["searched"].as_array().unwrap().len(), 1, "{v}");
    // A world-writable folder (mode 1777, like /tmp) with a planted .git and config.
    let shared = mkdirs(&t.path().join("shared")).to_path_buf();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    std::fs::create_dir_all(shared.join(".git")).unwrap();
    config_in(&shared, "grantlint.toml", "planted");
    let cwd = mkdirs(&shared.join("mine/sub")).to_path_buf();
    let home = t.path().to_str().unwrap().to_string();
    let (code, v, stderr) = config_json(&cwd, &[("HOME", &home)], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert!(v["config"]["path"].is_null(), "the planted config is not used: {v}");
    let searched = v["config"]["searched"].to_string();
    assert!(
        !searched.contains("shared\"") && !searched.contains("shared/\""),
        "{searched}"
    );
    // Run in the shared folder itself, its config is the one the user chose to stand by.
    let (code, v, stderr) = config_json(&shared, &[("HOME", &home)], &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(v["config"]["path"], "grantlint.toml", "{v}");
}

#[test]
fn a_url_audit_would_refuse_is_refused_by_config_too_and_never_shown() {
    let t = tree();
    let (code, _, stderr) = config_json(
        t.path(),
        &[("GRANTLINT_AUTH_URL", "https://id:hunter2secret@auth.greenhouse.io")],
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("env GRANTLINT_AUTH_URL must not carry credentials"),
        "{stderr}"
    );
    assert!(!stderr.contains("hunter2secret"), "{stderr}");
}
