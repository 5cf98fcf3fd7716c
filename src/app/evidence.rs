//! Usage evidence for `usage`, `infer` and `check` (DESIGN.md section 7): the files of
//! `--requests`, and the Audit Log read live with `--audit-log`. Every source must hold
//! Greenhouse requests: one that holds none is an input error, never an empty result.

use std::path::{Path, PathBuf};

use super::live;
use crate::check::usage::{Hosts, Usage};
use crate::cli::{EvidenceArgs, LiveArgs};
use crate::error::Error;
use crate::greenhouse::Client;
use crate::greenhouse::auditlog::{self, AuditQuery, AuditRows, DEFAULT_AUDIT_URL};
use crate::greenhouse::endpoint;
use crate::greenhouse::{RateBudget, auth};
use crate::input::clock::Clock;
use crate::input::evidence::{self, Evidence, Pace, ReadOptions, Window};
use crate::input::secrets::{LiveCredential, live_credential_from_env};
use crate::runner;

/// How long the Audit Log keeps events (reference/auditlog.md section 1.1).
const AUDIT_RETENTION_DAYS: i64 = 30;

/// The hosts whose requests count: Harvest's and `--base-url`'s, the Audit Log's and
/// `--audit-url`'s.
pub fn hosts(live: &LiveArgs, audit_url: Option<&str>) -> Hosts {
    let host = |raw: Option<&str>| {
        raw.and_then(|r| url::Url::parse(r).ok())
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
    };
    let mut hosts = Hosts::default();
    if let Some(h) = host(live.base_url.as_deref()).filter(|h| !hosts.harvest.contains(h)) {
        hosts.harvest.push(h);
    }
    if let Some(h) = host(audit_url).filter(|h| !hosts.audit.contains(h) && !hosts.harvest.contains(h)) {
        hosts.audit.push(h);
    }
    hosts
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
    usage.require_requests().map_err(Error::Usage)?;
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

/// The Audit Log read live with the client credentials of `--live`, `--performer`'s rows.
fn read_audit_log(
    args: &EvidenceArgs,
    live_args: &LiveArgs,
    cred: &LiveCredential,
    clock: Clock,
) -> Result<Evidence, Error> {
    let client = live::client(live_args, None, None, clock)?;
    let rows = read_audit_rows(
        &client,
        cred,
        args.audit_url.as_deref(),
        args.window,
        args.audit_log_pace,
        clock,
    )?;
    rows.for_performer(args.performer.as_deref())
}

/// Every Harvest row of the Audit Log at `audit_url` (vetted; else Greenhouse's), read
/// with `cred`'s token, since the start of `window` (else the log's 30 days).
pub fn read_audit_rows(
    client: &Client,
    cred: &LiveCredential,
    audit_url: Option<&str>,
    window: Option<Window>,
    pace: Pace,
    clock: Clock,
) -> Result<AuditRows, Error> {
    let raw = audit_url.unwrap_or(DEFAULT_AUDIT_URL);
    let url = endpoint::vet(raw).map_err(|p| Error::Usage(p.describe("--audit-url")))?;
    // The log keeps 30 days: a longer window reads what there is, and says so.
    let now = clock.now();
    let oldest = now
        .checked_sub(jiff::SignedDuration::from_hours(24 * AUDIT_RETENTION_DAYS))
        .unwrap_or(now);
    let asked = window.map(|w| w.start(now));
    let clamped = asked.filter(|&a| a < oldest).map(|_| oldest);
    let query = AuditQuery {
        url,
        after: clamped.or(asked),
        pace,
        retention_days: AUDIT_RETENTION_DAYS,
    };
    let runtime = runner::runtime()?;
    let who = format!("credential `{}`", cred.name);
    runtime
        .block_on(async {
            let budget = RateBudget::default();
            let token = auth::mint_token(client, cred, &budget).await?;
            auditlog::read_rows(client, &token, &query, &who).await
        })
        .map(|mut rows| {
            if let Some(oldest) = clamped {
                rows.base.notes.push(format!(
                    "--window reaches back further than the Audit Log keeps ({AUDIT_RETENTION_DAYS} days): read since {}",
                    crate::input::clock::rfc3339(oldest)
                ));
            }
            rows
        })
        .map_err(Error::Live)
}

/// The credential of `--audit-log` (and `--live`): read once, since a secret from stdin
/// cannot be read twice.
pub fn credential(args: &EvidenceArgs, secret_file: Option<&Path>) -> Result<Option<LiveCredential>, Error> {
    args.audit_log
        .then(|| live_credential_from_env(secret_file, None))
        .transpose()
}
