#![forbid(unsafe_code)]
//! grantlint: a permission-audit linter for Greenhouse Harvest API credentials.
//!
//! Data flows one way: [`input`] (files, tokens, the config, Greenhouse through
//! [`greenhouse`]) -> checked models -> [`check`] -> [`finding::Finding`]s -> [`report`].
//! [`runner`] runs checks over fleets and live credentials; [`app`] holds one thin module per
//! command and is used by nothing but `main.rs`.

pub mod app;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod error;
pub mod finding;
pub mod greenhouse;
pub mod input;
pub mod report;
pub mod runner;
pub mod secret;
