#![forbid(unsafe_code)]
//! Parse the arguments, run one command, render the error, pick the exit code. Nothing else.

use std::process::ExitCode;

use clap::Parser;
use grantlint::error::Error;
use grantlint::report::{Style, diagnostic};

fn main() -> ExitCode {
    let cli = grantlint::cli::Cli::parse();
    let style = Style::detect_stderr(cli.color);
    match grantlint::app::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = err.exit_code();
            // The reader went away (`grantlint ... | head`): nothing more to say, but the
            // output was cut short, so the run is not a success.
            if matches!(&err, Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe) {
                return ExitCode::from(code);
            }
            let report = miette::Report::new(err);
            eprint!("{}", diagnostic::render(report.as_ref(), style.color, style.text_width));
            ExitCode::from(code)
        }
    }
}
