//! `--format json`: the versioned `grantlint.check.v1` object of DESIGN.md section 4.

use serde::Serialize;

use crate::catalog::Risk;
use crate::check::{CheckResult, Summary, Verdict};
use crate::finding::{Finding, Level};
use crate::profile::Api;

pub const CHECK_SCHEMA: &str = "grantlint.check.v1";

#[derive(Serialize)]
struct Report<'a> {
    schema: &'static str,
    results: Vec<JsonResult<'a>>,
}

#[derive(Serialize)]
struct JsonResult<'a> {
    credential: &'a str,
    profiles: &'a [String],
    grants_source: &'static str,
    grants_origin: &'a str,
    read_at: &'a str,
    space: &'static str,
    verdict: Verdict,
    caveats: &'a [String],
    findings: Vec<JsonFinding<'a>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
pub struct JsonFinding<'a> {
    kind: &'static str,
    level: Level,
    permission: Option<&'static str>,
    risk: Option<Risk>,
    profiles: &'a [String],
    labels: &'a [&'static str],
    approximate: bool,
    fails: bool,
    waived: bool,
    message: &'a str,
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
            message: &f.message,
        }
    }
}

fn space(api: Api) -> &'static str {
    api.as_str()
}

pub fn render(results: &[CheckResult], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let report = Report {
        schema: CHECK_SCHEMA,
        results: results
            .iter()
            .map(|r| JsonResult {
                credential: &r.credential,
                profiles: &r.profiles,
                grants_source: r.grants_source.as_str(),
                grants_origin: &r.grants_origin,
                read_at: &r.read_at,
                space: space(r.space),
                verdict: r.verdict,
                caveats: &r.caveats,
                findings: r.findings.iter().map(JsonFinding::of).collect(),
                summary: &r.summary,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
