#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue 14, item 3: the published JSON Schemas (schema/*.json) are current, carry the `$id`
//! they are published under, and every JSON report, profile and config validates against
//! them; the validator is shown to reject what it should.

mod common;

use common::{grantlint, json_reports, root, run, schema_errors, write};
use serde_json::Value;

/// (`--kind`, committed file), written out here rather than taken from the binary.
const KINDS: &[(&str, &str)] = &[
    ("profile", "profile.schema.json"),
    ("config", "config.schema.json"),
    ("check", "check.v1.schema.json"),
    ("usage", "usage.v1.schema.json"),
];

/// `repository` of Cargo.toml, read from the file.
fn repository() -> String {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let line = manifest.lines().find(|l| l.starts_with("repository = ")).unwrap();
    line.trim_start_matches("repository = ").trim_matches('"').to_string()
}

#[test]
fn committed_schemas_are_current_and_carry_their_published_id() {
    let repo = repository();
    let owner_name = repo.strip_prefix("https://github.com/").unwrap();
    for (kind, file) in KINDS {
        let (code, stdout, stderr) = run(grantlint().args(["schema", "--kind", kind]));
        assert_eq!(code, 0, "{stderr}");
        let committed = std::fs::read_to_string(root().join("schema").join(file)).unwrap();
        assert_eq!(
            stdout, committed,
            "schema/{file} is stale: run `grantlint schema --kind {kind} > schema/{file}`"
        );
        let v: Value = serde_json::from_str(&stdout).unwrap();
        assert_eq!(
            v["$id"],
            format!("https://raw.githubusercontent.com/{owner_name}/main/schema/{file}"),
            "{file}"
        );
        assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
        assert!(jsonschema::meta::is_valid(&v), "{file} is a valid 2020-12 schema");
    }
    let (_, default, _) = run(grantlint().arg("schema"));
    let (_, profile, _) = run(grantlint().args(["schema", "--kind", "profile"]));
    assert_eq!(default, profile, "the profile schema stays the default");
    let (code, _, stderr) = run(grantlint().args(["schema", "--kind", "sarif"]));
    assert_eq!(code, 2);
    assert!(
        stderr.contains("possible values: profile, config, check, usage"),
        "{stderr}"
    );
}

#[test]
fn schemas_say_what_the_reports_are() {
    let check: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/check.v1.schema.json")).unwrap()).unwrap();
    assert_eq!(check["properties"]["schema"]["const"], "grantlint.check.v1");
    let finding = &check["$defs"]["JsonFinding"];
    // DESIGN.md section 4's finding fields, and the kinds of its registry.
    for field in [
        "kind",
        "permission",
        "risk",
        "profiles",
        "labels",
        "approximate",
        "fails",
        "waived",
    ] {
        assert!(finding["properties"][field].is_object(), "{field}");
    }
    let kinds = finding["properties"]["kind"]["enum"].as_array().unwrap();
    for k in [
        "missing",
        "excess",
        "wrong-credential-type",
        "expired-waiver",
        "unused-waiver",
    ] {
        assert!(kinds.contains(&Value::from(k)), "{k}");
    }
    let usage: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/usage.v1.schema.json")).unwrap()).unwrap();
    assert_eq!(usage["properties"]["schema"]["const"], "grantlint.usage.v1");
    let config: Value =
        serde_json::from_str(&std::fs::read_to_string(root().join("schema/config.schema.json")).unwrap()).unwrap();
    assert_eq!(
        config["additionalProperties"], false,
        "a typo in grantlint.toml is an error"
    );
    let waiver_kinds = config["$defs"]["RawWaiver"]["properties"]["kind"]["enum"]
        .as_array()
        .unwrap();
    // README "Waivers": the kinds a waiver may name.
    let mut got: Vec<&str> = waiver_kinds.iter().map(|k| k.as_str().unwrap()).collect();
    got.sort();
    let mut want = vec![
        "missing",
        "excess",
        "unmapped-requirement",
        "unknown-grant",
        "probe-disagrees",
        "probe-inconclusive",
        "approximate-match",
        "unused-grant",
        "used-not-required",
        "denied-call",
    ];
    want.sort();
    assert_eq!(got, want);
}

