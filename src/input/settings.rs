//! The effective settings of a run and where each came from (a flag, an environment
//! variable, a line of the config, or the default), for `grantlint config`. The precedence
//! is every command's: flag > environment > config file > default. Secrets are never
//! values here: a client secret is named by its variable or file only.

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::config::{Config, CredentialInput, SecretFrom, ValueFrom};
use super::discovery::{Located, Search};
use super::source::Source;
use super::spanned::{self, Spanned};
use crate::greenhouse::auditlog::DEFAULT_AUDIT_URL;
use crate::greenhouse::endpoint::{DEFAULT_AUTH_URL, DEFAULT_BASE_URL};

/// How many credentials `audit` checks at once unless told.
pub const DEFAULT_CONCURRENCY: usize = 8;

/// Where a setting's value came from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Provenance {
    /// A command-line flag (`--auth-url`).
    Flag { name: String },
    /// An environment variable.
    Env { name: String },
    /// A line of the config file.
    File { path: String, line: usize },
    /// grantlint's default.
    Default,
}

impl Provenance {
    pub fn flag(name: &str) -> Self {
        Provenance::Flag { name: name.into() }
    }
    pub fn env(name: &str) -> Self {
        Provenance::Env { name: name.into() }
    }
    /// For people: `--auth-url`, `env GRANTLINT_AUTH_URL`, `grantlint.toml:3`, `default`.
    pub fn describe(&self) -> String {
        match self {
            Provenance::Flag { name } => name.clone(),
            Provenance::Env { name } => format!("env {name}"),
            Provenance::File { path, line } => format!("{path}:{line}"),
            Provenance::Default => "default".into(),
        }
    }
}

/// A value given on the command line or in the environment, with which of the two.
#[derive(Debug, Clone)]
pub struct Given<T> {
    pub value: T,
    pub from: Provenance,
}

/// What the person running grantlint set, by flag or environment variable.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub profile_dirs: Vec<PathBuf>,
    pub auth_url: Option<Given<String>>,
    pub base_url: Option<Given<String>>,
    pub audit_url: Option<Given<String>>,
    pub concurrency: Option<Given<usize>>,
    pub fail_on_excess: Option<Given<String>>,
    pub no_fail_on_missing: bool,
    pub fail_on_unused: bool,
    pub allow_hosts: Option<Given<Vec<String>>>,
    pub allow_secret_files: Option<Given<Vec<PathBuf>>>,
    pub allow_catalog_specs: Option<Given<Vec<PathBuf>>>,
    /// `--catalog-spec` (or its variable).
    pub catalog_spec: Option<Given<String>>,
}

/// One effective setting.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Setting {
    pub key: &'static str,
    pub value: serde_json::Value,
    pub from: Provenance,
}

/// The config file of the run.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ConfigFile {
    /// `None` when none was named or found.
    pub path: Option<String>,
    /// `flag`, `env`, `discovered`, or `none`.
    pub from: &'static str,
    /// For people: `--config`, `GRANTLINT_CONFIG`, `discovered in the parent directory`.
    pub how: String,
    /// The directories discovery searches, nearest first.
    pub searched: Vec<String>,
    /// Where the search stops.
    pub search_stops_at: &'static str,
}

/// Where a credential's value comes from, never the value of a secret.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(tag = "from", rename_all = "lowercase")]
pub enum ValueSource {
    /// In the config itself (client ids only; they are not secret).
    Config { value: String },
    /// An environment variable, and whether it is set now.
    Env { name: String, set: bool },
    /// A file, and whether it exists now.
    File { path: String, exists: bool },
}

/// A credential of the config.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct CredentialView {
    pub name: String,
    pub from: Provenance,
    pub profiles: Vec<String>,
    /// `grants` (a file) or `live`.
    pub mode: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grants: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<ValueSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<ValueSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    pub probe: bool,
    pub usage: Vec<String>,
}

/// A waiver of the config.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct WaiverView {
    pub credential: String,
    pub kind: &'static str,
    pub permission: String,
    pub expires: Option<String>,
    pub from: Provenance,
}

/// Everything `grantlint config` shows (`grantlint.settings.v1`; `grantlint.config` would
/// read as the schema of the config file itself).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Effective {
    pub schema: &'static str,
    pub config: ConfigFile,
    pub settings: Vec<Setting>,
    pub credentials: Vec<CredentialView>,
    pub waivers: Vec<WaiverView>,
}

/// The keys of a config that hold settings, with their spans (the rest is ignored here:
/// [`Config`] has validated it).
#[derive(Debug, Default, Deserialize)]
struct Keys {
    profile_dirs: Option<Spanned<toml::Value>>,
    auth_url: Option<Spanned<toml::Value>>,
    base_url: Option<Spanned<toml::Value>>,
    audit_url: Option<Spanned<toml::Value>>,
    concurrency: Option<Spanned<toml::Value>>,
    catalog_spec: Option<Spanned<toml::Value>>,
    policy: Option<PolicyKeys>,
}

