//! Unknown keys, all at once: each is reported where it stands with a "did you mean" (not a
//! list of every key), and the rest of the file is still read, so a misspelt key does not hide
//! the problems below it.
//!
//! The typed parsers deny unknown fields and stop at the first; [`parse_on`] reports it, blanks
//! the key (and its value) out of a copy of the text, keeping every byte offset, and parses
//! again.

use miette::SourceSpan;

use super::source::{Source, SourceError};
use crate::catalog;

/// The syntax of the text, which says how far an unknown key's value reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Yaml,
    Toml,
}

/// At most this many unknown keys are reported in one file; then the parse stops there.
const MAX_UNKNOWN: usize = 32;

/// Parse `src` with `parse`, reading on past unknown keys. The value comes with the unknown
/// keys' errors (to be reported with the rest); a parse that fails for another reason returns
/// every error so far.
pub fn parse_on<T>(
    src: &Source,
    syntax: Syntax,
    parse: impl Fn(&Source) -> Result<T, Box<SourceError>>,
) -> Result<(T, Vec<SourceError>), Vec<SourceError>> {
    let mut errors = Vec::new();
    let mut blanked = Vec::new();
    let mut current = src.clone();
    loop {
        let mut e = match parse(&current) {
            Ok(v) => return Ok((v, errors)),
            Err(e) => *e,
        };
        // Offsets are the same in the copy: point the error at the file as written.
        if !e.labels.is_empty() {
            e.src = src.named();
        }
        let offset = e.labels.first().map(|l| l.offset());
        let (Some((key, expected)), Some(offset)) = (unknown_field(&e.message), offset) else {
            // After a blanking, an error beside the blanked text may be the blanking's own
            // (a value it cut short): the unknown keys are then all that is certain.
            // (A missing field is the file's: blanking removes no key the parser knows.)
            if !errors.is_empty() && !e.message.starts_with("missing field") && near_blanked(src, &e, &blanked) {
                return Err(errors);
            }
            errors.push(reworded(e));
            return Err(errors);
        };
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        // The key's span, quoted or not.
        let len = src.text.get(offset..).map_or(0, |t| {
            if t.starts_with(key.as_str()) {
                key.len()
            } else if t.starts_with(['"', '\'']) && t[1..].starts_with(key.as_str()) {
                key.len() + 2
            } else {
                0
            }
        });
        errors.push(unknown_key(src, (offset, len).into(), &key, &expected));
        if errors.len() >= MAX_UNKNOWN {
            errors.push(SourceError::whole(
                src.clone(),
                format!("more than {MAX_UNKNOWN} unknown keys; the rest of the file was not read"),
                Some("fix these keys, then run again".into()),
            ));
            return Err(errors);
        }
        let (text, range) = blank(&current.text, offset, syntax);
        blanked.push(range);
        current = Source::new(src.name.clone(), text);
    }
}

/// Whether an error lies on a line next to text blanked out: then it may be the blanking's,
/// not the file's.
fn near_blanked(src: &Source, e: &SourceError, blanked: &[(usize, usize)]) -> bool {
    let Some(offset) = e.labels.first().map(|l| l.offset()) else {
        return false;
    };
    let line = src.line_of(offset.min(src.text.len()));
    blanked.iter().any(|&(a, b)| {
        let (first, last) = (src.line_of(a), src.line_of(b));
        line + 1 >= first && line <= last + 1
    })
}

/// An unknown key that cannot be pointed at (its line is too long to quote): reworded like
/// the others, its position kept in the message; any other error as it is.
fn reworded(mut e: SourceError) -> SourceError {
    let (message, at) = match e.message.find(" (at ") {
        Some(i) => (e.message[..i].to_string(), e.message[i..].to_string()),
        None => (e.message.clone(), String::new()),
    };
    if let Some((key, expected)) = unknown_field(&message) {
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        e.message = format!("unknown key `{key}`{at}");
        e.help = Some(help(&key, &expected));
    }
    e
}

/// "did you mean", or the keys there are.
fn help(key: &str, expected: &[&str]) -> String {
    match catalog::suggest(key, catalog::same(expected.iter().copied())) {
        Some(s) => format!("did you mean `{s}`?"),
        None if expected.is_empty() => "remove it".to_string(),
        None => format!("the keys here are: {}", expected.join(", ")),
    }
}

