//! SARIF 2.1.0 (serde-sarif's model of the OASIS schema). Every result has a physical
//! location (the profile, grants or config line the finding is about, else line 1 of the
//! first profile), a logical location naming credential and permission, a stable
//! fingerprint, and waived results carry `suppressions`. Rules come from the registry.

use std::collections::BTreeMap;

use std::io::Write;

use serde_sarif::sarif;

use super::finding_message;
use crate::check::{CheckResult, Verdict};
use crate::finding::Location;
use crate::finding::{Finding, Kind, Level};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// FNV-1a, 64 bits: a stable hash for fingerprints (no secret ever goes into it).
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h ^= 0x1f;
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for b in p.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

fn sarif_level(level: Level) -> sarif::ResultLevel {
    match level {
        Level::Note => sarif::ResultLevel::Note,
        Level::Warning => sarif::ResultLevel::Warning,
        Level::Error => sarif::ResultLevel::Error,
    }
}

/// Where a finding kind is documented: its heading in docs/findings.md on the repository's
/// `main` branch.
pub fn help_uri(kind: Kind) -> String {
    format!("{}/blob/main/docs/findings.md#{}", repository(), kind.id())
}

fn repository() -> &'static str {
    env!("CARGO_PKG_REPOSITORY").trim_end_matches('/')
}

/// The first sentence of a description.
pub fn first_sentence(text: &str) -> &str {
    text.find(". ").map_or(text, |i| &text[..=i])
}

fn rules() -> Vec<sarif::ReportingDescriptor> {
    Kind::ALL
        .iter()
        .map(|k| {
            let info = k.info();
            let text = |t: &str| sarif::MultiformatMessageString::builder().text(t).build();
            sarif::ReportingDescriptor::builder()
                .id(info.id)
                .name(info.name)
                .short_description(text(first_sentence(info.description)))
                .full_description(text(info.description))
                .help(text(info.help))
                .help_uri(help_uri(*k))
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::to_value(sarif_level(info.level)).unwrap_or_default())
                        .build(),
                )
                .build()
        })
        .collect()
}

fn location(r: &CheckResult, f: &Finding) -> sarif::Location {
    let at: Location = super::user_location(r, f).cloned().unwrap_or(Location {
        file: "grantlint.toml".into(),
        line: 1,
        builtin: false,
    });
    let permission = f.permission.map(|p| p.id()).unwrap_or("-");
    sarif::Location::builder()
        .physical_location(
            sarif::PhysicalLocation::builder()
                .artifact_location(sarif::ArtifactLocation::builder().uri(artifact_uri(&at.file)).build())
                .region(sarif::Region::builder().start_line(at.line.max(1) as i64).build())
                .build(),
        )
        .logical_locations(vec![
            sarif::LogicalLocation::builder()
                .name(permission)
                .fully_qualified_name(format!("credential:{}/permission:{permission}", r.credential))
                .kind("resource")
                .build(),
        ])
        .build()
}

/// The characters a path segment of a URI reference keeps as they are (RFC 3986 unreserved,
/// and the sub-delimiters file names commonly hold); everything else is percent-encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'+')
    .remove(b',')
    .remove(b'=')
    .remove(b'@');

