//! HTTP/1.1 on a plain `TcpStream`: reading one request at a time from a connection that may
//! carry many (keep-alive), and writing answers. Everything read here comes from the network,
//! so every size is bounded and every malformed input is an error value, never a panic.

use std::io::{self, BufRead, Read, Write};

/// Longest request line or header line we read.
const MAX_LINE: u64 = 16 * 1024;
/// Most header lines in one request.
const MAX_HEADERS: usize = 200;
/// Largest request body (all of Greenhouse's token and write requests are tiny).
pub(crate) const MAX_BODY: usize = 1 << 20;

/// The request line and headers.
#[derive(Debug, Clone)]
pub(crate) struct Head {
    /// The first line as sent, without its line ending.
    pub line: String,
    pub method: String,
    /// The request target as sent: origin form (`/v3/jobs?x=1`), absolute form or authority form.
    pub target: String,
    pub version: String,
    /// Names lowercased, values trimmed, in the order sent.
    pub headers: Vec<(String, String)>,
}

/// One request.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub head: Head,
    pub path: String,
    /// The raw query string (without `?`), not decoded.
    pub query: String,
    pub body: String,
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The peer closed the connection (or the idle timeout passed) before a request began.
    Closed,
    /// Not HTTP, or a framing error; the answer is 400 and the connection closes.
    Malformed(&'static str),
    /// A line, the headers or the body are larger than we accept; 413 (or 431) and close.
    TooLarge(u16),
    /// The connection failed or timed out in the middle of a request.
    Io,
}

impl Head {
    /// The last value of a header (names are matched case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the client asked to close after this exchange: `Connection: close`, or HTTP/1.0
    /// without `Connection: keep-alive`.
    pub fn wants_close(&self) -> bool {
        let has = |token: &str| {
            self.headers
                .iter()
                .filter(|(k, _)| k == "connection")
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if has("close") {
            return true;
        }
        self.version.eq_ignore_ascii_case("HTTP/1.0") && !has("keep-alive")
    }

    pub fn expects_continue(&self) -> bool {
        self.header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}

impl Request {
    pub fn method(&self) -> &str {
        &self.head.method
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.header(name)
    }

    /// The decoded value of the last query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_field(&self.query, name)
    }

    /// The bearer token of the `Authorization` header.
    pub fn bearer(&self) -> Option<&str> {
        let v = self.header("authorization")?.trim();
        let (scheme, token) = v.split_once(' ')?;
        scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
    }
}

/// Read one line ending in `\n`, at most `MAX_LINE` bytes. `Ok(None)` at a clean end of stream.
fn read_line(reader: &mut impl BufRead) -> Result<Option<String>, ReadError> {
    let mut buf = Vec::new();
    let n = reader
        .by_ref()
        .take(MAX_LINE)
        .read_until(b'\n', &mut buf)
        .map_err(io_error)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(if n as u64 >= MAX_LINE {
            ReadError::TooLarge(431)
        } else {
            ReadError::Io
        });
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

fn io_error(e: io::Error) -> ReadError {
    match e.kind() {
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut => ReadError::Closed,
        _ => ReadError::Io,
    }
}

/// Read the request line and headers. Blank lines before a request are skipped (RFC 9112 §2.2).
pub(crate) fn read_head(reader: &mut impl BufRead) -> Result<Head, ReadError> {
    let line = loop {
        match read_line(reader)? {
            None => return Err(ReadError::Closed),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed("bad request line"));
    };
    if !version.starts_with("HTTP/1.") || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ReadError::Malformed("not HTTP/1.x"));
    }
    let (method, target, version) = (method.to_string(), target.to_string(), version.to_string());
    let mut headers = Vec::new();
    loop {
        // A stream that ends inside the headers is a broken request, not a clean close.
        let h = read_line(reader)?.ok_or(ReadError::Io)?;
        if h.is_empty() {
            break;
        }
        if headers.len() == MAX_HEADERS {
            return Err(ReadError::TooLarge(431));
        }
        let Some((k, v)) = h.split_once(':') else {
            return Err(ReadError::Malformed("header line without a colon"));
        };
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    Ok(Head {
        line,
        method,
        target,
        version,
        headers,
    })
}

/// Read the body that `head` announces (`Content-Length` or chunked) and split the target.
pub(crate) fn read_body(reader: &mut impl BufRead, head: Head) -> Result<Request, ReadError> {
    let chunked = head
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        read_chunked(reader)?
    } else {
        let lengths: Vec<&str> = head
            .headers
            .iter()
            .filter(|(k, _)| k == "content-length")
            .map(|(_, v)| v.as_str())
            .collect();
        let len = match lengths.split_first() {
            None => 0,
            Some((first, rest)) => {
                if rest.iter().any(|v| v != first) {
                    return Err(ReadError::Malformed("conflicting Content-Length"));
                }
                first
                    .parse::<usize>()
                    .map_err(|_| ReadError::Malformed("bad Content-Length"))?
            }
        };
        if len > MAX_BODY {
            return Err(ReadError::TooLarge(413));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body).map_err(|_| ReadError::Io)?;
        body
    };
    let (path, query) = match head.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (head.target.clone(), String::new()),
    };
    Ok(Request {
        head,
        path,
        query,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

fn read_chunked(reader: &mut impl BufRead) -> Result<Vec<u8>, ReadError> {
    let mut body = Vec::new();
    loop {
        let line = read_line(reader)?.ok_or(ReadError::Io)?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size, 16).map_err(|_| ReadError::Malformed("bad chunk size"))?;
        if size == 0 {
            // Trailers, up to the blank line.
            while !read_line(reader)?.ok_or(ReadError::Io)?.is_empty() {}
            return Ok(body);
        }
        if body.len().saturating_add(size) > MAX_BODY {
            return Err(ReadError::TooLarge(413));
        }
        let got = reader
            .by_ref()
            .take(size as u64)
            .read_to_end(&mut body)
            .map_err(|_| ReadError::Io)?;
        if got != size {
            return Err(ReadError::Io);
        }
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf).map_err(|_| ReadError::Io)?;
        if &crlf != b"\r\n" {
            return Err(ReadError::Malformed("chunk without CRLF"));
        }
    }
}

