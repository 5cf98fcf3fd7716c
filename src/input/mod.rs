//! Everything read from outside: source text with a line index, spanned values, profiles,
//! grants, tokens, the config, policy and waivers, secrets and the clock. Each is parsed with
//! spans and then validated, so every problem points at its line and column.

pub mod clock;
pub mod config;
pub mod discovery;
pub mod evidence;
pub mod grants;
pub mod library;
pub mod openapi;
pub mod plain_grants;
pub mod policy;
pub mod probe;
pub mod profile;
pub mod sanitize;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod spanned;
pub mod token;
pub mod unknown_keys;

use miette::SourceSpan;

use crate::catalog::Perm;

/// A permission as a profile or grants file states it, with where it was stated.
#[derive(Debug, Clone)]
pub struct Entry {
    pub perm: Perm,
    pub span: SourceSpan,
}
