//! `grantlint.toml`: an organisation's credentials and policy. Parsed with spans, then
//! validated in a second pass; every problem points at its TOML line and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::collections::{HashMap, HashSet};

use miette::SourceSpan;
use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer};

use super::library::Library;
use super::policy::{ExcessThreshold, Policy, Waiver};
use super::profile::{Profile, parse_date, unresolved_error};
use super::source::{Source, SourceError};
use super::spanned::{self, Spanned};
use super::unknown_keys::{self, Syntax};
use crate::catalog::{self, Api, Perm};
use crate::error::Error;
use crate::finding::Kind;
use crate::greenhouse::endpoint;

/// `grantlint.toml` as written, before validation. This type is also the source of the JSON
/// Schema that `grantlint schema --kind config` prints.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "grantlint config (grantlint.toml)",
    description = "An organisation's Greenhouse credentials, the profiles each must match, policy and waivers. Paths are relative to the config's folder."
)]
struct RawConfig {
    /// Folders of user profiles; a profile there replaces a built-in with the same id.
    #[serde(default)]
    profile_dirs: Vec<Spanned<String>>,
    /// Greenhouse's OAuth server (default https://auth.greenhouse.io; *.greenhouse.io or loopback only).
    #[serde(default)]
    auth_url: Option<Spanned<String>>,
    /// The Harvest API (default https://harvest.greenhouse.io).
    #[serde(default)]
    base_url: Option<Spanned<String>>,
    /// The Audit Log API (default by region, e.g. https://auditlog.us.greenhouse.io).
    #[serde(default)]
    audit_url: Option<Spanned<String>>,
    /// Who reads the Audit Log, once for every credential with an `audit_performer`.
    #[serde(default)]
    audit_log: Option<Spanned<RawAuditLog>>,
    /// Credentials checked at once (1 to 256).
    #[serde(default)]
    #[schemars(range(min = 1, max = 256))]
    concurrency: Option<Spanned<i64>>,
    /// A Greenhouse OpenAPI spec to lay over the built-in catalog (relative to the config).
    #[serde(default)]
    catalog_spec: Option<Spanned<String>>,
    /// What fails a run.
    #[serde(default)]
    policy: Option<RawPolicy>,
    /// The credentials to audit.
    #[serde(default)]
    credential: Vec<RawCredential>,
    /// Findings excused, each with a reason and an optional expiry.
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

/// A waiver: excuses one kind of finding of one credential about one permission.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = reason_is_required)]
struct RawWaiver {
    /// The credential's `name`.
    credential: Spanned<String>,
    /// The finding kind it excuses (default `excess`).
    #[serde(default)]
    #[schemars(schema_with = "waivable_kind")]
    kind: Option<Spanned<String>>,
    /// A scope, a v1 label or `METHOD /path`.
    permission: Spanned<String>,
    /// Why the finding is accepted.
    // Required (the schema says so); optional here so that a missing one is reported with
    // every other problem.
    #[serde(default)]
    #[schemars(with = "String")]
    reason: Option<Spanned<String>>,
    /// The last day it holds (a TOML date or `YYYY-MM-DD`); it holds for good without one.
    #[serde(default)]
    expires: Option<Spanned<DateValue>>,
}

/// A waiver without a reason is an error: the schema requires one, though the reader takes
/// it as optional (to report its absence with every other problem).
fn reason_is_required(schema: &mut schemars::Schema) {
    if let Some(serde_json::Value::Array(required)) = schema.ensure_object().get_mut("required") {
        required.push("reason".into());
    } else {
        schema.insert("required".into(), serde_json::json!(["reason"]));
    }
}

/// The finding kinds a waiver may name, from the registry.
fn waivable_kind(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let kinds: Vec<&str> = Kind::ALL.iter().filter(|k| k.waivable()).map(|k| k.id()).collect();
    schemars::json_schema!({ "type": "string", "enum": kinds })
}

/// The JSON Schema of `grantlint.toml`.
pub fn json_schema() -> schemars::Schema {
    schemars::schema_for!(RawConfig)
}

/// A date written as a TOML date (`2027-01-31`) or a string.
#[derive(Debug)]
struct DateValue(String);

impl<'de> Deserialize<'de> for DateValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Date(toml::value::Datetime),
            Text(String),
        }
        Ok(DateValue(match Either::deserialize(d)? {
            Either::Date(d) => d.to_string(),
            Either::Text(s) => s,
        }))
    }
}

