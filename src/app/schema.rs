//! `grantlint schema [--kind profile|config|check|usage]`: the JSON Schemas of what users write
//! (profiles, grantlint.toml) and of the JSON reports, each generated from the type that reads
//! or writes it, with the `$id` it is published under (schema/ in the repository).

use std::io::Write;

use crate::cli::{SchemaArgs, SchemaKind};
use crate::error::Error;

pub fn run(args: SchemaArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let text = serde_json::to_string_pretty(&document(args.kind)).map_err(|e| Error::Usage(e.to_string()))?;
    writeln!(out, "{text}").map_err(Error::output)?;
    Ok(0)
}

/// The file under schema/ that holds a kind's schema.
pub fn file_name(kind: SchemaKind) -> &'static str {
    match kind {
        SchemaKind::Profile => "profile.schema.json",
        SchemaKind::Config => "config.schema.json",
        SchemaKind::Check => "check.v1.schema.json",
        SchemaKind::Usage => "usage.v1.schema.json",
    }
}

/// Where the schema is published: its file in the repository's schema/ folder on `main`, as
/// a raw URL (what yaml-language-server, Taplo and SchemaStore fetch).
pub fn published_id(kind: SchemaKind) -> String {
    let repo = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    let raw = repo.replacen("https://github.com/", "https://raw.githubusercontent.com/", 1);
    format!("{raw}/main/schema/{}", file_name(kind))
}

/// A kind's schema with its `$id` (schemars writes the keywords in a fixed order: `$schema`,
/// `$id`, `title`, ...).
fn document(kind: SchemaKind) -> schemars::Schema {
    let mut schema = match kind {
        SchemaKind::Profile => schemars::schema_for!(crate::input::profile::RawProfile),
        SchemaKind::Config => crate::input::config::json_schema(),
        // Reports are described as they are written: a field that is always written (null
        // included) is required.
        SchemaKind::Check => output_schema::<crate::report::json::CheckDocument<'static>>(),
        SchemaKind::Usage => output_schema::<crate::report::usage::UsageDocument<'static>>(),
    };
    schema.insert("$id".into(), serde_json::Value::String(published_id(kind)));
    schema
}

fn output_schema<T: schemars::JsonSchema>() -> schemars::Schema {
    schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
}
