//! A text the user gave us, kept so diagnostics can quote it, with a line index built once;
//! and the diagnostic that points into it (miette renders file:line:column, the offending
//! text and a help line).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

use super::sanitize;
use crate::error::Error;
use crate::finding::Location;

/// Largest input file grantlint reads. Real profiles and grants are a few KiB; anything
/// this large is a mistake or an attack, and is refused before it is parsed.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// Longest line a diagnostic quotes; past it, the position is given in words.
const MAX_SNIPPET_LINE: usize = 400;

/// A text the user gave us. Its `Debug` names it and gives its length only: the text may
/// hold a token.
#[derive(Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<str>,
    /// Byte offset of the start of every line, built on first use and shared by clones.
    lines: Arc<OnceLock<Vec<usize>>>,
    /// The path reports cite, shared by every location in this file.
    cited: Arc<str>,
    /// A built-in profile, compiled into grantlint: not a file the user owns.
    builtin: bool,
}

impl std::fmt::Debug for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Source")
            .field("name", &self.name)
            .field("bytes", &self.text.len())
            .finish()
    }
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        let name: String = name.into();
        let builtin = name.ends_with(" (built-in)");
        let cited = sanitize::clean_line(name.strip_suffix(" (built-in)").unwrap_or(&name)).into();
        Source {
            name,
            text: text.into(),
            lines: Arc::new(OnceLock::new()),
            cited,
            builtin,
        }
    }

    /// Read a file, refusing huge, binary or non-UTF-8 input with a clear error.
    pub fn read(path: &Path) -> Result<Self, Error> {
        Self::read_limited(path, MAX_INPUT_BYTES)
    }

    /// [`Source::read`] with another size limit (an OpenAPI spec is larger than a profile).
    pub fn read_limited(path: &Path, limit: u64) -> Result<Self, Error> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::Usage(format!("{name} is a directory, not a file")));
        }
        let mut bytes = Vec::with_capacity(meta.len().min(limit + 1) as usize);
        use std::io::Read;
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        Self::from_bytes_limited(name, bytes, limit)
    }

    /// Read standard input, with the limits of [`Source::read`], named `name`.
    pub fn read_stdin(name: &str) -> Result<Self, Error> {
        use std::io::Read;
        let mut bytes = Vec::new();
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(Path::new(name), e))?;
        Self::from_bytes(name.to_string(), bytes)
    }

    pub fn from_bytes(name: String, bytes: Vec<u8>) -> Result<Self, Error> {
        Self::from_bytes_limited(name, bytes, MAX_INPUT_BYTES)
    }

    fn from_bytes_limited(name: String, bytes: Vec<u8>, limit: u64) -> Result<Self, Error> {
        if bytes.len() as u64 > limit {
            return Err(SourceError::whole(
                Source::new(name, ""),
                format!("input is larger than the {} MiB limit", limit / 1024 / 1024),
                Some(
                    "grantlint reads profiles, grants and tokens of a few KiB; check that this is the right file"
                        .into(),
                ),
            )
            .into());
        }
        if bytes.contains(&0) {
            return Err(SourceError::whole(
                Source::new(name, ""),
                "input contains NUL bytes: this is a binary file, not YAML, JSON or TOML".into(),
                None,
            )
            .into());
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(name, text.trim_start_matches('\u{feff}'))),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
                Err(SourceError::whole(
                    Source::new(name, ""),
                    format!("input is not valid UTF-8 (first bad byte at offset {at}, line {line})"),
                    Some("save the file as UTF-8".into()),
                )
                .into())
            }
        }
    }

    /// The text as diagnostics quote it: control characters replaced and secrets masked,
    /// byte for byte, so spans still point at the right place.
    pub fn named(&self) -> NamedSource<Arc<str>> {
        let text: Arc<str> = match sanitize::quotable(&self.text) {
            std::borrow::Cow::Borrowed(_) => self.text.clone(),
            std::borrow::Cow::Owned(safe) => safe.into(),
        };
        NamedSource::new(sanitize::clean_line(&self.name), text).with_language("yaml")
    }

    /// The file path to cite in reports (a built-in profile is cited by its repository path).
    pub fn path(&self) -> &str {
        &self.cited
    }

    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        })
    }

    /// The error for a file with nothing in it but white space (and comments, for YAML), or
    /// `None`.
    pub fn empty_error(&self) -> Option<SourceError> {
        let blank = self
            .text
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'));
        blank.then(|| {
            SourceError::whole(
                self.clone(),
                "the file is empty".into(),
                Some("give it the content its kind of file needs (see `grantlint schema` for profiles)".into()),
            )
        })
    }

    /// 1-based line of a byte offset: a binary search in the line index, so finding the
    /// lines of many entries of a large file stays linear overall.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        self.line_starts().partition_point(|&start| start <= offset)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position_of(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_of(offset);
        let start = self.line_starts()[line - 1];
        let col = self.text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line, col)
    }
}

impl Source {
    /// The location of a byte offset, for reports.
    pub fn location(&self, offset: usize) -> Location {
        Location {
            file: self.cited.clone(),
            line: self.line_of(offset),
            builtin: self.builtin,
        }
    }
}

/// YAML parsing limits shared by every YAML/JSON input: one document, bounded depth,
/// bounded alias expansion (no billion laughs), no duplicate keys.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = 64;
    budget.max_documents = 1;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    budget.max_nodes = 250_000;
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    options
}

