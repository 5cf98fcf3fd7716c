//! Resolving what a person wrote (a scope, a label in any accepted spelling, `METHOD /path`)
//! to a catalog permission, and why a string did not resolve.

use super::{Api, Perm};

/// Why a permission string did not resolve.
#[derive(Debug)]
pub enum Unresolved {
    /// Known, but in the other vocabulary.
    WrongVocabulary { found: Perm },
    Unknown {
        input: String,
        suggestion: Option<&'static str>,
    },
}

/// Resolve a permission string in a vocabulary: a v1 label (any accepted spelling) or
/// `METHOD /path` for harvest-v1; a scope, a Manage-scopes label or `METHOD /v3/path` for
/// harvest-v3.
pub fn resolve(api: Api, input: &str) -> Result<Perm, Unresolved> {
    if let Some(p) = lookup(api, input) {
        return Ok(p);
    }
    // Only a miss looks in the other vocabulary.
    let other = match api {
        Api::HarvestV1 => Api::HarvestV3,
        Api::HarvestV3 => Api::HarvestV1,
    };
    if let Some(found) = lookup(other, input) {
        return Err(Unresolved::WrongVocabulary { found });
    }
    Err(Unresolved::Unknown {
        input: input.to_string(),
        suggestion: suggestion(api, input),
    })
}

/// A permission of one vocabulary, by any name that vocabulary accepts, or in the screen
/// form grantlint's own tables print (`Applications › List applications`).
fn lookup(api: Api, input: &str) -> Option<Perm> {
    direct(api, input).or_else(|| screen_form(api, input))
}

/// `Group › Label` (or `Group > Label`), as the Greenhouse screens and grantlint's tables
/// show a permission: the label, when the group is the permission's own.
pub fn screen_form(api: Api, input: &str) -> Option<Perm> {
    let (group, label) = input.split_once('›').or_else(|| input.split_once(" > "))?;
    let perm = direct(api, label.trim())?;
    let words = |s: &str| s.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>();
    (words(perm.group()) == words(group)).then_some(perm)
}

/// A permission of one vocabulary, by a name it accepts as written.
fn direct(api: Api, input: &str) -> Option<Perm> {
    match api {
        Api::HarvestV1 => super::v1_by_label(input)
            .or_else(|| super::v1_by_key(input))
            .map(Perm::V1),
        Api::HarvestV3 => super::scope_by_id(input.trim())
            .or_else(|| super::scope_by_label(input))
            .or_else(|| super::scope_by_operation(input))
            .map(Perm::V3),
    }
}

/// The nearest known name in `api`, compared with what the input looks like (a scope, or a
/// label).
fn suggestion(api: Api, input: &str) -> Option<&'static str> {
    let scopes = super::scopes();
    match api {
        Api::HarvestV1 => super::suggest(input, super::v1_label_names()),
        Api::HarvestV3 if input.trim().starts_with("harvest:") || input.contains(':') => {
            super::suggest(input, super::same(scopes.iter().map(|s| s.id)))
        }
        Api::HarvestV3 => super::suggest(input, super::same(scopes.iter().map(|s| s.label))),
    }
}
