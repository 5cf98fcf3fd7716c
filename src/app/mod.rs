//! One module per command: each turns parsed arguments into inputs, calls the library and
//! hands the result to a report. The exit code is computed last, from the findings. Nothing
//! outside this folder imports it but `main.rs`.

mod audit;
mod catalog;
mod check;
mod config;
mod diff;
mod evidence;
mod explain;
mod infer;
mod lint;
mod live;
mod man;
mod migrate;
mod profiles;
mod schema;
mod usage;

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::input::clock::Clock;
use crate::report::Style;

/// Run one command; the exit code it stands for.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    let style = Style::detect(cli.color);
    if let Some(spec) = &cli.catalog_spec {
        install_catalog_spec(spec)?;
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let code = match cli.command {
        Command::Check(args) => check::run(args, style, &mut out)?,
        Command::Audit(args) => audit::run(args, style, &mut out)?,
        Command::Lint(args) => lint::run(args, style, &mut out)?,
        Command::Explain(args) => explain::run(args, style, &mut out)?,
        Command::Usage(args) => usage::run(args, style, &mut out)?,
        Command::Infer(args) => infer::run(args, &mut out)?,
        Command::Catalog(args) => catalog::run(args, style, &mut out)?,
        Command::Profiles(args) => profiles::run(args, style, &mut out)?,
        Command::Config(args) => config::run(args, style, &mut out)?,
        Command::Diff(args) => diff::run(args, style, &mut out)?,
        Command::Migrate(args) => migrate::run(args, &mut out)?,
        Command::Completions { shell } => {
            let mut cmd = completion_command();
            clap_complete::generate(shell, &mut cmd, "grantlint", &mut out);
            0
        }
        Command::Man(args) => man::run(args, &mut out)?,
        Command::Schema(args) => schema::run(args, &mut out)?,
    };
    out.flush().map_err(Error::output)?;
    Ok(ExitCode::from(code))
}

/// Lay a Greenhouse OpenAPI spec over the built-in catalog for this run.
fn install_catalog_spec(path: &std::path::Path) -> Result<(), Error> {
    let spec = crate::input::openapi::read(path)?;
    crate::catalog::install(&spec).map_err(|e| Error::Usage(format!("{}: {e}", spec.origin)))
}

/// The config's catalog spec, laid over the catalog before the config is validated: it
/// decides which scopes the config's waivers and profiles may name. A --catalog-spec flag
/// already was, and wins.
fn install_config_catalog_spec(config: &std::path::Path, trust: &crate::input::config::Trust) -> Result<(), Error> {
    if crate::catalog::spec_origin().is_none()
        && let Some(spec) = crate::input::config::catalog_spec_of(config, trust)?
    {
        install_catalog_spec(&spec)?;
    }
    Ok(())
}

/// The command line as completion scripts see it: every argument that names a profile offers
/// the built-in profile ids. Only the scripts see these values; parsing still accepts a path.
fn completion_command() -> clap::Command {
    let ids: Vec<&'static str> = crate::input::library::builtins().iter().map(|(id, _)| *id).collect();
    let offer = |a: clap::Arg| a.value_parser(clap::builder::PossibleValuesParser::new(ids.clone()));
    <Cli as clap::CommandFactory>::command()
        .mut_subcommand("check", |c| c.mut_arg("profiles", offer))
        .mut_subcommand("migrate", |c| c.mut_arg("profile", offer))
        .mut_subcommand("profiles", |c| c.mut_subcommand("show", |s| s.mut_arg("id", offer)))
}

/// The clock of this run: `GRANTLINT_NOW`, else the system's.
fn clock() -> Result<Clock, Error> {
    Clock::from_env().map_err(Error::Usage)
}
