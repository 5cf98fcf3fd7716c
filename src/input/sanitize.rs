//! Text from outside (files, server bodies and headers, token claims) is made safe before it
//! reaches a terminal or a report: control characters (escape sequences among them) and
//! bidirectional overrides are removed, and secrets are masked in any text a diagnostic
//! quotes.

use std::borrow::Cow;

/// Whether a character may not reach a terminal: C0 controls other than tab and newline,
/// DEL, C1 controls, and the bidirectional embeddings, overrides and isolates that can make
/// text read differently from what it is.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}')
}

/// Whether `text` holds an unsafe character. Printable ASCII, newlines and tabs (nearly all
/// text) are settled byte by byte; only other text is decoded.
fn needs_cleaning(text: &str) -> bool {
    suspect_bytes(text) && text.chars().any(is_unsafe)
}

/// Whether any byte is outside printable ASCII (a control byte, a newline or tab, or part of
/// a non-ASCII character). Branch-free, so the compiler can scan many bytes at a time.
fn suspect_bytes(text: &str) -> bool {
    text.as_bytes()
        .iter()
        .fold(false, |acc, &b| acc | !(0x20..=0x7e).contains(&b))
}

/// `text` without unsafe characters (see [`is_unsafe`]); borrowed when there are none.
pub fn clean(text: &str) -> Cow<'_, str> {
    if !needs_cleaning(text) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().filter(|&c| !is_unsafe(c)).collect())
}

/// `text` for one line: unsafe characters removed, newlines and tabs turned into spaces.
pub fn clean_line(text: &str) -> String {
    clean(text)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

/// [`clean`] in place; allocates only when there is something to remove.
pub fn clean_in_place(text: &mut String) {
    if needs_cleaning(text) {
        *text = text.chars().filter(|&c| !is_unsafe(c)).collect();
    }
}

/// [`clean_line`] in place; allocates only when there is something to change.
pub fn clean_line_in_place(text: &mut String) {
    if suspect_bytes(text) && text.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        *text = clean_line(text);
    }
}

/// `text` as a diagnostic may quote it: every unsafe character replaced by as many `?` as it
/// has bytes, and every secret-looking value masked with `*`, so that byte offsets (and so
/// the spans of diagnostics) stay the same.
pub fn quotable(text: &str) -> Cow<'_, str> {
    let ranges = secret_ranges(text);
    if ranges.is_empty() && !needs_cleaning(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        if ranges.iter().any(|r| r.contains(&i)) {
            out.extend(std::iter::repeat_n('*', c.len_utf8()));
        } else if is_unsafe(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Keys whose values are secrets wherever they appear.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "password",
    "secret",
    "authorization",
];

/// The byte ranges of secret-looking values: anything that looks like a JWT, and the value
/// after a secret key (`"access_token": "…"`, `client_secret = …`, `Authorization: Bearer …`).
fn secret_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = jwt_ranges(text);
    let lower = text.to_ascii_lowercase();
    for key in SECRET_KEYS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let key_end = from + at + key.len();
            from = key_end;
            if let Some(value) = value_after(text, key_end) {
                ranges.push(value);
            }
        }
    }
    ranges
}

/// The value that follows a key: after optional quote, spaces and one `:` or `=`, up to the
/// end of the (quoted) value or the line.
fn value_after(text: &str, key_end: usize) -> Option<std::ops::Range<usize>> {
    let rest = &text[key_end..];
    let trimmed = rest.trim_start_matches(['"', '\'']);
    let trimmed = trimmed.trim_start_matches([' ', '\t']);
    let trimmed = trimmed.strip_prefix([':', '='])?;
    let value = trimmed.trim_start_matches([' ', '\t']);
    let start = key_end + (rest.len() - value.len());
    let (start, end) = match value.chars().next() {
        Some(q @ ('"' | '\'')) => {
            let inner = &value[1..];
            let len = inner.find(q).unwrap_or_else(|| inner.find('\n').unwrap_or(inner.len()));
            (start + 1, start + 1 + len)
        }
        _ => {
            let len = value.find(['\n', ',', '}', ']']).unwrap_or(value.len());
            (start, start + len)
        }
    };
    (end > start).then_some(start..end)
}

/// Runs of base64url text with two dots inside, at least 8 characters a part: JWTs.
fn jwt_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !b64(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut parts = vec![0usize];
        while i < bytes.len() && (b64(bytes[i]) || bytes[i] == b'.') {
            if bytes[i] == b'.' {
                parts.push(0);
            } else if let Some(n) = parts.last_mut() {
                *n += 1;
            }
            i += 1;
        }
        if parts.len() == 3 && parts.iter().all(|&n| n >= 8) {
            out.push(start..i);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_bidi_overrides_are_removed() {
        assert_eq!(clean("plain"), Cow::Borrowed("plain"));
        assert_eq!(
            clean("a\u{1b}[31mred\u{1b}[0m\u{7}\u{202e}b\tc\nd"),
            "a[31mred[0mb\tc\nd"
        );
        assert_eq!(clean_line("a\nb\tc\u{9b}2J"), "a b c2J");
    }

    #[test]
    fn quotable_text_keeps_offsets_and_masks_secrets() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzY29wZSI6ImhhcnZlc3QifQ.c2lnbmF0dXJlLXZhbHVl";
        let text = format!("{{\"access_token\": \"{jwt}\", \"scope\": 5}}\n\u{1b}[2J x");
        let q = quotable(&text);
        assert_eq!(q.len(), text.len(), "offsets are kept");
        assert!(!q.contains(jwt) && !q.contains("eyJzY29wZSI6"), "{q}");
        assert!(q.contains("\"scope\": 5"));
        assert!(!q.contains('\u{1b}'));
        let toml = "client_secret = 'hunter2-value'\nname = \"x\"\n";
        assert!(!quotable(toml).contains("hunter2"));
        assert!(quotable("Authorization: Basic dXNlcjpzZWNyZXQ=\n").contains("Authorization: ***"));
        assert_eq!(quotable("api: harvest-v3\n"), Cow::Borrowed("api: harvest-v3\n"));
    }
}
