//! Usage evidence: what an integration really called (DESIGN.md section 7), read from HAR
//! captures, access logs and Greenhouse Audit Log events. Only the method, the host, the path
//! (the query is dropped), the status and the time of each request are kept: never a header,
//! a body or a query string, which is where tokens and secrets travel.

pub mod access_log;
pub mod audit_events;
pub mod har;

use std::io::Read;
use std::path::Path;

use jiff::Timestamp;

use super::sanitize::clean_line;
use crate::error::Error;

/// The largest evidence file grantlint reads: HAR captures with bodies are large, and they
/// are read whole.
pub const MAX_EVIDENCE_BYTES: u64 = 256 * 1024 * 1024;

/// What kind of evidence a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// HAR 1.2 (mitmproxy, Charles, Fiddler, browser devtools).
    Har,
    /// `METHOD URL [STATUS]` lines, or Common/Combined Log Format.
    AccessLog,
    /// Greenhouse Audit Log events: the API's response, a JSON array, or JSON Lines.
    AuditLog,
}

impl EvidenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Har => "har",
            EvidenceKind::AccessLog => "access-log",
            EvidenceKind::AuditLog => "audit-log",
        }
    }

    /// What a place in this kind of source is called in messages.
    pub fn place_word(self) -> &'static str {
        match self {
            EvidenceKind::AccessLog => "line",
            EvidenceKind::Har | EvidenceKind::AuditLog => "entry",
        }
    }
}

/// The status of a request that got no response (HAR's 0 or -1): tried, not answered, so
/// not use.
pub const NO_RESPONSE: u16 = 0;

/// One request the integration made, as a source saw it.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The method, or the methods it may have been (an audit log row says "a write", not
    /// which verb), most likely first.
    pub methods: Vec<&'static str>,
    /// Lower-case, without the port; `None` when the source does not say (a log of paths).
    pub host: Option<String>,
    /// Without query or fragment.
    pub path: String,
    /// `None` when the source does not say (a plain log line, an audit log row);
    /// [`NO_RESPONSE`] when it says there was none.
    pub status: Option<u16>,
    pub at: Option<Timestamp>,
    /// Its line or entry number in the source (1-based).
    pub place: usize,
}

/// Parts of a source that could not be read: how many, and the first few places.
#[derive(Debug, Clone, Default)]
pub struct Skipped {
    pub count: usize,
    pub places: Vec<(usize, String)>,
}

impl Skipped {
    /// At most this many skipped places are kept, with why.
    const KEPT: usize = 10;

    pub fn add(&mut self, place: usize, why: impl Into<String>) {
        self.count += 1;
        if self.places.len() < Self::KEPT {
            self.places.push((place, clean_line(&why.into())));
        }
    }
}

/// One source of evidence, read.
#[derive(Debug, Clone)]
pub struct Evidence {
    /// The file, or `-` for stdin, or a description of a live read.
    pub name: String,
    pub kind: EvidenceKind,
    pub requests: Vec<Observed>,
    pub skipped: Skipped,
    /// The time range the source covers when it says so (a live audit log read of a window);
    /// else the range of its requests' times.
    pub window: Option<(Timestamp, Timestamp)>,
    /// What else to say about the source (which audit log rows were kept, and why).
    pub notes: Vec<String>,
    /// Rows seen that are not Harvest calls (the UI, MCP tools), by what they are.
    pub other_rows: Vec<(String, usize)>,
}

impl Evidence {
    pub fn new(name: &str, kind: EvidenceKind) -> Evidence {
        Evidence {
            name: clean_line(name),
            kind,
            requests: Vec::new(),
            skipped: Skipped::default(),
            window: None,
            notes: Vec::new(),
            other_rows: Vec::new(),
        }
    }

    /// The time range the source covers: stated, or from its requests.
    pub fn covers(&self) -> Option<(Timestamp, Timestamp)> {
        self.window.or_else(|| {
            let times = self.requests.iter().filter_map(|r| r.at);
            let first = times.clone().min()?;
            Some((first, times.max()?))
        })
    }
}

