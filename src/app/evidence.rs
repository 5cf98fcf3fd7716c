//! Usage evidence for `usage`, `infer` and `check` (DESIGN.md section 7): the files of
//! `--requests`, and the Audit Log read live with `--audit-log`. Every source must hold
//! Greenhouse requests: one that holds none is an input error, never an empty result.

use std::path::{Path, PathBuf};

use super::live;
use crate::check::usage::{AUDIT_HOST, Hosts, Usage};
use crate::cli::{EvidenceArgs, LiveArgs};
use crate::error::Error;
use crate::greenhouse::auditlog::{self, AuditQuery, DEFAULT_AUDIT_URL};
use crate::greenhouse::endpoint::{self, DEFAULT_BASE_URL};
use crate::greenhouse::{RateBudget, auth};
use crate::input::clock::Clock;
use crate::input::evidence::{self, Evidence, ReadOptions};
use crate::input::secrets::{LiveCredential, live_credential_from_env};
use crate::runner;

/// How long the Audit Log keeps events (reference/auditlog.md section 1.1).
const AUDIT_RETENTION_DAYS: i64 = 30;

/// The hosts whose requests count: `--base-url`'s (else Harvest's), and `--audit-url`'s.
pub fn hosts(live: &LiveArgs, audit_url: Option<&str>) -> Hosts {
    let host = |raw: &str, default: &str| {
        url::Url::parse(raw)
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .unwrap_or_else(|| default.to_string())
    };
    Hosts {
        harvest: vec![host(
            live.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL),
            "harvest.greenhouse.io",
        )],
        audit: vec![host(audit_url.unwrap_or(DEFAULT_AUDIT_URL), AUDIT_HOST)],
    }
}

/// Read every source the arguments name, and match them.
pub fn gather(
    args: &EvidenceArgs,
    live_args: &LiveArgs,
    cred: Option<&LiveCredential>,
    clock: Clock,
) -> Result<Usage, Error> {
    if !args.given() {
        return Err(Error::Usage(
            "give usage evidence: --requests FILE (a HAR, an access log or Audit Log events; repeatable) or --audit-log"
                .into(),
        ));
    }
    let mut sources = read_files(&args.requests, args, clock)?;
    if args.audit_log {
        let cred = cred.ok_or_else(|| Error::Usage("--audit-log needs the client credentials of --live".into()))?;
        sources.push(read_audit_log(args, live_args, cred, clock)?);
    }
    let usage = Usage::build(&sources, &hosts(live_args, args.audit_url.as_deref()));
    require_requests(&usage)?;
    Ok(usage)
}

/// The files, each read whole; `-` (stdin) at most once.
pub fn read_files(paths: &[PathBuf], args: &EvidenceArgs, clock: Clock) -> Result<Vec<Evidence>, Error> {
    if paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err(Error::Usage("`-` (stdin) can be given only once".into()));
    }
    let options = ReadOptions {
        kind: args.requests_format,
        performer: args.performer.clone(),
    };
    paths
        .iter()
        .map(|path| {
            let mut e = evidence::read(path, &options)?;
            if let Some(w) = args.window {
                evidence::keep_since(&mut e, w.start(clock.now()));
            }
            Ok(e)
        })
        .collect()
}

/// The Audit Log read live with the client credentials of `--live`.
fn read_audit_log(
    args: &EvidenceArgs,
    live_args: &LiveArgs,
    cred: &LiveCredential,
    clock: Clock,
) -> Result<Evidence, Error> {
    let client = live::client(live_args, None, None, clock)?;
    let raw = args.audit_url.as_deref().unwrap_or(DEFAULT_AUDIT_URL);
    let url = endpoint::vet(raw).map_err(|p| Error::Usage(p.describe("--audit-url")))?;
    let query = AuditQuery {
        url,
        after: args.window.map(|w| w.start(clock.now())),
        pace: args.audit_log_pace,
        retention_days: AUDIT_RETENTION_DAYS,
    };
    let runtime = runner::runtime()?;
    let who = format!("credential `{}`", cred.name);
    runtime
        .block_on(async {
            let budget = RateBudget::default();
            let token = auth::mint_token(&client, cred, &budget).await?;
            auditlog::read(&client, &token, &query, args.performer.as_deref(), &who).await
        })
        .map_err(Error::Live)
}

/// Every source holds Greenhouse requests, or the run stops: an input with none is almost
/// always the wrong file, a filter that matched nothing, or a capture of the wrong host.
pub fn require_requests(usage: &Usage) -> Result<(), Error> {
    for s in &usage.sources {
        if s.harvest > 0 {
            continue;
        }
        let mut why = vec![format!("{} requests read", s.requests)];
        if s.ignored > 0 {
            why.push(format!("{} to other hosts", s.ignored));
        }
        if s.skipped.count > 0 {
            let first = s
                .skipped
                .places
                .first()
                .map(|(at, reason)| format!(", first at {} {at}: {reason}", s.kind.place_word()))
                .unwrap_or_default();
            why.push(format!("{} unreadable parts skipped{first}", s.skipped.count));
        }
        for (what, n) in &s.other_rows {
            why.push(format!("{n} rows of {what}"));
        }
        why.extend(s.notes.iter().cloned());
        return Err(Error::Usage(format!(
            "{} ({}) holds no Greenhouse requests: {}. Check the file, the host (--base-url), --window and --performer",
            s.name,
            s.kind.as_str(),
            why.join("; ")
        )));
    }
    Ok(())
}

/// The credential of `--audit-log` (and `--live`): read once, since a secret from stdin
/// cannot be read twice.
pub fn credential(args: &EvidenceArgs, secret_file: Option<&Path>) -> Result<Option<LiveCredential>, Error> {
    args.audit_log
        .then(|| live_credential_from_env(secret_file, None))
        .transpose()
}
