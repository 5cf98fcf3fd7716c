//! Diagnostics as miette draws them: file:line:column, the offending text, a help line.

use std::fmt;

use crate::input::sanitize::clean;

/// Width for diagnostics and prose on a stream: `COLUMNS`, else unwrapped when not on a
/// terminal (so a message stays on one line for grep and CI logs), else the terminal's width
/// (100 when it cannot be read).
pub fn width(terminal: bool, terminal_width: Option<usize>) -> usize {
    match super::columns() {
        Some(w) => w,
        None if terminal => terminal_width.unwrap_or(100),
        None => UNWRAPPED,
    }
}

/// Wide enough that miette never wraps: for diagnostics embedded in reports.
pub const UNWRAPPED: usize = 1_000;

/// A diagnostic drawn as miette's graphical handler draws it, its texts cleaned of control
/// characters (the quoted source already is; see `input::sanitize`).
pub fn render(diagnostic: &dyn miette::Diagnostic, color: bool, width: usize) -> String {
    let diagnostic = &Clean(diagnostic);
    let theme = if color {
        miette::GraphicalTheme::unicode()
    } else {
        miette::GraphicalTheme::unicode_nocolor()
    };
    let handler = miette::GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut s = String::new();
    if handler.render_report(&mut s, diagnostic).is_err() {
        s = diagnostic.to_string();
    }
    s
}

/// A diagnostic whose message, help and related diagnostics reach the terminal without
/// control characters, whatever text from outside they were built from.
struct Clean<'a>(&'a dyn miette::Diagnostic);

impl fmt::Debug for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("diagnostic")
    }
}

impl fmt::Display for Clean<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&clean(&self.0.to_string()))
    }
}

impl std::error::Error for Clean<'_> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl miette::Diagnostic for Clean<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0.code()
    }
    fn severity(&self) -> Option<miette::Severity> {
        self.0.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        let help = self.0.help()?.to_string();
        Some(Box::new(clean(&help).into_owned()))
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.0.url()
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.0.source_code()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        self.0.labels()
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        self.0.related()
    }
    fn diagnostic_source(&self) -> Option<&dyn miette::Diagnostic> {
        self.0.diagnostic_source()
    }
}
