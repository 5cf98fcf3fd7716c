//! GitHub workflow commands: one annotation per finding (`::error`, `::warning`,
//! `::notice`), on the file and line the finding is about. Waived findings are notices.

use super::finding_message;
use crate::check::CheckResult;
use crate::finding::Level;

/// Escape data for a workflow command (GitHub's toolkit rules).
pub(super) fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escape a workflow command's property (`file=`, `title=`).
pub(super) fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The annotations of one credential's findings.
pub fn render_one(r: &CheckResult, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    {
        for f in &r.findings {
            let command = if f.waived {
                "notice"
            } else if f.fails {
                "error"
            } else if f.level == Level::Note {
                "notice"
            } else {
                "warning"
            };
            let mut props = Vec::new();
            if let Some(at) = super::user_location(r, f) {
                props.push(format!("file={}", property(&at.file)));
                props.push(format!("line={}", at.line.max(1)));
            }
            let title = match f.permission {
                Some(p) => format!("grantlint {} {} ({})", f.kind.id(), p.id(), r.credential),
                None => format!("grantlint {} ({})", f.kind.id(), r.credential),
            };
            props.push(format!("title={}", property(&title)));
            let waived = match &f.waiver_reason {
                Some(reason) if f.waived => format!(" [waived: {reason}]"),
                _ => String::new(),
            };
            writeln!(
                out,
                "::{command} {}::{}",
                props.join(","),
                data(&format!(
                    "{}{}{waived}",
                    finding_message(r, f),
                    super::builtin_note(r, f)
                ))
            )?;
        }
    }
    Ok(())
}
