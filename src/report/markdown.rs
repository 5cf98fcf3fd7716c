//! Markdown for a PR comment or `$GITHUB_STEP_SUMMARY`: one section per credential with its
//! verdict, its findings ranked as in the table, and how many were waived.

use super::finding_message;
use super::words::screen_label;
use crate::check::{CheckResult, Verdict};
use crate::finding::Kind;
use crate::input::clock::rfc3339;

/// Text from outside (names, reasons, messages) in Markdown: one line, every character that
/// Markdown or HTML would act on escaped, so it can neither format, link, embed an image nor
/// leave its table cell.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::input::sanitize::clean_line(s).chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '(' | ')' | '#' | '+' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn cell(s: &str) -> String {
    text(s)
}

pub fn render(results: &[CheckResult], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    writeln!(
        out,
        "## grantlint: {}\n",
        crate::check::usage::counted(results.len(), "credential")
    )?;
    writeln!(
        out,
        "**{} pass · {} fail · {} could not be checked** · {} waived\n",
        count(Verdict::Pass),
        count(Verdict::Fail),
        count(Verdict::Error),
        crate::check::usage::counted(results.iter().map(|r| r.summary.waived).sum::<usize>(), "finding")
    )?;
    for r in results {
        let verdict = match r.verdict {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::Error => "ERROR",
        };
        writeln!(out, "### {} — {verdict}\n", cell(&r.credential))?;
        writeln!(
            out,
            "Profiles: {} · grants: {} ({}, read {}) · {} space\n",
            r.profiles.iter().map(|p| cell(p)).collect::<Vec<_>>().join(", "),
            cell(&r.grants_origin),
            r.grants_source.as_str(),
            rfc3339(r.read_at),
            r.space.as_str()
        )?;
        for c in &r.caveats {
            writeln!(out, "> **Caveat:** {}\n", cell(c))?;
        }
        let s = &r.summary;
        writeln!(
            out,
            "{} required · {} granted · **{} missing** · **{} excess** · {} waived\n",
            s.required, s.granted, s.missing, s.excess, s.waived
        )?;
        if r.findings.is_empty() {
            writeln!(out, "No findings.\n")?;
            continue;
        }
        writeln!(
            out,
            "| Finding | Risk | Permission | Greenhouse screen | Fails | Note |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|")?;
        for f in &r.findings {
            let perm = f.permission.map(|p| format!("`{}`", p.id())).unwrap_or_default();
            let screen = f.permission.map(|p| cell(&screen_label(p))).unwrap_or_default();
            let fails = if f.waived {
                "waived".to_string()
            } else if f.fails {
                "**yes**".to_string()
            } else {
                "no".to_string()
            };
            let mut note = Vec::new();
            if f.approximate {
                note.push("approximate v1→v3 mapping".to_string());
            }
            if f.partial_profile {
                note.push("judged against a PARTIAL profile: the partner may need it".to_string());
            }
            if let Some(reason) = &f.waiver_reason {
                match f.waiver_expires {
                    Some(d) if f.kind == Kind::ExpiredWaiver => note.push(format!("waiver expired {d}: {reason}")),
                    Some(d) => note.push(format!("waiver until {d}: {reason}")),
                    None => note.push(format!("waiver: {reason}")),
                }
            }
            if f.permission.is_none()
                || matches!(f.kind, Kind::ProbeDisagrees | Kind::ExpiredWaiver | Kind::UnusedWaiver)
            {
                note.push(finding_message(r, f).into_owned());
            }
            writeln!(
                out,
                "| {} | {} | {perm} | {screen} | {fails} | {} |",
                f.kind.id(),
                f.risk.map(|r| r.as_str()).unwrap_or(""),
                cell(&note.join("; "))
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
