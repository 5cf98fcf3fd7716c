//! `--format html`: one self-contained file for a security review (DESIGN.md section 8).
//!
//! It opens with the verdict counts and a heatmap (a row per credential, a column per data
//! class, each cell the worst excess risk there with its count in words), then one section
//! per credential: where and when its grants were read, its missing and excess grants in
//! tables sortable by risk, the fix-it checklist, its waivers and every other finding.
//!
//! The page loads nothing: the style sheet and the one small script are inline, and a
//! Content-Security-Policy allows that script by its hash and nothing from anywhere else.
//! Every value is written through askama's HTML escaping (templates/report.html), so a
//! credential called `<script>` is text. Without the script the tables are already in
//! descending order of risk; the script only re-sorts them.
//!
//! The page renders results only; it derives no finding of its own.

use askama::Template;
use base64::Engine as _;

use super::checklist::{self, Action};
use super::finding_message;
use super::words::{DATA_CLASSES, class_word, effect_word};
use crate::catalog::{DataClass, Perm, Risk};
use crate::check::{CheckResult, Verdict};
use crate::finding::{Finding, Kind};
use crate::input::clock::rfc3339;

/// The style sheet, inline.
const STYLE: &str = include_str!("../../templates/report.css");
/// The one script: sorts tables. Allowed by its hash, not by `'unsafe-inline'`.
const SCRIPT: &str = include_str!("../../templates/report.js");

/// The policy the page declares: nothing from anywhere; inline style, images from `data:`
/// (the icon) and the one script whose hash is given.
pub fn content_security_policy() -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, SCRIPT.as_bytes());
    let hash = base64::engine::general_purpose::STANDARD.encode(digest.as_ref());
    format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{hash}'; \
         base-uri 'none'; form-action 'none'"
    )
}

pub fn render(results: &[CheckResult], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let page = Page::of(results);
    let html = page.render().map_err(std::io::Error::other)?;
    out.write_all(html.as_bytes())?;
    writeln!(out)
}

/// A risk as the page shows it: its word, the CSS class that colours it and the key the
/// script sorts by.
#[derive(Debug, Clone, Copy)]
struct RiskView {
    word: &'static str,
    key: u8,
}

impl RiskView {
    fn of(risk: Option<Risk>) -> RiskView {
        match risk {
            Some(r) => RiskView {
                word: r.as_str(),
                key: rank(r),
            },
            None => RiskView { word: "", key: 0 },
        }
    }
}

fn rank(r: Risk) -> u8 {
    match r {
        Risk::Low => 1,
        Risk::Medium => 2,
        Risk::High => 3,
        Risk::Critical => 4,
    }
}

struct VerdictView {
    word: &'static str,
    class: &'static str,
    /// Sort key: what needs attention first sorts highest.
    key: u8,
}

impl VerdictView {
    fn of(v: Verdict) -> VerdictView {
        match v {
            Verdict::Pass => VerdictView {
                word: "PASS",
                class: "pass",
                key: 1,
            },
            Verdict::Fail => VerdictView {
                word: "FAIL",
                class: "fail",
                key: 2,
            },
            Verdict::Error => VerdictView {
                word: "ERROR",
                class: "error",
                key: 3,
            },
        }
    }
}

#[derive(Template)]
#[template(path = "report.html")]
struct Page<'a> {
    title: String,
    csp: String,
    style: &'static str,
    script: &'static str,
    version: &'static str,
    counts: Counts,
    bar: Vec<BarPart>,
    read: String,
    open_by_risk: Vec<(usize, &'static str)>,
    classes: Vec<&'static str>,
    heat: Vec<HeatRow<'a>>,
    sections: Vec<Section<'a>>,
}

#[derive(Default)]
struct Counts {
    total: usize,
    pass: usize,
    fail: usize,
    error: usize,
    missing: usize,
    excess: usize,
    waived: usize,
}

/// One part of the verdict bar (an inline SVG), in per cent of its width.
struct BarPart {
    class: &'static str,
    x: String,
    width: String,
    label: String,
}

struct HeatRow<'a> {
    anchor: String,
    /// Where a cell leads: the excess table, or the section when there is none.
    cell_target: String,
    name: &'a str,
    verdict: VerdictView,
    missing: usize,
    /// Why there is nothing to show per data class (the credential could not be checked,
    /// or its grants are unknown).
    blank: Option<String>,
    cells: Vec<HeatCell>,
}