impl JsonSchema for DateValue {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // TOML tools read a TOML local date as a string in `date` format.
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

/// `[policy]`: what fails a run (flags override it).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    /// Missing grants fail (default true).
    #[serde(default)]
    fail_on_missing: Option<bool>,
    /// The lowest risk of an excess grant that fails (default low).
    #[serde(default)]
    #[schemars(schema_with = "excess_threshold")]
    fail_on_excess: Option<Spanned<String>>,
    /// `unused-grant` findings fail (default false).
    #[serde(default)]
    fail_on_unused: Option<bool>,
}

fn excess_threshold(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({ "type": "string", "enum": ["low", "medium", "high", "critical", "never"] })
}

/// `[audit_log]`: the credential that reads the Audit Log for every credential with an
/// `audit_performer` (reading it needs a Site Admin and `auditlog:events:list`, which
/// partners' credentials rarely have), and how far back.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawAuditLog {
    /// The client id (not a secret).
    #[serde(default)]
    client_id: Option<Spanned<String>>,
    /// The environment variable holding the client id.
    #[serde(default)]
    client_id_env: Option<Spanned<String>>,
    /// The environment variable holding the client secret.
    #[serde(default)]
    client_secret_env: Option<Spanned<String>>,
    /// A file holding the client secret.
    #[serde(default)]
    client_secret_file: Option<Spanned<String>>,
    /// The acting Greenhouse user (a Site Admin).
    #[serde(default)]
    sub: Option<Spanned<SubId>>,
    /// How far back to read, e.g. `30d` (the log keeps 30 days).
    #[serde(default)]
    window: Option<Spanned<String>>,
}

/// The live settings of a credential or of `[audit_log]`.
struct LiveFields<'a> {
    client_id: &'a Option<Spanned<String>>,
    client_id_env: &'a Option<Spanned<String>>,
    client_secret_env: &'a Option<Spanned<String>>,
    client_secret_file: &'a Option<Spanned<String>>,
    sub: &'a Option<Spanned<SubId>>,
}

/// One credential: read live (client id and secret) or from a grants file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawCredential {
    /// The credential's name in reports.
    name: Spanned<String>,
    /// The profiles it must match (ids or paths); several for a credential shared by several integrations.
    profiles: Spanned<Vec<Spanned<String>>>,
    /// The client id (not a secret).
    #[serde(default)]
    client_id: Option<Spanned<String>>,
    /// The environment variable holding the client id.
    #[serde(default)]
    client_id_env: Option<Spanned<String>>,
    /// The environment variable holding the client secret.
    #[serde(default)]
    client_secret_env: Option<Spanned<String>>,
    /// A file holding the client secret.
    #[serde(default)]
    client_secret_file: Option<Spanned<String>>,
    /// The acting Greenhouse user id.
    #[serde(default)]
    sub: Option<Spanned<SubId>>,
    /// A grants file to read instead of Greenhouse (offline).
    #[serde(default)]
    grants: Option<Spanned<String>>,
    /// Probe a read endpoint per scope to confirm the token's claims.
    #[serde(default)]
    probe: Option<bool>,
    /// Usage evidence files (DESIGN.md section 7), relative to the config.
    #[serde(default)]
    usage: Option<Spanned<Vec<Spanned<String>>>>,
    /// The Audit Log `performer.id` of this credential's calls.
    #[serde(default)]
    audit_performer: Option<Spanned<SubOrText>>,
}

/// A performer id, written as a number or a string.
#[derive(Debug)]
struct SubOrText(String);

impl<'de> Deserialize<'de> for SubOrText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Number(u64),
            Text(String),
        }
        Ok(SubOrText(match Either::deserialize(d)? {
            Either::Number(n) => n.to_string(),
            Either::Text(s) => s,
        }))
    }
}

impl JsonSchema for SubOrText {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PerformerId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": ["integer", "string"], "minimum": 0 })
    }
}

