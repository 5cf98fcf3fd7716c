//! `--format json`: the versioned `grantlint.check.v1` object of DESIGN.md section 4.

use std::borrow::Cow;

use serde::Serialize;

use super::finding_message;
use crate::catalog::Risk;
use crate::check::{CheckResult, Summary, Verdict};
use crate::finding::{Finding, Level, UsageNote, UsageState};
use crate::input::clock::rfc3339;

pub const CHECK_SCHEMA: &str = "grantlint.check.v1";

/// One result as the `grantlint.check.v1` object has it.
#[derive(Serialize)]
pub struct JsonResult<'a> {
    credential: &'a str,
    profiles: &'a [String],
    grants_source: &'static str,
    grants_origin: &'a str,
    read_at: String,
    space: &'static str,
    verdict: Verdict,
    caveats: &'a [String],
    findings: Vec<JsonFinding<'a>>,
    summary: &'a Summary,
}

impl<'a> JsonResult<'a> {
    pub fn of(r: &'a CheckResult) -> Self {
        JsonResult {
            credential: &r.credential,
            profiles: &r.profiles,
            grants_source: r.grants_source.as_str(),
            grants_origin: &r.grants_origin,
            read_at: rfc3339(r.read_at),
            space: r.space.as_str(),
            verdict: r.verdict,
            caveats: &r.caveats,
            findings: r
                .findings
                .iter()
                .map(|f| JsonFinding::of(f).with_message(finding_message(r, f)))
                .collect(),
            summary: &r.summary,
        }
    }
}

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    kind: &'static str,
    level: Level,
    permission: Option<&'static str>,
    risk: Option<Risk>,
    profiles: &'a [std::sync::Arc<str>],
    labels: &'a [&'static str],
    approximate: bool,
    fails: bool,
    waived: bool,
    message: Cow<'a, str>,
    /// What the usage evidence says of the permission, when there is evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<JsonUsage<'a>>,
    /// The waiver that excuses this finding (or, for expired-waiver and unused-waiver, the
    /// waiver it is about).
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<JsonWaiver<'a>>,
    /// An excess grant judged against a PARTIAL profile: the partner may need it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial_profile: bool,
    /// The permission is a scope new in the `--catalog-spec` spec: its risk is inferred.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    risk_inferred: bool,
}

#[derive(Serialize)]
pub struct JsonWaiver<'a> {
    reason: &'a str,
    /// YYYY-MM-DD, the last day it holds; null when it never expires.
    expires: Option<String>,
}

/// A finding's `usage` object (DESIGN.md section 7).
#[derive(Serialize)]
pub struct JsonUsage<'a> {
    state: UsageState,
    /// An unused verdict resting only on the audit log's inferred recording of it.
    inferred: bool,
    count: usize,
    denied: usize,
    first_seen: Option<String>,
    last_seen: Option<String>,
    last_denied: Option<String>,
    /// The sources that saw it.
    source: &'a [String],
}

impl<'a> JsonUsage<'a> {
    pub fn of(u: &'a UsageNote) -> Self {
        JsonUsage {
            state: u.state,
            inferred: u.inferred,
            count: u.count,
            denied: u.denied,
            first_seen: u.first_seen.map(rfc3339),
            last_seen: u.last_seen.map(rfc3339),
            last_denied: u.last_denied.map(rfc3339),
            source: &u.sources,
        }
    }
}

impl<'a> JsonFinding<'a> {
    pub fn of(f: &'a Finding) -> Self {
        JsonFinding {
            kind: f.kind.id(),
            level: f.level,
            permission: f.permission.map(|p| p.id()),
            risk: f.risk,
            profiles: &f.profiles,
            labels: &f.labels,
            approximate: f.approximate,
            fails: f.fails,
            waived: f.waived,
            message: f.message(),
            usage: f.usage.as_ref().map(JsonUsage::of),
            waiver: f.waiver_reason.as_deref().map(|reason| JsonWaiver {
                reason,
                expires: f.waiver_expires.map(|d| d.to_string()),
            }),
            partial_profile: f.partial_profile,
            risk_inferred: f.permission.is_some_and(|p| p.risk_inferred()),
        }
    }

    fn with_message(mut self, message: Cow<'a, str>) -> Self {
        self.message = message;
        self
    }
}

/// The `grantlint.check.v1` document written as results arrive, exactly as one
/// pretty-printed object: the schema first, each result as it is done.
#[derive(Default)]
pub struct JsonWriter {
    results: usize,
}

impl JsonWriter {
    pub fn begin(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        write!(out, "{{\n  \"schema\": \"{CHECK_SCHEMA}\",\n  \"results\": [")
    }

    pub fn push(&mut self, r: &CheckResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        out.write_all(if self.results == 0 { b"\n    " } else { b",\n    " })?;
        let text = serde_json::to_string_pretty(&JsonResult::of(r))?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n    ")?;
            }
            out.write_all(line.as_bytes())?;
        }
        self.results += 1;
        Ok(())
    }

    pub fn end(&mut self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        if self.results > 0 {
            out.write_all(b"\n  ")?;
        }
        writeln!(out, "]\n}}")
    }
}

/// `--format jsonl`: one result object on one line, with the schema's name in it.
pub fn render_line(r: &CheckResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        schema: &'static str,
        #[serde(flatten)]
        result: JsonResult<'a>,
    }
    serde_json::to_writer(
        &mut *out,
        &Line {
            schema: CHECK_SCHEMA,
            result: JsonResult::of(r),
        },
    )?;
    writeln!(out)
}
