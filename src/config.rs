//! `grantlint.toml`: an organisation's credentials and policy. Parsed with spans, then
//! validated in a second pass; every problem points at its TOML line and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use serde::de::{self, Deserializer};

use crate::check::{ExcessThreshold, Policy};
use crate::diag::{Error, Source, SourceError};
use crate::finding::Location;
use crate::library::Library;
use crate::profile::{Profile, Sp, with_toml_spans};
use crate::waiver::Waiver;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    profile_dirs: Vec<Sp<String>>,
    #[serde(default)]
    auth_url: Option<Sp<String>>,
    #[serde(default)]
    base_url: Option<Sp<String>>,
    #[serde(default)]
    concurrency: Option<Sp<i64>>,
    #[serde(default)]
    policy: Option<RawPolicy>,
    #[serde(default)]
    credential: Vec<RawCredential>,
    #[serde(default)]
    waiver: Vec<RawWaiver>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    credential: Sp<String>,
    permission: Sp<String>,
    reason: Sp<String>,
    #[serde(default)]
    expires: Option<Sp<DateValue>>,
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    fail_on_missing: Option<bool>,
    #[serde(default)]
    fail_on_excess: Option<Sp<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCredential {
    name: Sp<String>,
    profiles: Sp<Vec<Sp<String>>>,
    #[serde(default)]
    client_id: Option<Sp<String>>,
    #[serde(default)]
    client_id_env: Option<Sp<String>>,
    #[serde(default)]
    client_secret_env: Option<Sp<String>>,
    #[serde(default)]
    client_secret_file: Option<Sp<String>>,
    #[serde(default)]
    sub: Option<Sp<SubId>>,
    #[serde(default)]
    grants: Option<Sp<String>>,
    #[serde(default)]
    probe: Option<bool>,
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
    /// Line of the credential's `name` in the config.
    pub line: usize,
}

#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub src: Source,
    pub auth_url: Option<String>,
    pub base_url: Option<String>,
    pub concurrency: Option<usize>,
    pub policy: Policy,
    pub credentials: Vec<CredentialSpec>,
    pub waivers: Vec<Waiver>,
}

/// The config file: `--config`, else `./grantlint.toml`.
pub fn locate(flag: Option<&Path>) -> Result<PathBuf, Error> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => {
            let p = PathBuf::from("grantlint.toml");
            if p.is_file() {
                Ok(p)
            } else {
                Err(Error::Usage(
                    "no grantlint.toml in this directory; pass --config FILE".into(),
                ))
            }
        }
    }
}

impl Config {
    /// Load and validate. `extra_dirs` (from `--profile-dir`) come before the config's own.
    pub fn load(path: &Path, extra_dirs: &[PathBuf]) -> Result<Config, Error> {
        Self::parse(Source::read(path)?, path, extra_dirs)
    }

