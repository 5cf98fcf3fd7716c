//! Time: the clock, ISO-8601 timestamps (the Audit Log's `event_time` and time filters) and
//! fixed rate windows.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub(crate) fn now_secs() -> i64 {
    now_ms() / 1000
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `YYYY-MM-DD` as milliseconds at midnight UTC.
pub(crate) fn parse_date(s: &str) -> Option<i64> {
    let (y, rest) = s.split_once('-')?;
    let (m, d) = rest.split_once('-')?;
    let (y, m, d) = (digits(y)?, digits(m)?, digits(d)?);
    if y.to_string().len() != 4 || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(days_from_civil(y, m, d) * 86_400_000)
}

/// ISO-8601 date-time as milliseconds: `2026-11-03T09:15:00Z`, `2026-11-03T09:15:00.123Z`,
/// `...+00:00`, `...-05:00`; without a zone, UTC.
pub(crate) fn parse_iso8601(s: &str) -> Option<i64> {
    let (date, time) = s.split_once(['T', 't'])?;
    let day = parse_date(date)?;
    let (clock, offset_ms) = if let Some(c) = time.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = time.rfind(['+', '-']) {
        let (c, zone) = time.split_at(i);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let z = zone.get(1..)?;
        let (h, m) = match z.split_once(':') {
            Some(hm) => hm,
            None => (z.get(..2)?, z.get(2..)?),
        };
        let (h, m) = (digits(h)?, digits(m)?);
        if h > 23 || m > 59 {
            return None;
        }
        (c, sign * (h * 60 + m) * 60_000)
    } else {
        (time, 0)
    };
    let (hms, frac) = clock.split_once('.').map_or((clock, None), |(a, b)| (a, Some(b)));
    let mut parts = hms.split(':');
    let (Some(h), Some(m), Some(sec), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return None;
    };
    let (h, m, sec) = (digits(h)?, digits(m)?, digits(sec)?);
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let ms = match frac {
        None => 0,
        Some(f) => {
            digits(f)?;
            // Milliseconds from the first three digits, however many are given.
            let three: String = f.chars().chain("000".chars()).take(3).collect();
            three.parse::<i64>().ok()?
        }
    };
    Some(day + ((h * 60 + m) * 60 + sec) * 1000 + ms - offset_ms)
}

/// A fixed window that opens at its first hit and lasts `len_ms`; then the next hit opens a new one.
#[derive(Debug)]
pub(crate) struct Window {
    len_ms: i64,
    start_ms: i64,
    count: u64,
}

impl Window {
    pub fn new(len_secs: u64) -> Window {
        Window {
            len_ms: (len_secs.max(1) as i64).saturating_mul(1000),
            start_ms: i64::MIN,
            count: 0,
        }
    }

    /// Count one request at `now_ms`; the count so far in its window, and when the window ends
    /// (milliseconds).
    pub fn hit(&mut self, now_ms: i64) -> (u64, i64) {
        if now_ms >= self.start_ms.saturating_add(self.len_ms) {
            self.start_ms = now_ms;
            self.count = 0;
        }
        self.count += 1;
        (self.count, self.start_ms + self.len_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        // 2023-06-02T16:06:19.217Z, the Audit Log docs' example: 1685721979217 (date -d ... +%s%3N).
        assert_eq!(parse_iso8601("2023-06-02T16:06:19.217Z"), Some(1_685_721_979_217));
        assert_eq!(parse_iso8601("2023-06-02T16:06:19Z"), Some(1_685_721_979_000));
        assert_eq!(parse_iso8601("2023-06-02T18:06:19+02:00"), Some(1_685_721_979_000));
        assert_eq!(parse_iso8601("2023-06-02T16:06:19.2Z"), Some(1_685_721_979_200));
        assert_eq!(parse_iso8601("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("2026-11-01"), Some(1_793_491_200_000));
        for bad in [
            "",
            "2023-06-02",
            "2023-13-02T00:00:00Z",
            "2023-06-02T25:00:00Z",
            "x-y-zTa:b:cZ",
            "2023-06-02T16:06:19.abcZ",
        ] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn windows_open_at_the_first_hit() {
        let mut w = Window::new(30);
        assert_eq!(w.hit(1_000), (1, 31_000));
        assert_eq!(w.hit(30_999), (2, 31_000));
        assert_eq!(w.hit(31_000), (1, 61_000));
    }
}
