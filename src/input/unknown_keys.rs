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
            errors.push(reworded(e));
            return Err(errors);
        };
        let expected: Vec<&str> = expected.iter().map(String::as_str).collect();
        let len = src
            .text
            .get(offset..)
            .filter(|t| t.starts_with(key.as_str()))
            .map_or(0, |_| key.len());
        errors.push(unknown_key(src, (offset, len).into(), &key, &expected));
        if errors.len() >= MAX_UNKNOWN {
            return Err(errors);
        }
        current = Source::new(src.name.clone(), blank(&current.text, offset, syntax));
    }
}

/// An unknown key that cannot be pointed at (its line is too long to quote): reworded like
/// the others, its position kept in the message; any other error as it is.
fn reworded(mut e: SourceError) -> SourceError {
    if let Some((key, expected)) = unknown_field(&e.message) {
        let at = e
            .message
            .find(" (at ")
            .map(|i| e.message[i..].to_string())
            .unwrap_or_default();
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

/// `text` with the key at `offset` and its value replaced by spaces (newlines kept, so every
/// other offset, line and column stays where it was).
fn blank(text: &str, offset: usize, syntax: Syntax) -> String {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let (start, end) = match syntax {
        Syntax::Yaml => (offset, yaml_value_end(text, offset, offset - line_start)),
        Syntax::Toml => toml_value(text, offset, line_start),
    };
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..start]);
    out.extend(text[start..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }));
    out.push_str(&text[end..]);
    out
}

/// The end of the line at `offset`.
fn line_end(text: &str, offset: usize) -> usize {
    text[offset..].find('\n').map_or(text.len(), |i| offset + i)
}

/// A YAML block key's value runs on over the lines indented deeper than the key (or blank).
fn yaml_value_end(text: &str, offset: usize, column: usize) -> usize {
    let mut end = line_end(text, offset);
    while end < text.len() {
        let next = end + 1;
        let next_end = line_end(text, next);
        let line = &text[next..next_end];
        let indent = line.len() - line.trim_start_matches(' ').len();
        if !line.trim().is_empty() && indent <= column {
            break;
        }
        end = next_end;
    }
    end
}

/// The bytes of a TOML key and its value, which runs on while its brackets are open; an
/// unknown table (`[name]`) is its header and every line to the next header.
fn toml_value(text: &str, offset: usize, line_start: usize) -> (usize, usize) {
    let header = text[line_start..offset].trim_start().starts_with('[');
    let mut end = line_end(text, offset);
    if header {
        while end < text.len() {
            let next = end + 1;
            if text[next..].trim_start_matches([' ', '\t']).starts_with('[') {
                break;
            }
            end = line_end(text, next);
        }
        return (line_start, end);
    }
    let mut depth = open_brackets(&text[offset..end]);
    while depth > 0 && end < text.len() {
        let next = end + 1;
        let next_end = line_end(text, next);
        depth += open_brackets(&text[next..next_end]);
        end = next_end;
    }
    (offset, end)
}

/// How many `[`/`{` a line of TOML leaves open (outside strings and comments).
fn open_brackets(line: &str) -> i64 {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => break,
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') => depth -= 1,
            _ => {}
        }
    }
    depth
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

    #[test]
    fn a_blanked_key_keeps_every_other_offset() {
        let yaml = "name: t\nreviwed:\n  - a\n  - b\napi: harvest-v3\n";
        let out = blank(yaml, 8, Syntax::Yaml);
        assert_eq!(out.len(), yaml.len());
        assert_eq!(out, "name: t\n        \n     \n     \napi: harvest-v3\n");
        let toml = "[[credential]]\nnam = [\"a\",\n  \"b\"]\ngrants = \"g.yaml\"\n[polcy]\nx = 1\n[[waiver]]\n";
        let out = blank(toml, 15, Syntax::Toml);
        assert!(
            out.starts_with("[[credential]]\n           \n      \ngrants"),
            "{out:?}"
        );
        let at = toml.find("polcy").unwrap();
        let out = blank(toml, at, Syntax::Toml);
        assert!(
            out.ends_with("grants = \"g.yaml\"\n       \n     \n[[waiver]]\n"),
            "{out:?}"
        );
    }
}