#[derive(Debug, Default, Deserialize)]
struct PolicyKeys {
    fail_on_missing: Option<Spanned<toml::Value>>,
    fail_on_excess: Option<Spanned<toml::Value>>,
    fail_on_unused: Option<Spanned<toml::Value>>,
}

/// The effective settings: the overrides over the config (if any) over the defaults.
/// `env_set` says whether an environment variable is set, for the credentials' sources.
pub fn effective(
    located: Option<&Located>,
    search: &Search,
    config: Option<&Config>,
    overrides: &Overrides,
    env_set: &dyn Fn(&str) -> bool,
) -> Effective {
    let file = FileKeys {
        config,
        keys: config
            .and_then(|c| spanned::from_toml(&c.src.text).ok())
            .unwrap_or_default(),
    };
    let mut settings = vec![profile_dirs(&file, overrides)];
    settings.extend(endpoints(&file, overrides));
    settings.push(pick(
        "concurrency",
        &overrides.concurrency,
        config
            .and_then(|c| c.concurrency.as_ref())
            .zip(file.at(&file.keys.concurrency)),
        DEFAULT_CONCURRENCY,
        |v| (*v).into(),
    ));
    let spec = file
        .keys
        .catalog_spec
        .as_ref()
        .and_then(|k| k.value.as_str().map(str::to_string));
    settings.push(pick(
        "catalog_spec",
        &overrides.catalog_spec.as_ref().map(|g| Given {
            value: Some(g.value.clone()),
            from: g.from.clone(),
        }),
        spec.map(Some).as_ref().zip(file.at(&file.keys.catalog_spec)),
        None,
        |v: &Option<String>| v.as_deref().map_or(serde_json::Value::Null, Into::into),
    ));
    settings.extend(policy(&file, overrides));
    settings.extend(trust(overrides));
    Effective {
        schema: "grantlint.settings.v1",
        config: config_file(located, search),
        settings,
        credentials: config.map(|c| credentials(c, env_set)).unwrap_or_default(),
        waivers: config.map(waivers).unwrap_or_default(),
    }
}

/// The config and the lines of the keys it sets.
struct FileKeys<'a> {
    config: Option<&'a Config>,
    keys: Keys,
}

impl FileKeys<'_> {
    /// The config line of a key it sets.
    fn at(&self, key: &Option<Spanned<toml::Value>>) -> Option<Provenance> {
        let (c, k) = (self.config?, key.as_ref()?);
        Some(Provenance::File {
            path: c.src.name.clone(),
            line: c.src.line_of(k.span.offset()),
        })
    }
}

fn endpoints(file: &FileKeys, o: &Overrides) -> [Setting; 3] {
    let url = |key, given: &Option<Given<String>>, value: Option<&String>, at, default: &str| {
        pick(key, given, value.zip(at), default.to_string(), |v| v.as_str().into())
    };
    let c = file.config;
    [
        url(
            "auth_url",
            &o.auth_url,
            c.and_then(|c| c.auth_url.as_ref()),
            file.at(&file.keys.auth_url),
            DEFAULT_AUTH_URL,
        ),
        url(
            "base_url",
            &o.base_url,
            c.and_then(|c| c.base_url.as_ref()),
            file.at(&file.keys.base_url),
            DEFAULT_BASE_URL,
        ),
        url(
            "audit_url",
            &o.audit_url,
            c.and_then(|c| c.audit_url.as_ref()),
            file.at(&file.keys.audit_url),
            DEFAULT_AUDIT_URL,
        ),
    ]
}

fn policy(file: &FileKeys, o: &Overrides) -> [Setting; 3] {
    let policy = file.config.map(|c| c.policy).unwrap_or_default();
    let empty = PolicyKeys::default();
    let pk = file.keys.policy.as_ref().unwrap_or(&empty);
    let excess = pk
        .fail_on_excess
        .as_ref()
        .and_then(|s| s.value.as_str().map(str::to_string));
    [
        boolean(
            "policy.fail_on_missing",
            o.no_fail_on_missing.then_some((false, "--no-fail-on-missing")),
            file.at(&pk.fail_on_missing).map(|f| (policy.fail_on_missing, f)),
            true,
        ),
        pick(
            "policy.fail_on_excess",
            &o.fail_on_excess,
            excess.as_ref().zip(file.at(&pk.fail_on_excess)),
            "low".to_string(),
            |v| v.as_str().into(),
        ),
        boolean(
            "policy.fail_on_unused",
            o.fail_on_unused.then_some((true, "--fail-on-unused")),
            file.at(&pk.fail_on_unused).map(|f| (policy.fail_on_unused, f)),
            false,
        ),
    ]
}

