//! `grantlint usage --requests FILE... | --audit-log`: what an integration really called.

use std::io::Write;

use super::{clock, evidence};
use crate::cli::{ListFormat, UsageArgs};
use crate::error::Error;
use crate::report::Style;
use crate::report::usage::{json, table};

pub fn run(args: UsageArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let cred = evidence::credential(&args.evidence, args.client_secret_file.as_deref())?;
    let usage = evidence::gather(&args.evidence, &args.connection, cred.as_ref(), clock()?)?;
    match args.format {
        ListFormat::Table => table(&usage, args.all, style, out),
        ListFormat::Json => json(&usage, args.all, out),
    }
    .map_err(Error::output)?;
    Ok(0)
}
