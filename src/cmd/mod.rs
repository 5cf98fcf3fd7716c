//! One module per command: each turns parsed arguments into inputs, calls the library and
//! hands the result to a report. The exit code is computed last, from the findings.

mod audit;
mod catalog;
mod check;
mod diff;
mod explain;
mod lint;
mod live_args;
mod migrate;
mod profiles;

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::diag::Error;
use crate::report::Style;

/// Exit code for "the run found failing findings".
pub const FINDINGS: u8 = 1;

pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let style = Style::detect(cli.color);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Check(args) => check::run(args, style, &mut out)?,
        Command::Audit(args) => audit::run(args, style, &mut out)?,
        Command::Lint(args) => lint::run(args, style, &mut out)?,
        Command::Explain(args) => explain::run(args, style, &mut out)?,
        Command::Catalog(args) => catalog::run(args, style, &mut out)?,
        Command::Profiles(args) => profiles::run(args, style, &mut out)?,
        Command::Diff(args) => diff::run(args, style, &mut out)?,
        Command::Migrate(args) => migrate::run(args, &mut out)?,
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "grantlint", &mut out);
            0
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut out).map_err(write_err)?;
            0
        }
        Command::Schema => {
            let schema = schemars::schema_for!(crate::profile::RawProfile);
            let text = serde_json::to_string_pretty(&schema).map_err(|e| Error::Usage(e.to_string()))?;
            writeln!(out, "{text}").map_err(write_err)?;
            0
        }
    };
    out.flush().map_err(write_err)?;
    Ok(ExitCode::from(code))
}

/// A failed write to stdout (a closed pipe, a full disk) is an error, never a silent pass.
pub fn write_err(e: std::io::Error) -> Error {
    Error::Output(e)
}

/// Write `bytes` to `path` atomically: a temporary file beside it, then a rename, so a
/// reader never sees half a report and a failed write leaves the old file intact.
pub fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let mut tmp = tempfile::NamedTempFile::new_in(&dir).map_err(|e| write_error(path, e))?;
    tmp.write_all(bytes).map_err(|e| write_error(path, e))?;
    tmp.as_file().sync_all().map_err(|e| write_error(path, e))?;
    tmp.persist(path).map_err(|e| write_error(path, e.error))?;
    Ok(())
}

fn write_error(path: &std::path::Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// Render a diagnostic the way the error path does, for results printed on stdout.
pub fn render_diagnostic(diagnostic: &dyn miette::Diagnostic, style: Style) -> String {
    let theme = if style.color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(crate::report::diagnostic_width())
        .with_links(false);
    let mut s = String::new();
    if handler.render_report(&mut s, diagnostic).is_err() {
        s = diagnostic.to_string();
    }
    s
}
