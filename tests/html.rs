#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Reports for people": the HTML report in a real browser. Each test writes a
//! report with the real binary (and, from the same run, its JSON), loads the file in
//! Debian's headless Chromium (tests/browser/report.mjs, playwright-core) and judges what
//! the browser saw against the JSON report and the catalog, never against the HTML code.
//!
//! Needs `npm ci --prefix tests/browser` and /usr/bin/chromium (or GRANTLINT_CHROMIUM);
//! .ci/run installs both. Without them these tests fail: they never skip.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{grantlint, run, write};
use serde_json::Value;

/// The data classes in the heatmap's column order, with their headings (DESIGN.md
/// section 4 "Risk"; the words of the table and catalog reports).
const CLASSES: [(&str, &str); 8] = [
    ("reference", "reference data"),
    ("jobs", "jobs"),
    ("candidate", "candidate PII"),
    ("sensitive", "EEOC / demographics"),
    ("compensation", "offers / compensation"),
    ("feedback", "interview feedback"),
    ("user_admin", "user administration"),
    ("system", "system"),
];

fn rank(risk: &str) -> u32 {
    match risk {
        "low" => 1,
        "medium" => 2,
        "high" => 3,
        "critical" => 4,
        other => panic!("not a risk: {other:?}"),
    }
}

/// Load `report` in the browser; what it saw.
fn browse(report: &Path) -> Value {
    let root = common::root();
    assert!(
        root.join("tests/browser/node_modules/playwright-core").is_dir(),
        "playwright-core is not installed: run `npm ci --prefix tests/browser` (.ci/run does)"
    );
    let out = Command::new("node")
        .arg(root.join("tests/browser/report.mjs"))
        .arg(report)
        .current_dir(&root)
        .output()
        .expect("run node (Node.js 20 or later must be on PATH)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the browser run failed:\n{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}\n{stderr}"))
}

/// Permission id -> data class, from the catalog.
fn data_classes() -> HashMap<String, String> {
    let (code, stdout, _) = run(grantlint().args(["catalog", "--format", "json"]));
    assert_eq!(code, 0);
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut map = HashMap::new();
    for (list, key) in [("scopes", "scope"), ("v1_permissions", "key")] {
        for p in v[list].as_array().unwrap() {
            map.insert(
                p[key].as_str().unwrap().to_string(),
                p["data_class"].as_str().unwrap().to_string(),
            );
        }
    }
    map
}

fn findings<'a>(r: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |f| f["kind"] == kind)
}

/// What one heatmap cell must say, from the JSON findings of its credential: the worst
/// risk among the excess grants no waiver keeps and how many have it, then the rest.
fn expected_cell(r: &Value, class: &str, classes: &HashMap<String, String>) -> (String, (u32, u32)) {
    let in_class = |f: &&Value| {
        f["permission"]
            .as_str()
            .and_then(|p| classes.get(p))
            .map(String::as_str)
            == Some(class)
    };
    let open: Vec<u32> = findings(r, "excess")
        .filter(in_class)
        .filter(|f| f["waived"] == false)
        .map(|f| rank(f["risk"].as_str().unwrap()))
        .collect();
    let waived = findings(r, "excess")
        .filter(in_class)
        .filter(|f| f["waived"] == true)
        .count();
    let unknown = findings(r, "unknown-grant").filter(in_class).count();
    let words = ["", "low", "medium", "high", "critical"];
    let mut text = Vec::new();
    let mut key = (0, 0);
    match open.iter().max() {
        Some(&worst) => {
            let n = open.iter().filter(|&&r| r == worst).count();
            text.push(format!("{n} {}", words[worst as usize]));
            if open.len() > n {
                text.push(format!("+{} lower", open.len() - n));
            }
            key = (worst, n as u32);
        }
        None => text.push("—".into()),
    }
    if waived > 0 {
        text.push(format!("{waived} waived"));
    }
    if unknown > 0 {
        text.push(format!("{unknown} unknown"));
    }
    (text.join(" "), key)
}

