use std::io::Write;

use serde::Serialize;

use super::{render_diagnostic, write_err};
use crate::cli::{LintArgs, ListFormat};
use crate::diag::Error;
use crate::finding::Level;
use crate::lint::{self, Linted};
use crate::report::Style;
use crate::report::json::JsonFinding;

pub fn run(args: LintArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let linted = lint::lint(lint::targets(&args.paths)?);
    let invalid = linted.iter().filter(|l| l.outcome.is_err()).count();
    let failing = linted
        .iter()
        .filter_map(|l| l.outcome.as_ref().ok())
        .flat_map(|(_, f)| f.iter())
        .filter(|(f, _)| f.fails)
        .count();
    match args.format {
        ListFormat::Table => render_text(&linted, style, out),
        ListFormat::Json => render_json(&linted, out),
    }
    .map_err(write_err)?;
    Ok(if invalid > 0 {
        2
    } else if failing > 0 {
        super::FINDINGS
    } else {
        0
    })
}

fn name(l: &Linted) -> String {
    match &l.found.origin {
        crate::profile::Origin::Builtin => format!("{} (built-in)", l.found.id),
        crate::profile::Origin::File(p) => p.display().to_string(),
    }
}

fn render_text(linted: &[Linted], style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let (mut invalid, mut findings) = (0, 0);
    for l in linted {
        match &l.outcome {
            Err(e) => {
                invalid += 1;
                writeln!(out, "{} {}", style.red("invalid"), name(l))?;
                write!(out, "{}", render_diagnostic(e, style))?;
            }
            Ok((p, fs)) if fs.is_empty() => writeln!(out, "{} {} — {}", style.green("ok     "), name(l), p.name)?,
            Ok((p, fs)) => {
                findings += fs.len();
                let worst = fs.iter().map(|(f, _)| f.level).max().unwrap_or(Level::Note);
                let tag = if worst >= Level::Warning {
                    style.yellow("finding")
                } else {
                    style.dim("note   ")
                };
                writeln!(out, "{tag} {} — {}", name(l), p.name)?;
                for (f, span) in fs {
                    write!(out, "{}", render_diagnostic(&lint::diagnostic(p, f, *span), style))?;
                }
            }
        }
    }
    writeln!(
        out,
        "linted {} profiles: {} invalid, {} findings",
        linted.len(),
        invalid,
        findings
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
    fn of(e: &crate::diag::SourceError) -> Self {
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
    findings: Vec<JsonFinding<'a>>,
}

fn render_json(linted: &[Linted], out: &mut dyn Write) -> std::io::Result<()> {
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
                    Ok((_, fs)) => fs.iter().map(|(f, _)| JsonFinding::of(f)).collect(),
                    Err(_) => vec![],
                },
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
