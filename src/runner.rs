//! Running checks: one credential or a fleet, offline or live. Results reach the caller's
//! sink one by one in a deterministic order (file-name order for a directory, config order
//! for an audit) as soon as each is ready, so a very large fleet streams at flat memory.
//! Reading files and talking to Greenhouse happen here; comparing is `check`'s.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};

use futures_util::StreamExt;
use jiff::Timestamp;

use crate::catalog::{Perm, ScopeId};
use crate::check::usage::{Hosts, Usage};
use crate::check::waiver::Waivers;
use crate::check::{self, CheckResult, Failure, ProfileSet};
use crate::error::{Error, LiveError};
use crate::finding::Kind;
use crate::greenhouse::auditlog::AuditRows;
use crate::greenhouse::{self, Client, RateBudget};
use crate::input::clock::Clock;
use crate::input::config::{CredentialInput, CredentialSpec};
use crate::input::evidence::{self, ReadOptions};
use crate::input::grants::{Grants, GrantsSource};
use crate::input::policy::{Policy, Waiver};
use crate::input::profile::{Profile, id_of_path};
use crate::input::secrets::{self, LiveCredential};

/// Where results go, in order, one at a time.
pub type Sink<'a> = dyn FnMut(CheckResult) -> Result<(), Error> + 'a;

/// At most this many probe requests per credential (there are 74 list endpoints).
pub const DEFAULT_PROBE_LIMIT: usize = 80;

/// How many results may wait for an earlier, slower one before workers pause.
const REORDER_WINDOW: usize = 256;

/// The grants files of a directory (`.yaml`, `.yml`, `.json`, `.toml`, any case), sorted.
pub fn grants_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let ok = matches!(ext.as_deref(), Some("yaml" | "yml" | "json" | "toml"));
        if ok && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no grants file (.yaml, .yml, .json, .toml)",
            dir.display()
        )));
    }
    files.sort();
    Ok(files)
}

/// Read one grants file and check it. The credential is `name`, else the name the file gives,
/// else the file's stem. A file that cannot be read is that credential's error (exit 2).
pub fn check_file(
    path: &Path,
    name: Option<&str>,
    set: &ProfileSet,
    policy: &Policy,
    usage: Option<&Usage>,
    read_at: Timestamp,
) -> CheckResult {
    match Grants::from_file(path, read_at) {
        Ok(g) => {
            let name = name
                .map(str::to_string)
                .or_else(|| g.credential.clone())
                .unwrap_or_else(|| id_of_path(path));
            set.check_with(&name, &g, policy, usage)
        }
        Err(e) => CheckResult::failed(
            &name.map(str::to_string).unwrap_or_else(|| id_of_path(path)),
            &set.profile_ids(),
            GrantsSource::File,
            path.display().to_string(),
            Failure::Input(Arc::new(e)),
            read_at,
        ),
    }
}

/// Check every grants file of `dir` against the same profiles, on every core; results reach
/// `sink` in file-name order. Returns how many files were checked.
pub fn check_dir(
    dir: &Path,
    profiles: &[&Profile],
    policy: &Policy,
    clock: Clock,
    sink: &mut Sink,
) -> Result<usize, Error> {
    let files = grants_files(dir)?;
    let set = ProfileSet::new(profiles);
    ordered_map(&files, |f| check_file(f, None, &set, policy, None, clock.now()), sink)?;
    Ok(files.len())
}