/// An answer to write. Headers are written in order after the status line; `Content-Length`
/// and `Connection` are computed when it is written.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    /// A body of any kind, labelled `application/json` (a hostile server lies about it too).
    pub fn raw(status: u16, body: impl Into<String>) -> Answer {
        Answer {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    pub fn json(status: u16, body: serde_json::Value) -> Answer {
        Answer::raw(status, body.to_string())
    }

    /// `{"message": ...}`, the shape of Harvest's error bodies.
    pub fn message(status: u16, message: &str) -> Answer {
        Answer::json(status, serde_json::json!({ "message": message }))
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Set a header, replacing every header of that name.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.into(), value.into()));
    }
}

/// Names whose values the writer computes; an answer's own copies of them are dropped.
fn is_framing(name: &str) -> bool {
    ["content-length", "connection", "transfer-encoding"]
        .iter()
        .any(|f| name.eq_ignore_ascii_case(f))
}

/// Write `answer`, then flush. `close` says `Connection: close` instead of `keep-alive`.
pub(crate) fn write_answer(out: &mut impl Write, answer: &Answer, close: bool) -> io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", answer.status, reason(answer.status));
    // RFC 9110 §8.6: no Content-Length (and no body) in a 1xx or 204 answer.
    let bodiless = answer.status == 204 || answer.status < 200;
    for (k, v) in answer.headers.iter().filter(|(k, _)| !is_framing(k)) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if !bodiless {
        head.push_str(&format!("Content-Length: {}\r\n", answer.body.len()));
    }
    head.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    // One write for head and body: two small writes on a kept-alive connection would meet
    // Nagle's algorithm and the client's delayed ACK, and stall every answer by ~40 ms.
    let mut bytes = head.into_bytes();
    if !bodiless {
        bytes.extend_from_slice(answer.body.as_bytes());
    }
    out.write_all(&bytes)?;
    out.flush()
}

