use std::io::{Read, Write};
use std::path::Path;

use super::write_err;
use crate::check::{self, Policy};
use crate::cli::{CheckArgs, CheckFormat};
use crate::diag::{Error, MAX_INPUT_BYTES};
use crate::grants::Grants;
use crate::library::Library;
use crate::report::{self, Style};

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
    let grants = match (&args.input.grants, &args.input.token) {
        (Some(path), None) => Grants::from_file(path)?,
        (None, Some(path)) => Grants::from_jwt(&read_token(path)?, &path.display().to_string())?,
        _ => {
            return Err(Error::Usage("give exactly one of --grants FILE or --token FILE".into()));
        }
    };
    let credential = args
        .credential
        .clone()
        .or_else(|| grants.credential.clone())
        .unwrap_or_else(|| default_name(&grants.origin));
    let policy = Policy {
        fail_on_missing: !args.no_fail_on_missing,
        fail_on_excess: args.fail_on_excess,
    };
    let result = check::check(&credential, &profiles, &grants, &policy);
    let results = [result];
    match args.format {
        CheckFormat::Table => report::table::render(&results, style, out),
        CheckFormat::Json => report::json::render(&results, out),
        CheckFormat::Checklist => report::checklist::render(&results, style, out),
    }
    .map_err(write_err)?;
    Ok(if results.iter().any(|r| r.verdict == check::Verdict::Fail) {
        super::FINDINGS
    } else {
        0
    })
}

/// The token itself is a secret: it is read, never echoed, and a read error names only the file.
fn read_token(path: &Path) -> Result<String, Error> {
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
            "{}: a token file larger than 4 MiB is not an access token",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| Error::Usage(format!("{}: the token is not text", path.display())))
}

fn default_name(origin: &str) -> String {
    Path::new(origin)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| origin.to_string())
}