/// The key and the accepted keys of serde's "unknown field" message, if it is one
/// (``unknown field `x`, expected one of `a`, `b` `` or, from the YAML parser, without the
/// backticks around the accepted ones).
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field `")?;
    let (key, rest) = rest.split_once('`')?;
    let rest = rest.trim_start_matches(',').trim();
    let list = rest
        .strip_prefix("expected one of ")
        .or_else(|| rest.strip_prefix("expected "))
        .unwrap_or("");
    let expected = list
        .split(',')
        .flat_map(|p| p.split(" or "))
        .map(|n| n.trim().trim_matches('`').to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Some((key.to_string(), expected))
}

/// The error of one unknown key, with the nearest accepted key when one is near.
pub fn unknown_key(src: &Source, span: SourceSpan, key: &str, expected: &[&str]) -> SourceError {
    SourceError::at(src, span, format!("unknown key `{key}`"), "not a key here").with_help(help(key, expected))
}

/// `text` with the key at `offset` and its value replaced by spaces (each byte of a character
/// by one space, newlines kept, so every other offset, line and column stays where it was),
/// and the range it blanked.
fn blank(text: &str, offset: usize, syntax: Syntax) -> (String, (usize, usize)) {
    let offset = floor_char(text, offset.min(text.len()));
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let header = syntax == Syntax::Toml && text[line_start..offset].trim_start().starts_with('[');
    let (start, end) = if !header && depth_at(text, offset, syntax) > 0 {
        flow_entry(text, offset, syntax)
    } else {
        match syntax {
            Syntax::Yaml => yaml_block_entry(text, offset),
            Syntax::Toml => toml_block_entry(text, offset),
        }
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    for c in text[start..end].chars() {
        match c {
            '\n' => out.push('\n'),
            c => out.extend(std::iter::repeat_n(' ', c.len_utf8())),
        }
    }
    out.push_str(&text[end..]);
    debug_assert_eq!(out.len(), text.len());
    (out, (start, end))
}

/// The largest char boundary at or before `i`.
fn floor_char(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A scanner over YAML or TOML text that knows strings, escapes, comments and bracket depth.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Quote {
    #[default]
    None,
    /// `"…"` with backslash escapes.
    Double,
    /// `'…'`: YAML doubles a quote inside, TOML has no escapes.
    Single,
    /// TOML's `"""…"""` and `\'\'\'…\'\'\'`.
    TripleDouble,
    TripleSingle,
    Comment,
}

struct Scan<'a> {
    text: &'a str,
    syntax: Syntax,
    at: usize,
    quote: Quote,
    depth: i64,
}

impl<'a> Scan<'a> {
    fn new(text: &'a str, syntax: Syntax, at: usize) -> Self {
        Scan {
            text,
            syntax,
            at,
            quote: Quote::None,
            depth: 0,
        }
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    /// Step over one character (or a whole escape or triple quote), updating the state;
    /// the character stepped over outside any string or comment, if it was.
    fn step(&mut self) -> Option<char> {
        let rest = self.rest();
        let c = rest.chars().next()?;
        let toml = self.syntax == Syntax::Toml;
        let (len, plain) = match (self.quote, c) {
            (Quote::Comment, '\n') => {
                self.quote = Quote::None;
                (1, Some('\n'))
            }
            (Quote::Comment, _) => (c.len_utf8(), None),
            (Quote::Double | Quote::TripleDouble, '\\') => {
                let next = rest[1..].chars().next().map_or(0, char::len_utf8);
                (1 + next, None)
            }
            (Quote::TripleDouble, '"') if rest.starts_with("\"\"\"") => {
                self.quote = Quote::None;
                (3, None)
            }
            (Quote::TripleSingle, '\'') if rest.starts_with("\'\'\'") => {
                self.quote = Quote::None;
                (3, None)
            }
            (Quote::Double, '"') => {
                self.quote = Quote::None;
                (1, None)
            }
            (Quote::Single, '\'') if !toml && rest.starts_with("\'\'") => (2, None),
            (Quote::Single, '\'') => {
                self.quote = Quote::None;
                (1, None)
            }
            (Quote::None, '"') if toml && rest.starts_with("\"\"\"") => {
                self.quote = Quote::TripleDouble;
                (3, None)
            }
            (Quote::None, '\'') if toml && rest.starts_with("\'\'\'") => {
                self.quote = Quote::TripleSingle;
                (3, None)
            }
            (Quote::None, '"') => {
                self.quote = Quote::Double;
                (1, None)
            }
            (Quote::None, '\'') => {
                self.quote = Quote::Single;
                (1, None)
            }
            (Quote::None, '#') => {
                self.quote = Quote::Comment;
                (1, None)
            }
            (Quote::None, '[' | '{') => {
                self.depth += 1;
                (1, Some(c))
            }
            (Quote::None, ']' | '}') => {
                self.depth -= 1;
                (1, Some(c))
            }
            (Quote::None, c) => (c.len_utf8(), Some(c)),
            (_, c) => (c.len_utf8(), None),
        };
        self.at = (self.at + len).min(self.text.len());
        plain
    }

    /// Whether the scan is inside a string (a newline there does not end a value).
    fn in_string(&self) -> bool {
        !matches!(self.quote, Quote::None | Quote::Comment)
    }
}

/// The bracket depth at `offset` (inside a flow mapping or an inline table when positive).
fn depth_at(text: &str, offset: usize, syntax: Syntax) -> i64 {
    let mut scan = Scan::new(text, syntax, 0);
    while scan.at < offset && scan.step_any() {}
    scan.depth
}

impl Scan<'_> {
    fn step_any(&mut self) -> bool {
        let before = self.at;
        self.step();
        self.at > before
    }
}

/// An entry of a flow mapping (`{a: 1, key: 2}`) or an inline table: the key to the next
/// comma at its depth (with the comma), or to the closing bracket (with the comma before it).
fn flow_entry(text: &str, offset: usize, syntax: Syntax) -> (usize, usize) {
    let mut scan = Scan::new(text, syntax, offset);
    loop {
        let here = scan.at;
        match scan.step() {
            Some(',') if scan.depth == 0 => return (offset, scan.at),
            Some(']' | '}') if scan.depth < 0 => {
                let before = text[..offset].trim_end();
                let start = if before.ends_with(',') {
                    before.len() - 1
                } else {
                    offset
                };
                return (start, here);
            }
            _ if scan.at == here => return (offset, text.len()),
            _ => {}
        }
    }
}

/// The end of the line at `offset`.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// The end of a value that starts at `offset` on its line: the line, and the lines after it
/// while a string or a bracket is open.
fn value_end(text: &str, offset: usize, syntax: Syntax) -> usize {
    let mut scan = Scan::new(text, syntax, offset);
    loop {
        let here = scan.at;
        let c = scan.step();
        if scan.at == here {
            return text.len();
        }
        if c == Some('\n') && scan.depth <= 0 && !scan.in_string() {
            return here;
        }
    }
}

/// A YAML block key and its value: the lines after it indented deeper than the key, blank
/// ones, comments, and a sequence at the key's own indentation (`key:` / `- item`).
fn yaml_block_entry(text: &str, offset: usize) -> (usize, usize) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let column = offset - line_start;
    let mut end = value_end(text, offset, Syntax::Yaml);
    while end < text.len() {
        let next = end + 1;
        let line = &text[next..line_end(text, next)];
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let continues = trimmed.trim().is_empty()
            || trimmed.starts_with('#')
            || indent > column
            || (indent == column && (trimmed == "-" || trimmed.starts_with("- ")));
        if !continues {
            break;
        }
        end = value_end(text, next + indent, Syntax::Yaml);
    }
    (offset, end)
}

