//! `--format csv`: one row per finding, for spreadsheets (DESIGN.md section 8). RFC 4180
//! as the `csv` crate writes it: CRLF line ends, a field quoted when it holds a comma, a
//! quote or a line break, quotes doubled. Written as results arrive, the header once.
//!
//! A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula, so text
//! from outside (credential names, profile ids) that starts so gets a leading `'`, as
//! OWASP's advice on CSV injection has it; the catalog's words never do.

use std::borrow::Cow;
use std::io::Write;

use ::csv::{Terminator, WriterBuilder};

use crate::check::CheckResult;
use crate::input::clock::rfc3339;

/// The header row, the contract of DESIGN.md section 8.
pub const HEADER: [&str; 11] = [
    "credential",
    "profiles",
    "kind",
    "permission",
    "risk",
    "fails",
    "waived",
    "approximate",
    "labels",
    "grants_source",
    "read_at",
];

/// How list fields (profiles, labels) are joined in one cell.
const LIST_SEPARATOR: &str = "; ";

fn writer(out: &mut dyn Write) -> ::csv::Writer<&mut dyn Write> {
    WriterBuilder::new()
        .has_headers(false)
        .terminator(Terminator::CRLF)
        .from_writer(out)
}

fn io(e: ::csv::Error) -> std::io::Error {
    match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

/// The header, before the first row.
pub fn render_header(out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = writer(out);
    w.write_record(HEADER).map_err(io)?;
    w.flush()
}

/// One row per finding of one result. A result without findings has no row.
pub fn render_one(r: &CheckResult, out: &mut dyn Write) -> std::io::Result<()> {
    let mut w = writer(out);
    let credential = spreadsheet_safe(&r.credential);
    let profiles = r
        .profiles
        .iter()
        .map(|p| spreadsheet_safe(p))
        .collect::<Vec<_>>()
        .join(LIST_SEPARATOR);
    let read_at = rfc3339(r.read_at);
    for f in &r.findings {
        let labels = f.labels.join(LIST_SEPARATOR);
        w.write_record([
            credential.as_ref(),
            profiles.as_str(),
            f.kind.id(),
            f.permission.map(|p| p.id()).unwrap_or(""),
            f.risk.map(|r| r.as_str()).unwrap_or(""),
            bool_word(f.fails),
            bool_word(f.waived),
            bool_word(f.approximate),
            labels.as_str(),
            r.grants_source.as_str(),
            read_at.as_str(),
        ])
        .map_err(io)?;
    }
    w.flush()
}

fn bool_word(b: bool) -> &'static str {
    if b { "true" } else { "false" }
}

/// `text`, with a `'` before it when a spreadsheet would take it for a formula.
fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_defused_and_other_text_is_kept() {
        for (text, want) in [
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("seekout-prod", "seekout-prod"),
            ("a=b", "a=b"),
            ("", ""),
        ] {
            assert_eq!(spreadsheet_safe(text), want, "{text}");
        }
    }
}
