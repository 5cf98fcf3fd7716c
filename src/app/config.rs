//! `grantlint config`: the effective settings of `audit` and where each came from.

use std::io::Write;
use std::path::PathBuf;

use crate::cli::{ConfigArgs, ListFormat};
use crate::error::Error;
use crate::input::config::{Config, Trust};
use crate::input::discovery;
use crate::input::policy::ExcessThreshold;
use crate::input::secrets::env_value;
use crate::input::settings::{self, Given, Overrides, Provenance};
use crate::report::{Style, settings as render};

pub fn run(args: ConfigArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let overrides = overrides(&args)?;
    let env = discovery::Env::from_process()?;
    let search = discovery::search(&env);
    let located = discovery::locate(args.config.as_deref(), &env)?;
    fn given<T: Clone>(g: &Option<Given<Vec<T>>>) -> Vec<T> {
        g.as_ref().map(|g| g.value.clone()).unwrap_or_default()
    }
    let trust = Trust {
        hosts: given(&overrides.allow_hosts),
        secret_files: given(&overrides.allow_secret_files),
        catalog_specs: given(&overrides.allow_catalog_specs),
    };
    let config = match &located {
        Some(l) => {
            // As `audit` reads it: the config's catalog spec first.
            super::install_config_catalog_spec(&l.path, &trust)?;
            Some(Config::load(&l.path, &args.dirs.dirs, &trust)?)
        }
        None => None,
    };
    let env_set = |name: &str| env_value(name).is_some();
    let effective = settings::effective(located.as_ref(), &search, config.as_ref(), &overrides, &env_set);
    match args.format {
        ListFormat::Json => render::json(&effective, out),
        ListFormat::Table => render::table(&effective, style, out),
    }
    .map_err(Error::output)?;
    Ok(0)
}

/// A flag, else its environment variable (set and not blank), as `audit` reads them.
fn flag_or_env(flag: Option<String>, flag_name: &str, var: &str) -> Option<Given<String>> {
    match flag {
        Some(value) => Some(Given {
            value,
            from: Provenance::flag(flag_name),
        }),
        None => env_value(var).map(|value| Given {
            value,
            from: Provenance::env(var),
        }),
    }
}

fn threshold(t: ExcessThreshold) -> String {
    match t {
        ExcessThreshold::Never => "never".into(),
        ExcessThreshold::AtLeast(r) => r.as_str().into(),
    }
}

/// A comma-separated list from the flag (repeatable) or its variable.
fn list<T: Clone>(flag: &[T], flag_name: &str, var: &str, parse: impl Fn(&str) -> T) -> Option<Given<Vec<T>>> {
    if !flag.is_empty() {
        return Some(Given {
            value: flag.to_vec(),
            from: Provenance::flag(flag_name),
        });
    }
    env_value(var).map(|v| Given {
        value: v
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse)
            .collect(),
        from: Provenance::env(var),
    })
}

fn overrides(args: &ConfigArgs) -> Result<Overrides, Error> {
    let excess = flag_or_env(
        args.fail_on_excess.map(threshold),
        "--fail-on-excess",
        "GRANTLINT_FAIL_ON_EXCESS",
    );
    // A bad value in the environment fails `audit`; it fails here too.
    if let Some(g) = &excess {
        g.value
            .parse::<ExcessThreshold>()
            .map_err(|why| Error::Usage(format!("{}: {why}", g.from.describe())))?;
    }
    // A URL `audit` would refuse is refused here too (and never shown with credentials in it).
    let url = |flag: Option<String>, name: &str, var: &str| -> Result<Option<Given<String>>, Error> {
        let given = flag_or_env(flag, name, var);
        if let Some(g) = &given {
            crate::greenhouse::endpoint::vet(&g.value).map_err(|p| Error::Usage(p.describe(&g.from.describe())))?;
        }
        Ok(given)
    };
    Ok(Overrides {
        profile_dirs: args.dirs.dirs.clone(),
        auth_url: url(args.auth_url.clone(), "--auth-url", "GRANTLINT_AUTH_URL")?,
        base_url: url(args.base_url.clone(), "--base-url", "GRANTLINT_BASE_URL")?,
        audit_url: url(args.audit_url.clone(), "--audit-url", "GRANTLINT_AUDIT_URL")?,
        concurrency: args.concurrency.map(|value| Given {
            value: value.clamp(1, 256),
            from: Provenance::flag("--concurrency"),
        }),
        fail_on_excess: excess,
        no_fail_on_missing: args.no_fail_on_missing,
        fail_on_unused: args.fail_on_unused,
        allow_hosts: list(&args.hosts, "--allow-host", "GRANTLINT_ALLOW_HOSTS", str::to_string),
        allow_secret_files: list(
            &args.secret_files,
            "--allow-secret-file",
            "GRANTLINT_ALLOW_SECRET_FILES",
            |s: &str| PathBuf::from(s),
        ),
        allow_catalog_specs: list(
            &args.catalog_specs,
            "--allow-catalog-spec",
            "GRANTLINT_ALLOW_CATALOG_SPECS",
            |s: &str| PathBuf::from(s),
        ),
        // The global --catalog-spec was installed before this command ran.
        catalog_spec: crate::catalog::spec_origin().map(|spec| Given {
            value: spec.to_string(),
            from: match env_value("GRANTLINT_CATALOG_SPEC") {
                Some(v) if v == spec => Provenance::env("GRANTLINT_CATALOG_SPEC"),
                _ => Provenance::flag("--catalog-spec"),
            },
        }),
    })
}
