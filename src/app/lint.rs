//! `grantlint lint [DIR|FILE...]`: validate profiles and report least-privilege and
//! migration problems in valid ones.

use std::io::Write;

use crate::check::lint::lint_profile;
use crate::check::usage::counted;
use crate::cli::{CiFormat, LintArgs};
use crate::error::{EXIT_FINDINGS, EXIT_INPUT, Error};
use crate::input::library::{self, lint_targets};
use crate::report::Style;
use crate::report::ci;
use crate::report::lint::{Linted, problems, render_json, render_text};

pub fn run(args: LintArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let linted: Vec<Linted> = lint_targets(&args.paths)?
        .into_iter()
        .map(|found| {
            let outcome = library::load_found(&found).map(|p| {
                let findings = lint_profile(&p);
                (p, findings)
            });
            Linted { found, outcome }
        })
        .collect();
    let invalid = linted.iter().filter(|l| l.outcome.is_err()).count();
    let failing = linted
        .iter()
        .filter_map(|l| l.outcome.as_ref().ok())
        .flat_map(|(_, f)| f.iter())
        .filter(|(f, _)| f.fails)
        .count();
    let verdict = if invalid > 0 {
        format!("FAIL: {invalid} of {} invalid", counted(linted.len(), "profile"))
    } else if failing > 0 {
        format!(
            "FAIL: {} in {}",
            counted(failing, "failing finding"),
            counted(linted.len(), "profile")
        )
    } else {
        format!("PASS: {}", counted(linted.len(), "profile"))
    };
    match args.format {
        CiFormat::Table => render_text(&linted, style, out),
        CiFormat::Json => render_json(&linted, out),
        CiFormat::Github => ci::github(&problems(&linted), out),
        CiFormat::Sarif => ci::sarif("lint", &problems(&linted), out),
        CiFormat::Markdown => ci::markdown("grantlint lint", &verdict, &problems(&linted), out),
    }
    .map_err(Error::output)?;
    Ok(if invalid > 0 {
        EXIT_INPUT
    } else if failing > 0 {
        EXIT_FINDINGS
    } else {
        0
    })
}
