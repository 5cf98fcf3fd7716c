//! A line scanner for grants files in the plain shape the documentation shows (`credential`,
//! `api`, and `granted` as a block list or a block map of group -> list, one plain or quoted
//! scalar per line). It gives the same values and spans as the YAML parser, several times
//! faster, which matters for fleets of 100,000 files. Anything outside that shape (flow
//! collections, anchors, escapes, comments after a value, tabs, numbers, duplicates...)
//! returns `None`, and the full YAML parser reads the file instead; a differential test keeps
//! the two in agreement.

use miette::SourceSpan;

use super::profile::RawPermissions;
use super::spanned::Spanned;
use crate::catalog::Api;

/// What a plain grants file holds.
#[derive(Debug)]
pub struct PlainGrants {
    pub credential: Option<Spanned<String>>,
    pub api: Spanned<Api>,
    pub granted: Spanned<RawPermissions>,
}

/// One line of the file: its byte offset, its indent and its content after the indent.
struct Line<'a> {
    start: usize,
    indent: usize,
    text: &'a str,
}

fn lines(text: &str) -> Option<Vec<Line<'_>>> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        // Tabs, carriage returns, other control characters and the characters some YAML
        // versions read as line breaks: leave them to the parser.
        if line.bytes().any(|b| b < 0x20) || line.contains(['\u{85}', '\u{2028}', '\u{2029}', '\u{feff}']) {
            return None;
        }
        let content = line.trim_start_matches(' ');
        let trimmed = content.trim_end_matches(' ');
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            out.push(Line {
                start,
                indent: line.len() - content.len(),
                text: trimmed,
            });
        }
        start += raw.len();
    }
    Some(out)
}

/// A scalar the YAML parser would read as this very string, with the span it would give
/// (quotes included); `None` for anything it might read otherwise.
fn scalar(text: &str, at: usize) -> Option<Spanned<String>> {
    let span = |len: usize| -> SourceSpan { (at, len).into() };
    if let Some(inner) = text.strip_prefix('"') {
        let inner = inner.strip_suffix('"')?;
        if inner.contains(['"', '\\']) {
            return None;
        }
        return Some(Spanned {
            value: inner.to_string(),
            span: span(text.len()),
        });
    }
    if let Some(inner) = text.strip_prefix('\'') {
        let inner = inner.strip_suffix('\'')?;
        if inner.contains('\'') {
            return None;
        }
        return Some(Spanned {
            value: inner.to_string(),
            span: span(text.len()),
        });
    }
    let first = text.chars().next()?;
    let indicator = "-?:,[]{}#&*!|>'\"%@`".contains(first);
    // Numbers, booleans and nulls, in any of YAML's spellings, are not plain strings.
    let typed = first.is_ascii_digit()
        || matches!(first, '+' | '.' | '~')
        || (text.len() <= 5
            && ["true", "false", "null", "yes", "no", "on", "off", "y", "n"]
                .iter()
                .any(|w| w.eq_ignore_ascii_case(text)));
    if indicator || typed || text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return None;
    }
    Some(Spanned {
        value: text.to_string(),
        span: span(text.len()),
    })
}

/// `key: value` or `key:` at the start of a line.
fn key_value(text: &str) -> Option<(&str, &str)> {
    match text.split_once(": ") {
        Some((k, v)) => Some((k, v.trim_start_matches(' '))),
        None => Some((text.strip_suffix(':')?, "")),
    }
}

/// A list item `- value` at `line`.
fn item(line: &Line) -> Option<Spanned<String>> {
    let value = line.text.strip_prefix("- ")?.trim_start_matches(' ');
    let at = line.start + line.indent + (line.text.len() - value.len());
    scalar(value, at)
}