impl RawCredential {
    fn live(&self) -> LiveFields<'_> {
        LiveFields {
            client_id: &self.client_id,
            client_id_env: &self.client_id_env,
            client_secret_env: &self.client_secret_env,
            client_secret_file: &self.client_secret_file,
            sub: &self.sub,
        }
    }
}

/// A Greenhouse user id, written as a number or a string.
#[derive(Debug)]
struct SubId(String);

impl<'de> Deserialize<'de> for SubId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = SubId;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a Greenhouse user id (a positive number)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<SubId, E> {
                if v > 0 {
                    Ok(SubId(v.to_string()))
                } else {
                    Err(E::custom("a user id is a positive number"))
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<SubId, E> {
                Ok(SubId(v.to_string()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SubId, E> {
                if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
                    Ok(SubId(v.to_string()))
                } else {
                    Err(E::custom("a user id is a positive number"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

impl JsonSchema for SubId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "UserId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Greenhouse user id: a positive number, or its digits as a string.",
            "anyOf": [
                { "type": "integer", "minimum": 1 },
                { "type": "string", "pattern": "^[0-9]+$" }
            ]
        })
    }
}

/// Where a value comes from: the config itself, or an environment variable it names.
#[derive(Debug, Clone)]
pub enum ValueFrom {
    Literal(String),
    Env(String),
}

/// Where a client secret comes from. Never the config file itself.
#[derive(Debug, Clone)]
pub enum SecretFrom {
    Env(String),
    File(PathBuf),
}

#[derive(Debug, Clone)]
pub enum CredentialInput {
    /// Offline: a grants file.
    Grants(PathBuf),
    Live {
        client_id: ValueFrom,
        secret: SecretFrom,
        sub: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct CredentialSpec {
    pub name: String,
    pub profiles: Vec<Arc<Profile>>,
    pub input: CredentialInput,
    pub probe: bool,
    /// Usage evidence files.
    pub usage: Vec<PathBuf>,
    /// Whose Audit Log rows are this credential's.
    pub audit_performer: Option<String>,
    /// Line of the credential's `name` in the config.
    pub line: usize,
    /// The same, as reports point at it.
    pub location: crate::finding::Location,
}

#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub src: Source,
    pub auth_url: Option<String>,
    pub base_url: Option<String>,
    pub audit_url: Option<String>,
    /// Who reads the Audit Log, and from when.
    pub audit_log: Option<AuditLogReader>,
    pub concurrency: Option<usize>,
    /// `catalog_spec`: a Greenhouse OpenAPI spec to lay over the built-in catalog.
    pub catalog_spec: Option<PathBuf>,
    pub policy: Policy,
    pub credentials: Vec<CredentialSpec>,
    pub waivers: Vec<Waiver>,
}

/// `[audit_log]`, validated.
#[derive(Debug, Clone)]
pub struct AuditLogReader {
    /// Live settings, as a credential's.
    pub input: CredentialInput,
    pub window: Option<super::evidence::Window>,
}

/// What the person running grantlint lets a config name beyond Greenhouse and this machine
/// (`--allow-host`, `--allow-secret-file` and their environment variables). A config is
/// often edited in pull requests: it must not be able to send secrets anywhere else.
#[derive(Debug, Clone, Default)]
pub struct Trust {
    pub hosts: Vec<String>,
    pub secret_files: Vec<PathBuf>,
    /// `catalog_spec` files the config may name outside its folder.
    pub catalog_specs: Vec<PathBuf>,
}

impl Trust {
    /// Whether a URL's host (`host` or `host:port`) was allowed.
    fn allows_host(&self, url: &reqwest::Url) -> bool {
        let Some(host) = url.host_str() else { return false };
        self.hosts.iter().any(|allowed| {
            let allowed = allowed.trim().trim_end_matches('.');
            match allowed.rsplit_once(':') {
                Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => {
                    h.eq_ignore_ascii_case(host)
                        && url.port_or_known_default().map(|p| p.to_string()).as_deref() == Some(port)
                }
                _ => allowed.eq_ignore_ascii_case(host),
            }
        })
    }

    fn allows_secret_file(&self, path: &Path) -> bool {
        let want = canonical(path);
        self.secret_files.iter().any(|allowed| canonical(allowed) == want)
    }

    fn allows_catalog_spec(&self, path: &Path) -> bool {
        let want = canonical(path);
        self.catalog_specs.iter().any(|allowed| canonical(allowed) == want)
    }
}

/// A path with symbolic links and `..` resolved as far as it exists.
fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) if !dir.as_os_str().is_empty() => canonical(dir).join(name),
        _ => std::env::current_dir()
            .map(|d| d.join(path))
            .unwrap_or_else(|_| path.to_path_buf()),
    }
}

/// The `catalog_spec` a config names, checked (inside the config's folder unless allowed,
/// an existing file), before the rest of the config is validated: the spec decides which
/// scopes the config's waivers and profiles may name.
pub fn catalog_spec_of(path: &Path, trust: &Trust) -> Result<Option<PathBuf>, Error> {
    let src = Source::read(path)?;
    // `catalog_spec` is a top-level key, so it stands before the first table: a config
    // without it there (nearly all) is not parsed twice.
    let head = src.text.split("\n[").next().unwrap_or_default();
    if !head.lines().any(|l| {
        l.trim_start()
            .trim_start_matches(['"', '\''])
            .starts_with("catalog_spec")
    }) {
        return Ok(None);
    }
    // A config that does not parse is reported, with every problem, by Config::load.
    let Ok((raw, _)) = unknown_keys::parse_on(&src, Syntax::Toml, |s| {
        spanned::from_toml::<RawConfig>(&s.text).map_err(|e| Box::new(SourceError::from_toml(s, &e)))
    }) else {
        return Ok(None);
    };
    let mut reader = Reader {
        src: &src,
        base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
        trust,
        errors: Vec::new(),
    };
    let spec = raw.catalog_spec.as_ref().and_then(|raw| reader.catalog_spec(raw));
    if !reader.errors.is_empty() {
        return Err(Error::inputs(reader.errors));
    }
    Ok(spec)
}

impl Config {
    /// Load and validate. `extra_dirs` (from `--profile-dir`) come before the config's own.
    pub fn load(path: &Path, extra_dirs: &[PathBuf], trust: &Trust) -> Result<Config, Error> {
        Self::parse(Source::read(path)?, path, extra_dirs, trust)
    }

    /// Validate a config's text; `path` locates it (relative paths in it are relative to its
    /// directory). Every problem is reported at once.
    pub fn parse(src: Source, path: &Path, extra_dirs: &[PathBuf], trust: &Trust) -> Result<Config, Error> {
        let (raw, unknown) = unknown_keys::parse_on(&src, Syntax::Toml, |s| {
            spanned::from_toml::<RawConfig>(&s.text).map_err(|e| Box::new(SourceError::from_toml(s, &e)))
        })
        .map_err(Error::inputs)?;
        let mut reader = Reader {
            src: &src,
            base: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            trust,
            errors: unknown,
        };
        let library = reader.library(extra_dirs, &raw.profile_dirs);
        let policy = reader.policy(raw.policy.as_ref());
        let concurrency = reader.concurrency(raw.concurrency.as_ref());
        let catalog_spec = raw.catalog_spec.as_ref().and_then(|c| reader.catalog_spec(c));
        let credentials = reader.credentials(&raw.credential, &library)?;
        let auth_url = reader.endpoint("auth_url", raw.auth_url);
        let base_url = reader.endpoint("base_url", raw.base_url);
        let audit_url = reader.endpoint("audit_url", raw.audit_url);
        let audit_log = raw.audit_log.as_ref().and_then(|a| reader.audit_log(a));
        reader.performers_need_a_reader(&raw.credential, audit_log.is_some());
        let names: HashSet<&str> = credentials.iter().map(|c| c.name.as_str()).collect();
        let waivers = raw.waiver.iter().filter_map(|w| reader.waiver(w, &names)).collect();
        if !reader.errors.is_empty() {
            return Err(Error::inputs(reader.errors));
        }
        Ok(Config {
            waivers,
            path: path.to_path_buf(),
            auth_url,
            base_url,
            audit_url,
            audit_log,
            concurrency,
            catalog_spec,
            policy,
            credentials,
            src,
        })
    }
}

/// The second pass over a parsed config: one method per section, every problem collected
/// with its position.
struct Reader<'a> {
    src: &'a Source,
    /// The config's directory: relative paths in the config are relative to it.
    base: PathBuf,
    trust: &'a Trust,
    errors: Vec<SourceError>,
}

impl Reader<'_> {
    fn error(&mut self, span: SourceSpan, message: String, label: &str) {
        self.errors.push(SourceError::at(self.src, span, message, label));
    }

