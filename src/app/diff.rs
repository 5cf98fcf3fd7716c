//! `grantlint diff OLD NEW`: two profiles, two grants files, or a grants file and the live
//! credential.

use std::io::Write;
use std::path::Path;

use super::{clock, live};
use crate::catalog::{self, Perm};
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
use crate::report::diff::Place;
use crate::report::{self, Style};

enum What {
    Profile(Box<Profile>),
    Grants(Box<Grants>),
}

/// Where a side came from: how the diff names it and whether its lines are a file's.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Whence {
    /// A file the user named.
    File(String),
    Builtin,
    Stdin,
    Live,
}

struct Loaded {
    what: What,
    from: Whence,
}

/// A profile by id or file, or a grants file: a YAML/JSON file with `permissions` is a
/// profile.
fn load(library: &Library, name: &str, clock: Clock) -> Result<Loaded, Error> {
    if name == "-" {
        return load_stdin(clock);
    }
    let path = Path::new(name);
    let file = Whence::File(name.to_string());
    if !path.is_file() {
        let (p, found) = library.load(name)?;
        let from = match &found.origin {
            Origin::Builtin => Whence::Builtin,
            Origin::File(f) => Whence::File(f.display().to_string()),
        };
        return Ok(Loaded {
            what: What::Profile(Box::new(p)),
            from,
        });
    }
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let src = Source::read(path)?;
    let what = if !is_toml && looks_like_profile(&src) {
        What::Profile(Box::new(Profile::load(
            &id_of_path(path),
            Origin::File(path.to_path_buf()),
            src,
        )?))
    } else {
        What::Grants(Box::new(Grants::from_file(path, clock.now())?))
    };
    Ok(Loaded { what, from: file })
}

/// `-`: a profile or a grants file (YAML or JSON) on stdin, told apart by its content.
fn load_stdin(clock: Clock) -> Result<Loaded, Error> {
    let src = Source::read_stdin("stdin")?;
    let what = if looks_like_profile(&src) {
        What::Profile(Box::new(Profile::load("stdin", Origin::File("stdin".into()), src)?))
    } else {
        What::Grants(Box::new(Grants::from_source(
            src,
            crate::input::grants::TextFormat::Yaml,
            clock.now(),
        )?))
    };
    Ok(Loaded {
        what,
        from: Whence::Stdin,
    })
}

/// How a diff names a side: which is the built-in profile, which the file.
fn side(loaded: &Loaded) -> Result<Side<'_>, Error> {
    let clean = |f: &str| crate::input::sanitize::clean_line(f);
    match &loaded.what {
        What::Profile(p) => Ok(Side {
            name: match &loaded.from {
                Whence::Builtin => format!("built-in profile {}", p.id),
                Whence::Stdin | Whence::Live => "profile from stdin".to_string(),
                Whence::File(f) => format!("profile {} ({})", p.id, clean(f)),
            },
            api: p.api,
            main: &p.permissions,
            main_is: "required",
            optional: &p.optional,
        }),
        What::Grants(g) => match &g.state {
            GrantState::Known { api, entries } => Ok(Side {
                name: match &loaded.from {
                    Whence::Stdin => "grants from stdin".to_string(),
                    Whence::Live => "live grants".to_string(),
                    Whence::File(f) => format!("grants file {}", clean(f)),
                    Whence::Builtin => "built-in grants".to_string(),
                },
                api: *api,
                main: entries,
                main_is: "granted",
                optional: &[],
            }),
            GrantState::Unknown { reason } => Err(Error::Usage(format!(
                "the grants of {} are unknown ({reason}): there is nothing to compare",
                match &loaded.from {
                    Whence::File(f) => clean(f),
                    _ => "stdin".into(),
                }
            ))),
        },
    }
}

/// Whether an entry is `permission`, itself or through its mapping to the other API version
/// (a v1 side in a v3 comparison, and the other way round).
fn names(perm: Perm, permission: &str) -> bool {
    match perm {
        _ if perm.id() == permission => true,
        Perm::V1(v) => catalog::v1(v).v3_scopes().any(|s| s.id == permission),
        Perm::V3(s) => catalog::scope(s)
            .v1_equivalents
            .iter()
            .any(|&v| catalog::v1(v).key == permission),
    }
}

/// The file and line of `permission` on a side (at its entry, else at line 1): a file the
/// user owns, or a built-in profile's path in grantlint's repository.
fn place(loaded: &Loaded, permission: &str) -> Option<Place> {
    let (file, builtin) = match (&loaded.from, &loaded.what) {
        (Whence::File(f), _) => (f.clone(), false),
        (Whence::Builtin, What::Profile(p)) => (crate::input::library::builtin_path(&p.id), true),
        _ => return None,
    };
    let (src, entries): (&Source, Vec<&crate::input::Entry>) = match &loaded.what {
        What::Profile(p) => (&p.src, p.permissions.iter().chain(&p.optional).collect()),
        What::Grants(g) => match (&g.state, &g.src) {
            (GrantState::Known { entries, .. }, Some(src)) => (src, entries.iter().collect()),
            _ => {
                return Some(Place {
                    file,
                    line: 1,
                    column: 1,
                    builtin,
                });
            }
        },
    };
    let entry = entries.iter().find(|e| names(e.perm, permission));
    let (line, column) = entry.map_or((1, 1), |e| src.position_of(e.span.offset()));
    Some(Place {
        file,
        line,
        column,
        builtin,
    })
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
    Ok(Loaded {
        what: What::Grants(Box::new(live.grants)),
        from: Whence::Live,
    })
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
    let result = diff::diff(&side(&old)?, &side(&new)?, args.fail_on_excess);
    // At the change's line on its side; else at line 1 of the other side's file (a built-in
    // profile, stdin and live grants are no file of the user's).
    let locate = |c: &Delta| {
        let (here, there) = match c.change {
            Change::Added => (&new, &old),
            Change::Removed => (&old, &new),
        };
        let mine = place(here, c.permission);
        let other = place(there, "").map(|p| Place {
            line: 1,
            column: 1,
            ..p
        });
        match (mine, other) {
            (Some(m), _) if !m.builtin => Some(m),
            (_, Some(o)) if !o.builtin => Some(o),
            (m, o) => m.or(o),
        }
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
