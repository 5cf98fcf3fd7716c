//! Timestamps without a date-time dependency: the current time as RFC 3339 (UTC), and
//! today's date. `GRANTLINT_NOW` (RFC 3339 or Unix seconds) fixes "now" for reproducible
//! reports and tests.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, from `GRANTLINT_NOW` if set, else the clock.
pub fn now_unix() -> i64 {
    if let Ok(v) = std::env::var("GRANTLINT_NOW") {
        if let Ok(secs) = v.trim().parse::<i64>() {
            return secs;
        }
        if let Some(secs) = parse_rfc3339(v.trim()) {
            return secs;
        }
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn now_rfc3339() -> String {
    format_rfc3339(now_unix())
}

/// Today's date (UTC), YYYY-MM-DD.
pub fn today() -> String {
    format_rfc3339(now_unix())[..10].to_string()
}

pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Parse `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)` or a bare `YYYY-MM-DD`.
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if s.as_bytes().get(4) != Some(&b'-') || s.as_bytes().get(7) != Some(&b'-') {
        return None;
    }
    let days = days_from_civil(y, m, d);
    if s.len() == 10 {
        return Some(days * 86_400);
    }
    let (hh, mm, ss) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &s[19..];
    if let Some(r) = rest.strip_prefix('.') {
        rest = r.trim_start_matches(|c: char| c.is_ascii_digit());
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let oh = rest.get(1..3)?.parse::<i64>().ok()?;
            let om = rest.get(rest.len().checked_sub(2)?..)?.parse::<i64>().ok()?;
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss - offset)
}

// Howard Hinnant's civil-date algorithms.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        let t = parse_rfc3339("2026-12-01T18:42:29Z").unwrap();
        assert_eq!(format_rfc3339(t), "2026-12-01T18:42:29Z");
        assert_eq!(
            parse_rfc3339("2030-01-01T00:00:00+0000").map(format_rfc3339).as_deref(),
            Some("2030-01-01T00:00:00Z")
        );
        assert_eq!(
            parse_rfc3339("2026-12-01T20:00:00+02:00")
                .map(format_rfc3339)
                .as_deref(),
            Some("2026-12-01T18:00:00Z")
        );
        assert_eq!(
            parse_rfc3339("2024-02-29").map(format_rfc3339).as_deref(),
            Some("2024-02-29T00:00:00Z")
        );
    }
}
