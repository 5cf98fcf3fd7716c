//! Rate limits: the budget of one credential from its `X-RateLimit-*` headers, and
//! `Retry-After`. Every header value a server sends is parsed defensively: whole seconds or
//! an HTTP-date (RFC 9110), capped; anything else is ignored, never a panic.

use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use reqwest::header::HeaderMap;

/// No server-requested wait is taken as longer than this; the caller compares it with how
/// long it is willing to wait at all.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(86_400);

/// The rate budget of one credential, from the `X-RateLimit-*` headers of its responses.
#[derive(Debug, Default)]
pub struct RateBudget {
    state: Mutex<BudgetState>,
}

#[derive(Debug, Default)]
struct BudgetState {
    remaining: Option<u64>,
    /// When the window resets.
    reset: Option<Timestamp>,
}

impl RateBudget {
    pub fn update(&self, headers: &HeaderMap) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = header(headers, "x-ratelimit-remaining").and_then(whole_number) {
            s.remaining = Some(r);
        }
        if let Some(r) = header(headers, "x-ratelimit-reset").and_then(unix_time) {
            s.reset = Some(r);
        }
    }

    /// How long to wait before the next request: until the reset when the window is spent.
    pub fn wait(&self, now: Timestamp) -> Duration {
        let s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        match (s.remaining, s.reset) {
            (Some(0), Some(reset)) => until(now, reset),
            _ => Duration::ZERO,
        }
    }

    /// One request is about to be sent.
    pub fn spend(&self) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(r) = s.remaining.as_mut() {
            *r = r.saturating_sub(1);
        }
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

/// Only ASCII digits, and no more than fit: `NaN`, `-1`, `1e3` and `99999999999999999999`
/// are not numbers here.
fn whole_number(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `X-RateLimit-Reset` as Unix seconds.
fn unix_time(s: &str) -> Option<Timestamp> {
    let secs = i64::try_from(whole_number(s)?).ok()?;
    Timestamp::from_second(secs).ok()
}

/// The time from `now` to `then`, zero when it is past, capped at [`MAX_SERVER_WAIT`].
fn until(now: Timestamp, then: Timestamp) -> Duration {
    let secs = then.as_second().saturating_sub(now.as_second());
    Duration::from_secs(u64::try_from(secs).unwrap_or(0)).min(MAX_SERVER_WAIT)
}

/// How long the server asks to wait: `Retry-After` (whole seconds or an HTTP-date), else
/// the time to `X-RateLimit-Reset`. Unparsable values are ignored.
pub fn retry_after(headers: &HeaderMap, now: Timestamp) -> Option<Duration> {
    if let Some(value) = header(headers, "retry-after") {
        if let Some(secs) = whole_number(value) {
            return Some(Duration::from_secs(secs).min(MAX_SERVER_WAIT));
        }
        if let Ok(at) = jiff::fmt::rfc2822::DateTimeParser::new().parse_timestamp(value) {
            return Some(until(now, at));
        }
    }
    let reset = header(headers, "x-ratelimit-reset").and_then(unix_time)?;
    (reset > now).then(|| until(now, reset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn retry_after_is_seconds_or_an_http_date_and_nothing_else() {
        let now: Timestamp = "2015-10-21T07:27:00Z".parse().unwrap();
        let wait = |v: &str| retry_after(&headers(&[("retry-after", v)]), now);
        assert_eq!(wait("3"), Some(Duration::from_secs(3)));
        assert_eq!(wait("Wed, 21 Oct 2015 07:28:00 GMT"), Some(Duration::from_secs(60)));
        assert_eq!(
            wait("Wed, 21 Oct 2015 07:00:00 GMT"),
            Some(Duration::ZERO),
            "a past date is now"
        );
        assert_eq!(wait("99999999999999999999"), None, "does not fit");
        assert_eq!(wait("999999999"), Some(MAX_SERVER_WAIT), "capped");
        for junk in ["NaN", "-1", "1.5", "inf", "1e3", "", "soon"] {
            assert_eq!(wait(junk), None, "{junk:?}");
        }
    }

    #[test]
    fn rate_limit_headers_are_whole_numbers() {
        let now = Timestamp::from_second(1_000).unwrap();
        let budget = RateBudget::default();
        budget.update(&headers(&[
            ("x-ratelimit-remaining", "NaN"),
            ("x-ratelimit-reset", "-5"),
        ]));
        assert_eq!(budget.wait(now), Duration::ZERO);
        budget.update(&headers(&[
            ("x-ratelimit-remaining", "0"),
            ("x-ratelimit-reset", "1030"),
        ]));
        assert_eq!(budget.wait(now), Duration::from_secs(30));
        assert_eq!(
            retry_after(&headers(&[("x-ratelimit-reset", "1030")]), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(retry_after(&headers(&[("x-ratelimit-reset", "NaN")]), now), None);
    }
}
