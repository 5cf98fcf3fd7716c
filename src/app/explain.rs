//! `grantlint explain`: a scope, a v1 label in any accepted spelling, `METHOD /path`, a
//! Manage-scopes label, or a finding kind.

use std::io::Write;

use crate::catalog::{self, Api, Perm};
use crate::cli::ExplainArgs;
use crate::error::Error;
use crate::finding::Kind;
use crate::report::{Style, explain};

pub fn run(args: ExplainArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    // Labels contain spaces; accept them unquoted too ("explain Get: List Candidates").
    let input = args.permission.join(" ");
    if args.kinds || input.trim().is_empty() {
        write!(out, "{}", explain::kinds_text(style)).map_err(Error::output)?;
        return Ok(0);
    }
    let text = explain(input.trim(), style)?;
    write!(out, "{text}").map_err(Error::output)?;
    Ok(0)
}

fn explain(input: &str, style: Style) -> Result<String, Error> {
    if let Some(kind) = Kind::by_id(input) {
        return Ok(explain::kind_text(kind, style));
    }
    if let Some(id) = catalog::scope_by_id(input).or_else(|| catalog::scope_by_operation(input)) {
        return Ok(explain::scope_text(catalog::scope(id), style));
    }
    if let Some(id) = catalog::v1_by_label(input).or_else(|| catalog::v1_by_key(input)) {
        return Ok(explain::v1_text(catalog::v1(id), style));
    }
    if let Some(id) = catalog::scope_by_label(input) {
        return Ok(explain::scope_text(catalog::scope(id), style));
    }
    // The screen form the tables print: `Applications › List applications`.
    match catalog::screen_form(Api::HarvestV3, input).or_else(|| catalog::screen_form(Api::HarvestV1, input)) {
        Some(Perm::V3(id)) => return Ok(explain::scope_text(catalog::scope(id), style)),
        Some(Perm::V1(id)) => return Ok(explain::v1_text(catalog::v1(id), style)),
        None => {}
    }
    let names = catalog::same(catalog::scopes().iter().map(|s| s.id))
        .chain(catalog::same(catalog::scopes().iter().map(|s| s.label)))
        .chain(catalog::v1_label_names())
        .chain(catalog::same(catalog::v1_permissions().iter().map(|p| p.key)))
        .chain(catalog::same(Kind::ALL.iter().map(|k| k.id())));
    let hint = catalog::suggest(input, names)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    let input = catalog::shorten(input);
    Err(Error::Usage(format!(
        "`{input}` is not a Harvest v3 scope, a v1 permission label, a \"METHOD /path\" or a finding kind{hint}"
    )))
}
