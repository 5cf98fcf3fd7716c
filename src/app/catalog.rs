//! `grantlint catalog`: the permission catalog.

use std::io::Write;

use crate::cli::{ApiFilter, CatalogArgs, ListFormat};
use crate::error::Error;
use crate::report::{Style, catalog};

pub fn run(args: CatalogArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let v3 = args.api != Some(ApiFilter::HarvestV1);
    let v1 = args.api != Some(ApiFilter::HarvestV3);
    match args.format {
        ListFormat::Json => catalog::json(v3, v1, out),
        ListFormat::Table => catalog::table(v3, v1, style, out),
    }
    .map_err(Error::output)?;
    Ok(0)
}
