use std::io::{Read, Write};
use std::path::Path;

use super::{live_args, write_err};
use crate::check::{self, CheckResult, Policy};
use crate::cli::{CheckArgs, CheckFormat, OutputArgs};
use crate::diag::{Error, MAX_INPUT_BYTES};
use crate::grants::Grants;
use crate::greenhouse::LiveCredential;
use crate::library::Library;
use crate::profile::Profile;
use crate::report::{self, Style};
use crate::secret::Secret;

pub fn run(args: CheckArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let library = Library::new(args.dirs.dirs.clone());
    let mut profiles = Vec::new();
    for name in &args.profiles {
        let (profile, found) = library.load(name)?;
        if found.replaces_builtin {
            eprintln!(
                "note: profile `{}` from {} replaces the built-in profile of that name",
                found.id, profile.src.name
            );
        }
        if profiles.iter().any(|p: &crate::profile::Profile| p.id == profile.id) {
            return Err(Error::Usage(format!("profile `{}` is given twice", profile.id)));
        }
        profiles.push(profile);
    }
    let policy = Policy {
        fail_on_missing: !args.no_fail_on_missing,
        fail_on_excess: args.fail_on_excess,
    };
    let refs: Vec<&Profile> = profiles.iter().collect();
    if args.input.live {
        let result = check_live(&args, &refs, &policy)?;
        return render(&[result], &args.output, style, out);
    }
    if args.connection.probe {
        return Err(Error::Usage("--probe needs --live".into()));
    }
    if let Some(dir) = &args.input.grants_dir {
        let results = crate::fleet::check_dir(dir, &refs, &policy)?;
        return render(&results, &args.output, style, out);
    }
    let grants = match (&args.input.grants, &args.input.token) {
        (Some(path), None) => Grants::from_file(path)?,
        (None, Some(path)) => Grants::from_jwt(&read_token(path)?, &path.display().to_string())?,
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
    let result = check::check(&credential, &refs, &grants, &policy);
    render(&[result], &args.output, style, out)
}

/// Render results on stdout and into every `--output` file; the exit code is the worst
/// result's, computed from the findings (only `--exit-zero` changes it, and never an error's).
pub fn render(results: &[CheckResult], output: &OutputArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let worst = results.iter().map(CheckResult::exit_code).max().unwrap_or(0);
    let code = if output.exit_zero && worst == super::FINDINGS {
        0
    } else {
        worst
    };
    for spec in &output.outputs {
        let mut buf = Vec::new();
        render_one(results, spec.format, code, Style { color: false }, &mut buf).map_err(write_err)?;
        super::write_atomically(&spec.path, &buf)?;
    }
    render_one(results, output.format, code, style, out).map_err(write_err)?;
    Ok(code)
}

fn render_one(
    results: &[CheckResult],
    format: CheckFormat,
    code: u8,
    style: Style,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        CheckFormat::Table => report::table::render(results, style, out),
        CheckFormat::Json => report::json::render(results, out),
        CheckFormat::Checklist => report::checklist::render(results, style, out),
        CheckFormat::Sarif => report::sarif::render(results, code, out),
        CheckFormat::Junit => report::junit::render(results, out),
        CheckFormat::Github => report::github::render(results, out),
        CheckFormat::Markdown => report::markdown::render(results, out),
        CheckFormat::Summary => report::table::render_summary(results, Style { color: false }, out),
    }
}

fn check_live(args: &CheckArgs, profiles: &[&Profile], policy: &Policy) -> Result<CheckResult, Error> {
    let cred = live_credential(args.client_secret_file.as_deref(), args.credential.clone())?;
    let client = live_args::client(&args.connection, None, None)?;
    let probe = args.connection.probe.then_some(args.connection.probe_limit);
    let runtime = live_args::runtime()?;
    runtime
        .block_on(crate::live::check_live(&client, &cred, profiles, policy, probe))
        .map_err(live_args::live_error)
}

/// The credential of `--live`: GREENHOUSE_CLIENT_ID, GREENHOUSE_CLIENT_SECRET (or the secret
/// file) and optional GREENHOUSE_SUB.
pub fn live_credential(secret_file: Option<&Path>, name: Option<String>) -> Result<LiveCredential, Error> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let client_id = env("GREENHOUSE_CLIENT_ID")
        .ok_or_else(|| Error::Usage("--live needs GREENHOUSE_CLIENT_ID in the environment".into()))?;
    let secret = match secret_file {
        Some(path) => read_secret(path)?,
        None => Secret::new(env("GREENHOUSE_CLIENT_SECRET").ok_or_else(|| {
            Error::Usage(
                "--live needs GREENHOUSE_CLIENT_SECRET in the environment, or --client-secret-file FILE|-".into(),
            )
        })?),
    };
    let sub = env("GREENHOUSE_SUB");
    if let Some(s) = &sub
        && !s.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::Usage(
            "GREENHOUSE_SUB must be a Greenhouse user id (a number)".into(),
        ));
    }
    Ok(LiveCredential {
        name: name.unwrap_or_else(|| client_id.clone()),
        client_id,
        secret,
        sub,
    })
}

/// A client secret from a file or stdin (`-`): the first line, trimmed.
pub fn read_secret(path: &Path) -> Result<Secret, Error> {
    let text = read_token(path)?;
    let secret = Secret::new(text.lines().next().unwrap_or("").trim());
    if secret.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the client secret file is empty",
            path.display()
        )));
    }
    Ok(secret)
}

/// The token itself is a secret: it is read, never echoed, and a read error names only the file.
pub fn read_token(path: &Path) -> Result<String, Error> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| Error::io(path, e))?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::Usage(format!(
            "{}: larger than 4 MiB: not a token or a secret",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| Error::Usage(format!("{}: not text", path.display())))
}

fn default_name(origin: &str) -> String {
    Some(crate::profile::id_of_path(Path::new(origin)))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| origin.to_string())
}