    /// Validate a config's text; `path` locates it (relative paths in it are relative to its
    /// directory).
    pub fn parse(src: Source, path: &Path, extra_dirs: &[PathBuf]) -> Result<Config, Error> {
        let raw: RawConfig = with_toml_spans(|| toml::from_str(&src.text))
            .map_err(|e| Error::Input(Box::new(SourceError::from_toml(&src, &e))))?;
        let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let relative = |p: &str| {
            if Path::new(p).is_absolute() {
                PathBuf::from(p)
            } else {
                base.join(p)
            }
        };
        let mut errors = Vec::new();

        let mut dirs = extra_dirs.to_vec();
        for d in &raw.profile_dirs {
            let dir = relative(&d.value);
            if !dir.is_dir() {
                errors.push(SourceError::at(
                    &src,
                    d.span,
                    format!("profile directory {} does not exist", dir.display()),
                    "here",
                ));
            }
            dirs.push(dir);
        }
        let library = Library::new(dirs);

        let mut policy = Policy::default();
        if let Some(p) = &raw.policy {
            if let Some(m) = p.fail_on_missing {
                policy.fail_on_missing = m;
            }
            if let Some(level) = &p.fail_on_excess {
                match level.value.parse::<ExcessThreshold>() {
                    Ok(t) => policy.fail_on_excess = t,
                    Err(why) => errors.push(SourceError::at(&src, level.span, why, "here")),
                }
            }
        }
        let concurrency = match &raw.concurrency {
            Some(c) if !(1..=256).contains(&c.value) => {
                errors.push(SourceError::at(
                    &src,
                    c.span,
                    "`concurrency` must be 1 to 256".into(),
                    "here",
                ));
                None
            }
            Some(c) => Some(c.value as usize),
            None => None,
        };

        let mut loaded: Vec<(String, Arc<Profile>)> = Vec::new();
        let mut credentials = Vec::new();
        for c in &raw.credential {
            let name = c.name.value.trim().to_string();
            if name.is_empty() {
                errors.push(SourceError::at(
                    &src,
                    c.name.span,
                    "a credential needs a name".into(),
                    "here",
                ));
            }
            if let Some(first) = credentials.iter().find(|s: &&CredentialSpec| s.name == name) {
                errors.push(
                    SourceError::at(
                        &src,
                        c.name.span,
                        format!("credential `{name}` is defined twice"),
                        "again here",
                    )
                    .with_help(format!("the first is on line {}; names must be unique", first.line)),
                );
            }
            let mut profiles = Vec::new();
            if c.profiles.value.is_empty() {
                errors.push(SourceError::at(
                    &src,
                    c.profiles.span,
                    "`profiles` is empty".into(),
                    "here",
                ));
            }
            for p in &c.profiles.value {
                if let Some((_, found)) = loaded.iter().find(|(n, _)| *n == p.value) {
                    profiles.push(found.clone());
                    continue;
                }
                match library.load(&p.value) {
                    Ok((profile, _)) => {
                        let profile = Arc::new(profile);
                        loaded.push((p.value.clone(), profile.clone()));
                        profiles.push(profile);
                    }
                    Err(Error::Usage(why)) => errors.push(SourceError::at(&src, p.span, why, "this profile")),
                    Err(other) => return Err(other),
                }
            }
            let input = match (&c.grants, &c.client_id, &c.client_id_env) {
                (Some(g), None, None)
                    if c.client_secret_env.is_none() && c.client_secret_file.is_none() && c.sub.is_none() =>
                {
                    Some(CredentialInput::Grants(relative(&g.value)))
                }
                (Some(g), _, _) => {
                    errors.push(
                        SourceError::at(
                            &src,
                            g.span,
                            format!("credential `{name}` has both `grants` and live settings"),
                            "here",
                        )
                        .with_help("a credential is either read from a grants file or live, not both"),
                    );
                    None
                }
                (None, Some(_), Some(e)) => {
                    errors.push(SourceError::at(
                        &src,
                        e.span,
                        "give `client_id` or `client_id_env`, not both".into(),
                        "here",
                    ));
                    None
                }
                (None, None, None) => {
                    errors.push(
                        SourceError::at(&src, c.name.span, format!("credential `{name}` has no `grants` and no `client_id_env`"), "this credential")
                            .with_help("add `grants = \"FILE\"` to check a grants file, or `client_id_env` and `client_secret_env` to check it live"),
                    );
                    None
                }
                (None, id, id_env) => {
                    let client_id = match (id, id_env) {
                        (Some(v), _) => ValueFrom::Literal(v.value.clone()),
                        (_, Some(v)) => ValueFrom::Env(v.value.clone()),
                        _ => unreachable!("matched above"),
                    };
                    let secret = match (&c.client_secret_env, &c.client_secret_file) {
                        (Some(e), None) => Some(SecretFrom::Env(e.value.clone())),
                        (None, Some(f)) => Some(SecretFrom::File(relative(&f.value))),
                        (Some(e), Some(_)) => {
                            errors.push(SourceError::at(
                                &src,
                                e.span,
                                "give `client_secret_env` or `client_secret_file`, not both".into(),
                                "here",
                            ));
                            None
                        }
                        (None, None) => {
                            errors.push(
                                SourceError::at(&src, c.name.span, format!("credential `{name}` has no `client_secret_env`"), "this credential")
                                    .with_help("name the environment variable that holds the client secret; secrets never go in the config"),
                            );
                            None
                        }
                    };
                    secret.map(|secret| CredentialInput::Live {
                        client_id,
                        secret,
                        sub: c.sub.as_ref().map(|s| s.value.0.clone()),
                    })
                }
            };
            if let Some(input) = input {
                credentials.push(CredentialSpec {
                    name,
                    profiles,
                    input,
                    probe: c.probe.unwrap_or(false),
                    line: src.line_of(c.name.span.offset()),
                });
            }
        }
        if raw.credential.is_empty() {
            errors.push(SourceError::whole(
                src.clone(),
                "the config lists no [[credential]]".into(),
                None,
            ));
        }
        for (field, url) in [("auth_url", &raw.auth_url), ("base_url", &raw.base_url)] {
            if let Some(u) = url
                && let Err(why) = crate::greenhouse::Endpoints::new(&u.value, crate::greenhouse::DEFAULT_BASE_URL)
            {
                errors.push(SourceError::at(&src, u.span, why.replace("--auth-url", field), "here"));
            }
        }
        let mut waivers = Vec::new();
        for w in &raw.waiver {
            if !credentials.iter().any(|c| c.name == w.credential.value) {
                let names: Vec<&str> = credentials.iter().map(|c| c.name.as_str()).collect();
                let hint = crate::catalog::suggest(&w.credential.value, crate::catalog::same(names.into_iter()))
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                errors.push(SourceError::at(
                    &src,
                    w.credential.span,
                    format!(
                        "the waiver names credential `{}`, which the config does not define{hint}",
                        w.credential.value
                    ),
                    "here",
                ));
            }
            if w.reason.value.trim().is_empty() {
                errors.push(
                    SourceError::at(&src, w.reason.span, "a waiver needs a reason".into(), "empty")
                        .with_help("say why this credential may keep the grant, so the next reviewer can judge it"),
                );
            }
            let expires = match &w.expires {
                Some(e) => match crate::profile::check_date(&e.value.0) {
                    Ok(()) => Some(e.value.0.clone()),
                    Err(why) => {
                        errors.push(SourceError::at(
                            &src,
                            e.span,
                            format!("`expires` is not a valid date: {why}"),
                            "here",
                        ));
                        None
                    }
                },
                None => None,
            };
            // A waiver may name a scope or a v1 permission; an unknown name is reported in
            // the vocabulary it looks like.
            let (first, second) = if w.permission.value.contains("harvest:") || !w.permission.value.contains(' ') {
                (crate::profile::Api::HarvestV3, crate::profile::Api::HarvestV1)
            } else {
                (crate::profile::Api::HarvestV1, crate::profile::Api::HarvestV3)
            };
            let permission = match crate::profile::resolve(first, &w.permission.value) {
                Ok(p) => Ok(p),
                Err(e) => crate::profile::resolve(second, &w.permission.value).map_err(|_| (e, first)),
            };
            match permission {
                Ok(permission) => waivers.push(Waiver {
                    credential: w.credential.value.clone(),
                    permission,
                    reason: w.reason.value.trim().to_string(),
                    expires,
                    location: Location {
                        file: src.path().to_string(),
                        line: src.line_of(w.permission.span.offset()),
                    },
                }),
                Err((problem, api)) => errors.push(problem.into_error(&src, w.permission.span, api)),
            }
        }
        if !errors.is_empty() {
            return Err(Error::inputs(errors));
        }
        Ok(Config {
            waivers,
            path: path.to_path_buf(),
            auth_url: raw.auth_url.map(|u| u.value),
            base_url: raw.base_url.map(|u| u.value),
            concurrency,
            policy,
            credentials,
            src,
        })
    }
}
