//! `grantlint diff OLD NEW`: two profiles, two grants files, or a grants file and the live
//! credential.

use std::io::Write;
use std::path::Path;

use super::{clock, live};
use crate::check::diff::{self, Side};
use crate::cli::{DiffArgs, DiffFormat};
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

fn side<'a>(name: &str, loaded: &'a Loaded) -> Result<Side<'a>, Error> {
    match loaded {
        Loaded::Profile(p) => Ok(Side {
            name: format!("profile {}", p.id),
            api: p.api,
            main: &p.permissions,
            optional: &p.optional,
        }),
        Loaded::Grants(g) => match &g.state {
            GrantState::Known { api, entries } => Ok(Side {
                name: format!("grants {name}"),
                api: *api,
                main: entries,
                optional: &[],
            }),
            GrantState::Unknown { reason } => Err(Error::Usage(format!(
                "the grants of {name} are unknown ({reason}): there is nothing to compare"
            ))),
        },
    }
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
    match args.format {
        DiffFormat::Json => report::diff::json(&result, out),
        DiffFormat::Table => report::diff::table(&result, style, out),
        DiffFormat::Markdown => report::diff::markdown(&result, out),
    }
    .map_err(Error::output)?;
    Ok(if result.fails && !args.exit_zero {
        EXIT_FINDINGS
    } else {
        0
    })
}
