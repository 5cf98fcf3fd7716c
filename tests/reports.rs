#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Issue "Reports for people": `--format csv` and `--format html` of the real binary, on
//! stdout and through `--output`; what the browser shows is tested in tests/html.rs.

mod common;

use std::path::{Path, PathBuf};

use common::{grantlint, run, write};
use serde_json::Value;

const OVERGRANTED: &str = "examples/grants/seekout-overgranted.yaml";
const JOBTARGET: &str = "examples/grants/jobtarget-exact.yaml";

fn check(format: &str) -> (i32, String) {
    let (code, stdout, stderr) =
        run(grantlint().args(["check", "-p", "seekout", "--grants", OVERGRANTED, "--format", format]));
    assert!(stderr.is_empty(), "{stderr}");
    (code, stdout)
}

/// A config of three offline credentials: the over-granted SeekOut one under a name a
/// spreadsheet and a browser must both take as text, JobTarget (exact) and Planted (a
/// Harvest key handed to a partner that needs a Candidate Ingestion key), with a waiver.
fn fleet(dir: &Path, seekout_name: &str) -> PathBuf {
    let root = common::root();
    let toml_string = |s: &str| toml_quote(s);
    write(
        dir,
        "grantlint.toml",
        &format!(
            "[[credential]]\nname = {}\nprofiles = [\"seekout\"]\ngrants = {}\n\n\
             [[credential]]\nname = \"jobtarget-prod\"\nprofiles = [\"jobtarget\"]\ngrants = {}\n\n\
             [[credential]]\nname = \"planted\"\nprofiles = [\"planted\"]\ngrants = {}\n\n\
             [[waiver]]\ncredential = {}\npermission = \"harvest:departments:list\"\nreason = \"maps <b>requisitions</b> & departments\"\nexpires = 2027-01-31\n",
            toml_string(seekout_name),
            toml_string(root.join(OVERGRANTED).to_str().unwrap()),
            toml_string(root.join(JOBTARGET).to_str().unwrap()),
            toml_string(root.join("examples/grants/planted-harvest.toml").to_str().unwrap()),
            toml_string(seekout_name),
        ),
    )
}

/// A TOML basic string (what the test writes, not what grantlint reads back).
fn toml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn audit(config: &Path, format: &str) -> (i32, String) {
    let (code, stdout, stderr) = run(grantlint().args(["audit", "--format", format, "--config"]).arg(config));
    assert!(code == 1, "{code}: {stderr}");
    (code, stdout)
}

// ---------------------------------------------------------------------------------------
// CSV

const CSV_HEADER: &str =
    "credential,profiles,kind,permission,risk,fails,waived,approximate,labels,grants_source,read_at";

#[test]
fn csv_has_the_documented_header_crlf_lines_and_one_row_per_finding() {
    let (code, stdout) = check("csv");
    assert_eq!(code, 1, "no format changes the exit code");
    assert!(stdout.starts_with(&format!("{CSV_HEADER}\r\n")), "{stdout}");
    assert!(stdout.ends_with("\r\n"));
    assert!(!stdout.replace("\r\n", "").contains('\n'), "RFC 4180 lines end in CRLF");
    // The same findings as the JSON report, in the same order.
    let (_, json) = check("json");
    let v: Value = serde_json::from_str(&json).unwrap();
    let findings = v["results"][0]["findings"].as_array().unwrap();
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header.join(","), CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings.len());
    assert_eq!(rows.len(), 10, "1 missing, 6 excess, 3 approximate matches");
    for (row, f) in rows.iter().zip(findings) {
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        assert_eq!(&row[0], "seekout-prod");
        assert_eq!(&row[1], "seekout");
        assert_eq!(row[2], text(&f["kind"]));
        assert_eq!(row[3], text(&f["permission"]));
        assert_eq!(row[4], text(&f["risk"]));
        assert_eq!(row[5], text(&f["fails"]));
        assert_eq!(row[6], text(&f["waived"]));
        assert_eq!(row[7], text(&f["approximate"]));
        let labels: Vec<String> = f["labels"].as_array().unwrap().iter().map(text).collect();
        assert_eq!(row[8], labels.join("; "));
        assert_eq!(&row[9], "file");
        assert_eq!(&row[10], common::NOW);
    }
    // A hand-written row: the first excess grant.
    assert!(
        stdout.contains("\r\nseekout-prod,seekout,excess,harvest:candidates:destroy,critical,true,false,false,Destroy candidates,file,2026-12-01T12:00:00Z\r\n"),
        "{stdout}"
    );
}

