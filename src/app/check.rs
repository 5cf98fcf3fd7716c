//! `grantlint check -p PROFILE... (--grants FILE | --token FILE | --grants-dir DIR | --live)`.

use std::io::Write;
use std::path::Path;

use super::{clock, evidence, live};
use crate::check::usage::Usage;
use crate::check::{CheckResult, ProfileSet};
use crate::cli::{CheckArgs, OutputSpec};
use crate::error::Error;
use crate::input::clock::Clock;
use crate::input::grants::Grants;
use crate::input::library::Library;
use crate::input::policy::Policy;
use crate::input::profile::{Profile, id_of_path};
use crate::input::secrets::{LiveCredential, live_credential_from_env, read_token_text};
use crate::report::Style;
use crate::report::emit::{Emitter, emit};
use crate::runner;

pub fn run(args: CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let clock = clock()?;
    let profiles = load_profiles(&args)?;
    let policy = Policy {
        fail_on_missing: !args.no_fail_on_missing,
        fail_on_excess: args.fail_on_excess,
        fail_on_unused: args.fail_on_unused,
    };
    // Read once: --live and --audit-log share it, and a secret from stdin cannot be read twice.
    let cred = if args.input.live || args.evidence.audit_log {
        Some(live_credential_from_env(
            args.client_secret_file.as_deref(),
            args.credential.clone(),
        )?)
    } else {
        if args.client_secret_file.is_some() {
            return Err(Error::Usage("--client-secret-file needs --live or --audit-log".into()));
        }
        None
    };
    let usage = if args.evidence.given() {
        if args.input.grants_dir.is_some() {
            return Err(Error::Usage(
                "--requests is the evidence of one integration; for a fleet, name each credential's evidence with `usage = [...]` in the config and run `grantlint audit`".into(),
            ));
        }
        Some(evidence::gather(
            &args.evidence,
            &args.connection,
            cred.as_ref(),
            clock,
        )?)
    } else {
        None
    };
    let refs: Vec<&Profile> = profiles.iter().collect();
    let set = ProfileSet::new(&refs);
    let outputs = OutputSpec::outputs(&args.output);
    if args.input.live {
        let cred = cred.ok_or_else(|| Error::Usage("--live needs client credentials".into()))?;
        let result = check_live(&args, &cred, &set, &policy, usage.as_ref(), clock)?;
        return emit(vec![result], outputs, style, out);
    }
    if args.probe.probe {
        return Err(Error::Usage("--probe needs --live".into()));
    }
    if let Some(dir) = &args.input.grants_dir {
        let mut emitter = Emitter::new(outputs, style, out)?;
        runner::check_dir(dir, &refs, &policy, clock, &mut |r| emitter.push(r))?;
        return Ok(emitter.finish()?.0);
    }
    let grants = match (&args.input.grants, &args.input.token) {
        (Some(path), None) => Grants::from_file(path, clock.now())?,
        (None, Some(path)) => Grants::from_jwt(&read_token_text(path)?, &path.display().to_string(), clock.now())?,
        _ => {
            return Err(Error::Usage(
                "give exactly one of --grants FILE, --token FILE or --live".into(),
            ));
        }
    };
    let credential = args
        .credential
        .clone()
        .or_else(|| grants.credential.clone())
        .unwrap_or_else(|| default_name(&grants.origin));
    emit(
        vec![set.check_with(&credential, &grants, &policy, usage.as_ref())],
        outputs,
        style,
        out,
    )
}

/// The `-p` profiles, each once; a user profile that replaces a built-in says so.
fn load_profiles(args: &CheckArgs) -> Result<Vec<Profile>, Error> {
    let library = Library::new(args.dirs.dirs.clone());
    let mut profiles: Vec<Profile> = Vec::new();
    for name in &args.profiles {
        let (profile, found) = library.load(name)?;
        if found.replaces_builtin {
            eprintln!(
                "note: profile `{}` from {} replaces the built-in profile of that name",
                found.id, profile.src.name
            );
        }
        if profiles.iter().any(|p| p.id == profile.id) {
            return Err(Error::Usage(format!("profile `{}` is given twice", profile.id)));
        }
        profiles.push(profile);
    }
    Ok(profiles)
}

fn check_live(
    args: &CheckArgs,
    cred: &LiveCredential,
    set: &ProfileSet,
    policy: &Policy,
    usage: Option<&Usage>,
    clock: Clock,
) -> Result<CheckResult, Error> {
    let client = live::client(&args.connection, None, None, clock)?;
    let probe = args.probe.probe.then_some(args.probe.probe_limit);
    let runtime = runner::runtime()?;
    Ok(runtime.block_on(runner::check_live(&client, cred, set, policy, usage, probe))?)
}

/// The credential's name when neither the flag nor the grants give one: the file's stem.
fn default_name(origin: &str) -> String {
    Some(id_of_path(Path::new(origin)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| origin.to_string())
}
