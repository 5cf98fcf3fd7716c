#![forbid(unsafe_code)]
//! grantlint: a permission-audit linter for Greenhouse Harvest API credentials.
//!
//! Data flows one way: inputs ([`profile`], [`grants`]) -> checked models -> [`check`]
//! -> [`finding::Finding`]s -> [`report`].

pub mod catalog;
pub mod check;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod diff;
pub mod finding;
pub mod fleet;
pub mod grants;
pub mod greenhouse;
pub mod library;
pub mod lint;
pub mod live;
pub mod migrate;
pub mod profile;
pub mod report;
pub mod secret;
pub mod time;
pub mod waiver;

/// YAML parsing limits shared by every YAML/JSON input: one document, bounded depth,
/// bounded alias expansion (no billion laughs), no duplicate keys.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.max_documents = 1;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 250_000;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    options
}
