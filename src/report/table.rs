//! The human format: a table of findings, missing first, then excess by descending risk,
//! each permission with its Greenhouse label beside it, and a summary line.

use std::io::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::words::{class_word, effect_word, screen_label};
use super::{Style, finding_message};
use crate::catalog::{Api, Perm, Risk};
use crate::check::{CheckResult, Verdict};
use crate::finding::{Finding, Kind, Level};
use crate::input::clock::rfc3339;

pub fn new_table(style: Style, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(style.width);
    if !style.color {
        t.force_no_tty();
    } else {
        t.enforce_styling();
    }
    t.set_header(header.iter().map(|h| Cell::new(h).add_attribute(Attribute::Bold)));
    t
}

/// A finding's risk, coloured; `inferred` for a scope new in a `--catalog-spec` spec.
fn risk_cell(risk: Option<Risk>, inferred: bool) -> Cell {
    match risk {
        None => Cell::new(""),
        Some(r) => {
            let c = Cell::new(if inferred {
                format!("{r} (inferred)")
            } else {
                r.to_string()
            });
            match r {
                Risk::Critical => c.fg(Color::Red).add_attribute(Attribute::Bold),
                Risk::High => c.fg(Color::Red),
                Risk::Medium => c.fg(Color::Yellow),
                Risk::Low => c,
            }
        }
    }
}

fn status(f: &Finding) -> Cell {
    let text = match f.kind {
        Kind::Missing => "MISSING",
        Kind::Excess => "EXCESS",
        Kind::UnknownGrant => "UNKNOWN",
        Kind::UnmappedRequirement => "UNKNOWN",
        Kind::UnusedOptional => "optional",
        Kind::ProbeDisagrees | Kind::ProbeInconclusive => "PROBE",
        Kind::ApproximateMatch => "granted ≈",
        _ => f.kind.id(),
    };
    let c = if f.waived {
        Cell::new(format!("waived {}", f.kind.id()))
    } else {
        Cell::new(text)
    };
    if f.waived {
        c.fg(Color::DarkGrey)
    } else if f.fails {
        c.fg(Color::Red).add_attribute(Attribute::Bold)
    } else {
        c.fg(Color::Yellow)
    }
}

/// A waiver's reason and expiry, as a table cell says them.
fn waiver_words(f: &Finding) -> Option<String> {
    let reason = f.waiver_reason.as_deref()?;
    Some(match (f.kind, f.waiver_expires) {
        (Kind::ExpiredWaiver, Some(d)) => format!("expired {d}: {reason}"),
        (Kind::UnusedWaiver, _) => format!("matches nothing: {reason}"),
        (_, Some(d)) => format!("waived until {d}: {reason}"),
        (_, None) => format!("waived: {reason}"),
    })
}

fn why(f: &Finding, space: Api) -> String {
    if matches!(f.kind, Kind::ExpiredWaiver | Kind::UnusedWaiver) {
        return waiver_words(f).unwrap_or_default();
    }
    let mut parts = Vec::new();
    if let Some(perm) = f.permission {
        let (effect, class) = (perm.effect(), perm.data_class());
        match f.kind {
            Kind::Missing | Kind::UnusedOptional => {
                parts.push(format!("needed by {}", f.profiles.join(", ")));
                if space == Api::HarvestV3 && matches!(perm, Perm::V3(_)) && f.labels.first() != Some(&perm.label()) {
                    parts.push(format!("for {}", f.labels.join("; ")));
                }
            }
            _ => parts.push(format!("{} · {}", effect_word(effect), class_word(class))),
        }
    }
    if f.approximate {
        parts.push("≈ approximate v1→v3 mapping".into());
    }
    if f.partial_profile {
        parts.push("PARTIAL profile: may be needed".into());
    }
    if let Some(u) = &f.usage {
        parts.push(super::usage_words(u));
    }
    if f.waived {
        parts.push(waiver_words(f).unwrap_or_else(|| "waived".into()));
    }
    parts.join("\n")
}