/// `f` over `items` on every core, handing the results to `sink` in the order of `items`.
/// Workers pause when they get [`REORDER_WINDOW`] items ahead of the sink, so memory stays
/// flat however many items there are.
pub fn ordered_map<T: Sync>(
    items: &[T],
    f: impl Fn(&T) -> CheckResult + Sync,
    sink: &mut Sink<'_>,
) -> Result<(), Error> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, items.len().max(1));
    // (next item to hand out, items the sink has taken)
    let progress = Mutex::new((0usize, 0usize));
    let moved = Condvar::new();
    let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, CheckResult)>(REORDER_WINDOW);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let tx = tx.clone();
            let (progress, moved, f) = (&progress, &moved, &f);
            scope.spawn(move || {
                loop {
                    let i = {
                        let mut p = progress.lock().unwrap_or_else(|e| e.into_inner());
                        while p.0 < items.len() && p.0 >= p.1 + REORDER_WINDOW {
                            p = moved.wait(p).unwrap_or_else(|e| e.into_inner());
                        }
                        if p.0 >= items.len() {
                            return;
                        }
                        p.0 += 1;
                        p.0 - 1
                    };
                    if tx.send((i, f(&items[i]))).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, CheckResult> = BTreeMap::new();
        let mut next = 0;
        let mut outcome = Ok(());
        for (i, r) in rx.iter() {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&next) {
                next += 1;
                if outcome.is_ok() {
                    outcome = sink(r);
                }
                progress.lock().unwrap_or_else(|e| e.into_inner()).1 = next;
                moved.notify_all();
            }
            if outcome.is_err() {
                // Stop handing out work; the workers finish what they hold.
                let mut p = progress.lock().unwrap_or_else(|e| e.into_inner());
                p.0 = items.len();
                moved.notify_all();
            }
        }
        outcome?;
        if next != items.len() {
            return Err(Error::Usage("internal error: a worker thread failed".into()));
        }
        Ok(())
    })
}

/// One credential, live: read its grants from Greenhouse, compare them, optionally probe
/// (at most `probe_limit` requests).
pub async fn check_live(
    client: &Client,
    cred: &LiveCredential,
    set: &ProfileSet<'_>,
    policy: &Policy,
    usage: Option<&Usage>,
    probe_limit: Option<usize>,
) -> Result<CheckResult, LiveError> {
    // Each credential has its own rate budget, shared by all of its requests.
    let budget = RateBudget::default();
    let live = greenhouse::read_grants(client, cred, &budget).await?;
    let mut result = set.check_with(&cred.name, &live.grants, policy, usage);
    if let Some(limit) = probe_limit {
        let scopes = probe_targets(&live.grants, &result);
        let report = greenhouse::probe(client, cred, &live.token, &scopes, limit, &budget).await?;
        check::probe::apply_probe(&mut result, &report);
    }
    Ok(result)
}

/// What `--probe` reads: every granted scope (claimed), then the reads the profiles need but
/// the token lacks (does Greenhouse agree they are missing?).
fn probe_targets(grants: &Grants, result: &CheckResult) -> Vec<(ScopeId, bool)> {
    let mut scopes: Vec<(ScopeId, bool)> = Vec::new();
    if let Some((_, entries)) = grants.entries() {
        scopes.extend(entries.iter().filter_map(|e| match e.perm {
            Perm::V3(s) => Some((s, true)),
            Perm::V1(_) => None,
        }));
    }
    for f in &result.findings {
        if f.kind == Kind::Missing
            && let Some(Perm::V3(s)) = f.permission
            && !scopes.iter().any(|(id, _)| *id == s)
        {
            scopes.push((s, false));
        }
    }
    scopes
}

/// The async runtime for live commands: two workers (the machine has two cores), started
/// only by commands that go live.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the async runtime: {e}")))
}

/// How to run an audit.
pub struct AuditPlan<'a> {
    pub credentials: &'a [CredentialSpec],
    pub policy: Policy,
    pub waivers: &'a [Waiver],
    pub no_waivers: bool,
    /// The client for live credentials (`None` when every credential is offline).
    pub client: Option<&'a Client>,
    pub concurrency: usize,
    /// Probe every live credential, not only those whose config says `probe = true`.
    pub force_probe: bool,
    pub probe_limit: usize,
    pub clock: Clock,
    /// What counts as Greenhouse in usage evidence, and the Audit Log's rows when the config
    /// has `[audit_log]`.
    pub evidence: AuditEvidence,
}