/// Read a plain grants file, or `None` to leave it to the YAML parser.
pub fn read(text: &str) -> Option<PlainGrants> {
    let lines = lines(text)?;
    let (mut credential, mut api, mut granted) = (None, None, None);
    let mut i = 0;
    while i < lines.len() {
        let line = &lines[i];
        if line.indent != 0 {
            return None;
        }
        let (key, value) = key_value(line.text)?;
        let value_at = line.start + line.text.len() - value.len();
        match key {
            "credential" if credential.is_none() => credential = Some(scalar(value, value_at)?),
            "api" if api.is_none() => {
                let parsed = match value {
                    "harvest-v1" => Api::HarvestV1,
                    "harvest-v3" => Api::HarvestV3,
                    _ => return None,
                };
                api = Some(Spanned {
                    value: parsed,
                    span: (value_at, value.len()).into(),
                });
            }
            "granted" if granted.is_none() && value.is_empty() => {
                let end = lines[i + 1..]
                    .iter()
                    .position(|l| l.indent == 0 && !l.text.starts_with("- "))
                    .map_or(lines.len(), |n| i + 1 + n);
                granted = Some(block(&lines[i + 1..end])?);
                i = end;
                continue;
            }
            _ => return None,
        }
        i += 1;
    }
    Some(PlainGrants {
        credential,
        api: api?,
        granted: granted?,
    })
}