/// The excess grants of one credential in one data class.
struct HeatCell {
    class_word: &'static str,
    /// The worst risk of the grants no waiver keeps, and how many have it.
    worst: Option<(RiskView, usize)>,
    /// The other grants no waiver keeps (of lower risk).
    lower: usize,
    waived: usize,
    /// Granted v1 permissions with no v3 equivalent in this class.
    unknown: usize,
    key: u32,
}

impl HeatCell {
    fn of(r: &CheckResult, class: DataClass) -> HeatCell {
        let in_class = |f: &&Finding| f.permission.is_some_and(|p: Perm| p.data_class() == class);
        let mut open: Vec<Risk> = Vec::new();
        let (mut waived, mut unknown) = (0, 0);
        for f in r.findings.iter().filter(in_class) {
            match f.kind {
                Kind::Excess if f.waived => waived += 1,
                Kind::Excess => open.extend(f.risk),
                Kind::UnknownGrant => unknown += 1,
                _ => {}
            }
        }
        let worst = open.iter().max().map(|&w| {
            let n = open.iter().filter(|&&r| r == w).count();
            (RiskView::of(Some(w)), n)
        });
        let lower = open.len() - worst.as_ref().map_or(0, |w| w.1);
        let key = worst
            .as_ref()
            .map_or(0, |(risk, n)| u32::from(risk.key) * 10_000 + (*n as u32).min(9_999));
        HeatCell {
            class_word: class_word(class),
            worst,
            lower,
            waived,
            unknown,
            key,
        }
    }

    /// The cell in words, for its tooltip and for screen readers.
    fn title(&self) -> String {
        let mut parts = Vec::new();
        match &self.worst {
            Some((risk, n)) => parts.push(format!(
                "{n} {} excess {} of {}",
                risk.word,
                if *n == 1 { "grant" } else { "grants" },
                self.class_word
            )),
            None => parts.push(format!("no excess grant of {}", self.class_word)),
        }
        if self.lower > 0 {
            parts.push(format!("{} more of lower risk", self.lower));
        }
        if self.waived > 0 {
            parts.push(format!("{} waived", self.waived));
        }
        if self.unknown > 0 {
            parts.push(format!("{} unknown (no v3 equivalent)", self.unknown));
        }
        parts.join("; ")
    }

    /// The CSS class that colours the cell: by the worst open risk, else `none`.
    fn css(&self) -> &'static str {
        self.worst.as_ref().map_or("none", |(risk, _)| risk.word)
    }

    /// The cell's first line: "2 critical", or a dash.
    fn worst_text(&self) -> String {
        match &self.worst {
            Some((risk, n)) => format!("{n} {}", risk.word),
            None => "—".to_string(),
        }
    }

    /// The cell's further lines.
    fn extras(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.lower > 0 {
            lines.push(format!("+{} lower", self.lower));
        }
        if self.waived > 0 {
            lines.push(format!("{} waived", self.waived));
        }
        if self.unknown > 0 {
            lines.push(format!("{} unknown", self.unknown));
        }
        lines
    }
}

/// One credential's section.
struct Section<'a> {
    anchor: String,
    name: &'a str,
    verdict: VerdictView,
    profiles: &'a [String],
    grants_origin: &'a str,
    grants_source: &'static str,
    read_at: String,
    space: &'static str,
    summary: &'a crate::check::Summary,
    caveats: &'a [String],
    /// The usage evidence the result was checked with, in words; `None` without any.
    evidence: Option<Vec<String>>,
    notices: Vec<Notice>,
    missing: Vec<PermRow>,
    excess: Vec<PermRow>,
    others: Vec<OtherRow>,
    waivers: Vec<WaiverRow>,
    screen: &'static str,
    checklist: Vec<(&'static str, Vec<StepView>)>,
    blockers: Vec<String>,
}

/// A finding about the credential as a whole.
struct Notice {
    level: &'static str,
    kind: &'static str,
    fails: bool,
    message: String,
}

/// A missing or excess grant.
struct PermRow {
    risk: RiskView,
    id: &'static str,
    group: &'static str,
    label: &'static str,
    /// Labels the profile or grants used, when they are not the screen's own.
    asked_as: Vec<&'static str>,
    /// Missing: the profiles that need it.
    profiles: String,
    exposes: String,
    fails: &'static str,
    approximate: bool,
    waived: bool,
    /// What the usage evidence says of it (only when the result has evidence).
    usage: String,
    /// Sort key of the usage: calls seen, `-1` for none known.
    usage_key: i64,
}

/// Any other finding about one permission.
struct OtherRow {
    kind: &'static str,
    level: &'static str,
    fails: bool,
    risk: RiskView,
    id: &'static str,
    screen: String,
    message: String,
}