pub(crate) fn write_continue(out: &mut impl Write) -> io::Result<()> {
    out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    out.flush()
}

pub(crate) fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Content Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// `application/x-www-form-urlencoded` pairs (also a query string), decoded, in order.
pub(crate) fn pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|kv| !kv.is_empty())
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(kv), String::new()),
        })
        .collect()
}

/// The decoded value of the last field `name` of a form body or query string.
pub(crate) fn form_field(body: &str, name: &str) -> Option<String> {
    pairs(body).into_iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
}

/// Percent-decoding with `+` as space; invalid escapes stay as they are.
pub(crate) fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<Request, ReadError> {
        let mut r = io::BufReader::new(raw.as_bytes());
        let head = read_head(&mut r)?;
        read_body(&mut r, head)
    }

    #[test]
    fn two_requests_on_one_stream() {
        let raw = "POST /token HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /v3/jobs?a=1 HTTP/1.1\r\n\r\n";
        let mut r = io::BufReader::new(raw.as_bytes());
        let one = read_head(&mut r).and_then(|h| read_body(&mut r, h)).map(|q| q.body);
        assert_eq!(one.ok().as_deref(), Some("abc"));
        let two = read_head(&mut r).and_then(|h| read_body(&mut r, h));
        assert!(matches!(two, Ok(ref q) if q.path == "/v3/jobs" && q.query == "a=1"));
        assert!(matches!(read_head(&mut r), Err(ReadError::Closed)));
    }

    #[test]
    fn chunked_bodies_are_joined() {
        let q = parse("POST /t HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n");
        assert_eq!(q.map(|q| q.body).ok().as_deref(), Some("abcde"));
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        for raw in [
            "\u{1b}[31m\r\n\r\n",
            "GET / HTTP/1.1\r\nno colon\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            "GET / HTTP/2\r\n\r\n",
        ] {
            assert!(matches!(parse(raw), Err(ReadError::Malformed(_))), "{raw:?}");
        }
        let huge = format!("GET / HTTP/1.1\r\nContent-Length: {}\r\n\r\n", MAX_BODY + 1);
        assert!(matches!(parse(&huge), Err(ReadError::TooLarge(413))));
        let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(MAX_LINE as usize));
        assert!(matches!(parse(&long), Err(ReadError::TooLarge(431))));
        assert!(matches!(parse("GET / HTTP/1.1\r\nHost: x"), Err(ReadError::Io)));
    }

    #[test]
    fn keep_alive_rules() {
        let close = |raw: &str| parse(raw).map(|q| q.head.wants_close()).ok();
        assert_eq!(close("GET / HTTP/1.1\r\n\r\n"), Some(false));
        assert_eq!(
            close("GET / HTTP/1.1\r\nConnection: Keep-Alive, Close\r\n\r\n"),
            Some(true)
        );
        assert_eq!(close("GET / HTTP/1.0\r\n\r\n"), Some(true));
        assert_eq!(close("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), Some(false));
    }

    #[test]
    fn decoding() {
        assert_eq!(decode("a%20b+c%zz%4"), "a b c%zz%4");
        assert_eq!(
            form_field("grant_type=client_credentials&sub=12%33", "sub").as_deref(),
            Some("123")
        );
    }

    #[test]
    fn no_content_has_no_length() {
        let mut out = Vec::new();
        let a = Answer::raw(204, "").with_header("Content-Length", "99");
        assert!(write_answer(&mut out, &a, false).is_ok());
        let text = String::from_utf8_lossy(&out);
        assert!(!text.to_ascii_lowercase().contains("content-length"), "{text}");
        assert!(text.ends_with("Connection: keep-alive\r\n\r\n"), "{text}");
    }
}
