//! `grantlint man`: the main page, one subcommand's page, or every page written into a folder.
//! The main page lists the subcommands as `grantlint-check(1)` and so on; each of those pages
//! documents that subcommand's options.

use std::io::Write;

use crate::cli::{Cli, ManArgs};
use crate::error::Error;

pub fn run(args: ManArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let mut cmd = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
    if let Some(dir) = &args.dir {
        std::fs::create_dir_all(dir).map_err(|e| Error::Usage(format!("{}: {e}", dir.display())))?;
        clap_mangen::generate_to(cmd, dir).map_err(|e| Error::Usage(format!("{}: {e}", dir.display())))?;
        return Ok(0);
    }
    // Building sets each subcommand's display name (`grantlint-check`), which its page is titled.
    cmd.build();
    let page = match args.page.as_deref() {
        None => cmd,
        Some(name) => find(&cmd, name).ok_or_else(|| {
            let names = pages(&cmd).join(", ");
            Error::Usage(format!(
                "`{}` is not a subcommand; man pages: {names}",
                crate::catalog::shorten(name)
            ))
        })?,
    };
    clap_mangen::Man::new(page).render(out).map_err(Error::output)?;
    Ok(0)
}

/// The subcommand `check`, or a nested one as `profiles-list` (or `profiles list`).
fn find(cmd: &clap::Command, name: &str) -> Option<clap::Command> {
    let mut parts = name.split(['-', ' ']).filter(|p| !p.is_empty());
    let mut at = cmd.find_subcommand(parts.next()?)?;
    for part in parts {
        at = at.find_subcommand(part)?;
    }
    Some(at.clone())
}

/// Every page's name below the main one: `check`, ..., `profiles-list`.
fn pages(cmd: &clap::Command) -> Vec<String> {
    let mut names = Vec::new();
    for sub in cmd.get_subcommands() {
        names.push(sub.get_name().to_string());
        for nested in sub.get_subcommands() {
            names.push(format!("{}-{}", sub.get_name(), nested.get_name()));
        }
    }
    names
}
