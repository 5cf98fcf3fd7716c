#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Discoverability: `explain` with no argument lists the finding kinds, its provenance
//! names partner pages rather than the catalog's codes, completion scripts offer the
//! built-in profile ids, and the man pages document every subcommand's options.

mod common;

use common::{grantlint, root, run};

/// Every finding kind, typed here from DESIGN.md and the registry's documentation.
const KINDS: &[&str] = &[
    "missing",
    "excess",
    "wrong-credential-type",
    "unmapped-requirement",
    "unknown-grant",
    "grants-unknown",
    "unused-optional",
    "also-needs",
    "requires-everything",
    "no-v3-equivalent",
    "probe-inconclusive",
    "approximate-match",
    "unused-grant",
    "used-not-required",
    "denied-call",
    "probe-disagrees",
    "credential-error",
    "expired-waiver",
    "unused-waiver",
    "no-provenance",
];

#[test]
fn explain_without_an_argument_lists_every_finding_kind() {
    let (code, bare, err) = run(grantlint().arg("explain"));
    assert_eq!(code, 0, "{err}");
    let (code, kinds, _) = run(grantlint().args(["explain", "--kinds"]));
    assert_eq!(code, 0);
    assert_eq!(bare, kinds, "`explain` and `explain --kinds` print the same list");
    let listed: Vec<&str> = bare
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    for kind in KINDS {
        let line = bare.lines().find(|l| l.split_whitespace().next() == Some(kind));
        let line = line.unwrap_or_else(|| panic!("`{kind}` not listed:\n{bare}"));
        // Each with its level and a summary on the same line.
        assert!(line.split_whitespace().count() > 3, "no summary beside {kind}: {line}");
    }
    assert!(listed.len() >= KINDS.len(), "{listed:?}");
    assert!(bare.contains("The credential lacks a permission that a profile requires."));
    // A kind and --kinds together make no sense.
    let (code, _, _) = run(grantlint().args(["explain", "--kinds", "missing"]));
    assert_eq!(code, 2);
}

/// The catalog's internal codes: partner-page codes (reference/harvest-v1.md section 9) and
/// the old binding marks, as a user must never see them.
const CODES: &[&str] = &[
    "GEM", "GEMS", "SO", "PIN", "SAP", "OKTA", "CFYI", "KNIT", "MV", "BH", "RIP", "RM", "PF", "DG", "DGD", "CYE", "TR",
    "TRE", "IS", "CQ", "CQI", "DBX", "CC", "R2R", "CH", "CRO", "DP", "FIN", "MRG", "ELASTIC",
];

#[test]
fn explain_provenance_names_pages_not_codes() {
    let cases: &[(&str, &[&str])] = &[
        // Quoted by DataGrail and Paraform (harvest-v1.md row `DELETE: Delete Application`).
        ("DELETE: Delete Application", &["DataGrail", "Paraform"]),
        // GEM, SO, CFYI, MV, BH, DG, TR, PF, KNIT, IS, CH, R2R.
        (
            "GET: List Applications",
            &["Gem", "SeekOut", "candidate.fyi", "ChartHop", "RoboMQ"],
        ),
        (
            "GET: Retrieve Activity Feed",
            &["Gem Scheduling", "Crosschq", "Metaview"],
        ),
        ("harvest:candidates:list", &["OpenAPI spec"]),
        ("harvest:candidates:destroy", &["OpenAPI spec"]),
        ("harvest:bulk_requests:list", &[]),
    ];
    for (permission, names) in cases {
        let (code, out, err) = run(grantlint().args(["explain", permission]));
        assert_eq!(code, 0, "{permission}: {err}");
        let provenance: String = out
            .lines()
            .skip_while(|l| !l.trim_start().starts_with("provenance:"))
            .take_while(|l| l.trim_start().starts_with("provenance:") || l.starts_with("                "))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(!provenance.is_empty(), "{permission}: no provenance:\n{out}");
        for name in *names {
            assert!(
                provenance.contains(name),
                "{permission}: {name} not named:\n{provenance}"
            );
        }
        for word in provenance.split(|c: char| !c.is_ascii_alphanumeric()) {
            assert!(!CODES.contains(&word), "{permission}: code `{word}` in:\n{provenance}");
        }
        assert!(!provenance.contains("grade:"), "{permission}: {provenance}");
        assert!(
            !provenance.contains(".tsv"),
            "{permission}: an internal file in {provenance}"
        );
        for line in out.lines() {
            assert!(
                !line.trim_start().starts_with(':'),
                "{permission}: bare continuation `{line}`"
            );
        }
    }
}