/// How audit log rows are attributed to a caller: `--performer ID` (or the config's
/// `audit_performer`).
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    pub kind: Option<EvidenceKind>,
    pub performer: Option<String>,
}

/// Read one source: a file, or stdin for `-`. Its kind is sniffed from the content unless
/// `options.kind` says.
pub fn read(path: &Path, options: &ReadOptions) -> Result<Evidence, Error> {
    let bytes = read_bytes(path)?;
    let name = path.display().to_string();
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    let text = text.trim_start_matches('\u{feff}');
    let kind = options.kind.unwrap_or_else(|| sniff(text));
    let evidence = match kind {
        EvidenceKind::Har => har::parse(&name, text)?,
        EvidenceKind::AccessLog => access_log::parse(&name, text),
        EvidenceKind::AuditLog => audit_events::parse(&name, text, options.performer.as_deref())?,
    };
    Ok(evidence)
}

fn read_bytes(path: &Path) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    let reader: Box<dyn Read> = if path == Path::new("-") {
        Box::new(std::io::stdin())
    } else {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        if file.metadata().map_err(|e| Error::io(path, e))?.is_dir() {
            return Err(Error::Usage(format!("{} is a directory, not a file", path.display())));
        }
        Box::new(file)
    };
    reader
        .take(MAX_EVIDENCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_EVIDENCE_BYTES {
        return Err(Error::Usage(format!(
            "{}: larger than {} MiB; split the capture, or strip response bodies from the HAR",
            path.display(),
            MAX_EVIDENCE_BYTES / 1024 / 1024
        )));
    }
    if bytes.contains(&0) {
        return Err(Error::Usage(format!(
            "{}: contains NUL bytes: a binary file, not a HAR, a log or audit log events",
            path.display()
        )));
    }
    Ok(bytes)
}

/// The kind a text looks like: JSON with a `log` key is HAR; other JSON (an object with
/// `results`, an array, JSON Lines) is audit log events; anything else is an access log.
pub fn sniff(text: &str) -> EvidenceKind {
    let start = text.trim_start();
    if !(start.starts_with('{') || start.starts_with('[')) {
        return EvidenceKind::AccessLog;
    }
    // The top-level keys of a JSON object are the first quoted strings at depth one; a cheap
    // look at the beginning is enough to tell HAR (`"log"`) from the rest.
    let head: String = start.chars().take(4096).collect();
    let compact: String = head.split_whitespace().collect();
    if compact.starts_with("{\"log\":") || compact.contains(",\"log\":{") {
        EvidenceKind::Har
    } else {
        EvidenceKind::AuditLog
    }
}

/// A URL or a path as a request line holds it: host (lower case, no port) and path (no
/// query, no fragment).
pub fn split_target(target: &str) -> Option<(Option<String>, String)> {
    if target.starts_with('/') {
        let path = target.split(['?', '#']).next().unwrap_or("");
        return Some((None, path.to_string()));
    }
    let url = url::Url::parse(target).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    Some((Some(host), url.path().to_string()))
}

/// The method of a request line, when it is one grantlint knows.
pub fn method(word: &str) -> Option<&'static str> {
    ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(word))
}

/// `--window`: how far back evidence counts, as `30d`, `12h`, `90m`, `45s` or `2w`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub seconds: i64,
}

impl std::str::FromStr for Window {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?} is not a duration: expected a number and a unit, like 30d, 12h, 90m or 2w");
        let s = s.trim();
        let unit = s.chars().last().ok_or_else(bad)?;
        let number = &s[..s.len() - unit.len_utf8()];
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: i64 = number.parse().map_err(|_| bad())?;
        let per = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        let seconds = n
            .checked_mul(per)
            .filter(|&x| x > 0 && x <= 3650 * 86_400)
            .ok_or_else(|| format!("{s:?}: the window must be longer than zero and at most ten years"))?;
        Ok(Window { seconds })
    }
}

impl Window {
    /// The instant the window starts at, ending `now`.
    pub fn start(self, now: Timestamp) -> Timestamp {
        now.checked_sub(jiff::SignedDuration::from_secs(self.seconds))
            .unwrap_or(Timestamp::MIN)
    }
}

