//! `grantlint audit`: every credential of the config, concurrently with a bound, each under
//! its own rate budget; one combined report; the exit code of the worst result.

use std::io::{IsTerminal, Write};
use std::sync::Arc;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::check::{read_secret, render};
use super::{live_args, write_err};
use crate::check::{self, CheckResult, Policy};
use crate::cli::AuditArgs;
use crate::config::{Config, CredentialInput, CredentialSpec, SecretFrom, ValueFrom};
use crate::diag::Error;
use crate::grants::GrantsSource;
use crate::greenhouse::{Client, LiveCredential};
use crate::profile::Profile;
use crate::report::Style;

const DEFAULT_CONCURRENCY: usize = 8;

pub fn run(args: AuditArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let path = crate::config::locate(args.config.as_deref())?;
    let config = Config::load(&path, &args.dirs.dirs)?;
    let mut policy = config.policy;
    if let Some(t) = args.fail_on_excess {
        policy.fail_on_excess = t;
    }
    if args.no_fail_on_missing {
        policy.fail_on_missing = false;
    }
    let concurrency = args
        .concurrency
        .or(config.concurrency)
        .unwrap_or(DEFAULT_CONCURRENCY)
        .clamp(1, 256);
    let any_live = config
        .credentials
        .iter()
        .any(|c| matches!(c.input, CredentialInput::Live { .. }));
    let client = if any_live {
        Some(live_args::client(
            &args.connection,
            config.auth_url.as_deref(),
            config.base_url.as_deref(),
        )?)
    } else {
        None
    };
    let probe_limit = args.connection.probe_limit;
    let force_probe = args.connection.probe;

    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(config.credentials.len() as u64), ProgressDrawTarget::stderr());
        if let Ok(s) = ProgressStyle::with_template("{spinner} {pos}/{len} credentials {wide_bar} {elapsed}") {
            bar.set_style(s);
        }
        bar
    } else {
        ProgressBar::hidden()
    };

    let runtime = live_args::runtime()?;
    let results: Vec<CheckResult> = runtime.block_on(async {
        let semaphore = Arc::new(tokio::sync::Semaphore::new(concurrency));
        let client = client.map(Arc::new);
        let mut tasks = Vec::with_capacity(config.credentials.len());
        for spec in config.credentials.iter().cloned() {
            let permit = semaphore.clone().acquire_owned().await;
            let client = client.clone();
            let progress = progress.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                let probe = (spec.probe || force_probe).then_some(probe_limit);
                let r = audit_one(spec, client.as_deref(), policy, probe).await;
                progress.inc(1);
                r
            }));
        }
        let mut results = Vec::with_capacity(tasks.len());
        for (task, spec) in tasks.into_iter().zip(&config.credentials) {
            results.push(task.await.unwrap_or_else(|e| {
                CheckResult::failed(
                    &spec.name,
                    &names(&spec.profiles),
                    GrantsSource::Live,
                    String::new(),
                    format!("internal error: {e}"),
                    3,
                )
            }));
        }
        results
    });
    progress.finish_and_clear();
    let mut results = results;
    crate::waiver::apply(&mut results, &config.waivers, &crate::time::today(), args.no_waivers);

    let code = render(&results, &args.output, style, out)?;
    if matches!(
        args.output.format,
        crate::cli::CheckFormat::Table | crate::cli::CheckFormat::Checklist
    ) {
        let count = |v: check::Verdict| results.iter().filter(|r| r.verdict == v).count();
        writeln!(
            out,
            "\naudited {} credentials from {}: {} pass, {} fail, {} could not be checked",
            results.len(),
            config.path.display(),
            count(check::Verdict::Pass),
            count(check::Verdict::Fail),
            count(check::Verdict::Error),
        )
        .map_err(write_err)?;
    }
    Ok(code)
}

fn names(profiles: &[Arc<Profile>]) -> Vec<String> {
    profiles.iter().map(|p| p.id.clone()).collect()
}

async fn audit_one(spec: CredentialSpec, client: Option<&Client>, policy: Policy, probe: Option<usize>) -> CheckResult {
    let profile_names = names(&spec.profiles);
    match spec.input.clone() {
        CredentialInput::Grants(path) => {
            // Reading and comparing is CPU work: run it off the async workers so a fleet of
            // files uses both cores.
            let name = spec.name.clone();
            let origin = path.display().to_string();
            let joined = tokio::task::spawn_blocking(move || {
                let refs: Vec<&Profile> = spec.profiles.iter().map(|p| p.as_ref()).collect();
                crate::fleet::check_file(&path, Some(&spec.name), &check::Prepared::new(&refs), &policy)
            })
            .await;
            joined.unwrap_or_else(|e| {
                CheckResult::failed(
                    &name,
                    &profile_names,
                    GrantsSource::File,
                    origin,
                    format!("internal error: {e}"),
                    2,
                )
            })
        }
        CredentialInput::Live { client_id, secret, sub } => {
            let origin = client
                .map(|c| format!("live: {}", c.endpoints.auth))
                .unwrap_or_default();
            let fail = |message: String, exit| {
                CheckResult::failed(
                    &spec.name,
                    &profile_names,
                    GrantsSource::Live,
                    origin.clone(),
                    message,
                    exit,
                )
            };
            let client_id = match client_id {
                ValueFrom::Literal(v) => v,
                ValueFrom::Env(var) => match std::env::var(&var).ok().filter(|v| !v.trim().is_empty()) {
                    Some(v) => v.trim().to_string(),
                    None => return fail(format!("environment variable {var} (client_id_env) is not set"), 2),
                },
            };
            let secret = match secret {
                SecretFrom::Env(var) => match std::env::var(&var).ok().filter(|v| !v.trim().is_empty()) {
                    Some(v) => crate::secret::Secret::new(v.trim()),
                    None => return fail(format!("environment variable {var} (client_secret_env) is not set"), 2),
                },
                SecretFrom::File(path) => match read_secret(&path) {
                    Ok(s) => s,
                    Err(e) => return fail(e.to_string(), 2),
                },
            };
            let Some(client) = client else {
                return fail("internal error: no HTTP client".into(), 3);
            };
            let cred = LiveCredential {
                name: spec.name.clone(),
                client_id,
                secret,
                sub,
            };
            let refs: Vec<&Profile> = spec.profiles.iter().map(|p| p.as_ref()).collect();
            match crate::live::check_live(client, &cred, &refs, &policy, probe).await {
                Ok(r) => r,
                Err(e) => fail(format!("{} (help: {})", e.message, e.help), 3),
            }
        }
    }
}