struct WaiverRow {
    id: &'static str,
    status: &'static str,
    status_class: &'static str,
    expires: String,
    text: String,
}

struct StepView {
    tick: bool,
    label: &'static str,
    id: &'static str,
    risk: RiskView,
    approximate: bool,
}

impl<'a> Page<'a> {
    fn of(results: &'a [CheckResult]) -> Page<'a> {
        let mut counts = Counts {
            total: results.len(),
            ..Counts::default()
        };
        let mut open = [0usize; 4];
        for r in results {
            match r.verdict {
                Verdict::Pass => counts.pass += 1,
                Verdict::Fail => counts.fail += 1,
                Verdict::Error => counts.error += 1,
            }
            counts.missing += r.summary.missing;
            counts.excess += r.summary.excess;
            counts.waived += r.summary.waived;
            for f in r.findings.iter().filter(|f| f.kind == Kind::Excess && !f.waived) {
                if let Some(risk) = f.risk {
                    open[usize::from(rank(risk)) - 1] += 1;
                }
            }
        }
        let open_by_risk = Risk::ALL
            .iter()
            .rev()
            .map(|&r| (open[usize::from(rank(r)) - 1], r.as_str()))
            .filter(|(n, _)| *n > 0)
            .collect();
        let anchor = |i: usize| format!("credential-{}", i + 1);
        Page {
            title: format!(
                "grantlint security review · {}",
                crate::check::usage::counted(results.len(), "credential")
            ),
            csp: content_security_policy(),
            style: STYLE,
            script: SCRIPT,
            version: env!("CARGO_PKG_VERSION"),
            bar: bar(&counts),
            read: read_span(results),
            open_by_risk,
            counts,
            classes: DATA_CLASSES.iter().map(|&c| class_word(c)).collect(),
            heat: results
                .iter()
                .enumerate()
                .map(|(i, r)| heat_row(anchor(i), r))
                .collect(),
            sections: results.iter().enumerate().map(|(i, r)| section(anchor(i), r)).collect(),
        }
    }
}

/// When the grants were read: one time, or the first and the last.
fn read_span(results: &[CheckResult]) -> String {
    let first = results.iter().map(|r| r.read_at).min();
    let last = results.iter().map(|r| r.read_at).max();
    match (first, last) {
        (Some(a), Some(b)) if a == b => format!("at {}", rfc3339(a)),
        (Some(a), Some(b)) => format!("between {} and {}", rfc3339(a), rfc3339(b)),
        _ => "never: no credential in this run".into(),
    }
}

fn bar(c: &Counts) -> Vec<BarPart> {
    let mut parts = Vec::new();
    if c.total == 0 {
        return parts;
    }
    let mut x = 0.0;
    for (n, class, word) in [
        (c.fail, "fail", "fail"),
        (c.error, "error", "could not be checked"),
        (c.pass, "pass", "pass"),
    ] {
        if n == 0 {
            continue;
        }
        let width = n as f64 * 100.0 / c.total as f64;
        parts.push(BarPart {
            class,
            x: format!("{x:.3}"),
            width: format!("{width:.3}"),
            label: format!("{n} {word}"),
        });
        x += width;
    }
    parts
}

fn heat_row(anchor: String, r: &CheckResult) -> HeatRow<'_> {
    let blank = if r.verdict == Verdict::Error {
        Some(format!("could not be checked: {}", first_line(r)))
    } else if r.findings.iter().any(|f| f.kind == Kind::GrantsUnknown) {
        Some("grants unknown: nothing can be said about excess".to_string())
    } else {
        None
    };
    let cell_target = if r.findings.iter().any(|f| f.kind == Kind::Excess) {
        format!("{anchor}-excess")
    } else {
        anchor.clone()
    };
    HeatRow {
        anchor,
        cell_target,
        name: &r.credential,
        verdict: VerdictView::of(r.verdict),
        missing: r.summary.missing,
        cells: if blank.is_some() {
            Vec::new()
        } else {
            DATA_CLASSES.iter().map(|&c| HeatCell::of(r, c)).collect()
        },
        blank,
    }
}

/// The first line of why a credential could not be checked.
fn first_line(r: &CheckResult) -> String {
    let why = r.failure.as_ref().map(|f| f.summary()).unwrap_or_default();
    why.lines().next().unwrap_or("").to_string()
}

