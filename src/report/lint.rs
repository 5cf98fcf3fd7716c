//! `grantlint lint`: each profile as ok, invalid (with its errors) or with findings (as
//! diagnostics pointing into the profile), as text or `grantlint.lint.v1` JSON.

use std::io::Write;

use miette::SourceSpan;
use serde::Serialize;

use super::Style;
use super::ci::Problem;
use super::diagnostic;
use super::json::JsonFinding;
use super::words::fill_tagged;
use crate::check::usage::counted;
use crate::error::Error;
use crate::finding::{Finding, Level};
use crate::input::library::Found;
use crate::input::profile::{Origin, Profile};
use crate::input::source::SourceError;

/// The lint result of one profile file.
pub struct Linted {
    pub found: Found,
    pub outcome: Result<(Profile, Vec<(Finding, SourceSpan)>), Error>,
}

/// A lint finding as a miette diagnostic pointing into the profile.
pub fn finding_diagnostic(p: &Profile, finding: &Finding, span: SourceSpan) -> SourceError {
    let info = finding.kind.info();
    let label = format!("{}[{}]", finding.level.as_str(), info.id);
    SourceError::at(&p.src, span, finding.message().into_owned(), label).with_help(info.help)
}

fn name(l: &Linted) -> String {
    match &l.found.origin {
        Origin::Builtin => format!("{} (built-in)", l.found.id),
        Origin::File(p) => p.display().to_string(),
    }
}

/// Text: a line per profile, its diagnostics, and a closing count.
pub fn render_text(linted: &[Linted], style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let (mut invalid, mut findings) = (0, 0);
    let w = style.text_width;
    for l in linted {
        match &l.outcome {
            Err(e) => {
                invalid += 1;
                writeln!(out, "{} {}", style.red("invalid"), name(l))?;
                write!(out, "{}", diagnostic::render(e, style.color, style.text_width))?;
            }
            Ok((p, fs)) if fs.is_empty() => {
                let rest = format!("{} — {}", name(l), p.name);
                writeln!(
                    out,
                    "{}",
                    fill_tagged("ok      ", &style.green("ok      "), &rest, w, 8)
                )?
            }
            Ok((p, fs)) => {
                findings += fs.len();
                let worst = fs.iter().map(|(f, _)| f.level).max().unwrap_or(Level::Note);
                let (tag, painted) = if worst >= Level::Warning {
                    ("finding ", style.yellow("finding "))
                } else {
                    ("note    ", style.dim("note    "))
                };
                let rest = format!("{} — {}", name(l), p.name);
                writeln!(out, "{}", fill_tagged(tag, &painted, &rest, w, 8))?;
                for (f, span) in fs {
                    write!(
                        out,
                        "{}",
                        diagnostic::render(&finding_diagnostic(p, f, *span), style.color, style.text_width)
                    )?;
                }
            }
        }
    }
    writeln!(
        out,
        "linted {}: {invalid} invalid, {}",
        counted(linted.len(), "profile"),
        counted(findings, "finding")
    )
}

#[derive(Serialize)]
struct JsonLint<'a> {
    schema: &'static str,
    profiles: Vec<JsonLinted<'a>>,
}

#[derive(Serialize)]
struct JsonError {
    message: String,
    line: Option<usize>,
    column: Option<usize>,
    help: Option<String>,
}

impl JsonError {
    fn of(e: &SourceError) -> Self {
        let pos = e.position();
        JsonError {
            message: e.message.clone(),
            line: pos.map(|p| p.0),
            column: pos.map(|p| p.1),
            help: e.help.clone(),
        }
    }
}

#[derive(Serialize)]
struct JsonLinted<'a> {
    id: &'a str,
    file: String,
    valid: bool,
    errors: Vec<JsonError>,
    findings: Vec<JsonLintFinding<'a>>,
}