/// A file as a SARIF artifact URI: a relative path stays a relative reference (resolved
/// against where the run started, as code scanning expects); an absolute path, which no
/// relative reference may express (SARIF validators reject one that begins with a slash),
/// becomes a `file://` URI. Both percent-encoded.
pub fn artifact_uri(file: &str) -> String {
    let path = std::path::Path::new(file);
    if path.is_absolute()
        && let Ok(url) = url::Url::from_file_path(path)
    {
        return url.to_string();
    }
    file.replace('\\', "/")
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, PATH_SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The SARIF results of one credential: one per finding.
fn results_of(r: &CheckResult) -> Vec<sarif::Result> {
    let mut out = Vec::with_capacity(r.findings.len());
    for f in &r.findings {
        let mut props = BTreeMap::new();
        props.insert("credential".to_string(), serde_json::json!(r.credential));
        props.insert("profiles".to_string(), serde_json::json!(f.profiles));
        if let Some(risk) = f.risk {
            props.insert("risk".to_string(), serde_json::json!(risk.as_str()));
        }
        props.insert("approximate".to_string(), serde_json::json!(f.approximate));
        props.insert("fails".to_string(), serde_json::json!(f.fails));
        if !r.caveats.is_empty() {
            props.insert("caveats".to_string(), serde_json::json!(r.caveats));
        }
        if f.partial_profile {
            props.insert("partial_profile".to_string(), serde_json::json!(true));
        }
        let mut fingerprints = BTreeMap::new();
        fingerprints.insert(
            "grantlint/v1".to_string(),
            fingerprint(&[&r.credential, f.kind.id(), &f.subject]),
        );
        let level = if f.fails && !f.waived {
            sarif::ResultLevel::Error
        } else {
            sarif_level(f.level.min(Level::Warning))
        };
        let rule_index = Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0) as i64;
        let message = format!(
            "{}{} [credential {}]",
            finding_message(r, f),
            super::builtin_note(r, f),
            r.credential
        );
        let base = sarif::Result::builder()
            .rule_id(f.kind.id())
            .rule_index(rule_index)
            .level(level)
            .message(sarif::Message::builder().text(message).build())
            .locations(vec![location(r, f)])
            .partial_fingerprints(fingerprints)
            .properties(sarif::PropertyBag::builder().additional_properties(props).build());
        let result = if f.waived {
            let suppression = sarif::Suppression::builder()
                .kind(serde_json::json!("external"))
                .status(serde_json::json!("accepted"))
                .justification(f.waiver_reason.clone().unwrap_or_default())
                .build();
            base.suppressions(vec![suppression]).build()
        } else {
            base.build()
        };
        out.push(result);
    }
    out
}

/// `value` pretty-printed, each line after the first indented by `indent` spaces, so that it
/// sits inside a document printed the same way.
fn write_nested(out: &mut dyn Write, value: &impl serde::Serialize, indent: usize) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    let pad = " ".repeat(indent);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.write_all(b"\n")?;
            out.write_all(pad.as_bytes())?;
        }
        out.write_all(line.as_bytes())?;
    }
    Ok(())
}

/// A SARIF log written as results arrive: the tool and its rules first, each credential's
/// results as it is done, the invocation (exit code) last. Only one credential's results are
/// held at a time.
#[derive(Default)]
pub struct SarifWriter {
    results: usize,
    failed_credentials: bool,
    /// Every credential's caveats, as the invocation's notifications: a credential without
    /// findings has no result to carry them.
    caveats: Vec<String>,
}

impl SarifWriter {
    pub fn begin(&mut self, out: &mut dyn Write) -> std::io::Result<()> {
        let driver = sarif::ToolComponent::builder()
            .name("grantlint")
            .information_uri(repository())
            .version(env!("CARGO_PKG_VERSION"))
            .semantic_version(env!("CARGO_PKG_VERSION"))
            .rules(rules())
            .build();
        write!(
            out,
            "{{\n  \"$schema\": \"{SARIF_SCHEMA}\",\n  \"runs\": [\n    {{\n      \"tool\": "
        )?;
        write_nested(out, &sarif::Tool::builder().driver(driver).build(), 6)?;
        write!(out, ",\n      \"results\": [")
    }

    pub fn push(&mut self, r: &CheckResult, out: &mut dyn Write) -> std::io::Result<()> {
        self.failed_credentials |= r.verdict == Verdict::Error;
        self.caveats
            .extend(r.caveats.iter().map(|c| format!("credential {}: {c}", r.credential)));
        for result in results_of(r) {
            out.write_all(if self.results == 0 {
                b"\n        "
            } else {
                b",\n        "
            })?;
            write_nested(out, &result, 8)?;
            self.results += 1;
        }
        Ok(())
    }

    pub fn end(&mut self, exit_code: u8, out: &mut dyn Write) -> std::io::Result<()> {
        let notifications: Vec<sarif::Notification> = self
            .caveats
            .iter()
            .map(|c| {
                sarif::Notification::builder()
                    .level(serde_json::json!("note"))
                    .message(sarif::Message::builder().text(format!("caveat: {c}")).build())
                    .build()
            })
            .collect();
        let invocation = if notifications.is_empty() {
            sarif::Invocation::builder()
                .execution_successful(!self.failed_credentials)
                .exit_code(i64::from(exit_code))
                .build()
        } else {
            sarif::Invocation::builder()
                .execution_successful(!self.failed_credentials)
                .exit_code(i64::from(exit_code))
                .tool_execution_notifications(notifications)
                .build()
        };
        if self.results > 0 {
            out.write_all(b"\n      ")?;
        }
        write!(out, "],\n      \"invocations\": ")?;
        write_nested(out, &vec![invocation], 6)?;
        writeln!(out, "\n    }}\n  ],\n  \"version\": \"2.1.0\"\n}}")
    }
}