/// One problem in one input file, with the places it is about.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct SourceError {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    #[label(collection)]
    pub labels: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
}

impl SourceError {
    pub fn at(src: &Source, span: SourceSpan, message: String, label: impl Into<String>) -> Self {
        let text: &str = &src.text;
        let offset = span.offset().min(text.len());
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
        if end - start > MAX_SNIPPET_LINE {
            // Quoting a minified or hostile one-line file would print all of it: give the
            // position in words instead.
            let (line, col) = src.position_of(offset);
            return SourceError {
                message: sanitize::clean(&format!("{message} (at {}:{line}:{col})", src.name)).into_owned(),
                src: Source::new(src.name.clone(), "").named(),
                labels: vec![],
                help: None,
            };
        }
        SourceError {
            message: sanitize::clean(&message).into_owned(),
            src: src.named(),
            labels: vec![LabeledSpan::new_primary_with_span(
                Some(sanitize::clean_line(&label.into())),
                span,
            )],
            help: None,
        }
    }

    /// An error about the file as a whole (no position to point at).
    pub fn whole(src: Source, message: String, help: Option<String>) -> Self {
        SourceError {
            message: sanitize::clean(&format!("{}: {message}", src.name)).into_owned(),
            src: src.named(),
            labels: vec![],
            help,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(sanitize::clean(&help.into()).into_owned());
        self
    }

    pub fn with_label(mut self, span: SourceSpan, label: impl Into<String>) -> Self {
        self.labels.push(LabeledSpan::new_with_span(Some(label.into()), span));
        self
    }

    /// The name of the file the error is about.
    pub fn source_name(&self) -> &str {
        self.src.name()
    }

    /// 1-based line and column of the primary label, if any.
    pub fn position(&self) -> Option<(usize, usize)> {
        let offset = self.labels.first()?.offset();
        let text: &str = self.src.inner();
        let before = text.get(..offset.min(text.len()))?;
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
        Some((line, col))
    }

    /// Turn a YAML/JSON parse error into a diagnostic at the position the parser reports.
    pub fn from_yaml(src: &Source, err: &serde_saphyr::Error) -> Self {
        let span = err.location().map(|l| span_of(src, &l));
        let message = yaml_message(err);
        // YAML indents with spaces only; a tab is the usual reason for an indentation error.
        let help = message
            .contains("tabs")
            .then_some("YAML indents with spaces: replace the tab with spaces (two per level)");
        match (span, help) {
            (Some(span), Some(help)) => SourceError::at(src, span, message, "a tab").with_help(help),
            (Some(span), None) => SourceError::at(src, span, message, "here"),
            (None, help) => SourceError::whole(src.clone(), message, help.map(str::to_string)),
        }
    }

    pub fn from_toml(src: &Source, err: &toml::de::Error) -> Self {
        let message = err.message().to_string();
        match err.span() {
            Some(r) => SourceError::at(src, (r.start, r.end.saturating_sub(r.start)).into(), message, "here"),
            None => SourceError::whole(src.clone(), message, None),
        }
    }
}

/// serde-saphyr appends the location to some messages; we show it as a label instead.
fn yaml_message(err: &serde_saphyr::Error) -> String {
    let text = err.to_string();
    let first = text.lines().next().unwrap_or("invalid input").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let first = match first.find(" at line ") {
        Some(i) => &first[..i],
        None => first,
    };
    // Budget breaches are reported in the parser's own terms; say what they mean.
    if first.starts_with("budget breached: Depth") {
        return "the input nests deeper than 64 levels".to_string();
    }
    if first.starts_with("budget breached: Documents") {
        return "the input holds more than one YAML document (`---`); a profile or grants file is one document"
            .to_string();
    }
    if let Some(rest) = first.strip_prefix("budget breached: ") {
        return format!("the input is too large or too repetitive to parse safely ({rest})");
    }
    first.to_string()
}

/// The byte span of a serde-saphyr location in `src`.
pub fn span_of(src: &Source, loc: &serde_saphyr::Location) -> SourceSpan {
    let span = loc.span();
    if let (Some(off), Some(len)) = (span.byte_offset(), span.byte_len()) {
        return (off as usize, len as usize).into();
    }
    // Fall back to line/column (1-based, in characters).
    let (line, col) = (loc.line() as usize, loc.column() as usize);
    if line == 0 {
        return (0, 0).into();
    }
    match src.line_starts().get(line - 1) {
        Some(&start) => {
            let rest = src.text.get(start..).unwrap_or("");
            let col_bytes: usize = rest
                .chars()
                .take_while(|&c| c != '\n')
                .take(col.saturating_sub(1))
                .map(char::len_utf8)
                .sum();
            (start + col_bytes, 0).into()
        }
        None => (src.text.len(), 0).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_counting_newlines() {
        let src = Source::new("t", "a\nbb\n\nccc\n");
        for offset in 0..=src.text.len() + 3 {
            let counted = src.text.as_bytes()[..offset.min(src.text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            assert_eq!(src.line_of(offset), counted, "offset {offset}");
        }
        assert_eq!(src.position_of(3), (2, 2));
        assert_eq!(Source::new("e", "").line_of(0), 1);
    }
}
