//! `grantlint migrate PROFILE [--write]`: a harvest-v1 profile as harvest-v3 scopes.

use std::io::Write;

use crate::cli::MigrateArgs;
use crate::error::Error;
use crate::input::library::Library;
use crate::input::profile::{Origin, Profile};
use crate::input::source::Source;
use crate::report::emit::write_atomically;

pub fn run(args: MigrateArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let (profile, _) = Library::new(args.dirs.dirs.clone()).load(&args.profile)?;
    let text = crate::check::migrate::migrate(&profile).map_err(Error::Usage)?;
    // The result must itself be a valid v3 profile; a failure here is a bug, never a silent pass.
    Profile::load(
        &profile.id,
        profile.origin.clone(),
        Source::new(format!("{} (migrated)", profile.src.name), text.as_str()),
    )?;
    if !args.write {
        out.write_all(text.as_bytes()).map_err(Error::output)?;
        return Ok(0);
    }
    match &profile.origin {
        Origin::File(path) => {
            write_atomically(path, text.as_bytes())?;
            eprintln!("migrated {} to harvest-v3", path.display());
            Ok(0)
        }
        Origin::Builtin => Err(Error::Usage(format!(
            "`{}` is a built-in profile; migrate a copy: grantlint migrate {} > my-{}.yaml",
            profile.id, profile.id, profile.id
        ))),
    }
}