fn verdict_word(r: &Value) -> String {
    r["verdict"].as_str().unwrap().to_uppercase()
}

/// Sort `results` as a click on a column sorts them: descending by `key`, stable.
fn sorted_names(results: &[Value], key: impl Fn(&Value) -> (i64, i64)) -> Vec<String> {
    let mut rows: Vec<&Value> = results.iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(key(r)));
    rows.iter()
        .map(|r| r["credential"].as_str().unwrap().to_string())
        .collect()
}

/// Every check that holds for any report: `json` is the same run's JSON report, `seen`
/// what the browser saw of its HTML report.
fn assert_report(json: &Value, seen: &Value, classes: &HashMap<String, String>) {
    let results = json["results"].as_array().unwrap();
    let dom = &seen["dom"];

    // Nothing but the file itself was requested; nothing was printed on the console; no
    // script error; no dialog.
    assert_eq!(seen["requests"], serde_json::json!([seen["url"]]), "requests");
    assert_eq!(seen["failedRequests"], serde_json::json!([]));
    assert_eq!(seen["console"], serde_json::json!([]), "the console stays silent");
    assert_eq!(seen["pageErrors"], serde_json::json!([]));
    assert_eq!(seen["dialogs"], serde_json::json!([]), "no dialog opens");
    assert_eq!(dom["scripts"], 1, "one inline script");
    let csp = dom["csp"].as_str().unwrap();
    assert!(csp.starts_with("default-src 'none';"), "{csp}");
    assert!(
        csp.contains("script-src 'sha256-") && !csp.contains("script-src 'unsafe-inline'"),
        "{csp}"
    );

    // The verdict counts.
    let count = |v: &str| results.iter().filter(|r| r["verdict"] == v).count();
    let sum = |k: &str| results.iter().map(|r| r["summary"][k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(dom["counts"]["pass"], count("pass"));
    assert_eq!(dom["counts"]["fail"], count("fail"));
    assert_eq!(dom["counts"]["error"], count("error"));
    assert_eq!(dom["counts"]["missing"], sum("missing"));
    assert_eq!(dom["counts"]["excess"], sum("excess"));
    assert_eq!(dom["counts"]["waived"], sum("waived"));

    // The heatmap: a row per credential, a column per data class.
    let headings: Vec<&str> = CLASSES.iter().map(|c| c.1).collect();
    assert_eq!(dom["heatmap"]["classes"], serde_json::json!(headings));
    let rows = dom["heatmap"]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), results.len());
    for (row, r) in rows.iter().zip(results) {
        let name = r["credential"].as_str().unwrap();
        assert_eq!(row["name"], name);
        assert_eq!(row["verdict"], verdict_word(r));
        assert_eq!(row["target"], true, "{name}: the row links to the credential's section");
        let cells = row["cells"].as_array().unwrap();
        if r["verdict"] == "error" {
            assert_eq!(row["missing"], "—");
            assert_eq!(cells.len(), 1);
            assert_eq!(cells[0]["span"], 8);
            let why = r["findings"][0]["message"].as_str().unwrap().lines().next().unwrap();
            assert_eq!(cells[0]["text"], format!("could not be checked: {why}"));
            continue;
        }
        assert_eq!(row["missing"], r["summary"]["missing"].to_string());
        assert_eq!(cells.len(), 8, "{name}");
        for (cell, (class, heading)) in cells.iter().zip(CLASSES) {
            let (text, _) = expected_cell(r, class, classes);
            assert_eq!(cell["text"], text, "{name} × {heading}");
            assert_eq!(
                cell["target"], true,
                "{name} × {heading}: the cell links into the section"
            );
        }
    }
    // Colour is never the only signal, but it is a signal: each risk has its own.
    let mut colour_of: HashMap<String, String> = HashMap::new();
    for cell in rows.iter().flat_map(|r| r["cells"].as_array().unwrap()) {
        let text = cell["text"].as_str().unwrap();
        let risk = text.split(' ').nth(1).unwrap_or("none");
        if ["low", "medium", "high", "critical", "none"].contains(&risk) {
            let bg = cell["background"].as_str().unwrap().to_string();
            let known = colour_of.entry(risk.to_string()).or_insert_with(|| bg.clone());
            assert_eq!(*known, bg, "every {risk} cell has the same colour");
        }
    }
    let mut colours: Vec<&String> = colour_of.values().collect();
    colours.sort();
    colours.dedup();
    assert_eq!(
        colours.len(),
        colour_of.len(),
        "risks have distinct colours: {colour_of:?}"
    );

    // A section per credential, with its missing and excess grants in the JSON's order.
    let sections = dom["sections"].as_array().unwrap();
    assert_eq!(sections.len(), results.len());
    for ((s, r), row) in sections.iter().zip(results).zip(rows) {
        let name = r["credential"].as_str().unwrap();
        assert_eq!(s["name"], name);
        assert_eq!(row["href"], format!("#{}", s["id"].as_str().unwrap()), "{name}");
        assert_eq!(s["verdict"], verdict_word(r));
        assert_eq!(s["facts"]["Read at"], r["read_at"]);
        assert_eq!(
            s["facts"]["Grants read from"],
            format!(
                "{} ({})",
                r["grants_origin"].as_str().unwrap(),
                r["grants_source"].as_str().unwrap()
            )
        );
        for kind in ["missing", "excess"] {
            let want: Vec<Value> = findings(r, kind)
                .map(|f| {
                    let fails = if f["waived"] == true {
                        "waived"
                    } else if f["fails"] == true {
                        "yes"
                    } else {
                        "no"
                    };
                    serde_json::json!({"risk": f["risk"], "permission": f["permission"], "fails": fails})
                })
                .collect();
            assert_eq!(s[kind], serde_json::json!(want), "{name}: {kind}");
        }
    }

    // Clicking a Risk heading sorts the rows: worst last, then worst first.
    let sorts = seen["sorts"].as_array().unwrap();
    let tables: usize = sections
        .iter()
        .map(|s| {
            usize::from(!s["missing"].as_array().unwrap().is_empty())
                + usize::from(!s["excess"].as_array().unwrap().is_empty())
        })
        .sum();
    assert_eq!(sorts.len(), tables, "every findings table was sorted");
    for sort in sorts {
        let ranks = |k: &str| -> Vec<u32> {
            sort[k]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| rank(r.as_str().unwrap()))
                .collect()
        };
        let (before, first, second) = (ranks("before"), ranks("first"), ranks("second"));
        let mut ascending = before.clone();
        ascending.sort();
        assert_eq!(first, ascending, "{sort}");
        assert_eq!(sort["firstSort"], "ascending");
        let mut descending = ascending.clone();
        descending.reverse();
        assert_eq!(second, descending, "{sort}");
        assert_eq!(sort["secondSort"], "descending");
        assert_eq!(before, descending, "the page opens worst first");
    }

    // The heatmap sorts by each column: the verdict, the missing count, each data class.
    let heat_sorts = seen["heatSorts"].as_array().unwrap();
    assert_eq!(heat_sorts.len(), 3 + CLASSES.len());
    assert_eq!(heat_sorts[0]["sort"], "ascending", "names sort A to Z first");
    let verdict_key = |r: &Value| match r["verdict"].as_str().unwrap() {
        "error" => (3, 0),
        "fail" => (2, 0),
        _ => (1, 0),
    };
    assert_eq!(
        heat_sorts[1]["order"],
        serde_json::json!(sorted_names(results, verdict_key))
    );
    let missing_key = |r: &Value| {
        if r["verdict"] == "error" {
            (-1, 0)
        } else {
            (r["summary"]["missing"].as_i64().unwrap(), 0)
        }
    };
    assert_eq!(
        heat_sorts[2]["order"],
        serde_json::json!(sorted_names(results, missing_key))
    );
    for (i, (class, heading)) in CLASSES.iter().enumerate() {
        let sort = &heat_sorts[3 + i];
        assert_eq!(sort["heading"], *heading);
        assert_eq!(sort["sort"], "descending");
        let key = |r: &Value| {
            if r["verdict"] == "error" {
                return (i64::MAX, 0);
            }
            let (_, (worst, n)) = expected_cell(r, class, classes);
            (i64::from(worst), i64::from(n))
        };
        assert_eq!(
            sort["order"],
            serde_json::json!(sorted_names(results, key)),
            "{heading}"
        );
    }

    // Following a credential's link scrolls to its section.
    let followed = &seen["followed"];
    assert_eq!(followed["hash"], followed["href"]);
    assert_eq!(followed["inView"], true, "{followed}");

    // Printed: the page's navigation is hidden, the heatmap is there, a PDF comes out.
    assert_eq!(seen["print"]["upHidden"], true);
    assert_eq!(seen["print"]["heatmapVisible"], true);
    assert!(
        seen["print"]["pdfBytes"].as_u64().unwrap() > 10_000,
        "{}",
        seen["print"]
    );
    assert!(seen["print"]["pdfPages"].as_u64().unwrap() >= 1, "{}", seen["print"]);
}