#[test]
fn completion_scripts_offer_the_builtin_profile_ids() {
    let ids: Vec<String> = std::fs::read_dir(root().join("profiles"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(ids.len() >= 10, "{ids:?}");
    for shell in ["bash", "zsh", "fish"] {
        let (code, script, err) = run(grantlint().args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        for id in &ids {
            assert!(script.contains(id.as_str()), "{shell}: no `{id}` in the script");
        }
    }
    // zsh and fish tie the ids to -p/--profile.
    let (_, zsh, _) = run(grantlint().args(["completions", "zsh"]));
    let line = zsh.lines().find(|l| l.contains("--profile=")).unwrap();
    assert!(line.contains("seekout") && line.contains("candidate-fyi-v3"), "{line}");
    let (_, fish, _) = run(grantlint().args(["completions", "fish"]));
    // fish lists the values one a line after the option's own line.
    let at = fish.find("-s p -l profile ").unwrap();
    let rest = &fish[at..];
    let entry = &rest[..rest[1..].find("complete -c").map_or(rest.len(), |i| i + 1)];
    assert!(
        entry.contains("jobtarget") && entry.contains("okta-workflows"),
        "{entry}"
    );
    // Offering ids for completion rejects no path: a profile file still checks.
    let (code, _, err) = run(grantlint().args([
        "check",
        "-p",
        "profiles/jobtarget.yaml",
        "--grants",
        "examples/grants/jobtarget-exact.yaml",
    ]));
    assert_eq!(code, 0, "{err}");
}

/// The long flags of a subcommand, read from its reviewed `--help` snapshot.
fn snapshot_flags(name: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(format!("tests/snapshots/core__help_{name}.snap"))).unwrap();
    let mut flags: Vec<String> = text
        .lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("--") || l.starts_with("-p, --") || (l.starts_with('-') && l.contains(", --")))
        .filter_map(|l| l.split("--").nth(1))
        .map(|f| {
            let end = f
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(f.len());
            format!("--{}", &f[..end])
        })
        .filter(|f| f != "--help" && f[2..].starts_with(|c: char| c.is_ascii_lowercase()))
        .collect();
    flags.dedup();
    flags
}

/// roff escapes a hyphen as `\-`.
fn roff(flag: &str) -> String {
    flag.replace('-', "\\-")
}

#[test]
fn man_pages_document_every_subcommand_and_its_options() {
    let subcommands = [
        "check",
        "audit",
        "diff",
        "migrate",
        "lint",
        "explain",
        "usage",
        "infer",
        "catalog",
        "profiles",
        "schema",
        "completions",
    ];
    let (code, main, _) = run(grantlint().arg("man"));
    assert_eq!(code, 0);
    for sub in subcommands {
        assert!(
            main.contains(&format!("grantlint\\-{sub}(1)")),
            "main page lacks grantlint-{sub}(1)"
        );
        let (code, page, err) = run(grantlint().args(["man", sub]));
        assert_eq!(code, 0, "{sub}: {err}");
        assert!(page.contains(&format!(".TH grantlint-{sub} 1")), "{sub}: {page}");
        let flags = snapshot_flags(sub);
        for flag in &flags {
            assert!(page.contains(&roff(flag)), "man {sub} lacks {flag}");
        }
    }
    assert!(snapshot_flags("check").contains(&"--grants".to_string()));
    // Nested subcommands have pages too.
    let (code, page, _) = run(grantlint().args(["man", "profiles-show"]));
    assert_eq!(code, 0);
    assert!(page.contains("\\-\\-format"), "{page}");
    let (code, _, err) = run(grantlint().args(["man", "chek"]));
    assert_eq!(code, 2);
    assert!(err.contains("check"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(grantlint().arg("man").arg("--dir").arg(dir.path()));
    assert_eq!(code, 0, "{err}");
    for name in [
        "grantlint.1",
        "grantlint-check.1",
        "grantlint-profiles-list.1",
        "grantlint-usage.1",
    ] {
        let page = std::fs::read_to_string(dir.path().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(page.contains(".TH"), "{name}");
    }
    let check = std::fs::read_to_string(dir.path().join("grantlint-check.1")).unwrap();
    assert!(check.contains(&roff("--fail-on-excess")));
}