/// What the person running grantlint allows a config beyond Greenhouse (never the config).
fn trust(o: &Overrides) -> [Setting; 3] {
    let hosts = o.allow_hosts.as_ref().map(|g| (g.value.clone(), g.from.clone()));
    let files = o.allow_secret_files.as_ref().map(|g| {
        let paths = g.value.iter().map(|p| p.display().to_string()).collect();
        (paths, g.from.clone())
    });
    let specs = o.allow_catalog_specs.as_ref().map(|g| {
        let paths = g.value.iter().map(|p| p.display().to_string()).collect();
        (paths, g.from.clone())
    });
    [
        listed("allow_hosts", hosts),
        listed("allow_secret_files", files),
        listed("allow_catalog_specs", specs),
    ]
}

/// Flag > environment (already folded into `given`) > file > default.
fn pick<T>(
    key: &'static str,
    given: &Option<Given<T>>,
    file: Option<(&T, Provenance)>,
    default: T,
    json: impl Fn(&T) -> serde_json::Value,
) -> Setting {
    let (value, from) = match (given, file) {
        (Some(g), _) => (json(&g.value), g.from.clone()),
        (None, Some((v, f))) => (json(v), f),
        (None, None) => (json(&default), Provenance::Default),
    };
    Setting { key, value, from }
}

fn boolean(key: &'static str, flag: Option<(bool, &str)>, file: Option<(bool, Provenance)>, default: bool) -> Setting {
    let (value, from) = match (flag, file) {
        (Some((v, name)), _) => (v, Provenance::flag(name)),
        (None, Some((v, f))) => (v, f),
        (None, None) => (default, Provenance::Default),
    };
    Setting {
        key,
        value: value.into(),
        from,
    }
}

fn listed(key: &'static str, given: Option<(Vec<String>, Provenance)>) -> Setting {
    let (value, from) = given.unwrap_or((Vec::new(), Provenance::Default));
    Setting {
        key,
        value: value.into(),
        from,
    }
}

/// `--profile-dir` directories come before the config's `profile_dirs`.
fn profile_dirs(file: &FileKeys, overrides: &Overrides) -> Setting {
    let mut dirs: Vec<String> = overrides.profile_dirs.iter().map(|d| d.display().to_string()).collect();
    let at = file.at(&file.keys.profile_dirs);
    let from = match (&at, dirs.is_empty()) {
        (Some(f), true) => f.clone(),
        (_, false) => Provenance::flag("--profile-dir"),
        (None, true) => Provenance::Default,
    };
    if let (Some(c), Some(listed)) = (file.config, &file.keys.profile_dirs) {
        let base = c.path.parent().unwrap_or(Path::new(""));
        if let toml::Value::Array(list) = &listed.value {
            dirs.extend(
                list.iter()
                    .filter_map(|v| v.as_str())
                    .map(|d| base.join(d).display().to_string()),
            );
        }
    }
    Setting {
        key: "profile_dirs",
        value: dirs.into(),
        from,
    }
}

fn config_file(located: Option<&Located>, search: &Search) -> ConfigFile {
    ConfigFile {
        path: located.map(|l| l.path.display().to_string()),
        from: located.map(|l| l.origin.id()).unwrap_or("none"),
        how: located
            .map(|l| l.origin.describe())
            .unwrap_or_else(|| "none found".into()),
        searched: search.dirs.iter().map(|d| d.display().to_string()).collect(),
        search_stops_at: search.stop.describe(),
    }
}

fn file_at(src: &Source, line: usize) -> Provenance {
    Provenance::File {
        path: src.name.clone(),
        line,
    }
}

fn credentials(config: &Config, env_set: &dyn Fn(&str) -> bool) -> Vec<CredentialView> {
    let path = |p: &Path| p.display().to_string();
    let env = |name: &String| ValueSource::Env {
        name: name.clone(),
        set: env_set(name),
    };
    config
        .credentials
        .iter()
        .map(|c| {
            let (mode, grants, client_id, client_secret, sub) = match &c.input {
                CredentialInput::Grants(p) => ("grants", Some(path(p)), None, None, None),
                CredentialInput::Live { client_id, secret, sub } => {
                    let id = match client_id {
                        ValueFrom::Literal(v) => ValueSource::Config { value: v.clone() },
                        ValueFrom::Env(name) => env(name),
                    };
                    let secret = match secret {
                        SecretFrom::Env(name) => env(name),
                        SecretFrom::File(p) => ValueSource::File {
                            path: path(p),
                            exists: p.is_file(),
                        },
                    };
                    ("live", None, Some(id), Some(secret), sub.clone())
                }
            };
            CredentialView {
                name: c.name.clone(),
                from: file_at(&config.src, c.line),
                profiles: c.profiles.iter().map(|p| p.id.to_string()).collect(),
                mode,
                grants,
                client_id,
                client_secret,
                sub,
                probe: c.probe,
                usage: c.usage.iter().map(|u| path(u)).collect(),
            }
        })
        .collect()
}

fn waivers(config: &Config) -> Vec<WaiverView> {
    config
        .waivers
        .iter()
        .map(|w| WaiverView {
            credential: w.credential.clone(),
            kind: w.kind.id(),
            permission: w.permission.id().to_string(),
            expires: w.expires.map(|d| d.to_string()),
            from: file_at(&config.src, w.location.line),
        })
        .collect()
}