/// Run `args` with `--format json --output html=DIR/report.html`: the JSON on stdout and
/// the HTML report of the same run.
fn report(dir: &Path, args: &[&str], code: i32) -> (Value, PathBuf) {
    let html = dir.join("report.html");
    let (got, stdout, stderr) = run(grantlint()
        .args(args)
        .args(["--format", "json", "--output"])
        .arg(format!("html={}", html.display())));
    assert_eq!(got, code, "{stderr}");
    (serde_json::from_str(&stdout).unwrap(), html)
}

fn toml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

const XSS: &str = "<script>alert(1)</script>";

#[test]
fn an_audit_report_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let root = common::root();
    let grants = |f: &str| toml_quote(root.join("examples/grants").join(f).to_str().unwrap());
    let config = write(
        dir.path(),
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = \"seekout-prod\"\nprofiles = [\"seekout\"]\ngrants = {}\n\n\
             [[credential]]\nname = {}\nprofiles = [\"jobtarget\"]\ngrants = {}\n\n\
             [[credential]]\nname = \"planted\"\nprofiles = [\"planted\"]\ngrants = {}\n\n\
             [[credential]]\nname = \"cronofy-v1-key\"\nprofiles = [\"cronofy-v1\"]\ngrants = {}\n\n\
             [[credential]]\nname = \"seekout-live\"\nprofiles = [\"seekout\"]\nclient_id_env = \"GL_TEST_UNSET_ID\"\nclient_secret_env = \"GL_TEST_UNSET_SECRET\"\n\n\
             [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:departments:list\"\nreason = \"maps <b>requisitions</b> & departments\"\nexpires = 2027-01-31\n\n\
             [[waiver]]\ncredential = \"seekout-prod\"\npermission = \"harvest:offers:list\"\nreason = \"temporary, SEC-99\"\nexpires = 2026-11-30\n",
            grants("seekout-overgranted.yaml"),
            toml_quote(XSS),
            grants("jobtarget-exact.yaml"),
            grants("planted-harvest.toml"),
            grants("cronofy-v1-key.yaml"),
        ),
    );
    let config = config.to_str().unwrap();
    let (json, html) = report(dir.path(), &["audit", "--config", config], 2);
    let seen = browse(&html);
    assert_report(&json, &seen, &data_classes());
    let dom = &seen["dom"];

    // Hand-written: the over-granted SeekOut credential, with the departments waiver in
    // force and the offers one expired (it waives nothing).
    let seekout = &dom["heatmap"]["rows"][0];
    let cells: Vec<&str> = seekout["cells"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        cells,
        [
            "— 1 waived",
            "—",
            "1 critical",
            "1 high",
            "1 high",
            "1 high",
            "1 critical",
            "—"
        ]
    );
    assert_eq!(seekout["verdict"], "FAIL");
    assert_eq!(seekout["missing"], "1");
    let waivers = &dom["sections"][0]["waivers"];
    assert_eq!(waivers[0][0], "harvest:departments:list");
    assert_eq!(waivers[0][1], "in force");
    assert_eq!(waivers[0][2], "2027-01-31");
    assert_eq!(
        waivers[0][3], "waives the excess finding: maps <b>requisitions</b> & departments",
        "a reason is text"
    );
    assert_eq!(waivers[1][0], "harvest:offers:list");
    assert_eq!(waivers[1][1], "expired");
    assert_eq!(waivers[1][2], "2026-11-30");
    assert!(waivers[1][3].as_str().unwrap().contains("expired on 2026-11-30"));
    // The fix-it checklist: tick the missing grant, untick every excess one but the waived.
    let checklist: Vec<&str> = dom["sections"][0]["checklist"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(checklist.len(), 6, "{checklist:?}");
    assert!(
        checklist.contains(&"☐ Tick List close reasons harvest:close_reasons:list low"),
        "{checklist:?}"
    );
    assert!(checklist.contains(&"☑ Untick Destroy candidates harvest:candidates:destroy critical"));
    assert!(!checklist.iter().any(|c| c.contains("harvest:departments:list")));

    // The hostile name is text: in the DOM as written, in the file escaped, and it ran
    // nothing (no dialog, checked above).
    assert_eq!(dom["sections"][1]["name"], XSS);
    assert_eq!(dom["heatmap"]["rows"][1]["name"], XSS);
    let text = std::fs::read_to_string(&html).unwrap();
    assert!(
        text.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || text.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "the name is written escaped"
    );
    assert!(!text.contains(XSS));
    assert!(!text.contains("<b>requisitions"));

    // Planted got a Harvest credential: said first, and every grant is excess.
    let planted = &dom["sections"][2];
    assert!(
        planted["notices"][0]
            .as_str()
            .unwrap()
            .contains("needs a candidate-ingestion credential"),
        "{planted}"
    );
    // The one that could not be checked says why, and has no tables.
    let live = &dom["sections"][4];
    assert_eq!(live["verdict"], "ERROR");
    assert!(live["notices"][0].as_str().unwrap().contains("GL_TEST_UNSET_ID"));
}