/// The block under `granted:`: a list, or groups each with a list under it.
fn block(lines: &[Line]) -> Option<Spanned<RawPermissions>> {
    let first = lines.first()?;
    let span: SourceSpan = (first.start + first.indent, 0).into();
    if first.text.starts_with("- ") {
        let items = lines
            .iter()
            .map(|l| if l.indent == first.indent { item(l) } else { None })
            .collect::<Option<Vec<_>>>()?;
        return Some(Spanned {
            value: RawPermissions::List(items),
            span,
        });
    }
    let mut groups: Vec<(Spanned<String>, Vec<Spanned<String>>)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let head = &lines[i];
        if head.indent != first.indent || head.indent == 0 {
            return None;
        }
        let name = head.text.strip_suffix(':')?;
        let group = scalar(name, head.start + head.indent)?;
        if groups.iter().any(|(g, _)| g.value == group.value) {
            return None;
        }
        let items_end = lines[i + 1..]
            .iter()
            .position(|l| !l.text.starts_with("- ") || l.indent < head.indent)
            .map_or(lines.len(), |n| i + 1 + n);
        let items = &lines[i + 1..items_end];
        let indent = items.first().map_or(head.indent, |l| l.indent);
        // Items sit deeper than the group name, or (a compact sequence) at its indent.
        if items.iter().any(|l| l.indent != indent) {
            return None;
        }
        groups.push((group, items.iter().map(item).collect::<Option<Vec<_>>>()?));
        i = items_end;
    }
    Some(Spanned {
        value: RawPermissions::Groups(groups),
        span,
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::input::grants::{Grants, TextFormat};
    use crate::input::source::Source;

    /// A read grants file as the tests compare it: (credential, api, entries as (permission,
    /// offset, length)), or the error's text.
    type Outcome = Result<(Option<String>, Option<Api>, Vec<(String, usize, usize)>), String>;

    fn outcome(g: Result<Grants, crate::error::Error>) -> Outcome {
        let g = g.map_err(|e| e.to_string())?;
        let (api, entries) = g
            .entries()
            .map(|(a, e)| (Some(a), e.to_vec()))
            .unwrap_or((None, vec![]));
        Ok((
            g.credential,
            api,
            entries
                .iter()
                .map(|e| (e.perm.id().to_string(), e.span.offset(), e.span.len()))
                .collect(),
        ))
    }

    /// What the full YAML parser makes of a grants file.
    fn full(text: &str) -> Outcome {
        let src = Source::new("t.yaml", text);
        outcome(Grants::from_source_full(
            src,
            TextFormat::Yaml,
            jiff::Timestamp::UNIX_EPOCH,
        ))
    }

    /// What the scanner makes of it, when it reads it at all.
    fn fast(text: &str) -> Option<Outcome> {
        read(text)?;
        let src = Source::new("t.yaml", text);
        Some(outcome(Grants::from_source(
            src,
            TextFormat::Yaml,
            jiff::Timestamp::UNIX_EPOCH,
        )))
    }

    #[test]
    fn the_documented_shapes_are_read_fast() {
        for text in [
            "credential: seekout-prod\napi: harvest-v3\ngranted:\n  - harvest:jobs:list\n  - List candidates\n",
            "# a comment\napi: harvest-v1\ngranted:\n  Jobs:\n    - \"GET: List Jobs\"\n  Candidates:\n    - 'GET: Retrieve Candidate'\n    - GET /v1/candidates\n",
            "api: harvest-v3\ngranted:\n- harvest:jobs:list\ncredential: c\n",
        ] {
            assert!(read(text).is_some(), "{text}");
            assert_eq!(fast(text).unwrap(), full(text), "{text}");
        }
    }

    #[test]
    fn anything_else_is_left_to_the_yaml_parser() {
        for text in [
            "api: harvest-v3\ngranted: [harvest:jobs:list]\n",
            "api: harvest-v3 # v3\ngranted:\n  - harvest:jobs:list\n",
            "api: harvest-v3\ngranted:\n  - &a harvest:jobs:list\n",
            "api: harvest-v3\ngranted:\n  - \"a\\tb\"\n",
            "api: harvest-v3\ngranted:\n\t- harvest:jobs:list\n",
            "api: harvest-v3\ngranted:\n  - 12\n",
            "api: harvest-v3\ngranted:\n  - harvest:jobs:list\n    continued\n",
            "api: harvest-v3\napi: harvest-v1\ngranted:\n  - x\n",
            "api: harvest-v3\nnotes: x\ngranted:\n  - x\n",
            "api: harvest-v3\ngranted:\n  Jobs:\n    - a\n  Jobs:\n    - b\n",
            "api: harvest-v3\ngranted:\n",
            "api: \"harvest-v3\"\ngranted:\n  - x\n",
            "---\napi: harvest-v3\ngranted:\n  - x\n",
        ] {
            assert!(read(text).is_none(), "{text:?}");
        }
    }

    /// Lines of the grammar's neighbourhood: valid and invalid scalars, indents, comments.
    fn line() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            Just("harvest:jobs:list".to_string()),
            Just("harvest:candidates:lst".to_string()),
            Just("List candidates".to_string()),
            Just("\"GET: List Jobs\"".to_string()),
            Just("'GET: Retrieve Candidate'".to_string()),
            Just("GET: List Jobs".to_string()),
            Just("GET /v1/candidates".to_string()),
            Just("true".to_string()),
            Just("7".to_string()),
            Just("a # b".to_string()),
            Just("x:".to_string()),
            Just("\"q\\\"\"".to_string()),
            Just("~".to_string()),
            Just("".to_string()),
        ];
        let key = prop_oneof![
            Just("api: harvest-v3"),
            Just("api: harvest-v1"),
            Just("credential: c-1"),
            Just("granted:"),
            Just("Jobs:"),
            Just("other: x"),
            Just("# note"),
            Just(""),
        ];
        prop_oneof![
            (0usize..5, scalar.clone()).prop_map(|(n, s)| format!("{}- {s}", " ".repeat(n))),
            (0usize..3, key).prop_map(|(n, k)| format!("{}{k}", "  ".repeat(n))),
            (0usize..5, scalar).prop_map(|(n, s)| format!("{}{s}:", " ".repeat(n))),
        ]
    }

    /// Documents of the documented shape, with the neighbourhood's lines mixed in.
    fn document() -> impl Strategy<Value = String> {
        (
            prop_oneof![Just("api: harvest-v3"), Just("api: harvest-v1")],
            any::<bool>(),
            prop::collection::vec(line(), 1..10),
            any::<bool>(),
        )
            .prop_map(|(api, credential, body, trailing)| {
                let mut text = String::new();
                if credential {
                    text.push_str("credential: prod-1\n");
                }
                text.push_str(api);
                text.push_str("\ngranted:\n");
                text.push_str(&body.join("\n"));
                text.push('\n');
                if trailing {
                    text.push_str("# end\n");
                }
                text
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// The same on documents built like grants files; most of them the scanner reads.
        #[test]
        fn the_scanner_agrees_on_grants_shaped_documents(text in document()) {
            if let Some(fast) = fast(&text) {
                prop_assert_eq!(fast, full(&text), "{}", text);
            }
        }

        /// Whenever the scanner reads a file, it reads what the YAML parser reads.
        #[test]
        fn the_scanner_agrees_with_the_yaml_parser(lines in prop::collection::vec(line(), 0..12)) {
            let text = lines.join("\n") + "\n";
            if let Some(fast) = fast(&text) {
                prop_assert_eq!(fast, full(&text), "{}", text);
            }
        }
    }
}
