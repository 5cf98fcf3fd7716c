//! `--format json`: the versioned `grantlint.check.v1` object of DESIGN.md section 4.

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::Serialize;

use super::finding_message;
use crate::catalog::{Api, Risk};
use crate::check::{CheckResult, Summary, SummaryJson, Verdict};
use crate::finding::{Finding, Kind, Level, UsageNote, UsageState};
use crate::input::clock::rfc3339;
use crate::input::grants::GrantsSource;

pub const CHECK_SCHEMA: &str = "grantlint.check.v1";

/// The whole `--format json` document of `check` and `audit`. [`JsonWriter`] streams exactly
/// this shape (one result at a time); this type is what `grantlint schema --kind check`
/// describes, so the schema comes from the types that write the JSON.
#[derive(Serialize, JsonSchema)]
#[schemars(
    title = "grantlint check report (grantlint.check.v1)",
    description = "What `grantlint check` and `grantlint audit` write with `--format json`: one result per credential. Fields are only ever added within v1, so consumers should accept unknown properties. `--format jsonl` writes each result on its own line, with `schema` in it."
)]
pub struct CheckDocument<'a> {
    /// Always `grantlint.check.v1`.
    #[schemars(schema_with = "check_schema_name")]
    pub schema: &'static str,
    /// One per credential, in the order of the command line or config.
    pub results: Vec<JsonResult<'a>>,
}

fn check_schema_name(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "const": CHECK_SCHEMA })
}

/// Every finding kind's id, from the registry.
fn kind_ids(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let ids: Vec<&str> = Kind::ALL.iter().map(|k| k.id()).collect();
    schemars::json_schema!({
        "description": "The finding kind (`grantlint explain KIND` describes each).",
        "type": "string",
        "enum": ids,
    })
}

fn date_time(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "format": "date-time" })
}

fn optional_date_time(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "null"], "format": "date-time" })
}

/// One result as the `grantlint.check.v1` object has it.
#[derive(Serialize, JsonSchema)]
pub struct JsonResult<'a> {
    /// The credential's name (`[[credential]] name`, or the grants file's `credential`).
    credential: &'a str,
    /// The profiles it was checked against, by id.
    profiles: &'a [String],
    /// Where its grants were read from.
    grants_source: GrantsSource,
    /// The file, or `live`, the grants came from.
    grants_origin: &'a str,
    /// When the grants were read (RFC 3339).
    #[schemars(schema_with = "date_time")]
    read_at: String,
    /// The space the comparison ran in.
    space: Api,
    verdict: Verdict,
    /// What limits the verdict (a PARTIAL profile, approximate mappings, an expired token).
    caveats: &'a [String],
    findings: Vec<JsonFinding<'a>>,
    #[schemars(with = "SummaryJson")]
    summary: &'a Summary,
}

impl<'a> JsonResult<'a> {
    pub fn of(r: &'a CheckResult) -> Self {
        JsonResult {
            credential: &r.credential,
            profiles: &r.profiles,
            grants_source: r.grants_source,
            grants_origin: &r.grants_origin,
            read_at: rfc3339(r.read_at),
            space: r.space,
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

/// One finding.
#[derive(Serialize, JsonSchema)]
pub struct JsonFinding<'a> {
    #[schemars(schema_with = "kind_ids")]
    kind: &'static str,
    level: Level,
    /// The scope in v3 space, `"METHOD /path"` in v1 space; null when about no one permission.
    permission: Option<&'static str>,
    /// Risk of the permission; null when there is none.
    risk: Option<Risk>,
    /// Profiles the finding comes from, by id.
    profiles: &'a [std::sync::Arc<str>],
    /// Greenhouse UI labels that name the permission.
    labels: &'a [&'static str],
    /// The finding rests on an approximate v1 <-> v3 mapping.
    approximate: bool,
    /// It fails the run (unless waived).
    fails: bool,
    /// A waiver excuses it.
    waived: bool,
    /// The finding in words.
    message: Cow<'a, str>,
    /// What the usage evidence says of the permission, when there is evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    usage: Option<JsonUsage<'a>>,
    /// The waiver that excuses it (for expired-waiver and unused-waiver: the one it is about).
    #[serde(skip_serializing_if = "Option::is_none")]
    waiver: Option<JsonWaiver<'a>>,
    /// An excess grant judged against a PARTIAL profile: the partner may need it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial_profile: bool,
    /// The permission is a scope new in the `--catalog-spec` spec: its risk is inferred.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    risk_inferred: bool,
}

/// A waiver of grantlint.toml.
#[derive(Serialize, JsonSchema)]
pub struct JsonWaiver<'a> {
    reason: &'a str,
    /// YYYY-MM-DD, the last day it holds; null when it never expires.
    #[schemars(schema_with = "optional_date")]
    expires: Option<String>,
}

fn optional_date(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": ["string", "null"], "format": "date" })
}

/// A finding's `usage` object (DESIGN.md section 7).
#[derive(Serialize, JsonSchema)]
pub struct JsonUsage<'a> {
    state: UsageState,
    /// An unused verdict resting only on the audit log's inferred recording of it.
    inferred: bool,
    /// Calls answered.
    count: usize,
    /// Calls refused (403).
    denied: usize,
    /// The first call that was use (RFC 3339).
    #[schemars(schema_with = "optional_date_time")]
    first_seen: Option<String>,
    /// The last call that was use.
    #[schemars(schema_with = "optional_date_time")]
    last_seen: Option<String>,
    /// The last refused call.
    #[schemars(schema_with = "optional_date_time")]
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
