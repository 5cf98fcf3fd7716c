//! `grantlint profiles [list|show ID]`: built-in and user profiles.

use std::io::Write;

use crate::cli::{ListFormat, ProfilesArgs, ProfilesCommand};
use crate::error::Error;
use crate::input::library::{self, Library};
use crate::report::{Style, profiles};

pub fn run(args: ProfilesArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let library = Library::new(args.dirs.dirs);
    let command = args.command.unwrap_or(ProfilesCommand::List {
        format: ListFormat::Table,
    });
    match command {
        ProfilesCommand::List { format } => {
            // An invalid profile does not hide the others: the list shows every valid one,
            // then the invalid ones' problems fail the run.
            let mut loaded = Vec::new();
            let mut invalid = Vec::new();
            let mut unreadable = None;
            for found in library.list()? {
                match library::load_found(&found).map_err(Error::into_source_errors) {
                    Ok(p) => loaded.push((p, found.replaces_builtin)),
                    Err(Ok(errors)) => invalid.extend(errors),
                    Err(Err(other)) => {
                        unreadable.get_or_insert(other);
                    }
                }
            }
            match format {
                ListFormat::Json => profiles::list_json(&loaded, out),
                ListFormat::Table => profiles::list_table(&loaded, style, out),
            }
            .map_err(Error::output)?;
            // Every profile that loaded is listed; then the first that could not be read at
            // all, else the invalid ones, fail the run.
            if let Some(e) = unreadable {
                return Err(e);
            }
            if !invalid.is_empty() {
                return Err(Error::inputs(invalid));
            }
            Ok(())
        }
        ProfilesCommand::Show { id, format } => {
            let (p, found) = library.load(&id)?;
            match format {
                ListFormat::Json => profiles::show_json(&p, found.replaces_builtin, out),
                ListFormat::Table => profiles::show_text(&p, found.replaces_builtin, style, out),
            }
            .map_err(Error::output)
        }
    }?;
    Ok(0)
}