    fn relative(&self, p: &str) -> PathBuf {
        if Path::new(p).is_absolute() {
            PathBuf::from(p)
        } else {
            self.base.join(p)
        }
    }

    /// `--profile-dir` directories, then the config's `profile_dirs`.
    fn library(&mut self, extra_dirs: &[PathBuf], profile_dirs: &[Spanned<String>]) -> Library {
        let mut dirs = extra_dirs.to_vec();
        for d in profile_dirs {
            let dir = self.relative(&d.value);
            if !dir.is_dir() {
                self.error(
                    d.span,
                    format!("profile directory {} does not exist", dir.display()),
                    "here",
                );
            }
            dirs.push(dir);
        }
        Library::new(dirs)
    }

    fn policy(&mut self, raw: Option<&RawPolicy>) -> Policy {
        let mut policy = Policy::default();
        let Some(p) = raw else { return policy };
        if let Some(m) = p.fail_on_missing {
            policy.fail_on_missing = m;
        }
        if let Some(u) = p.fail_on_unused {
            policy.fail_on_unused = u;
        }
        if let Some(level) = &p.fail_on_excess {
            match level.value.parse::<ExcessThreshold>() {
                Ok(t) => policy.fail_on_excess = t,
                Err(why) => self.error(level.span, why, "here"),
            }
        }
        policy
    }

