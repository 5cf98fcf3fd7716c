use std::io::Write;

use super::{write_atomically, write_err};
use crate::cli::MigrateArgs;
use crate::diag::{Error, Source};
use crate::library::Library;
use crate::profile::{Origin, Profile};

pub fn run(args: MigrateArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let (profile, _) = Library::new(args.dirs.dirs.clone()).load(&args.profile)?;
    let text = crate::migrate::migrate(&profile).map_err(Error::Usage)?;
    // The result must itself be a valid v3 profile; a failure here is a bug, never a silent pass.
    Profile::load(
        &profile.id,
        profile.origin.clone(),
        Source::new(format!("{} (migrated)", profile.src.name), text.as_str()),
    )?;
    if !args.write {
        out.write_all(text.as_bytes()).map_err(write_err)?;
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
