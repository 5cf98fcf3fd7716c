//! The CI formats of `lint` and `diff` (GitHub annotations, SARIF, Markdown): each command
//! turns its result into [`Problem`]s, each with its place in a file, and these render them.

use std::io::Write;
use std::path::Path;

use serde_json::json;

use super::github::{data, property};
use super::sarif::{artifact_uri, fingerprint, first_sentence};
use crate::finding::{Kind, Level};
use crate::input::sanitize::clean_line;

/// Where grantlint's documentation lives (rules link to it).
const HOME: &str = match option_env!("CARGO_PKG_REPOSITORY") {
    Some(r) if !r.is_empty() => r,
    _ => "https://github.com/grantlint/grantlint",
};

/// One thing a CI run reports, at a place in a file when it has one.
#[derive(Debug, Clone)]
pub struct Problem {
    /// A rule id: a finding kind (`requires-everything`), or `invalid-profile`, `diff-added`...
    pub rule: &'static str,
    /// What the rule checks, once.
    pub rule_help: &'static str,
    pub level: Level,
    /// Whether it fails the run.
    pub fails: bool,
    pub message: String,
    /// The file it is about, as the user named it; `None` for a built-in profile.
    pub file: Option<String>,
    /// A built-in profile's path in grantlint's repository (`profiles/seekout.yaml`), for a
    /// problem with no file of the user's: SARIF needs a location for every result.
    pub builtin: Option<String>,
    pub line: usize,
    pub column: usize,
}

/// One `::error`/`::warning`/`::notice` per problem.
pub fn github(problems: &[Problem], out: &mut dyn Write) -> std::io::Result<()> {
    for p in problems {
        let command = match (p.fails, p.level) {
            (true, _) => "error",
            (false, Level::Note) => "notice",
            (false, _) => "warning",
        };
        let mut props = Vec::new();
        if let Some(file) = &p.file {
            props.push(format!("file={}", property(&clean_line(file))));
            props.push(format!("line={}", p.line.max(1)));
            props.push(format!("col={}", p.column.max(1)));
        }
        props.push(format!("title={}", property(&format!("grantlint {}", p.rule))));
        writeln!(
            out,
            "::{command} {}::{}",
            props.join(","),
            data(&clean_line(&p.message))
        )?;
    }
    Ok(())
}

/// A Markdown report: a verdict line and a table of the problems.
pub fn markdown(title: &str, verdict: &str, problems: &[Problem], out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## {}\n", md(title))?;
    writeln!(out, "**{verdict}**\n")?;
    if problems.is_empty() {
        return writeln!(out, "Nothing to report.");
    }
    writeln!(out, "| Level | Rule | Where | Message |\n|---|---|---|---|")?;
    for p in problems {
        let level = if p.fails { "error" } else { p.level.as_str() };
        let at = match (&p.file, &p.builtin) {
            (Some(f), _) => format!("{}:{}", md(f), p.line.max(1)),
            (None, Some(b)) => format!("built-in {}:{}", md(b), p.line.max(1)),
            (None, None) => "built-in".to_string(),
        };
        writeln!(out, "| {level} | `{}` | {at} | {} |", p.rule, md(&p.message))?;
    }
    Ok(())
}

/// Text in a Markdown table cell: one line, nothing Markdown or HTML acts on.
fn md(s: &str) -> String {
    super::markdown::text(s)
}

/// A rule's SARIF name: a finding kind's from the registry, else the id in PascalCase.
fn rule_name(id: &str) -> String {
    Kind::by_id(id).map_or_else(|| pascal(id), |k| k.info().name.to_string())
}

/// `invalid-profile` as a SARIF rule name: `InvalidProfile`.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A file's SARIF artifact location: relative to the working directory when it is a relative
/// path, else an absolute `file://` URI.
fn artifact(file: &str) -> serde_json::Value {
    let uri = artifact_uri(file);
    if Path::new(file).is_absolute() {
        json!({ "uri": uri })
    } else {
        json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

/// A SARIF 2.1.0 log of the problems of one command (`grantlint lint`, `grantlint diff`).
pub fn sarif(command: &str, problems: &[Problem], out: &mut dyn Write) -> std::io::Result<()> {
    let mut rules: Vec<(&str, &str)> = problems.iter().map(|p| (p.rule, p.rule_help)).collect();
    rules.sort_unstable();
    rules.dedup_by_key(|r| r.0);
    let rule_index = |id: &str| rules.iter().position(|r| r.0 == id).unwrap_or(0);
    let results: Vec<serde_json::Value> = problems
        .iter()
        .map(|p| {
            let level = match (p.fails, p.level) {
                (true, _) => "error",
                (false, Level::Note) => "note",
                (false, _) => "warning",
            };
            let mut r = json!({
                "ruleId": p.rule,
                "ruleIndex": rule_index(p.rule),
                "level": level,
                "message": { "text": clean_line(&p.message) },
                "partialFingerprints": {
                    "grantlint/v1": fingerprint(&[command, p.rule, p.file.as_deref().unwrap_or("built-in"), &p.message]),
                },
            });
            let artifact = match (&p.file, &p.builtin) {
                (Some(file), _) => Some(artifact(file)),
                (None, Some(path)) => Some(json!({ "uri": artifact_uri(path), "uriBaseId": "GRANTLINT_BUILTIN" })),
                (None, None) => None,
            };
            if let Some(artifact) = artifact {
                r["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": { "startLine": p.line.max(1), "startColumn": p.column.max(1) },
                    }
                }]);
            }
            r
        })
        .collect();
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| url::Url::from_directory_path(d).ok())
        .map_or_else(|| "file:///".to_string(), |u| u.to_string());
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "grantlint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": HOME,
                "rules": rules.iter().map(|(id, help)| json!({
                    "id": id,
                    "name": rule_name(id),
                    "shortDescription": { "text": first_sentence(help) },
                    "fullDescription": { "text": help },
                    "helpUri": format!("{HOME}/blob/main/docs/findings.md#{id}"),
                })).collect::<Vec<_>>(),
            }},
            "automationDetails": { "id": format!("grantlint/{command}/") },
            "originalUriBaseIds": {
                "%SRCROOT%": { "uri": cwd },
                "GRANTLINT_BUILTIN": {
                    "uri": format!("{HOME}/blob/main/"),
                    "description": { "text": "grantlint's built-in profiles, compiled into the binary: not a file of this repository" },
                },
            },
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(pascal("invalid-profile"), "InvalidProfile");
        assert_eq!(pascal("no-v3-equivalent"), "NoV3Equivalent");
        assert_eq!(rule_name("missing"), "MissingPermission");
        assert_eq!(rule_name("diff-added"), "DiffAdded");
    }
}
