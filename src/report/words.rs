//! The words reports use for catalog values.

use crate::catalog::{DataClass, Effect, Perm};

/// A no-break space: [`wrap`] never breaks a line there, and prints it as a space.
const KEEP: char = '\u{a0}';

/// `text` (a permission string: a scope, a label, `METHOD /path`) that [`wrap`] keeps on one line.
pub fn whole(text: &str) -> String {
    text.replace(' ', &KEEP.to_string())
}

/// Whether `text` marks its own whole parts with [`whole`].
pub fn has_keep(text: &str) -> bool {
    text.contains(KEEP)
}

/// `text` with [`whole`]'s marks printed as the spaces they stand for.
pub fn unkeep(text: &str) -> String {
    text.replace(KEEP, " ")
}

/// Display width of `text` in terminal columns.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` wrapped at spaces into lines of at most `width` columns; its own line breaks are
/// kept; a word longer than `width` (a path, a [`whole`] permission string) stays whole on a
/// line of its own rather than being cut.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    wrap_indented(text, width, "")
}

fn wrap_indented(text: &str, width: usize, indent: &str) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1))
        .break_words(false)
        .subsequent_indent(indent)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|line| line.replace(KEEP, " "))
        .collect()
}

/// A paragraph wrapped to `width`, its later lines indented by `indent` columns. A text of
/// several lines (a drawn diagnostic) is left as it is.
pub fn fill(text: &str, width: usize, indent: usize) -> String {
    if text.contains('\n') {
        return text.to_string();
    }
    wrap_indented(text, width, &" ".repeat(indent)).join("\n")
}

/// `text` wrapped after a first-line prefix `indent` columns wide, later lines indented as far.
pub fn wrap_hanging(text: &str, width: usize, indent: usize) -> String {
    let pad = format!("\n{}", " ".repeat(indent));
    // At least 10 columns of text, or the words would be cut to nothing.
    wrap(text, width.saturating_sub(indent).max(10)).join(&pad)
}

/// `tag` and `rest` filled as one paragraph, the tag then painted (`painted` is `tag` in colour).
pub fn fill_tagged(tag: &str, painted: &str, rest: &str, width: usize, indent: usize) -> String {
    let text = fill(&format!("{tag}{rest}"), width, indent);
    match text.strip_prefix(tag) {
        Some(after) => format!("{painted}{after}"),
        None => text,
    }
}

/// "Group › label" as Greenhouse's screen shows the permission.
pub fn screen_label(perm: Perm) -> String {
    format!("{} › {}", perm.group(), perm.label())
}

/// [`screen_label`] with group and label each kept whole by [`wrap`]: a line may break after the ›.
pub fn screen_label_parts(perm: Perm) -> String {
    format!("{} › {}", whole(perm.group()), whole(perm.label()))
}

/// Every data class, in the order of DESIGN.md section 4 "Risk": from reference data to
/// what exposes people most and what runs the system.
pub const DATA_CLASSES: [DataClass; 8] = [
    DataClass::Reference,
    DataClass::Jobs,
    DataClass::Candidate,
    DataClass::Sensitive,
    DataClass::Compensation,
    DataClass::Feedback,
    DataClass::UserAdmin,
    DataClass::System,
];

pub fn effect_word(e: Effect) -> &'static str {
    match e {
        Effect::Read => "read",
        Effect::Write => "write",
        Effect::Destroy => "destroy",
    }
}

pub fn class_word(c: DataClass) -> &'static str {
    use DataClass as C;
    match c {
        C::Reference => "reference data",
        C::Jobs => "jobs",
        C::Candidate => "candidate PII",
        C::Sensitive => "EEOC / demographics",
        C::Compensation => "offers / compensation",
        C::Feedback => "interview feedback",
        C::UserAdmin => "user administration",
        C::System => "system",
    }
}