fn section(anchor: String, r: &CheckResult) -> Section<'_> {
    let perm_row = |f: &Finding, perm: Perm| PermRow {
        risk: RiskView::of(f.risk),
        id: perm.id(),
        group: perm.group(),
        label: perm.label(),
        asked_as: f.labels.iter().copied().filter(|l| *l != perm.label()).collect(),
        profiles: f.profiles.join(", "),
        exposes: format!("{} · {}", effect_word(perm.effect()), class_word(perm.data_class())),
        fails: if f.waived {
            "waived"
        } else if f.fails {
            "yes"
        } else {
            "no"
        },
        approximate: f.approximate,
        waived: f.waived,
        usage: f.usage.as_ref().map(super::usage_words).unwrap_or_else(|| "—".into()),
        usage_key: f
            .usage
            .as_ref()
            .map_or(-1, |u| i64::try_from(u.count).unwrap_or(i64::MAX)),
    };
    let mut missing = Vec::new();
    let mut excess = Vec::new();
    let mut others = Vec::new();
    let mut waivers = Vec::new();
    let mut notices = Vec::new();
    for f in &r.findings {
        let Some(perm) = f.permission else {
            notices.push(Notice {
                level: f.level.as_str(),
                kind: f.kind.id(),
                fails: f.fails && !f.waived,
                message: finding_message(r, f).into_owned(),
            });
            continue;
        };
        if f.waived {
            waivers.push(WaiverRow {
                id: perm.id(),
                status: "in force",
                status_class: "waived",
                expires: expiry(f),
                text: format!(
                    "waives the {} finding: {}",
                    f.kind.id(),
                    f.waiver_reason.as_deref().unwrap_or("")
                ),
            });
        }
        match f.kind {
            Kind::Missing => missing.push(perm_row(f, perm)),
            Kind::Excess => excess.push(perm_row(f, perm)),
            Kind::ExpiredWaiver | Kind::UnusedWaiver => {
                let expired = f.kind == Kind::ExpiredWaiver;
                waivers.push(WaiverRow {
                    id: perm.id(),
                    status: if expired { "expired" } else { "unused" },
                    status_class: if expired { "fail" } else { "note" },
                    expires: expiry(f),
                    text: finding_message(r, f).into_owned(),
                });
            }
            _ => others.push(OtherRow {
                kind: f.kind.id(),
                level: f.level.as_str(),
                fails: f.fails && !f.waived,
                risk: RiskView::of(f.risk),
                id: perm.id(),
                screen: super::words::screen_label(perm),
                message: finding_message(r, f).into_owned(),
            }),
        }
    }
    let steps = checklist::steps(r)
        .into_iter()
        .map(|(group, steps)| {
            (
                group,
                steps
                    .into_iter()
                    .map(|s| StepView {
                        tick: s.action == Action::Tick,
                        label: s.perm.label(),
                        id: s.perm.id(),
                        risk: RiskView::of(s.finding.risk),
                        approximate: s.finding.approximate,
                    })
                    .collect(),
            )
        })
        .collect();
    Section {
        anchor,
        name: &r.credential,
        verdict: VerdictView::of(r.verdict),
        profiles: &r.profiles,
        grants_origin: &r.grants_origin,
        grants_source: r.grants_source.as_str(),
        read_at: rfc3339(r.read_at),
        space: r.space.as_str(),
        summary: &r.summary,
        caveats: &r.caveats,
        evidence: r.usage.as_deref().map(evidence_words),
        notices,
        missing,
        excess,
        others,
        waivers,
        screen: checklist::screen(r.space),
        checklist: steps,
        blockers: checklist::blockers(r)
            .map(|f| finding_message(r, f).into_owned())
            .collect(),
    }
}

/// Each source of usage evidence in a few words: its name, kind, time range and requests.
fn evidence_words(u: &crate::check::usage::Usage) -> Vec<String> {
    u.sources
        .iter()
        .map(|src| {
            let range = src
                .covers
                .map(|(a, b)| format!(", {} to {}", rfc3339(a), rfc3339(b)))
                .unwrap_or_default();
            format!(
                "{} ({}{range}; {}, {} matched)",
                src.name,
                src.kind.as_str(),
                crate::check::usage::counted(src.requests, "request"),
                src.matched
            )
        })
        .collect()
}

fn expiry(f: &Finding) -> String {
    match f.waiver_expires {
        Some(d) => d.to_string(),
        None => "no expiry".into(),
    }
}

impl Section<'_> {
    fn checklist_has_approx(&self) -> bool {
        self.checklist
            .iter()
            .flat_map(|(_, steps)| steps)
            .any(|s| s.approximate)
    }
}