/// The usage evidence of an audit that every credential shares.
#[derive(Default)]
pub struct AuditEvidence {
    pub hosts: Hosts,
    /// Read once, before any credential, and attributed by `audit_performer`.
    pub audit_rows: Option<AuditRows>,
}

impl AuditEvidence {
    /// A credential's usage: its `usage` files and its Audit Log rows; `None` when it has
    /// neither. A source that cannot be read, or holds no Greenhouse request, is an error.
    fn of(&self, spec: &CredentialSpec) -> Result<Option<Usage>, Error> {
        if spec.usage.is_empty() && spec.audit_performer.is_none() {
            return Ok(None);
        }
        let options = ReadOptions {
            kind: None,
            performer: spec.audit_performer.clone(),
        };
        let mut sources = spec
            .usage
            .iter()
            .map(|path| evidence::read(path, &options))
            .collect::<Result<Vec<_>, _>>()?;
        if let (Some(rows), Some(performer)) = (&self.audit_rows, &spec.audit_performer) {
            sources.push(rows.for_performer(Some(performer))?);
        }
        let usage = Usage::build(&sources, &self.hosts);
        usage.require_requests().map_err(Error::Usage)?;
        Ok(Some(usage))
    }
}

/// Check every credential of a config, waivers applied; results reach `sink` in config
/// order. Offline credentials use every core; live ones run `concurrency` at a time, each
/// under its own rate budget. `done` is called as each credential finishes.
pub fn audit(plan: &AuditPlan, done: &(dyn Fn() + Sync), sink: &mut Sink) -> Result<(), Error> {
    // Each distinct list of profiles is prepared once and shared by its credentials.
    let (groups, group_of) = distinct_profile_lists(plan.credentials);
    let sets: Vec<ProfileSet> = groups.iter().map(|g| ProfileSet::new(g)).collect();
    let set_of = |spec: &CredentialSpec| -> &ProfileSet { &sets[group_of[&profile_key(&spec.profiles)]] };
    let today = plan.clock.today();
    let waivers = Waivers::new(plan.waivers);
    let line_of: HashMap<&str, &crate::finding::Location> = plan
        .credentials
        .iter()
        .map(|c| (c.name.as_str(), &c.location))
        .collect();
    let mut deliver = |mut r: CheckResult| {
        check::waiver::apply(&mut r, &waivers, today, plan.no_waivers);
        // Reports point at the credential's entry in the config when a finding has no line
        // of its own in a file the user owns.
        if let Some(at) = line_of.get(r.credential.as_str()) {
            r.anchor = Some((*at).clone());
        }
        sink(r)
    };
    let any_live = plan
        .credentials
        .iter()
        .any(|c| matches!(c.input, CredentialInput::Live { .. }));
    if !any_live {
        return ordered_map(
            plan.credentials,
            |spec| {
                let r = audit_offline(spec, set_of(spec), plan);
                done();
                r
            },
            &mut deliver,
        );
    }
    let runtime = runtime()?;
    // `concurrency` credentials are checked at a time; up to the reorder window of them may
    // be done and wait for a slower one ahead of them, so a hanging credential does not
    // stall the others.
    let running = tokio::sync::Semaphore::new(plan.concurrency.max(1));
    runtime.block_on(async {
        let mut results = futures_util::stream::iter(plan.credentials)
            .map(|spec| {
                let running = &running;
                async move {
                    let _permit = running.acquire().await;
                    let r = match &spec.input {
                        CredentialInput::Grants(_) => audit_offline(spec, set_of(spec), plan),
                        CredentialInput::Live { .. } => audit_live(spec, set_of(spec), plan).await,
                    };
                    done();
                    r
                }
            })
            .buffered(REORDER_WINDOW.max(plan.concurrency));
        while let Some(r) = results.next().await {
            deliver(r)?;
        }
        Ok(())
    })
}

