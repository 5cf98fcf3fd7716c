//! The human format: a table of findings, missing first, then excess by descending risk,
//! each permission with its Greenhouse label beside it, and a summary line.

use std::io::Write;

use super::grid::{Field, Fit, Grid, Tone};
use super::words::{class_word, effect_word, fill, screen_label_parts, whole};
use super::{Style, finding_message};
use crate::catalog::{Api, Perm, Risk};
use crate::check::{CheckResult, Verdict};
use crate::finding::{Finding, Kind, Level};
use crate::input::clock::rfc3339;

/// A risk as a cell, coloured by how bad it is; `inferred` for a scope new in a
/// `--catalog-spec` spec.
pub fn risk_field(risk: Option<Risk>, inferred: bool) -> Field {
    match risk {
        None => Field::default(),
        Some(r) => Field::new(if inferred {
            format!("{r} (inferred)")
        } else {
            r.to_string()
        })
        .tone(match r {
            Risk::Critical => Tone::RedBold,
            Risk::High => Tone::Red,
            Risk::Medium => Tone::Yellow,
            Risk::Low => Tone::Plain,
        }),
    }
}

fn status(f: &Finding) -> Field {
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
    if f.waived {
        Field::new(format!("waived {}", f.kind.id())).tone(Tone::Grey)
    } else if f.fails {
        Field::new(text).tone(Tone::RedBold)
    } else {
        Field::new(text).tone(Tone::Yellow)
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
                    let labels: Vec<String> = f.labels.iter().map(|l| whole(l)).collect();
                    parts.push(format!("{}{}", whole("for "), labels.join("; ")));
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
    let w = style.text_width;
    writeln!(
        out,
        "{} {} against {}",
        style.bold("credential"),
        style.bold(&r.credential),
        fill(&r.profiles.join(" + "), w.saturating_sub(12 + r.credential.len()), 2)
    )?;
    let grants = format!(
        "grants: {} ({}, read {}) · compared in {} space",
        r.grants_origin,
        r.grants_source.as_str(),
        rfc3339(r.read_at),
        r.space.as_str()
    );
    writeln!(out, "{}", style.dim(&fill(&grants, w, 2)))?;
    for c in &r.caveats {
        writeln!(out, "{}", style.yellow(&fill(&format!("caveat: {c}"), w, 2)))?;
    }
    let credential_level = |f: &&Finding| f.permission.is_none() || f.kind == Kind::UnusedOptional;
    // What makes the whole comparison moot comes first; notes come last.
    for f in r.findings.iter().filter(credential_level).filter(|f| f.fails) {
        let tag = format!("{}[{}]", f.level.as_str(), f.kind.id());
        let text = fill(&format!("{tag}: {}", finding_message(r, f)), w, 2);
        let rest = text.strip_prefix(tag.as_str()).unwrap_or(&text);
        writeln!(out, "{}{rest}", style.red(&tag))?;
    }
    let rows: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| f.permission.is_some() && f.kind != Kind::UnusedOptional)
        .collect();
    if !rows.is_empty() {
        let mut t = Grid::new(
            style,
            &[
                ("Status", Fit::Whole),
                ("Risk", Fit::Under),
                ("Permission", Fit::Whole),
                ("Greenhouse screen", Fit::Under),
                ("Why", Fit::Prose),
            ],
        );
        for f in &rows {
            let Some(perm) = f.permission else { continue };
            t.add_row(vec![
                status(f),
                risk_field(f.risk, perm.risk_inferred()),
                Field::new(perm.id()),
                Field::new(screen_label_parts(perm)),
                Field::new(why(f, r.space)),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for f in r.findings.iter().filter(credential_level).filter(|f| !f.fails) {
        let tag = format!("{}[{}]", f.level.as_str(), f.kind.id());
        let text = fill(&format!("{tag}: {}", finding_message(r, f)), w, 2);
        let rest = text.strip_prefix(tag.as_str()).unwrap_or(&text);
        let tag = if f.level == Level::Note {
            style.dim(&tag)
        } else {
            style.yellow(&tag)
        };
        writeln!(out, "{tag}{rest}")?;
    }
    writeln!(out, "{}", fill(&summary_line(r, style, true), w, 2))
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
