//! Access logs, one request per line: `METHOD URL [STATUS]`, or Common/Combined Log Format
//! (`host - user [02/Dec/2026:04:24:54 +0000] "GET /v3/candidates?per_page=100 HTTP/1.1" 200
//! 10 "-" "agent"`), with or without a host. A line in neither form is a counted skip with its
//! line number; blank lines and `#` comments are skipped silently.

use jiff::Timestamp;

use super::{Evidence, EvidenceKind, Observed, method, split_target};

/// Longer lines are not log lines grantlint reads (and are not quoted).
const MAX_LINE: usize = 16 * 1024;

pub fn parse(name: &str, text: &str) -> Evidence {
    let mut evidence = Evidence::new(name, EvidenceKind::AccessLog);
    for (i, line) in text.lines().enumerate() {
        let place = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.len() > MAX_LINE {
            evidence.skipped.add(place, "line too long");
            continue;
        }
        match combined(line).or_else(|| plain(line)) {
            Some((m, target, status, at)) => match split_target(target) {
                Some((host, path)) => evidence.requests.push(Observed {
                    methods: vec![m],
                    host,
                    path,
                    status,
                    at,
                    place,
                }),
                None => evidence.skipped.add(place, "the request target is not a URL or a path"),
            },
            None => evidence
                .skipped
                .add(place, "not `METHOD URL [STATUS]` nor Common/Combined Log Format"),
        }
    }
    evidence
}

type Line<'a> = (&'static str, &'a str, Option<u16>, Option<Timestamp>);

/// `METHOD URL [STATUS]`.
fn plain(line: &str) -> Option<Line<'_>> {
    let mut words = line.split_whitespace();
    let m = method(words.next()?)?;
    let target = words.next()?;
    let status = match words.next() {
        Some(s) => Some(status(s)?),
        None => None,
    };
    if words.next().is_some() {
        return None;
    }
    Some((m, target, status, None))
}

/// Common or Combined Log Format: `[time] "METHOD target PROTOCOL" status ...`.
fn combined(line: &str) -> Option<Line<'_>> {
    let open = line.find('[')?;
    let close = open + line[open..].find(']')?;
    let at = Timestamp::strptime("%d/%b/%Y:%H:%M:%S %z", &line[open + 1..close]).ok();
    let rest = &line[close + 1..];
    let q1 = rest.find('"')?;
    let q2 = q1 + 1 + rest[q1 + 1..].find('"')?;
    let mut request = rest[q1 + 1..q2].split_whitespace();
    let m = method(request.next()?)?;
    let target = request.next()?;
    let s = status(rest[q2 + 1..].split_whitespace().next()?)?;
    Some((m, target, Some(s), at))
}

fn status(word: &str) -> Option<u16> {
    if word.len() != 3 || !word.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    word.parse().ok().filter(|s| (100..600).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_and_what_is_not_either() {
        let e = parse(
            "t.log",
            "GET https://harvest.greenhouse.io/v3/jobs?per_page=1 200\n\
             # a comment\n\
             \n\
             POST /v3/notes\n\
             127.0.0.1 - jt [02/Dec/2026:04:24:57 +0000] \"GET /v3/candidates?per_page=100 HTTP/1.1\" 403 10 \"-\" \"curl/7.88.1\"\n\
             garbage here\n\
             GET https://harvest.greenhouse.io/v3/jobs 2000\n",
        );
        let got: Vec<String> = e
            .requests
            .iter()
            .map(|r| format!("{} {:?} {} {:?} @{}", r.methods[0], r.host, r.path, r.status, r.place))
            .collect();
        assert_eq!(
            got,
            [
                "GET Some(\"harvest.greenhouse.io\") /v3/jobs Some(200) @1",
                "POST None /v3/notes None @4",
                "GET None /v3/candidates Some(403) @5",
            ]
        );
        assert_eq!(
            e.requests[2].at.map(|t| t.to_string()).as_deref(),
            Some("2026-12-02T04:24:57Z")
        );
        assert_eq!(e.skipped.count, 2);
        assert_eq!(e.skipped.places.iter().map(|p| p.0).collect::<Vec<_>>(), [6, 7]);
    }
}