/// The "done when": the example config, whose offline credential passes and whose
/// live one cannot be checked here (its secrets are unset).
#[test]
fn the_example_config_report_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = report(dir.path(), &["audit", "--config", "examples/ci/grantlint.toml"], 2);
    let seen = browse(&html);
    assert_report(&json, &seen, &data_classes());
    let rows = &seen["dom"]["heatmap"]["rows"];
    assert_eq!(rows[0]["name"], "seekout-prod");
    assert!(
        rows[0]["cells"][0]["text"]
            .as_str()
            .unwrap()
            .contains("SEEKOUT_CLIENT_ID")
    );
    assert_eq!(rows[1]["name"], "jobtarget-prod");
    assert_eq!(rows[1]["verdict"], "PASS");
}

/// `check --grants-dir`: a fleet of 40 credentials of one profile, each granting a
/// different selection of extra scopes.
#[test]
fn a_fleet_report_of_forty_credentials_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let grants_dir = dir.path().join("grants");
    std::fs::create_dir(&grants_dir).unwrap();
    let (code, stdout, _) = run(grantlint().args(["profiles", "show", "cronofy", "--format", "json"]));
    assert_eq!(code, 0);
    let profile: Value = serde_json::from_str(&stdout).unwrap();
    let required: Vec<&str> = profile["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["permission"].as_str().unwrap())
        .collect();
    let classes = data_classes();
    let mut others: Vec<&str> = classes
        .keys()
        .map(String::as_str)
        .filter(|p| p.starts_with("harvest:") && !required.contains(p))
        .collect();
    others.sort();
    for i in 0..40 {
        let mut granted: Vec<&str> = required.iter().copied().skip(i % 3).collect();
        for k in 0..(i % 7) {
            granted.push(others[(i * 31 + k * 17) % others.len()]);
        }
        granted.sort();
        granted.dedup();
        let list: String = granted.iter().map(|s| format!("  - {s}\n")).collect();
        write(
            &grants_dir,
            &format!("cred-{i:02}.yaml"),
            &format!("credential: team-{i:02}\napi: harvest-v3\ngranted:\n{list}"),
        );
    }
    let (json, html) = report(
        dir.path(),
        &["check", "-p", "cronofy", "--grants-dir", grants_dir.to_str().unwrap()],
        1,
    );
    assert_eq!(json["results"].as_array().unwrap().len(), 40);
    let seen = browse(&html);
    assert_report(&json, &seen, &classes);
}

