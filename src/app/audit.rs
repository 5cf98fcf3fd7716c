//! `grantlint audit`: every credential of the config, concurrently with a bound, each under
//! its own rate budget; one combined report; the exit code of the worst result.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{clock, evidence, live};
use crate::cli::{AuditArgs, OutputSpec};
use crate::error::Error;
use crate::input::clock::Clock;
use crate::input::config::{Config, CredentialInput, Trust};
use crate::input::discovery::{self, Origin};
use crate::input::secrets;
use crate::report::emit::{Emitter, Tally};
use crate::report::{Format, Style};
use crate::runner::{self, AuditEvidence, AuditPlan};

use crate::input::settings::DEFAULT_CONCURRENCY;

/// Keep only the `--credential` entries (all when none is named), and their waivers.
fn only(config: &mut Config, names: &[String]) -> Result<(), Error> {
    if names.is_empty() {
        return Ok(());
    }
    for name in names {
        if !config.credentials.iter().any(|c| &c.name == name) {
            let known: Vec<&str> = config.credentials.iter().map(|c| c.name.as_str()).collect();
            let hint = crate::catalog::suggest(name, crate::catalog::same(known.iter().copied()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            return Err(Error::Usage(format!(
                "--credential {}: {} defines no credential of that name{hint} (it has: {})",
                crate::input::sanitize::clean_line(name),
                config.path.display(),
                known.join(", ")
            )));
        }
    }
    config.credentials.retain(|c| names.contains(&c.name));
    config.waivers.retain(|w| names.contains(&w.credential));
    Ok(())
}

pub fn run(args: AuditArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let clock = clock()?;
    let path = config_path(args.config.as_deref())?;
    let trust = Trust {
        hosts: args.trust.hosts.clone(),
        secret_files: args.trust.secret_files.clone(),
        catalog_specs: args.trust.catalog_specs.clone(),
    };
    super::install_config_catalog_spec(&path, &trust)?;
    let mut config = Config::load(&path, &args.dirs.dirs, &trust)?;
    only(&mut config, &args.credentials)?;
    let mut policy = config.policy;
    if let Some(t) = args.fail_on_excess {
        policy.fail_on_excess = t;
    }
    if args.no_fail_on_missing {
        policy.fail_on_missing = false;
    }
    if args.fail_on_unused {
        policy.fail_on_unused = true;
    }
    let any_live = config
        .credentials
        .iter()
        .any(|c| matches!(c.input, CredentialInput::Live { .. }));
    let client = if any_live {
        Some(live::client(
            &args.connection,
            config.auth_url.as_deref(),
            config.base_url.as_deref(),
            clock,
        )?)
    } else {
        None
    };
    let plan = AuditPlan {
        credentials: &config.credentials,
        policy,
        waivers: &config.waivers,
        no_waivers: args.no_waivers,
        client: client.as_ref(),
        concurrency: args
            .concurrency
            .or(config.concurrency)
            .unwrap_or(DEFAULT_CONCURRENCY)
            .clamp(1, 256),
        force_probe: args.probe.probe,
        probe_limit: args.probe.probe_limit,
        clock,
        evidence: audit_evidence(&args, &config, clock)?,
    };
    let progress = progress_bar(config.credentials.len());
    let mut emitter = Emitter::new(OutputSpec::outputs(&args.output), style, out)?;
    // A result printed on a terminal while the bar is drawn there hides the bar for a moment.
    let outcome = runner::audit(&plan, &|| progress.inc(1), &mut |r| {
        progress.suspend(|| emitter.push(r))
    });
    progress.finish_and_clear();
    outcome?;
    let (code, tally) = emitter.finish()?;
    if matches!(args.output.format, Format::Table | Format::Checklist) {
        audited_line(&tally, &config, style.text_width, out)?;
    }
    Ok(code)
}

/// `--config`, `GRANTLINT_CONFIG` or the discovered file; a config that was not named on the
/// command line is named on stderr, so a run never uses a file its reader did not expect.
fn config_path(flag: Option<&std::path::Path>) -> Result<std::path::PathBuf, Error> {
    let env = discovery::Env::from_process()?;
    let located = discovery::locate(flag, &env)?.ok_or_else(|| discovery::not_found(&discovery::search(&env)))?;
    if located.origin != Origin::Flag {
        eprintln!(
            "grantlint: config {} ({})",
            crate::input::sanitize::clean_line(&located.path.display().to_string()),
            located.origin.describe()
        );
    }
    Ok(located.path)
}

/// What every credential's usage evidence shares: the hosts, and the Audit Log read once by
/// `[audit_log]` when a credential names an `audit_performer`.
fn audit_evidence(args: &AuditArgs, config: &Config, clock: Clock) -> Result<AuditEvidence, Error> {
    let audit_url = args.audit_url.as_deref().or(config.audit_url.as_deref());
    let connection = crate::cli::LiveArgs {
        base_url: args.connection.base_url.clone().or_else(|| config.base_url.clone()),
        ..args.connection.clone()
    };
    let hosts = evidence::hosts(&connection, audit_url);
    let wanted = config.credentials.iter().any(|c| c.audit_performer.is_some());
    let (Some(reader), true) = (&config.audit_log, wanted) else {
        return Ok(AuditEvidence {
            hosts,
            audit_rows: None,
        });
    };
    let CredentialInput::Live { client_id, secret, sub } = &reader.input else {
        return Err(Error::Usage("[audit_log] must name live credentials".into()));
    };
    let cred =
        secrets::live_credential_from_config("[audit_log]", client_id, secret, sub.clone()).map_err(Error::Usage)?;
    let client = live::client(
        &args.connection,
        config.auth_url.as_deref(),
        config.base_url.as_deref(),
        clock,
    )?;
    let rows = evidence::read_audit_rows(&client, &cred, audit_url, reader.window, args.audit_log_pace, clock)?;
    Ok(AuditEvidence {
        hosts,
        audit_rows: Some(rows),
    })
}

/// A progress bar on a terminal only.
fn progress_bar(len: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    if let Ok(s) = ProgressStyle::with_template("{spinner} {pos}/{len} credentials {wide_bar} {elapsed}") {
        bar.set_style(s);
    }
    bar
}

fn audited_line(tally: &Tally, config: &Config, width: usize, out: &mut dyn Write) -> Result<(), Error> {
    let text = format!(
        "audited {} from {}: {} pass, {} fail, {} could not be checked",
        crate::check::usage::counted(tally.total(), "credential"),
        config.path.display(),
        tally.pass,
        tally.fail,
        tally.error,
    );
    writeln!(out, "\n{}", crate::report::words::fill(&text, width, 2)).map_err(Error::output)
}