/// Runs `cmd`, asserts its exit code and that it wrote `reports` JSON reports (stdout and
/// `--output` files) that validate. `common::run` validates them too; counting them here shows
/// that it found them.
fn assert_reports_validate(cmd: &mut assert_cmd::Command, code: i32, reports: usize) {
    let (got, stdout, stderr) = run(cmd);
    assert_eq!(got, code, "{stderr}\n{stdout}");
    let found = json_reports(cmd, &stdout);
    assert_eq!(found.len(), reports, "{:?}", cmd.get_args().collect::<Vec<_>>());
    for (schema, format, text) in found {
        let errors = schema_errors(schema, &format, &text);
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn a_broad_set_of_json_reports_validate_against_their_schemas() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let check = |args: &[&str]| {
        let mut cmd = grantlint();
        cmd.arg("check").args(args);
        cmd
    };
    // Pass, fail (v3 space, with excess of every risk), v1 space, a PARTIAL profile.
    assert_reports_validate(
        &mut check(&[
            "-p",
            "jobtarget",
            "--grants",
            "examples/grants/jobtarget-exact.yaml",
            "--format",
            "json",
        ]),
        0,
        1,
    );
    assert_reports_validate(
        &mut check(&[
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--format",
            "json",
        ]),
        1,
        1,
    );
    assert_reports_validate(
        &mut check(&[
            "-p",
            "cronofy-v1",
            "--grants",
            "examples/grants/cronofy-v1-key.yaml",
            "--format",
            "json",
        ]),
        0,
        1,
    );
    assert_reports_validate(
        &mut check(&[
            "-p",
            "candidate-fyi-v3",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--format",
            "jsonl",
        ]),
        1,
        1,
    );
    // A saved introspection response; a token; a token whose scopes cannot be read.
    assert_reports_validate(
        &mut check(&[
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-introspection.json",
            "--format",
            "json",
        ]),
        0,
        1,
    );
    let token = write(
        d,
        "t.jwt",
        &common::jwt(r#"{"scp":["harvest:jobs:list"],"exp":1796169600}"#),
    );
    assert_reports_validate(
        &mut check(&["-p", "seekout", "--format", "json", "--token", token.to_str().unwrap()]),
        1,
        1,
    );
    let blind = write(d, "blind.jwt", &common::jwt(r#"{"sub":"12345","exp":1796169600}"#));
    assert_reports_validate(
        &mut check(&["-p", "seekout", "--format", "json", "--token", blind.to_str().unwrap()]),
        1,
        1,
    );
    // --output files beside a table on stdout, and both at once.
    let json_out = d.join("out/r.json");
    let jsonl_out = d.join("out/r.jsonl");
    assert_reports_validate(
        check(&["-p", "seekout", "--grants", "examples/grants/seekout-overgranted.yaml"])
            .arg("--output")
            .arg(format!("json={}", json_out.display()))
            .arg(format!("--output=jsonl={}", jsonl_out.display())),
        1,
        2,
    );
    assert_reports_validate(
        check(&[
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--format",
            "json",
        ])
        .arg("--output")
        .arg(format!("json={}", d.join("again.json").display())),
        1,
        2,
    );
    // An audit with waivers, a fleet, a credential that cannot be checked (exit 2).
    let grants = write(
        d,
        "g.yaml",
        "credential: x\napi: harvest-v3\ngranted: [harvest:jobs:list, harvest:eeoc:list]\n",
    );
    let config = write(
        d,
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"a\"\nprofiles = [\"seekout\"]\ngrants = \"{}\"\n\n\
             [[credential]]\nname = \"broken\"\nprofiles = [\"seekout\"]\ngrants = \"nope.yaml\"\n\n\
             [[waiver]]\ncredential = \"a\"\npermission = \"harvest:eeoc:list\"\nreason = \"ticket 1\"\nexpires = 2027-01-31\n\n\
             [[waiver]]\ncredential = \"a\"\npermission = \"harvest:users:list\"\nreason = \"gone\"\nexpires = 2026-01-01\n",
            grants.display()
        ),
    );
    for format in ["json", "jsonl"] {
        assert_reports_validate(
            grantlint().args(["audit", "--format", format, "--config"]).arg(&config),
            2,
            1,
        );
    }
    assert_reports_validate(
        grantlint().args(["audit", "--format", "json", "--config", "examples/ci/grantlint.toml"]),
        2,
        1,
    );
    assert_reports_validate(
        &mut check(&["-p", "jobtarget", "--format", "json", "--grants-dir", "examples/grants"]),
        1,
        1,
    );
    // Usage evidence: on its own, and as `usage` objects of a check's findings.
    for capture in ["integration.har", "requests.log", "access.log"] {
        let file = format!("tests/data/captures/{capture}");
        assert_reports_validate(
            grantlint().args(["usage", "--format", "json", "--requests", &file]),
            0,
            1,
        );
        assert_reports_validate(
            grantlint().args(["usage", "--format", "json", "--all", "--requests", &file]),
            0,
            1,
        );
    }
    assert_reports_validate(
        grantlint().args([
            "usage",
            "--format",
            "json",
            "--performer",
            "8f2c1e9a4b7d4c21a6e0f35b9d8c7e10",
            "--requests",
            "tests/data/captures/audit-events.json",
            "--requests",
            "tests/data/captures/integration.har",
        ]),
        0,
        1,
    );
    assert_reports_validate(
        &mut check(&[
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--format",
            "json",
            "--usage",
            "tests/data/captures/integration.har",
        ]),
        1,
        1,
    );
}

/// The first check report of the suite, for the tests that break it.
fn a_check_report() -> Value {
    let (_, stdout, _) = run(grantlint().args([
        "check",
        "-p",
        "seekout",
        "--grants",
        "examples/grants/seekout-overgranted.yaml",
        "--format",
        "json",
    ]));
    serde_json::from_str(&stdout).unwrap()
}

#[test]
fn the_validator_rejects_reports_that_break_their_schema() {
    let good = a_check_report();
    assert!(schema_errors("check.v1.schema.json", "json", &good.to_string()).is_empty());
    type Break = fn(&mut Value);
    let breaks: &[(&str, Break)] = &[
        ("another schema name", |v| v["schema"] = "grantlint.check.v2".into()),
        ("no results", |v| {
            v.as_object_mut().unwrap().remove("results");
        }),
        ("a verdict that does not exist", |v| {
            v["results"][0]["verdict"] = "maybe".into()
        }),
        ("a finding kind that is not in the registry", |v| {
            v["results"][0]["findings"][0]["kind"] = "surplus".into()
        }),
        ("a risk that does not exist", |v| {
            v["results"][0]["findings"][0]["risk"] = "severe".into()
        }),
        ("a count that is negative", |v| {
            v["results"][0]["summary"]["required"] = (-1).into()
        }),
        ("a read_at that is not a date-time", |v| {
            v["results"][0]["read_at"] = "yesterday".into()
        }),
        ("a finding without its message", |v| {
            v["results"][0]["findings"][0]
                .as_object_mut()
                .unwrap()
                .remove("message");
        }),
        ("a grants source that does not exist", |v| {
            v["results"][0]["grants_source"] = "rumour".into()
        }),
    ];
    for (what, make) in breaks {
        let mut bad = good.clone();
        make(&mut bad);
        assert!(
            !schema_errors("check.v1.schema.json", "json", &bad.to_string()).is_empty(),
            "the check schema accepts {what}"
        );
    }
    // jsonl lines are checked one by one.
    let mut line = good["results"][0].clone();
    line["schema"] = "grantlint.check.v1".into();
    let mut broken = line.clone();
    broken["space"] = "harvest-v2".into();
    let text = format!("{line}\n{broken}\n");
    assert_eq!(schema_errors("check.v1.schema.json", "jsonl", &text).len(), 1);

    let (_, usage, _) = run(grantlint().args([
        "usage",
        "--format",
        "json",
        "--requests",
        "tests/data/captures/integration.har",
    ]));
    let usage: Value = serde_json::from_str(&usage).unwrap();
    let mut bad = usage.clone();
    bad["permissions"][0]["state"] = "busy".into();
    assert!(!schema_errors("usage.v1.schema.json", "json", &bad.to_string()).is_empty());
    let mut bad = usage;
    bad["sources"][0]["kind"] = "pcap".into();
    assert!(!schema_errors("usage.v1.schema.json", "json", &bad.to_string()).is_empty());
}

/// A TOML document as JSON, dates as strings (how TOML tools such as Taplo apply a JSON
/// Schema to TOML).
fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect()),
    }
}

