//! `grantlint diff OLD NEW`: two profiles, two grants files, or a grants file and the live
//! credential.

use std::io::Write;
use std::path::Path;

use super::{clock, live};
use crate::check::diff::{self, Change, Delta, Side};
use crate::cli::{CiFormat, DiffArgs};
use crate::error::{EXIT_FINDINGS, Error, LiveError};
use crate::greenhouse::{self, RateBudget};
use crate::input::clock::Clock;
use crate::input::grants::{GrantState, Grants, looks_like_profile};
use crate::input::library::Library;
use crate::input::profile::{Origin, Profile, id_of_path};
use crate::input::secrets::live_credential_from_env;
use crate::input::source::Source;
use crate::report::{self, Style};

enum Loaded {
    Profile(Box<Profile>),
    Grants(Box<Grants>),
}

/// A profile by id or file, or a grants file: a YAML/JSON file with `permissions` is a
/// profile.
fn load(library: &Library, name: &str, clock: Clock) -> Result<Loaded, Error> {
    if name == "-" {
        return load_stdin(clock);
    }
    let path = Path::new(name);
    if !path.is_file() {
        return library.load(name).map(|(p, _)| Loaded::Profile(Box::new(p)));
    }
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let src = Source::read(path)?;
    if !is_toml && looks_like_profile(&src) {
        return Profile::load(&id_of_path(path), Origin::File(path.to_path_buf()), src)
            .map(|p| Loaded::Profile(Box::new(p)));
    }
    Grants::from_file(path, clock.now()).map(|g| Loaded::Grants(Box::new(g)))
}

/// `-`: a profile or a grants file (YAML or JSON) on stdin, told apart by its content.
fn load_stdin(clock: Clock) -> Result<Loaded, Error> {
    let src = Source::read_stdin("stdin")?;
    if looks_like_profile(&src) {
        return Profile::load("stdin", Origin::File("stdin".into()), src).map(|p| Loaded::Profile(Box::new(p)));
    }
    Grants::from_source(src, crate::input::grants::TextFormat::Yaml, clock.now()).map(|g| Loaded::Grants(Box::new(g)))
}

/// How a diff names a side: which is the built-in profile, which the file.
fn side<'a>(name: &str, loaded: &'a Loaded) -> Result<Side<'a>, Error> {
    match loaded {
        Loaded::Profile(p) => Ok(Side {
            name: match &p.origin {
                Origin::Builtin => format!("built-in profile {}", p.id),
                Origin::File(_) if name == "-" => "profile from stdin".to_string(),
                Origin::File(f) => format!(
                    "profile {} ({})",
                    p.id,
                    crate::input::sanitize::clean_line(&f.display().to_string())
                ),
            },
            api: p.api,
            main: &p.permissions,
            main_is: "required",
            optional: &p.optional,
        }),
        Loaded::Grants(g) => match &g.state {
            GrantState::Known { api, entries } => Ok(Side {
                name: match name {
                    "-" => "grants from stdin".to_string(),
                    "live" => "live grants".to_string(),
                    n => format!("grants file {}", crate::input::sanitize::clean_line(n)),
                },
                api: *api,
                main: entries,
                main_is: "granted",
                optional: &[],
            }),
            GrantState::Unknown { reason } => Err(Error::Usage(format!(
                "the grants of {name} are unknown ({reason}): there is nothing to compare"
            ))),
        },
    }
}

/// The file and line of `permission` on a side, when the side is a file the user owns.
fn place(loaded: &Loaded, permission: &str) -> Option<(String, usize, usize)> {
    let (file, src, entries): (String, &Source, Vec<&crate::input::Entry>) = match loaded {
        Loaded::Profile(p) => match &p.origin {
            Origin::File(f) if f.as_os_str() != "stdin" => (
                f.display().to_string(),
                &p.src,
                p.permissions.iter().chain(&p.optional).collect(),
            ),
            _ => return None,
        },
        Loaded::Grants(g) => match (&g.state, &g.src) {
            (GrantState::Known { entries, .. }, Some(src)) if g.origin != "-" && g.origin != "live" => {
                (g.origin.clone(), src, entries.iter().collect())
            }
            _ => return None,
        },
    };
    let entry = entries.iter().find(|e| e.perm.id() == permission);
    let (line, column) = entry.map_or((1, 1), |e| src.position_of(e.span.offset()));
    Some((file, line, column))
}

/// The credential's live grants, which must be known.
fn load_live(args: &DiffArgs, clock: Clock) -> Result<Loaded, Error> {
    let cred = live_credential_from_env(args.client_secret_file.as_deref(), None)?;
    let client = live::client(&args.connection, None, None, clock)?;
    let runtime = crate::runner::runtime()?;
    let live = runtime.block_on(greenhouse::read_grants(&client, &cred, &RateBudget::default()))?;
    if let GrantState::Unknown { reason } = &live.grants.state {
        return Err(LiveError::new(
            format!("the live grants of `{}` cannot be read: {reason}", cred.name),
            "diff needs the credential's scopes; check that introspection is available",
        )
        .into());
    }
    Ok(Loaded::Grants(Box::new(live.grants)))
}

pub fn run(args: DiffArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let clock = clock()?;
    let library = Library::new(args.dirs.dirs.clone());
    let old = load(&library, &args.old, clock)?;
    let new = match (&args.new, args.live) {
        (Some(n), false) => load(&library, n, clock)?,
        (None, true) => load_live(&args, clock)?,
        _ => return Err(Error::Usage("give NEW, or --live".into())),
    };
    let new_name = args.new.clone().unwrap_or_else(|| "live".into());
    let result = diff::diff(&side(&args.old, &old)?, &side(&new_name, &new)?, args.fail_on_excess);
    let locate = |c: &Delta| match c.change {
        Change::Added => place(&new, c.permission),
        Change::Removed => place(&old, c.permission),
    };
    match args.format {
        CiFormat::Json => report::diff::json(&result, out),
        CiFormat::Table => report::diff::table(&result, style, out),
        CiFormat::Markdown => report::diff::markdown(&result, out),
        CiFormat::Github => report::ci::github(&report::diff::problems(&result, locate), out),
        CiFormat::Sarif => report::ci::sarif("diff", &report::diff::problems(&result, locate), out),
    }
    .map_err(Error::output)?;
    Ok(if result.fails && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        0
    })
}
