#![forbid(unsafe_code)]
//! Parse the arguments, run one command, render the error, pick the exit code. Nothing else.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = grantlint::cli::Cli::parse();
    let style = grantlint::report::Style::detect_stderr(cli.color);
    match grantlint::cmd::run(cli) {
        Ok(code) => code,
        Err(err) => {
            let code = err.exit_code();
            let report = miette::Report::new(err);
            eprint!("{}", grantlint::cmd::render_diagnostic(report.as_ref(), style));
            ExitCode::from(code)
        }
    }
}
