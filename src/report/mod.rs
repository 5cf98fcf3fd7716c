//! Output formats. Each renders findings (or catalog and profile data) to a writer and
//! knows nothing of how they were made.

pub mod checklist;
pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use std::io::IsTerminal;

/// Whether to colour output.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
}

impl Style {
    /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
    pub fn detect(choice: ColorChoice) -> Style {
        Self::for_stream(choice, std::io::stdout().is_terminal())
    }

    /// The same rule for diagnostics on stderr.
    pub fn detect_stderr(choice: ColorChoice) -> Style {
        Self::for_stream(choice, std::io::stderr().is_terminal())
    }

    fn for_stream(choice: ColorChoice, terminal: bool) -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && terminal,
        };
        Style { color }
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

/// Width for diagnostics: `COLUMNS`, else unwrapped when not on a terminal (so a message
/// stays on one line for grep and CI logs), else 100.
pub fn diagnostic_width() -> usize {
    match std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&w| w >= 40)
    {
        Some(w) => w,
        None if std::io::stderr().is_terminal() => 100,
        None => 1_000,
    }
}

/// Width for tables: the terminal's `COLUMNS` when set, else 120.
pub fn width() -> u16 {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&w| w >= 40)
        .unwrap_or(120)
}