/// One credential's table, with a blank line before it unless it is the first.
pub fn render_one(r: &CheckResult, first: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    if !first {
        writeln!(out)?;
    }
    writeln!(
        out,
        "{} {} against {}",
        style.bold("credential"),
        style.bold(&r.credential),
        r.profiles.join(" + ")
    )?;
    writeln!(
        out,
        "{}",
        style.dim(&format!(
            "grants: {} ({}, read {}) · compared in {} space",
            r.grants_origin,
            r.grants_source.as_str(),
            rfc3339(r.read_at),
            r.space.as_str()
        ))
    )?;
    for c in &r.caveats {
        writeln!(out, "{}", style.yellow(&format!("caveat: {c}")))?;
    }
    let credential_level = |f: &&Finding| f.permission.is_none() || f.kind == Kind::UnusedOptional;
    // What makes the whole comparison moot comes first; notes come last.
    for f in r.findings.iter().filter(credential_level).filter(|f| f.fails) {
        writeln!(
            out,
            "{}: {}",
            style.red(&format!("{}[{}]", f.level.as_str(), f.kind.id())),
            finding_message(r, f)
        )?;
    }
    let rows: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.permission.is_some() && f.kind != Kind::UnusedOptional)
        .collect();
    if !rows.is_empty() {
        let mut t = new_table(style, &["Status", "Risk", "Permission", "Greenhouse screen", "Why"]);
        for f in &rows {
            let Some(perm) = f.permission else { continue };
            t.add_row(vec![
                status(f),
                risk_cell(f.risk, perm.risk_inferred()),
                Cell::new(perm.id()),
                Cell::new(screen_label(perm)),
                Cell::new(why(f, r.space)),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for f in r.findings.iter().filter(credential_level).filter(|f| !f.fails) {
        let tag = format!("{}[{}]", f.level.as_str(), f.kind.id());
        let tag = if f.level == Level::Note {
            style.dim(&tag)
        } else {
            style.yellow(&tag)
        };
        writeln!(out, "{tag}: {}", finding_message(r, f))?;
    }
    writeln!(out, "{}", summary_line(r, style, true))
}

/// `--format summary`: one line per credential.
pub fn render_summary_line(r: &CheckResult, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    if r.verdict == Verdict::Error {
        let why = match &r.failure {
            Some(failure) => failure.summary(),
            None => String::new(),
        };
        let why = why.lines().next().unwrap_or("");
        writeln!(out, "{} {}: {why}", style.red("ERROR"), r.credential)
    } else {
        writeln!(out, "{} — {}", r.credential, summary_line(r, style, false))
    }
}

fn summary_line(r: &CheckResult, style: Style, hint: bool) -> String {
    let verdict = match r.verdict {
        Verdict::Pass => style.green("PASS"),
        Verdict::Fail => style.red("FAIL"),
        Verdict::Error => return format!("{}: the credential could not be checked", style.red("ERROR")),
    };
    let mut by_risk = Vec::new();
    for risk in Risk::ALL.iter().rev() {
        let n = r
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Excess && !f.waived && f.risk == Some(*risk))
            .count();
        if n > 0 {
            by_risk.push(format!("{n} {risk}"));
        }
    }
    let mut excess = if by_risk.is_empty() {
        format!("{} excess", r.summary.excess)
    } else {
        format!("{} excess ({})", r.summary.excess, by_risk.join(", "))
    };
    if r.findings.iter().any(|f| f.partial_profile) {
        excess.push_str(" against a PARTIAL profile");
    }
    let s = &r.summary;
    if s.grants_unknown {
        return format!(
            "{verdict}: grants unknown, so missing and excess are unknown · {} required",
            s.required
        );
    }
    let approximate = r.findings.iter().filter(|f| f.kind == Kind::ApproximateMatch).count();
    let approximate = if approximate > 0 {
        format!(" ({approximate} only through ≈ mappings)")
    } else {
        String::new()
    };
    let hint = if hint && s.missing + s.excess > 0 {
        " · --format checklist shows what to tick and untick"
    } else {
        ""
    };
    let usage = if r.usage.is_some() {
        let n = |k: Kind| r.findings.iter().filter(|f| f.kind == k).count();
        format!(
            " · usage: {} unused, {} used but not required, {} denied",
            n(Kind::UnusedGrant),
            n(Kind::UsedNotRequired),
            n(Kind::DeniedCall)
        )
    } else {
        String::new()
    };
    format!(
        "{verdict}: {} missing, {excess}{usage} · {} required, {} granted{approximate}, {} waived{hint}",
        s.missing, s.required, s.granted, s.waived
    )
}