/// `check --usage`: what the evidence says of each missing and excess grant, in a column
/// of its own, and which evidence it was.
#[test]
fn a_report_with_usage_evidence_in_the_browser() {
    let dir = tempfile::tempdir().unwrap();
    let (json, html) = report(
        dir.path(),
        &[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
            "--usage",
            "tests/data/captures/access.log",
        ],
        1,
    );
    let seen = browse(&html);
    assert_report(&json, &seen, &data_classes());
    let r = &json["results"][0];
    let s = &seen["dom"]["sections"][0];
    assert!(
        s["facts"]["Usage evidence"]
            .as_str()
            .unwrap()
            .starts_with("tests/data/captures/access.log (access-log, "),
        "{s}"
    );
    for kind in ["missing", "excess"] {
        let cells = s["usage"][kind]
            .as_array()
            .unwrap_or_else(|| panic!("no Usage column: {s}"));
        let want: Vec<&Value> = findings(r, kind).collect();
        assert_eq!(cells.len(), want.len());
        for (cell, f) in cells.iter().zip(want) {
            let cell = cell.as_str().unwrap();
            let u = &f["usage"];
            assert!(cell.starts_with(u["state"].as_str().unwrap()), "{cell} / {u}");
            let denied = u["denied"].as_u64().unwrap();
            assert_eq!(cell.contains(&format!("refused {denied}x")), denied > 0, "{cell} / {u}");
        }
    }
    // Hand-written, from the capture: one refused call to the offers list, nothing else.
    let excess: Vec<(&str, &str)> = s["excess"]
        .as_array()
        .unwrap()
        .iter()
        .zip(s["usage"]["excess"].as_array().unwrap())
        .map(|(row, u)| (row["permission"].as_str().unwrap(), u.as_str().unwrap()))
        .collect();
    assert!(
        excess.contains(&("harvest:offers:list", "unused, refused 1x")),
        "{excess:?}"
    );
    assert!(excess.contains(&("harvest:candidates:destroy", "unused")), "{excess:?}");

    // Without evidence there is no Usage column, and the facts say there was none.
    let (json, html) = report(
        dir.path(),
        &[
            "check",
            "-p",
            "seekout",
            "--grants",
            "examples/grants/seekout-overgranted.yaml",
        ],
        1,
    );
    let seen = browse(&html);
    assert_report(&json, &seen, &data_classes());
    let s = &seen["dom"]["sections"][0];
    assert_eq!(s["usage"], serde_json::json!({"missing": null, "excess": null}));
    assert_eq!(s["facts"]["Usage evidence"], "none in this run");
}