    fn concurrency(&mut self, raw: Option<&Spanned<i64>>) -> Option<usize> {
        let c = raw?;
        if !(1..=256).contains(&c.value) {
            self.error(c.span, "`concurrency` must be 1 to 256".into(), "here");
            return None;
        }
        usize::try_from(c.value).ok()
    }

    /// A URL setting, vetted by the same rule as the command line's, and naming Greenhouse or
    /// this machine unless the person running grantlint allowed its host.
    fn endpoint(&mut self, field: &str, raw: Option<Spanned<String>>) -> Option<String> {
        let u = raw?;
        let url = match endpoint::vet(&u.value) {
            Ok(url) => url,
            Err(problem) => {
                self.error(u.span, problem.describe(&format!("`{field}`")), "here");
                return None;
            }
        };
        if endpoint::is_greenhouse_or_loopback(&url) || self.trust.allows_host(&url) {
            return Some(u.value);
        }
        let host = url.host_str().unwrap_or_default().to_string();
        self.errors.push(
            SourceError::at(
                self.src,
                u.span,
                format!(
                    "`{field}` names {host}, which is neither a Greenhouse host (*.greenhouse.io) nor this machine: a config may not send credentials anywhere else"
                ),
                "not a Greenhouse host",
            )
            .with_help(format!(
                "if you trust {host}, allow it when you run grantlint: --allow-host {host} (or GRANTLINT_ALLOW_HOSTS={host})"
            )),
        );
        None
    }

    /// Every `[[credential]]`; a profile is loaded once however many credentials name it.
    fn credentials(&mut self, raw: &[RawCredential], library: &Library) -> Result<Vec<CredentialSpec>, Error> {
        if raw.is_empty() {
            self.errors.push(SourceError::whole(
                self.src.clone(),
                "the config lists no [[credential]]".into(),
                None,
            ));
        }
        let mut loaded: HashMap<String, Arc<Profile>> = HashMap::new();
        let mut credentials: Vec<CredentialSpec> = Vec::new();
        let mut lines: HashMap<String, usize> = HashMap::new();
        for c in raw {
            let name = c.name.value.trim().to_string();
            if name.is_empty() {
                self.error(c.name.span, "a credential needs a name".into(), "here");
            }
            let line = self.src.line_of(c.name.span.offset());
            if let Some(first) = lines.get(&name) {
                self.errors.push(
                    SourceError::at(
                        self.src,
                        c.name.span,
                        format!("credential `{name}` is defined twice"),
                        "again here",
                    )
                    .with_help(format!("the first is on line {first}; names must be unique")),
                );
            } else {
                lines.insert(name.clone(), line);
            }
            let profiles = self.credential_profiles(&c.profiles, library, &mut loaded)?;
            if let Some(input) = self.credential_input(c, &name) {
                credentials.push(CredentialSpec {
                    name,
                    profiles,
                    input,
                    probe: c.probe.unwrap_or(false),
                    usage: self.usage_files(c.usage.as_ref()),
                    audit_performer: c.audit_performer.as_ref().map(|p| p.value.0.trim().to_string()),
                    line,
                    location: self.src.location(c.name.span.offset()),
                });
            }
        }
        Ok(credentials)
    }