/// A credential whose usage evidence could not be read: an input error (exit 2).
fn evidence_failed(spec: &CredentialSpec, set: &ProfileSet, plan: &AuditPlan, e: Error) -> CheckResult {
    let source = match spec.input {
        CredentialInput::Grants(_) => GrantsSource::File,
        CredentialInput::Live { .. } => GrantsSource::Live,
    };
    let origin = match &spec.input {
        CredentialInput::Grants(path) => path.display().to_string(),
        CredentialInput::Live { .. } => live_origin(plan),
    };
    CheckResult::failed(
        &spec.name,
        &set.profile_ids(),
        source,
        origin,
        Failure::Input(Arc::new(e)),
        plan.clock.now(),
    )
}

fn audit_offline(spec: &CredentialSpec, set: &ProfileSet, plan: &AuditPlan) -> CheckResult {
    let usage = match plan.evidence.of(spec) {
        Ok(u) => u,
        Err(e) => return evidence_failed(spec, set, plan, e),
    };
    match &spec.input {
        CredentialInput::Grants(path) => check_file(
            path,
            Some(&spec.name),
            set,
            &plan.policy,
            usage.as_ref(),
            plan.clock.now(),
        ),
        CredentialInput::Live { .. } => {
            failed_live(spec, set, plan, "internal error: a live credential read offline".into())
        }
    }
}

async fn audit_live(spec: &CredentialSpec, set: &ProfileSet<'_>, plan: &AuditPlan<'_>) -> CheckResult {
    let CredentialInput::Live { client_id, secret, sub } = &spec.input else {
        return audit_offline(spec, set, plan);
    };
    let setup_failed = |message: String| {
        CheckResult::failed(
            &spec.name,
            &set.profile_ids(),
            GrantsSource::Live,
            live_origin(plan),
            Failure::Setup(message),
            plan.clock.now(),
        )
    };
    let cred = match secrets::live_credential_from_config(&spec.name, client_id, secret, sub.clone()) {
        Ok(c) => c,
        Err(message) => return setup_failed(message),
    };
    let Some(client) = plan.client else {
        return failed_live(spec, set, plan, "internal error: no HTTP client".into());
    };
    let usage = match plan.evidence.of(spec) {
        Ok(u) => u,
        Err(e) => return evidence_failed(spec, set, plan, e),
    };
    let probe = (spec.probe || plan.force_probe).then_some(plan.probe_limit);
    match check_live(client, &cred, set, &plan.policy, usage.as_ref(), probe).await {
        Ok(r) => r,
        Err(e) => CheckResult::failed(
            &spec.name,
            &set.profile_ids(),
            GrantsSource::Live,
            live_origin(plan),
            Failure::Live(e),
            plan.clock.now(),
        ),
    }
}

fn failed_live(spec: &CredentialSpec, set: &ProfileSet, plan: &AuditPlan, message: String) -> CheckResult {
    CheckResult::failed(
        &spec.name,
        &set.profile_ids(),
        GrantsSource::Live,
        live_origin(plan),
        Failure::Live(LiveError::new(message, "this is a bug in grantlint")),
        plan.clock.now(),
    )
}

fn live_origin(plan: &AuditPlan) -> String {
    plan.client
        .map(|c| format!("live: {}", c.endpoints.auth))
        .unwrap_or_default()
}

/// The distinct lists of profiles the credentials name, in first-seen order, and the index
/// of each list by its key.
fn distinct_profile_lists(credentials: &[CredentialSpec]) -> (Vec<Vec<&Profile>>, HashMap<Vec<usize>, usize>) {
    let mut groups: Vec<Vec<&Profile>> = Vec::new();
    let mut index = HashMap::new();
    for spec in credentials {
        index.entry(profile_key(&spec.profiles)).or_insert_with(|| {
            groups.push(spec.profiles.iter().map(|p| p.as_ref()).collect());
            groups.len() - 1
        });
    }
    (groups, index)
}

/// Credentials share a profile list when they share the very same loaded profiles (the
/// config loads each profile once).
fn profile_key(profiles: &[Arc<Profile>]) -> Vec<usize> {
    profiles.iter().map(|p| Arc::as_ptr(p) as usize).collect()
}