fn config_errors(text: &str) -> Vec<String> {
    let v = toml_to_json(toml::Value::Table(toml::from_str(text).unwrap()));
    schema_errors("config.schema.json", "json", &v.to_string())
}

fn profile_errors(text: &str) -> Vec<String> {
    let v: Value = serde_saphyr::from_str(text).unwrap();
    schema_errors("profile.schema.json", "json", &v.to_string())
}

#[test]
fn files_users_write_validate_against_the_profile_and_config_schemas() {
    let mut profiles = 0;
    for entry in std::fs::read_dir(root().join("profiles")).unwrap() {
        let path = entry.unwrap().path();
        let errors = profile_errors(&std::fs::read_to_string(&path).unwrap());
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
        profiles += 1;
    }
    assert!(profiles >= 11);
    let example = std::fs::read_to_string(root().join("examples/ci/grantlint.toml")).unwrap();
    assert!(config_errors(&example).is_empty(), "{:#?}", config_errors(&example));
    // The README's config, every key of it.
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme.find("```toml\n# grantlint.toml\n").unwrap() + "```toml\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    assert!(config_errors(block).is_empty(), "{:#?}", config_errors(block));

    // And what they must not write.
    assert!(!config_errors("concurrenc = 8\n").is_empty(), "an unknown key");
    assert!(!config_errors("[policy]\nfail_on_excess = \"sometimes\"\n").is_empty());
    assert!(
        !config_errors("[[credential]]\nname = \"x\"\n").is_empty(),
        "profiles is required"
    );
    assert!(!config_errors("[[credential]]\nname = \"x\"\nprofiles = [\"a\"]\nsub = -3\n").is_empty());
    assert!(
        !config_errors(
            "[[waiver]]\ncredential = \"x\"\npermission = \"p\"\nreason = \"r\"\nkind = \"no-provenance\"\n"
        )
        .is_empty(),
        "a kind no waiver may excuse"
    );
    assert!(!profile_errors("name: X\napi: harvest-v2\npermissions: []\n").is_empty());
    assert!(!profile_errors("name: X\napi: harvest-v3\npermissions: all\nextra: 1\n").is_empty());
    assert!(!profile_errors("name: X\napi: harvest-v3\n").is_empty());
}