    /// A credential's profiles. A name that does not resolve is an error at its place; a
    /// profile file that is itself invalid stops the run with that file's own errors.
    fn credential_profiles(
        &mut self,
        names: &Spanned<Vec<Spanned<String>>>,
        library: &Library,
        loaded: &mut HashMap<String, Arc<Profile>>,
    ) -> Result<Vec<Arc<Profile>>, Error> {
        if names.value.is_empty() {
            self.error(names.span, "`profiles` is empty".into(), "here");
        }
        let mut profiles = Vec::new();
        for p in &names.value {
            if let Some(found) = loaded.get(&p.value) {
                profiles.push(found.clone());
                continue;
            }
            // A path in the config is relative to the config, like every other path in it.
            let name = if super::library::looks_like_path(&p.value) {
                self.relative(&p.value).display().to_string()
            } else {
                p.value.clone()
            };
            match library.load(&name) {
                Ok((profile, _)) => {
                    let profile = Arc::new(profile);
                    loaded.insert(p.value.clone(), profile.clone());
                    profiles.push(profile);
                }
                Err(Error::Usage(why)) => self.error(p.span, why, "this profile"),
                Err(other) => return Err(other),
            }
        }
        Ok(profiles)
    }

    /// A credential's `usage` files: each must exist.
    fn usage_files(&mut self, raw: Option<&Spanned<Vec<Spanned<String>>>>) -> Vec<PathBuf> {
        let Some(raw) = raw else { return Vec::new() };
        if raw.value.is_empty() {
            self.error(
                raw.span,
                "`usage` is empty; remove it or name evidence files".into(),
                "here",
            );
        }
        let mut files = Vec::new();
        for f in &raw.value {
            let path = self.relative(&f.value);
            if path.is_file() {
                files.push(path);
            } else {
                self.error(
                    f.span,
                    format!("usage evidence {} is not a file", path.display()),
                    "here",
                );
            }
        }
        files
    }

    /// `[audit_log]`: live settings like a credential's, and an optional window.
    fn audit_log(&mut self, raw: &Spanned<RawAuditLog>) -> Option<AuditLogReader> {
        let a = &raw.value;
        let window = match &a.window {
            Some(w) => match w.value.parse() {
                Ok(w) => Some(w),
                Err(why) => {
                    self.error(w.span, why, "here");
                    return None;
                }
            },
            None => None,
        };
        let fields = LiveFields {
            client_id: &a.client_id,
            client_id_env: &a.client_id_env,
            client_secret_env: &a.client_secret_env,
            client_secret_file: &a.client_secret_file,
            sub: &a.sub,
        };
        let input = self.live_input(&fields, "`[audit_log]`", raw.span)?;
        Some(AuditLogReader { input, window })
    }

    /// An `audit_performer` means nothing without someone to read the log.
    fn performers_need_a_reader(&mut self, raw: &[RawCredential], have_reader: bool) {
        if have_reader {
            return;
        }
        for c in raw {
            if let Some(p) = &c.audit_performer {
                self.errors.push(
                    SourceError::at(self.src, p.span, "`audit_performer` needs an `[audit_log]` section".into(), "here")
                        .with_help("add [audit_log] with client_id_env and client_secret_env of a credential that may read the Audit Log (a Site Admin with auditlog:events:list)"),
                );
            }
        }
    }

