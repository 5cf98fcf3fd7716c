//! What the organisation decided: when findings fail a run, and the waivers that excuse a
//! finding of one credential. Read from the config and the command line; applied by `check`.

use jiff::civil::Date;

use crate::catalog::{Perm, Risk};
use crate::finding::{Kind, Location};

/// Fail on excess grants at or above a risk, or never.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExcessThreshold {
    AtLeast(Risk),
    Never,
}

impl std::str::FromStr for ExcessThreshold {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        if s == "never" {
            return Ok(ExcessThreshold::Never);
        }
        s.parse::<Risk>()
            .map(ExcessThreshold::AtLeast)
            .map_err(|_| format!("unknown level {s:?} (expected low, medium, high, critical or never)"))
    }
}

impl ExcessThreshold {
    pub fn fails(self, risk: Risk) -> bool {
        matches!(self, ExcessThreshold::AtLeast(min) if risk >= min)
    }
}

/// When findings fail a run.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub fail_on_missing: bool,
    pub fail_on_excess: ExcessThreshold,
    /// Whether `unused-grant` findings fail (they warn otherwise).
    pub fail_on_unused: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            fail_on_missing: true,
            fail_on_excess: ExcessThreshold::AtLeast(Risk::Low),
            fail_on_unused: false,
        }
    }
}

/// A validated `[[waiver]]`: a credential may keep a finding for a stated reason, until a date.
#[derive(Debug, Clone)]
pub struct Waiver {
    pub credential: String,
    /// The kind of finding it excuses (`excess` unless the config says otherwise).
    pub kind: Kind,
    pub permission: Perm,
    pub reason: String,
    /// The waiver holds through that day.
    pub expires: Option<Date>,
    pub location: Location,
}