#[test]
fn csv_quotes_commas_and_quotes_and_defuses_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(dir.path(), r#"acme, "eu" prod"#);
    let (_, stdout) = audit(&config, "csv");
    assert!(stdout.starts_with(&format!("{CSV_HEADER}\r\n")));
    // RFC 4180: the field in quotes, its quotes doubled.
    assert!(
        stdout.contains("\r\n\"acme, \"\"eu\"\" prod\",seekout,excess,harvest:candidates:destroy,critical,"),
        "{stdout}"
    );
    let mut reader = csv::Reader::from_reader(stdout.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(rows.iter().all(|r| r.len() == 11));
    assert_eq!(&rows[0][0], r#"acme, "eu" prod"#);
    // The waived grant is a row with waived = true; the exact credential has notes only;
    // Planted's wrong credential type has no permission and no risk.
    let waived: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[6] == "true").collect();
    assert_eq!(waived.len(), 1);
    assert_eq!(&waived[0][3], "harvest:departments:list");
    assert!(
        rows.iter()
            .filter(|r| &r[0] == "jobtarget-prod")
            .all(|r| !["missing", "excess"].contains(&&r[2]) && &r[5] == "false")
    );
    let wrong: Vec<&csv::StringRecord> = rows.iter().filter(|r| &r[2] == "wrong-credential-type").collect();
    assert_eq!(wrong.len(), 1);
    assert_eq!((&wrong[0][0], &wrong[0][3], &wrong[0][4]), ("planted", "", ""));

    // A name a spreadsheet would run as a formula is written as text.
    let config = fleet(dir.path(), "=HYPERLINK(\"https://evil.example\",\"x\")");
    let (_, stdout) = audit(&config, "csv");
    assert!(
        stdout.contains("\r\n\"'=HYPERLINK(\"\"https://evil.example\"\",\"\"x\"\")\",seekout,"),
        "{stdout}"
    );
}

#[test]
fn csv_streams_into_an_output_file_too_with_one_header() {
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(dir.path(), "seekout-prod");
    let path = dir.path().join("findings.csv");
    let (code, stdout, stderr) = run(grantlint()
        .args(["audit", "--format", "csv", "--config"])
        .arg(&config)
        .arg("--output")
        .arg(format!("csv={}", path.display())));
    assert_eq!(code, 1, "{stderr}");
    let file = std::fs::read_to_string(&path).unwrap();
    assert_eq!(file, stdout, "the file and stdout are the same report");
    assert_eq!(file.matches(CSV_HEADER).count(), 1);
    // A credential without a finding: the header alone.
    let profile = write(
        dir.path(),
        "p.yaml",
        "name: P\napi: harvest-v3\npermissions:\n  - harvest:jobs:list\n",
    );
    let grants = write(
        dir.path(),
        "g.yaml",
        "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n",
    );
    let (code, stdout, _) = run(grantlint()
        .args(["check", "--format", "csv", "-p"])
        .arg(&profile)
        .arg("--grants")
        .arg(&grants));
    assert_eq!(code, 0);
    assert_eq!(stdout, format!("{CSV_HEADER}\r\n"));
}

// ---------------------------------------------------------------------------------------
// HTML (what a browser makes of it: tests/html.rs)

/// The text between the first `start` and the `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let len = text[from..].find(end).unwrap_or_else(|| panic!("no {end}"));
    &text[from..from + len]
}

#[test]
fn html_is_one_self_contained_page_with_a_strict_content_security_policy() {
    let (code, html) = check("html");
    assert_eq!(code, 1, "no format changes the exit code");
    assert!(html.starts_with("<!DOCTYPE html>\n"), "{}", &html[..80]);
    assert!(html.trim_end().ends_with("</html>"));
    // One script, allowed by its SHA-256 (computed here with ring, as RFC 6234 and CSP
    // Level 3 define it), and nothing from anywhere else.
    assert_eq!(html.matches("<script").count(), 1);
    let script = between(&html, "<script>", "</script>");
    let digest = ring::digest::digest(&ring::digest::SHA256, script.as_bytes());
    use base64::Engine as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    let csp = between(&html, "<meta http-equiv=\"Content-Security-Policy\" content=\"", "\"");
    assert_eq!(
        csp,
        format!(
            "default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; script-src &#39;sha256-{hash}&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;"
        ),
        "askama writes an apostrophe in an attribute as &#39;"
    );
    // No address the page could load: every src and href is an anchor or data.
    for attr in ["src=\"", "href=\"", "url(", "@import"] {
        for (i, _) in html.match_indices(attr) {
            let value = &html[i + attr.len()..];
            assert!(
                value.starts_with('#') || value.starts_with("data:"),
                "{attr}{}",
                &value[..value.len().min(60)]
            );
        }
    }
    assert!(only_text_urls(&html));
    // The findings are all there, in words.
    for word in [
        "seekout-prod",
        "harvest:candidates:destroy",
        "Candidates ›",
        "Destroy candidates",
        "critical",
        "Fix-it checklist",
        "Untick",
    ] {
        assert!(html.contains(word), "{word}");
    }
}

