//! `grantlint catalog`: the permission catalog, and `catalog diff`: how a Greenhouse
//! OpenAPI spec differs from it.

use std::io::Write;

use crate::cli::{ApiFilter, CatalogArgs, CatalogCommand, ListFormat};
use crate::error::Error;
use crate::report::{Style, catalog};

pub fn run(args: CatalogArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    if let Some(CatalogCommand::Diff { spec, format }) = args.command {
        return diff(&spec, format, style, out);
    }
    let v3 = args.api != Some(ApiFilter::HarvestV1);
    let v1 = args.api != Some(ApiFilter::HarvestV3);
    match args.format {
        ListFormat::Json => catalog::json(v3, v1, out),
        ListFormat::Table => catalog::table(v3, v1, style, out),
    }
    .map_err(Error::output)?;
    Ok(0)
}

/// Exit 0 when the spec and the built-in catalog agree, 1 when they differ (CI watches for
/// drift), 2 when the spec cannot be read.
fn diff(path: &std::path::Path, format: ListFormat, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let spec = crate::input::openapi::read(path)?;
    let changes = crate::catalog::diff(&spec);
    match format {
        ListFormat::Json => catalog::diff_json(&spec, &changes, out),
        ListFormat::Table => catalog::diff_table(&spec, &changes, style, out),
    }
    .map_err(Error::output)?;
    Ok(u8::from(!changes.is_empty()))
}
