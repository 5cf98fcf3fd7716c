//! Errors the user sees: each one knows its exit code, and input errors point into the
//! user's file (miette renders file:line:column, the offending text and a help line).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, LabeledSpan, NamedSource, SourceSpan};

/// Largest input file grantlint reads. Real profiles and grants are a few KiB; anything
/// this large is a mistake or an attack, and is refused before it is parsed.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// Longest line a diagnostic quotes; past it, the position is given in words.
const MAX_SNIPPET_LINE: usize = 400;

/// A text the user gave us, kept so diagnostics can quote it.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// Read a file, refusing huge, binary or non-UTF-8 input with a clear error.
    pub fn read(path: &Path) -> Result<Self, Error> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let meta = file.metadata().map_err(|e| Error::io(path, e))?;
        if meta.is_dir() {
            return Err(Error::Usage(format!("{name} is a directory, not a file")));
        }
        let mut bytes = Vec::new();
        use std::io::Read;
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
        Self::from_bytes(name, bytes)
    }

    pub fn from_bytes(name: String, bytes: Vec<u8>) -> Result<Self, Error> {
        if bytes.len() as u64 > MAX_INPUT_BYTES {
            return Err(Error::Input(Box::new(SourceError::whole(
                Source::new(name, ""),
                format!("input is larger than the {} MiB limit", MAX_INPUT_BYTES / 1024 / 1024),
                Some(
                    "grantlint reads profiles, grants and tokens of a few KiB; check that this is the right file"
                        .into(),
                ),
            ))));
        }
        if bytes.contains(&0) {
            return Err(Error::Input(Box::new(SourceError::whole(
                Source::new(name, ""),
                "input contains NUL bytes: this is a binary file, not YAML, JSON or TOML".into(),
                None,
            ))));
        }
        match String::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(name, text.trim_start_matches('\u{feff}').to_string())),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let line = text[..at.min(text.len())].lines().count().max(1);
                Err(Error::Input(Box::new(SourceError::whole(
                    Source::new(name, ""),
                    format!("input is not valid UTF-8 (first bad byte at offset {at}, line {line})"),
                    Some("save the file as UTF-8".into()),
                ))))
            }
        }
    }

    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(self.name.clone(), self.text.clone()).with_language("yaml")
    }

    /// The file path to cite in reports (a built-in profile is cited by its repository path).
    pub fn path(&self) -> &str {
        self.name.strip_suffix(" (built-in)").unwrap_or(&self.name)
    }

    /// 1-based line of a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        self.text.as_bytes()[..offset.min(self.text.len())]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
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
            let line = text[..offset].matches('\n').count() + 1;
            let col = text[start..offset].chars().count() + 1;
            return SourceError {
                message: format!("{message} (at {}:{line}:{col})", src.name),
                src: Source::new(src.name.clone(), "").named(),
                labels: vec![],
                help: None,
            };
        }
        SourceError {
            message,
            src: src.named(),
            labels: vec![LabeledSpan::new_primary_with_span(Some(label.into()), span)],
            help: None,
        }
    }

    /// An error about the file as a whole (no position to point at).
    pub fn whole(src: Source, message: String, help: Option<String>) -> Self {
        SourceError {
            message: format!("{}: {message}", src.name),
            src: src.named(),
            labels: vec![],
            help,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_label(mut self, span: SourceSpan, label: impl Into<String>) -> Self {
        self.labels.push(LabeledSpan::new_with_span(Some(label.into()), span));
        self
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
        match span {
            Some(span) => SourceError::at(src, span, message, "here"),
            None => SourceError::whole(src.clone(), message, None),
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
    let mut offset = 0;
    for (i, l) in src.text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col_bytes: usize = l.chars().take(col.saturating_sub(1)).map(char::len_utf8).sum();
            return (offset + col_bytes, 0).into();
        }
        offset += l.len();
    }
    (src.text.len(), 0).into()
}

/// Everything that stops a command. Each variant has one exit code (DESIGN.md section 4).
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    /// A problem in an input file.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Input(Box<SourceError>),
    /// Several problems in one file; all are shown at once.
    #[error("{} problems in {}", .0.len(), .0.first().map(|e| e.src.name()).unwrap_or("the input"))]
    Inputs(#[related] Vec<SourceError>),
    /// A wrong command line or a name that does not resolve.
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Writing results failed (a closed pipe, a full disk).
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    /// Greenhouse, the network or authentication failed.
    #[error("{message}")]
    #[diagnostic(help("{help}"))]
    Live { message: String, help: String },
}

impl Error {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn inputs(mut errors: Vec<SourceError>) -> Self {
        if errors.len() == 1 {
            Error::Input(Box::new(errors.remove(0)))
        } else {
            Error::Inputs(errors)
        }
    }

    /// 2 for anything the user can fix in their input or command line, 3 for live failures.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Live { .. } => 3,
            _ => 2,
        }
    }
}
