// Shared by build.rs (which builds the label indexes) and the library (which looks labels
// up), so both sides normalise a label in exactly the same way.

/// Normalise a permission label for loose matching.
///
/// Greenhouse and its partners write the same checkbox label in several ways
/// (reference/harvest-v1.md section 2.1): the method prefix in upper or title case
/// (`GET:` / `Get:`), straight or curly apostrophes, a space before the colon
/// (`POST : Reject Application`), no colon at all (`GET Retrieve Candidate`), and
/// varying case after the colon. Everything else (the words themselves, plurals)
/// stays strict: a different word is a different label.
pub fn normalize_label(label: &str) -> String {
    if label.is_ascii() {
        return normalize_ascii(label);
    }
    let mut words: Vec<String> = Vec::new();
    for word in label.split_whitespace() {
        let word: String = word
            .chars()
            .map(|c| match c {
                '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}' => '\'',
                c => c,
            })
            .flat_map(char::to_lowercase)
            .collect();
        words.push(word);
    }
    let mut out = words.join(" ");
    // Collapse the spacing around the first colon: "post : reject" -> "post: reject".
    if let Some(pos) = out.find(':') {
        let (head, tail) = out.split_at(pos);
        out = format!("{}: {}", head.trim_end(), tail[1..].trim_start());
    } else if let Some((first, rest)) = out.split_once(' ') {
        // "get retrieve candidate" -> "get: retrieve candidate"
        if matches!(first, "get" | "post" | "put" | "patch" | "delete") {
            out = format!("{first}: {rest}");
        }
    }
    out
}

/// The same normalisation for ASCII text, in one pass and one allocation (the common case:
/// every label in the catalog is ASCII apart from curly apostrophes).
fn normalize_ascii(label: &str) -> String {
    let mut out = String::with_capacity(label.len() + 1);
    let mut colon = false;
    for word in label.split_ascii_whitespace() {
        let word = word.as_bytes();
        let mut i = 0;
        // "post : reject" / "post :reject": a word that starts with the first colon joins the
        // previous word; the colon is followed by exactly one space.
        if !colon && word.first() == Some(&b':') && !out.is_empty() {
            out.push_str(": ");
            colon = true;
            i = 1;
            if word.len() == 1 {
                continue;
            }
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        for &b in &word[i..] {
            let c = if b == b'`' {
                '\''
            } else {
                b.to_ascii_lowercase() as char
            };
            if c == ':' && !colon {
                colon = true;
                out.push_str(": ");
                continue;
            }
            out.push(c);
        }
    }
    let trimmed_len = out.trim_end().len();
    out.truncate(trimmed_len);
    if !colon
        && let Some((first, rest)) = out.split_once(' ')
        && matches!(first, "get" | "post" | "put" | "patch" | "delete")
    {
        return format!("{first}: {rest}");
    }
    out
}