/// The addresses in the page are text, never something it loads: each `://` is outside
/// every tag, but for the SVG namespace (a name, never fetched).
fn only_text_urls(html: &str) -> bool {
    html.match_indices("://").all(|(i, _)| {
        let before = &html[..i];
        html[..i].ends_with("http") && html[i..].starts_with("://www.w3.org/2000/svg'")
            || before
                .rfind('<')
                .is_none_or(|lt| before.rfind('>').is_some_and(|gt| gt > lt))
    })
}

#[test]
fn html_on_stdout_and_in_an_output_file_is_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(dir.path(), "seekout-prod");
    let path = dir.path().join("review.html");
    let (code, stdout, stderr) = run(grantlint()
        .args(["audit", "--format", "html", "--config"])
        .arg(&config)
        .arg("--output")
        .arg(format!("html={}", path.display())));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), stdout);
    for name in ["seekout-prod", "jobtarget-prod", "planted"] {
        assert!(
            stdout.contains(&format!("<span class=\"cred-name\">{name}</span>")),
            "{name}"
        );
    }
    // The waiver, its reason (escaped) and its expiry.
    assert!(
        stdout.contains("maps &#60;b&#62;requisitions&#60;/b&#62; &#38; departments")
            || stdout.contains("maps &lt;b&gt;requisitions&lt;/b&gt; &amp; departments")
    );
    assert!(stdout.contains("<td>2027-01-31</td>"));
}

#[test]
fn html_escapes_every_value_from_outside() {
    let dir = tempfile::tempdir().unwrap();
    let name = "<script>alert(1)</script>\" onmouseover=\"alert(2)";
    let config = fleet(dir.path(), name);
    let (_, html) = audit(&config, "html");
    assert!(!html.contains("<script>alert"), "a name never becomes markup");
    assert!(!html.contains("\" onmouseover"), "nor an attribute");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;&#34; onmouseover=&#34;alert(2)")
            || html.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(2)"),
        "the name is there, escaped"
    );
    // A server's message or a file's diagnostic: a grants file that cannot be read, whose
    // name and content are hostile.
    let grants = dir.path().join("grants");
    std::fs::create_dir(&grants).unwrap();
    write(
        &grants,
        "<img src=x onerror=alert(3)>.yaml",
        "api: harvest-v3\ngranted: [\"<i>x</i>\"]\n",
    );
    let (code, stdout, _) = run(grantlint()
        .args(["check", "-p", "seekout", "--format", "html", "--grants-dir"])
        .arg(&grants));
    assert_eq!(code, 2);
    assert!(stdout.contains("could not be checked: "), "{stdout}");
    assert!(
        !stdout.contains("<img src=x") && !stdout.contains("<i>x</i>"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------------------
// Both

#[test]
fn the_new_formats_change_no_other_formats_output() {
    let dir = tempfile::tempdir().unwrap();
    let config = fleet(dir.path(), "seekout-prod");
    for format in [
        "table",
        "json",
        "jsonl",
        "checklist",
        "sarif",
        "junit",
        "github",
        "markdown",
        "summary",
    ] {
        let plain = run(grantlint().args(["audit", "--format", format, "--config"]).arg(&config));
        let with = run(grantlint()
            .args(["audit", "--format", format, "--config"])
            .arg(&config)
            .arg("--output")
            .arg(format!("csv={}", dir.path().join("r.csv").display()))
            .arg("--output")
            .arg(format!("html={}", dir.path().join("r.html").display())));
        assert_eq!(plain, with, "{format}");
        assert_eq!(plain.0, 1, "{format}");
    }
    assert!(dir.path().join("r.csv").exists() && dir.path().join("r.html").exists());
}

/// The issue's "done when": the example config's report, written beside its other reports.
/// Its live credential cannot be checked here (the secrets are unset: exit 2); the
/// offline one passes.
#[test]
fn the_example_audit_writes_an_html_report() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let (code, stdout, stderr) = run(grantlint()
        .args(["audit", "--config", "examples/ci/grantlint.toml", "--output"])
        .arg(format!("html={}", path.display())));
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.contains("jobtarget-prod"), "stdout keeps its table: {stdout}");
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("<title>grantlint security review · 2 credentials</title>"));
    assert!(html.contains("could not be checked: environment variable SEEKOUT_CLIENT_ID"));
    assert!(html.contains("<span class=\"cred-name\">jobtarget-prod</span>"));
}