/// A lint finding: the finding and the line of the profile it points at.
#[derive(Serialize)]
struct JsonLintFinding<'a> {
    #[serde(flatten)]
    finding: JsonFinding<'a>,
    line: Option<usize>,
}

/// `grantlint.lint.v1` JSON.
pub fn render_json(linted: &[Linted], out: &mut dyn Write) -> std::io::Result<()> {
    let report = JsonLint {
        schema: "grantlint.lint.v1",
        profiles: linted
            .iter()
            .map(|l| JsonLinted {
                id: &l.found.id,
                file: name(l),
                valid: l.outcome.is_ok(),
                errors: match &l.outcome {
                    Err(Error::Inputs(errs)) => errs.iter().map(JsonError::of).collect(),
                    Err(Error::Input(e)) => vec![JsonError::of(e)],
                    Err(e) => vec![JsonError {
                        message: e.to_string(),
                        line: None,
                        column: None,
                        help: None,
                    }],
                    Ok(_) => vec![],
                },
                findings: match &l.outcome {
                    Ok((_, fs)) => fs
                        .iter()
                        .map(|(f, _)| JsonLintFinding {
                            finding: JsonFinding::of(f),
                            line: f.location.as_ref().map(|l| l.line),
                        })
                        .collect(),
                    Err(_) => vec![],
                },
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// The lint result as CI problems: each invalid profile's errors and each finding, at its
/// line (a built-in profile has no file of the user's).
pub fn problems(linted: &[Linted]) -> Vec<Problem> {
    let mut out = Vec::new();
    for l in linted {
        let (file, builtin_path) = match &l.found.origin {
            Origin::Builtin => (None, Some(crate::input::library::builtin_path(&l.found.id))),
            Origin::File(p) => (Some(p.display().to_string()), None),
        };
        let builtin = |m: String| match &file {
            None => format!("{m} (built-in profile {})", l.found.id),
            Some(_) => m,
        };
        match &l.outcome {
            Err(e) => {
                let errors: Vec<&SourceError> = match e {
                    Error::Input(one) => vec![one.as_ref()],
                    Error::Inputs(many) => many.iter().collect(),
                    _ => Vec::new(),
                };
                let at = (file.clone(), builtin_path.clone());
                if errors.is_empty() {
                    out.push(invalid(at.clone(), builtin(e.to_string()), (1, 1)));
                }
                for se in errors {
                    let message = match &se.help {
                        Some(h) => format!("{}: {h}", se.message),
                        None => se.message.clone(),
                    };
                    let position = se
                        .position()
                        .or_else(|| position_in_words(&se.message))
                        .unwrap_or((1, 1));
                    out.push(invalid(at.clone(), builtin(message), position));
                }
            }
            Ok((p, findings)) => {
                for (f, span) in findings {
                    let (line, column) = p.src.position_of(span.offset());
                    let info = f.kind.info();
                    out.push(Problem {
                        rule: info.id,
                        rule_help: info.description,
                        level: f.level,
                        fails: f.fails,
                        message: builtin(f.message().into_owned()),
                        file: file.clone(),
                        builtin: builtin_path.clone(),
                        line,
                        column,
                    });
                }
            }
        }
    }
    out
}

/// The position a diagnostic gives in words, `… (at FILE:LINE:COL)`, when its line was too
/// long to quote.
fn position_in_words(message: &str) -> Option<(usize, usize)> {
    let inner = message.rsplit_once(" (at ")?.1.strip_suffix(')')?;
    let mut parts = inner.rsplitn(3, ':');
    let column = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    Some((line, column))
}

fn invalid(
    (file, builtin): (Option<String>, Option<String>),
    message: String,
    (line, column): (usize, usize),
) -> Problem {
    Problem {
        rule: "invalid-profile",
        rule_help: "A profile file that grantlint cannot load: invalid YAML, an unknown key or permission, a wrong type.",
        level: Level::Error,
        fails: true,
        message,
        file,
        builtin,
        line,
        column,
    }
}
