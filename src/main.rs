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
            // The reader went away (`grantlint ... | head`): nothing more to say, but the
            // output was cut short, so the run is not a success.
            if matches!(&err, grantlint::diag::Error::Output(e) if e.kind() == std::io::ErrorKind::BrokenPipe) {
                return ExitCode::from(code);
            }
            let report = miette::Report::new(err);
            eprint!("{}", grantlint::cmd::render_diagnostic(report.as_ref(), style));
            ExitCode::from(code)
        }
    }
}