/// A TOML key (dotted or not) and its value, from the start of its line; an unknown table
/// (`[name]`) is its header and every line to the next header.
fn toml_block_entry(text: &str, offset: usize) -> (usize, usize) {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    if text[line_start..offset].trim_start().starts_with('[') {
        let mut end = line_end(text, offset);
        while end < text.len() {
            let next = end + 1;
            if text[next..].trim_start_matches([' ', '\t']).starts_with('[') {
                break;
            }
            end = value_end(text, next, Syntax::Toml);
        }
        return (line_start, end);
    }
    (line_start, value_end(text, line_start, Syntax::Toml))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_messages_are_read_in_both_spellings() {
        assert_eq!(
            unknown_field("unknown field `reviwed`, expected one of name, vendor, reviewed"),
            Some((
                "reviwed".into(),
                vec!["name".into(), "vendor".into(), "reviewed".into()]
            ))
        );
        assert_eq!(
            unknown_field("unknown field `grants`, expected one of `credential`, `api`, `granted`"),
            Some((
                "grants".into(),
                vec!["credential".into(), "api".into(), "granted".into()]
            ))
        );
        assert_eq!(
            unknown_field("unknown field `x`, expected `a` or `b`"),
            Some(("x".into(), vec!["a".into(), "b".into()]))
        );
        assert_eq!(unknown_field("missing field `name`"), None);
    }

    /// The text with `key` (its first occurrence) blanked out.
    fn without(text: &str, key: &str, syntax: Syntax) -> String {
        let at = text.find(key).unwrap();
        let (out, _) = blank(text, at, syntax);
        assert_eq!(out.len(), text.len(), "offsets kept: {out:?}");
        out
    }

    #[test]
    fn a_blanked_key_keeps_every_other_offset() {
        let yaml = "name: t\nreviwed:\n  - a\n  - b\napi: harvest-v3\n";
        assert_eq!(
            without(yaml, "reviwed", Syntax::Yaml),
            "name: t\n        \n     \n     \napi: harvest-v3\n"
        );
        let toml = "[[credential]]\nnam = [\"a\",\n  \"b\"]\ngrants = \"g.yaml\"\n[polcy]\nx = 1\n[[waiver]]\n";
        assert!(
            without(toml, "nam", Syntax::Toml).starts_with("[[credential]]\n           \n      \ngrants"),
            "{toml:?}"
        );
        let out = without(toml, "polcy", Syntax::Toml);
        assert!(
            out.ends_with("grants = \"g.yaml\"\n       \n     \n[[waiver]]\n"),
            "{out:?}"
        );
    }

    #[test]
    fn multibyte_characters_keep_their_bytes() {
        let yaml = "name: t\nnotez: \"€ é\"\n# é\nbogus: 1\n";
        let value = "notez: \"€ é\"";
        assert_eq!(
            without(yaml, "notez", Syntax::Yaml),
            format!(
                "name: t\n{}\n{}\nbogus: 1\n",
                " ".repeat(value.len()),
                " ".repeat("# é".len())
            )
        );
    }

    #[test]
    fn values_reach_as_far_as_their_syntax_says() {
        // A sequence at the key's own indentation, and a comment inside the value.
        let yaml = "optionl:\n- harvest:jobs:list\n# a note\n- harvest:offices:list\napi: harvest-v3\n";
        assert!(
            without(yaml, "optionl", Syntax::Yaml)
                .trim_start()
                .starts_with("api: harvest-v3")
        );
        // A flow mapping and JSON: only the entry, with its comma.
        let flow = "{name: t, bogus: 1, api: harvest-v3}\n";
        assert_eq!(
            without(flow, "bogus", Syntax::Yaml),
            "{name: t,           api: harvest-v3}\n"
        );
        let last = "{name: t, bogus: [1, 2]}\n";
        assert_eq!(without(last, "bogus", Syntax::Yaml), "{name: t               }\n");
        let json = "{\n  \"bogus\": {\n    \"x\": 1\n  },\n  \"api\": \"harvest-v3\"\n}\n";
        let out = without(json, "\"bogus\"", Syntax::Yaml);
        assert!(
            out.contains("\"api\": \"harvest-v3\"") && !out.contains("\"x\"") && !out.contains("},"),
            "{out:?}"
        );
        // TOML: an inline table entry, a dotted key, a multi-line string, an escaped quote.
        let inline = "credential = [{ name = \"a\", bogus = 1, grants = \"g\" }]\n";
        assert_eq!(
            without(inline, "bogus", Syntax::Toml),
            "credential = [{ name = \"a\",            grants = \"g\" }]\n"
        );
        let dotted = "[x]\npolicy.fail_on_excesss = \"low\"\nnext = 1\n";
        let line = "policy.fail_on_excesss = \"low\"";
        assert_eq!(
            without(dotted, "fail_on_excesss", Syntax::Toml),
            format!("[x]\n{}\nnext = 1\n", " ".repeat(line.len()))
        );
        let multi = "notez = \"\"\"\nhas [ bracket\n\"\"\"\nnext = 1\n";
        assert!(without(multi, "notez", Syntax::Toml).ends_with("\nnext = 1\n"));
        let escaped = "notez = \"a\\\"[b\"\nnext = 1\n";
        assert!(
            without(escaped, "notez", Syntax::Toml).ends_with("\nnext = 1\n"),
            "{escaped:?}"
        );
    }
}