    /// Offline (`grants`) or live (client id and secret): exactly one of the two.
    fn credential_input(&mut self, c: &RawCredential, name: &str) -> Option<CredentialInput> {
        let live_setting = c.client_id.is_some()
            || c.client_id_env.is_some()
            || c.client_secret_env.is_some()
            || c.client_secret_file.is_some()
            || c.sub.is_some();
        if let Some(g) = &c.grants {
            if live_setting {
                self.errors.push(
                    SourceError::at(
                        self.src,
                        g.span,
                        format!("credential `{name}` has both `grants` and live settings"),
                        "here",
                    )
                    .with_help("a credential is either read from a grants file or live, not both"),
                );
                return None;
            }
            return Some(CredentialInput::Grants(self.relative(&g.value)));
        }
        self.live_input(&c.live(), &format!("credential `{name}`"), c.name.span)
    }

    /// Live settings: a client id (or its variable) and a secret's variable or file.
    fn live_input(&mut self, c: &LiveFields, name: &str, at: SourceSpan) -> Option<CredentialInput> {
        let client_id = match (c.client_id, c.client_id_env) {
            (Some(v), None) => ValueFrom::Literal(v.value.clone()),
            (None, Some(v)) => ValueFrom::Env(v.value.clone()),
            (Some(_), Some(e)) => {
                self.error(e.span, "give `client_id` or `client_id_env`, not both".into(), "here");
                return None;
            }
            (None, None) => {
                self.errors.push(
                    SourceError::at(self.src, at, if name.starts_with("credential") { format!("{name} has no `grants` and no `client_id_env`") } else { format!("{name} has no `client_id_env`") }, "here")
                        .with_help("add `grants = \"FILE\"` to check a grants file, or `client_id_env` and `client_secret_env` to check it live"),
                );
                return None;
            }
        };
        let secret = self.secret_source(c, name, at)?;
        Some(CredentialInput::Live {
            client_id,
            secret,
            sub: c.sub.as_ref().map(|s| s.value.0.clone()),
        })
    }

    fn secret_source(&mut self, c: &LiveFields, name: &str, at: SourceSpan) -> Option<SecretFrom> {
        match (c.client_secret_env, c.client_secret_file) {
            (Some(e), None) => Some(SecretFrom::Env(e.value.clone())),
            (None, Some(f)) => self.secret_file(f).map(SecretFrom::File),
            (Some(e), Some(_)) => {
                self.error(
                    e.span,
                    "give `client_secret_env` or `client_secret_file`, not both".into(),
                    "here",
                );
                None
            }
            (None, None) => {
                self.errors.push(
                    SourceError::at(self.src, at, format!("{name} has no `client_secret_env`"), "here").with_help(
                        "name the environment variable that holds the client secret; secrets never go in the config",
                    ),
                );
                None
            }
        }
    }