/// `--audit-log-pace`: at most `requests` paginated requests per `seconds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pace {
    pub requests: u32,
    pub seconds: u32,
}

impl Default for Pace {
    /// Greenhouse's documented limit: 3 paginated requests per 30 seconds.
    fn default() -> Pace {
        Pace {
            requests: 3,
            seconds: 30,
        }
    }
}

impl std::str::FromStr for Pace {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("{s:?}: expected N/SECONDS, like 3/30");
        let (n, secs) = s.split_once('/').ok_or_else(bad)?;
        let requests: u32 = n.trim().parse().map_err(|_| bad())?;
        let seconds: u32 = secs.trim().parse().map_err(|_| bad())?;
        // A pace is a window of whole seconds and at most 10 requests a second in it: faster
        // would be a flood, not a pace.
        if requests == 0 || seconds == 0 || seconds > 3600 || requests > seconds.saturating_mul(10) {
            return Err(format!(
                "{s:?}: N must be 1 to 10 per second of the window, and SECONDS 1 to 3600"
            ));
        }
        Ok(Pace { requests, seconds })
    }
}

/// Drop the requests from before `start` (those with no time are kept: nothing places them
/// outside), and say so.
pub fn keep_since(evidence: &mut Evidence, start: Timestamp) {
    let before = evidence.requests.len();
    evidence.requests.retain(|r| r.at.is_none_or(|t| t >= start));
    let dropped = before - evidence.requests.len();
    if dropped > 0 {
        evidence.notes.push(format!(
            "{dropped} requests before {} (outside --window) were left out",
            super::clock::rfc3339(start)
        ));
    }
    // The evidence covers the window only when it reached back to its start (something was
    // left out); else it covers what it holds, from its first request.
    if let Some((first, end)) = evidence.covers() {
        let from = if dropped > 0 { start } else { first.max(start) };
        evidence.window = Some((from, end.max(from)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_and_paces_parse_strictly() {
        assert_eq!("30d".parse::<Window>(), Ok(Window { seconds: 30 * 86_400 }));
        assert_eq!("90m".parse::<Window>(), Ok(Window { seconds: 5400 }));
        for bad in [
            "",
            "d",
            "30",
            "-1d",
            "1.5h",
            "0d",
            "30y",
            "99999999999999999999d",
            "5000w",
        ] {
            assert!(bad.parse::<Window>().is_err(), "{bad}");
        }
        assert_eq!("3/30".parse::<Pace>(), Ok(Pace::default()));
        assert_eq!("10/1".parse::<Pace>().map(|p| p.requests), Ok(10));
        for bad in ["3", "0/30", "a/b", "3/-1", "3/99999", "5/0", "11/1", "301/30"] {
            assert!(bad.parse::<Pace>().is_err(), "{bad}");
        }
    }

    #[test]
    fn kinds_are_sniffed_from_the_content() {
        assert_eq!(sniff("{\n  \"log\": {\"version\": \"1.2\"}}"), EvidenceKind::Har);
        assert_eq!(sniff("{\"paging\": {}, \"log\": {}}"), EvidenceKind::Har);
        assert_eq!(sniff("{\"paging\": {}, \"results\": []}"), EvidenceKind::AuditLog);
        assert_eq!(sniff("[{\"event\": {}}]"), EvidenceKind::AuditLog);
        assert_eq!(sniff("{\"event\": {}}\n{\"event\": {}}\n"), EvidenceKind::AuditLog);
        assert_eq!(
            sniff("GET https://harvest.greenhouse.io/v3/jobs 200\n"),
            EvidenceKind::AccessLog
        );
    }

    #[test]
    fn targets_lose_their_query() {
        assert_eq!(
            split_target("https://Harvest.Greenhouse.io:443/v3/jobs?access_token=SECRET#x"),
            Some((Some("harvest.greenhouse.io".into()), "/v3/jobs".into()))
        );
        assert_eq!(split_target("/v3/jobs?per_page=1"), Some((None, "/v3/jobs".into())));
        assert_eq!(split_target("ftp://x/y"), None);
        assert_eq!(split_target("not a url"), None);
    }
}
