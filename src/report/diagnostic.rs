//! Diagnostics as miette draws them: file:line:column, the offending text, a help line.

/// Width for diagnostics on a stream: `COLUMNS`, else unwrapped when not on a terminal (so a
/// message stays on one line for grep and CI logs), else 100.
pub fn width(terminal: bool) -> usize {
    match super::columns() {
        Some(w) => w,
        None if terminal => 100,
        None => UNWRAPPED,
    }
}

/// Wide enough that miette never wraps: for diagnostics embedded in reports.
pub const UNWRAPPED: usize = 1_000;

/// A diagnostic drawn as miette's graphical handler draws it.
pub fn render(diagnostic: &dyn miette::Diagnostic, color: bool, width: usize) -> String {
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
