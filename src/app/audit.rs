//! `grantlint audit`: every credential of the config, concurrently with a bound, each under
//! its own rate budget; one combined report; the exit code of the worst result.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::{clock, live};
use crate::cli::{AuditArgs, OutputSpec};
use crate::error::Error;
use crate::input::config::{self, Config, CredentialInput, Trust};
use crate::report::emit::{Emitter, Tally};
use crate::report::{Format, Style};
use crate::runner::{self, AuditPlan};

const DEFAULT_CONCURRENCY: usize = 8;

pub fn run(args: AuditArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let clock = clock()?;
    let path = config::locate(args.config.as_deref())?;
    let trust = Trust {
        hosts: args.trust.hosts.clone(),
        secret_files: args.trust.secret_files.clone(),
    };
    let config = Config::load(&path, &args.dirs.dirs, &trust)?;
    let mut policy = config.policy;
    if let Some(t) = args.fail_on_excess {
        policy.fail_on_excess = t;
    }
    if args.no_fail_on_missing {
        policy.fail_on_missing = false;
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
        audited_line(&tally, &config, out)?;
    }
    Ok(code)
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

fn audited_line(tally: &Tally, config: &Config, out: &mut dyn Write) -> Result<(), Error> {
    writeln!(
        out,
        "\naudited {} credentials from {}: {} pass, {} fail, {} could not be checked",
        tally.total(),
        config.path.display(),
        tally.pass,
        tally.fail,
        tally.error,
    )
    .map_err(Error::output)
}
