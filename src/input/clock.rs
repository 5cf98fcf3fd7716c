//! "Now", read once by the command: the system clock, or a fixed instant from
//! `GRANTLINT_NOW` (RFC 3339 or Unix seconds) for reproducible reports and tests. Everything
//! below the command takes the instant as a parameter.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;

/// Where "now" comes from.
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(Timestamp),
}

impl Clock {
    /// `GRANTLINT_NOW` when it is set, else the system clock. A value that is neither RFC 3339
    /// nor Unix seconds is an error: a report must not silently carry the wrong date.
    pub fn from_env() -> Result<Clock, String> {
        match std::env::var("GRANTLINT_NOW") {
            Ok(v) if !v.trim().is_empty() => parse_instant(v.trim())
                .map(Clock::Fixed)
                .ok_or_else(|| format!("GRANTLINT_NOW={v:?} is neither an RFC 3339 time nor Unix seconds")),
            _ => Ok(Clock::System),
        }
    }

    pub fn now(self) -> Timestamp {
        match self {
            Clock::System => Timestamp::now(),
            Clock::Fixed(t) => t,
        }
    }

    /// Today's date in UTC.
    pub fn today(self) -> Date {
        utc_date(self.now())
    }
}

/// RFC 3339 (`2026-12-01T12:00:00Z`, `…+05:00`, `…+05`), a bare date, or Unix seconds.
pub fn parse_instant(s: &str) -> Option<Timestamp> {
    if let Ok(secs) = s.parse::<i64>() {
        return Timestamp::from_second(secs).ok();
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Some(t);
    }
    let date = s.parse::<Date>().ok()?;
    Offset::UTC.to_timestamp(date.to_datetime(Time::midnight())).ok()
}

/// The UTC calendar date of an instant.
pub fn utc_date(t: Timestamp) -> Date {
    Offset::UTC.to_datetime(t).date()
}

/// An instant as RFC 3339 in UTC, to the second: `2026-12-01T12:00:00Z`.
pub fn rfc3339(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<String> {
        parse_instant(s).map(rfc3339)
    }

    #[test]
    fn instants_in_every_accepted_form() {
        assert_eq!(at("0").as_deref(), Some("1970-01-01T00:00:00Z"));
        assert_eq!(at("2026-12-01T18:42:29Z").as_deref(), Some("2026-12-01T18:42:29Z"));
        assert_eq!(at("2026-12-01T20:00:00+02:00").as_deref(), Some("2026-12-01T18:00:00Z"));
        // An hours-only offset is five hours, not five hours and five minutes.
        assert_eq!(at("2026-12-01T20:00:00+05").as_deref(), Some("2026-12-01T15:00:00Z"));
        assert_eq!(at("2024-02-29").as_deref(), Some("2024-02-29T00:00:00Z"));
        assert_eq!(at("2026-02-30"), None);
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn dates_compare_as_dates() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert!(d("2026-11-30") < d("2026-12-01"));
        assert!(d("2027-01-09") < d("2027-01-10"));
        assert_eq!(
            utc_date(parse_instant("2026-11-30T23:59:59-01:00").unwrap()),
            d("2026-12-01")
        );
    }
}
