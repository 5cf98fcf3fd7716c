//! Output formats. Each renders findings (or catalog, profile, diff and lint data) to a
//! writer and knows nothing of how they were made; [`emit`] writes one run's results to
//! stdout and every `--output` file.

pub mod catalog;
pub mod checklist;
pub mod ci;
pub mod csv;
pub mod diagnostic;
pub mod diff;
pub mod emit;
pub mod explain;
pub mod github;
pub mod grid;
pub mod html;
pub mod json;
pub mod junit;
pub mod lint;
pub mod markdown;
pub mod profiles;
pub mod sarif;
pub mod settings;
pub mod table;
pub mod usage;
pub mod words;

use std::borrow::Cow;
use std::io::IsTerminal;

use crate::check::{CheckResult, Failure};
use crate::finding::{Finding, Kind};

/// How to style output: colour, and the width tables and prose fit in.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// Width tables fit in: `COLUMNS`, else the terminal's, else 120.
    pub width: u16,
    /// Width prose and diagnostics wrap at: `COLUMNS`, else the terminal's, else unwrapped
    /// (so a message stays on one line for grep and CI logs).
    pub text_width: usize,
}

impl Style {
    /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    /// Diagnostics on stdout wrap as they would on stderr.
    pub fn detect(choice: ColorChoice) -> Style {
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal().then(|| terminal_width(&stdout)).flatten();
        Self::for_stream(choice, stdout.is_terminal(), terminal)
    }

    /// The same rule for diagnostics on stderr.
    pub fn detect_stderr(choice: ColorChoice) -> Style {
        let stderr = std::io::stderr();
        let terminal = stderr.is_terminal().then(|| terminal_width(&stderr)).flatten();
        Self::for_stream(choice, stderr.is_terminal(), terminal)
    }

    /// `terminal_width`: the stream's terminal's width, when it is one.
    fn for_stream(choice: ColorChoice, terminal: bool, terminal_width: Option<usize>) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && terminal,
        };
        Style {
            color,
            width: columns()
                .or(terminal_width)
                .and_then(|w| u16::try_from(w).ok())
                .unwrap_or(120),
            text_width: diagnostic::width(terminal, terminal_width),
        }
    }

    /// No colour, the default width: for files.
    pub fn plain() -> Style {
        Style {
            color: false,
            width: 120,
            text_width: diagnostic::UNWRAPPED,
        }
    }

    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    pub fn red(&self, text: &str) -> String {
        self.paint("31;1", text)
    }
    pub fn green(&self, text: &str) -> String {
        self.paint("32;1", text)
    }
    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The report formats of `check` and `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Table,
    Json,
    /// One `grantlint.check.v1` result object per line, written as each credential finishes.
    Jsonl,
    Checklist,
    Sarif,
    Junit,
    Github,
    Markdown,
    /// One line per credential.
    Summary,
    /// A self-contained HTML security review: verdicts, a risk heatmap, each credential's
    /// findings and fix-it checklist; loads nothing from the network.
    Html,
    /// RFC 4180 CSV, one row per finding, for spreadsheets.
    Csv,
}

/// The width of the terminal a stream writes to, when it is a usable width.
fn terminal_width(stream: &impl std::os::fd::AsFd) -> Option<usize> {
    terminal_size::terminal_size_of(stream)
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w >= 40)
}

/// `COLUMNS`, when it is a usable width.
pub fn columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&w| w >= 40)
}

/// The message of a finding as reports show it: a credential that could not be checked
/// because its file is invalid shows that file's diagnostic.
pub fn finding_message<'a>(r: &'a CheckResult, f: &'a Finding) -> Cow<'a, str> {
    match (&r.failure, f.kind) {
        (Some(Failure::Input(e)), Kind::CredentialError) => Cow::Owned(
            diagnostic::render(e.as_ref(), false, diagnostic::UNWRAPPED)
                .trim_end()
                .to_string(),
        ),
        _ => f.message(),
    }
}

/// A finding's usage in a few words: `used 412x, last 2026-11-30`, `unused`, `unobservable`.
pub fn usage_words(u: &crate::finding::UsageNote) -> String {
    use crate::finding::UsageState;
    let last = u
        .last_seen
        .map(|t| format!(", last {}", crate::input::clock::utc_date(t)))
        .unwrap_or_default();
    let mut s = match u.state {
        UsageState::Used => format!("used {}x{last}", u.count),
        UsageState::Unused if u.inferred => "unused (inferred)".to_string(),
        UsageState::Unused => "unused".to_string(),
        UsageState::Unobservable => "unobservable by the evidence".to_string(),
    };
    if u.denied > 0 {
        s.push_str(&format!(", refused {}x", u.denied));
    }
    s
}

/// Where a report that points at lines (SARIF, annotations) points for a finding: its own line
/// when that is in a file the user owns; else the result's anchor (the credential's line in
/// the config, or the grants file). A built-in profile is not in the user's repository, so a
/// code-scanning alert there would show nowhere.
pub fn user_location<'a>(r: &'a CheckResult, f: &'a Finding) -> Option<&'a crate::finding::Location> {
    let own = |l: &&crate::finding::Location| !l.builtin;
    f.location
        .as_ref()
        .filter(own)
        .or_else(|| r.anchor.as_ref().filter(own))
        .or(f.location.as_ref())
        .or(r.anchor.as_ref())
}

/// ` (from the built-in profile profiles/x.yaml line 24)` when a finding's own line is in a
/// built-in profile and the report points elsewhere.
pub fn builtin_note(r: &CheckResult, f: &Finding) -> String {
    match (&f.location, user_location(r, f)) {
        (Some(own), Some(at)) if own.builtin && !at.builtin => {
            format!(" (from grantlint's built-in profile {} line {})", own.file, own.line)
        }
        _ => String::new(),
    }
}