    /// A `client_secret_file`: inside the config's folder, unless the person running grantlint
    /// allowed it. Otherwise a pull request could make grantlint send any readable file's
    /// first line as a secret.
    fn secret_file(&mut self, raw: &Spanned<String>) -> Option<PathBuf> {
        let path = self.relative(&raw.value);
        let folder = canonical(if self.base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.base
        });
        if canonical(&path).starts_with(&folder) || self.trust.allows_secret_file(&path) {
            return Some(path);
        }
        self.errors.push(
            SourceError::at(
                self.src,
                raw.span,
                format!(
                    "`client_secret_file` {} lies outside the config's folder {}: a config may not make grantlint read a secret from anywhere else",
                    path.display(),
                    folder.display()
                ),
                "outside the config's folder",
            )
            .with_help(format!(
                "if this is the right file, allow it when you run grantlint: --allow-secret-file {} (or GRANTLINT_ALLOW_SECRET_FILES)",
                path.display()
            )),
        );
        None
    }

    /// `catalog_spec`: inside the config's folder, unless the person running grantlint allowed
    /// it (DESIGN.md section 9: a config edited in a pull request must not reach outside its
    /// tree), and a file that exists.
    fn catalog_spec(&mut self, raw: &Spanned<String>) -> Option<PathBuf> {
        let path = self.relative(&raw.value);
        let folder = canonical(if self.base.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &self.base
        });
        if !canonical(&path).starts_with(&folder) && !self.trust.allows_catalog_spec(&path) {
            self.errors.push(
                SourceError::at(
                    self.src,
                    raw.span,
                    format!(
                        "`catalog_spec` {} lies outside the config's folder {}: a config may not make grantlint read a file from anywhere else",
                        path.display(),
                        folder.display()
                    ),
                    "outside the config's folder",
                )
                .with_help(format!(
                    "if this is the right spec, allow it when you run grantlint: --allow-catalog-spec {} (or GRANTLINT_ALLOW_CATALOG_SPECS), or pass --catalog-spec",
                    path.display()
                )),
            );
            return None;
        }
        if !path.is_file() {
            self.error(
                raw.span,
                format!("`catalog_spec` {} is not a file", path.display()),
                "here",
            );
            return None;
        }
        Some(path)
    }

    /// One `[[waiver]]`: a defined credential, a reason, a valid date, a known permission.
    fn waiver(&mut self, w: &RawWaiver, credentials: &HashSet<&str>) -> Option<Waiver> {
        if !credentials.contains(w.credential.value.as_str()) {
            let mut names: Vec<&str> = credentials.iter().copied().collect();
            names.sort_unstable();
            let hint = catalog::suggest(&w.credential.value, catalog::same(names.into_iter()))
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            self.error(
                w.credential.span,
                format!(
                    "the waiver names credential `{}`, which the config does not define{hint}",
                    w.credential.value
                ),
                "here",
            );
        }
        let reason = w.reason.as_ref().map(|r| r.value.trim()).unwrap_or_default();
        if reason.is_empty() {
            let (span, label) = match &w.reason {
                Some(r) => (r.span, "empty"),
                None => (w.credential.span, "this waiver has no `reason`"),
            };
            self.errors.push(
                SourceError::at(self.src, span, "a waiver needs a reason".into(), label)
                    .with_help("say why this credential may keep the grant, so the next reviewer can judge it"),
            );
        }
        let expires = match &w.expires {
            Some(e) => match parse_date(&e.value.0) {
                Ok(date) => Some(date),
                Err(why) => {
                    self.error(e.span, format!("`expires` is not a valid date: {why}"), "here");
                    None
                }
            },
            None => None,
        };
        let kind = self.waiver_kind(w.kind.as_ref());
        let permission = self.waiver_permission(&w.permission)?;
        Some(Waiver {
            credential: w.credential.value.clone(),
            kind: kind?,
            permission,
            reason: reason.to_string(),
            expires,
            location: self.src.location(w.permission.span.offset()),
        })
    }

    /// The kind of finding a waiver excuses: `excess` unless it says; a kind a waiver cannot
    /// excuse (a failure, a lint finding) is an error.
    fn waiver_kind(&mut self, raw: Option<&Spanned<String>>) -> Option<Kind> {
        let Some(raw) = raw else {
            return Some(Kind::Excess);
        };
        let waivable = || Kind::ALL.iter().copied().filter(|k| k.waivable());
        match Kind::by_id(raw.value.trim()) {
            Some(kind) if kind.waivable() => Some(kind),
            found => {
                let names: Vec<&str> = waivable().map(Kind::id).collect();
                let message = match found {
                    Some(k) => format!("a waiver cannot excuse `{}` findings", k.id()),
                    None => format!("unknown finding kind `{}`", catalog::shorten(&raw.value)),
                };
                let mut err = SourceError::at(self.src, raw.span, message, "here");
                err = match catalog::suggest(&raw.value, catalog::same(names.iter().copied())) {
                    Some(s) if found.is_none() => err.with_help(format!("did you mean `{s}`?")),
                    _ => err.with_help(format!("a waiver excuses one of: {}", names.join(", "))),
                };
                self.errors.push(err);
                None
            }
        }
    }

    /// A waiver may name a scope or a v1 permission; an unknown name is reported in the
    /// vocabulary it looks like.
    fn waiver_permission(&mut self, raw: &Spanned<String>) -> Option<Perm> {
        let text = &raw.value;
        let (first, second) = if text.contains("harvest:") || !text.contains(' ') {
            (Api::HarvestV3, Api::HarvestV1)
        } else {
            (Api::HarvestV1, Api::HarvestV3)
        };
        match catalog::resolve(first, text) {
            Ok(p) => Some(p),
            Err(problem) => match catalog::resolve(second, text) {
                Ok(p) => Some(p),
                Err(_) => {
                    self.errors.push(unresolved_error(problem, self.src, raw.span, first));
                    None
                }
            },
        }
    }
}
