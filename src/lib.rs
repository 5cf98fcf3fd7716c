#![forbid(unsafe_code)]
//! grantlint: a permission-audit linter for Greenhouse Harvest API credentials.

pub mod catalog;
