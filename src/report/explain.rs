//! `grantlint explain`: what a scope, a v1 permission or a finding kind means.

use super::Style;
use super::words::{class_word, effect_word, whole, wrap_hanging};
use crate::catalog::{self, Binding, LabelEvidence, Mapping, MappingBasis, Provenance, Scope, V1Permission};
use crate::finding::Kind;

/// A finding kind's registry entry.
pub fn kind_text(kind: Kind, style: Style) -> String {
    let info = kind.info();
    let w = style.text_width;
    let rest = format!(" — finding kind (default level: {})", info.level.as_str());
    let head = super::words::fill(&format!("{}{rest}", info.id), w, 2);
    let head = match head.strip_prefix(info.id) {
        Some(after) => format!("{}{after}", style.bold(info.id)),
        None => head,
    };
    format!(
        "{head}\n  {}\n  help: {}\n",
        wrap_hanging(info.description, w, 2),
        wrap_hanging(info.help, w, 8)
    )
}

/// Every finding kind, one line each: its id, default level and what it means.
pub fn kinds_text(style: Style) -> String {
    let width = Kind::ALL.iter().map(|k| k.id().len()).max().unwrap_or(0);
    let mut t = super::words::fill(
        "Finding kinds (`grantlint explain KIND` for more):",
        style.text_width,
        2,
    );
    t.push('\n');
    for kind in Kind::ALL {
        let info = kind.info();
        let head = format!("  {:<width$}  {:<7}  ", info.id, info.level.as_str());
        let indent = head.chars().count();
        // Too narrow for the description beside its kind: it goes below, indented 4.
        if style.text_width < indent + 20 {
            let body = wrap_hanging(info.description, style.text_width, 4);
            t.push_str(&format!("{}\n    {body}\n", style.bold(head.trim_end())));
        } else {
            let body = wrap_hanging(info.description, style.text_width, indent);
            t.push_str(&format!("{}{body}\n", style.bold(&head)));
        }
    }
    t
}

/// An explanation's first line, wrapped, its subject (which starts it) in bold.
fn heading(text: &str, subject: &str, style: Style) -> String {
    let text = wrap_hanging(text, style.text_width, 2);
    match text.strip_prefix(subject) {
        Some(rest) => format!("{}{rest}\n", style.bold(subject)),
        None => format!("{text}\n"),
    }
}

/// One `key: value` line of an explanation; a value continuing the key above has no key.
fn kv(t: &mut String, key: &str, value: &str, width: usize) {
    let head = if key.is_empty() {
        String::new()
    } else {
        format!("{key}:")
    };
    let head = format!("  {head:<13} ");
    let indent = head.chars().count();
    let body = wrap_hanging(value, width, indent);
    let over = format!("{head}{body}").lines().any(|l| super::words::width(l) > width);
    if over && !key.is_empty() {
        // A permission string too long to stand beside its key: the value goes below it.
        let body = wrap_hanging(value, width, 4);
        t.push_str(&format!("{}\n    {body}\n", head.trim_end()));
        return;
    }
    t.push_str(&format!("{head}{body}\n"));
}

pub fn scope_text(s: &Scope, style: Style) -> String {
    let mut t = String::new();
    let line = |t: &mut String, k: &str, v: &str| kv(t, k, v, style.text_width);
    let head = format!(
        "{} — Harvest v3 scope, \"{}\" on Manage scopes",
        s.id,
        whole(&format!("{} › {}", s.group, s.label))
    );
    t.push_str(&heading(&head, s.id, style));
    if s.operations.is_empty() {
        line(&mut t, "authorises", "no Harvest v3 operation in Greenhouse's spec");
    }
    for (i, op) in s.operations.iter().enumerate() {
        line(
            &mut t,
            if i == 0 { "authorises" } else { "" },
            &format!("{} — {}", whole(&format!("{} {}", op.method, op.path)), op.summary),
        );
    }
    line(&mut t, "effect", effect_word(s.effect));
    line(&mut t, "data class", class_word(s.data_class));
    let inferred = if s.risk_inferred() { ", inferred" } else { "" };
    line(&mut t, "risk", &format!("{} (as an excess grant{inferred})", s.risk()));
    if s.v1_equivalents.is_empty() {
        line(&mut t, "v1", "no v1/v2 permission maps to this scope (new in v3)");
    }
    for (i, &v) in s.v1_equivalents.iter().enumerate() {
        let p = catalog::v1(v);
        line(
            &mut t,
            if i == 0 { "v1" } else { "" },
            &format!("{} ({}) — {}", whole(p.label), whole(p.key), mapping_word(p)),
        );
    }
    let provenance = match s.binding {
        Binding::Spec => format!(
            "scope declared in Greenhouse's Harvest v3 OpenAPI spec; method and path from its operations; {}",
            binding_words(s.reference_mark)
        ),
        Binding::Inferred => "scope declared in Greenhouse's OpenAPI spec; what it authorises is inferred".into(),
        Binding::None => "scope declared in Greenhouse's OpenAPI spec; no operation references it".into(),
    };
    let provenance = match (catalog::spec_origin(), s.provenance) {
        (Some(spec), Provenance::Added) => format!(
            "from {spec}: new there, not in grantlint's built-in catalog; effect, data class and risk inferred by the catalog's rule"
        ),
        (Some(spec), Provenance::Spec) => format!("{provenance}; label and operations from {spec}"),
        (Some(spec), Provenance::NotInSpec) => format!(
            "grantlint's built-in catalog (reference/harvest_v3.openapi.json), but not declared by {spec}: Greenhouse may have removed it"
        ),
        _ => provenance,
    };
    line(&mut t, "provenance", &provenance);
    if !s.note.is_empty() {
        line(&mut t, "note", s.note);
    }
    t
}

fn mapping_word(p: &V1Permission) -> String {
    let basis = match p.mapping_basis {
        MappingBasis::Guide => "Greenhouse's migration guide",
        MappingBasis::Inferred => "inferred from the v1 docs and the v3 paths",
    };
    match p.mapping {
        Mapping::Equivalent => format!("equivalent ({basis})"),
        Mapping::Approximate => format!("approximate ({basis})"),
        Mapping::None => "no v3 equivalent".into(),
    }
}

pub fn v1_text(p: &V1Permission, style: Style) -> String {
    let mut t = String::new();
    let line = |t: &mut String, k: &str, v: &str| kv(t, k, v, style.text_width);
    let head = format!(
        "{} — Harvest v1/v2 permission, group \"{}\" on Manage Permissions",
        whole(p.label),
        whole(p.group)
    );
    t.push_str(&heading(&head, p.label, style));
    let endpoint = if p.path.starts_with("ui:") {
        "none documented (a legacy checkbox shown only in the UI)".to_string()
    } else {
        format!("{} {}", p.method, p.path)
    };
    line(&mut t, "endpoint", &whole(&endpoint));
    line(&mut t, "key", &whole(p.key));
    line(&mut t, "effect", effect_word(p.effect));
    line(&mut t, "data class", class_word(p.data_class));
    line(&mut t, "risk", &format!("{} (as an excess grant)", p.risk()));
    if p.on_behalf_of {
        line(
            &mut t,
            "On-Behalf-Of",
            "required (a write: the header names the acting user)",
        );
    }
    let mut spellings = vec![whole(p.label)];
    spellings.extend(p.aliases.iter().map(|a| whole(a)));
    line(
        &mut t,
        "spellings",
        &format!(
            "{} — any case of the method prefix, straight or curly apostrophes, and spacing around the colon",
            spellings.join(" | ")
        ),
    );
    let evidence = match p.label_evidence {
        LabelEvidence::Verbatim => format!(
            "label quoted verbatim on the help pages of {}",
            partner_pages(p.evidence)
        ),
        LabelEvidence::Inferred => "label inferred from the docs heading; not seen on any partner page".into(),
    };
    line(
        &mut t,
        "provenance",
        &format!("endpoint from Greenhouse's Harvest API docs (developers.greenhouse.io/harvest.html); {evidence}"),
    );
    if p.v3.is_empty() {
        line(&mut t, "v3", "no Harvest v3 equivalent");
    }
    for (i, s) in p.v3_scopes().enumerate() {
        line(
            &mut t,
            if i == 0 { "v3" } else { "" },
            &format!(
                "{} ({}, {} risk)",
                s.id,
                whole(&format!("{} › {}", s.group, s.label)),
                s.risk()
            ),
        );
    }
    line(&mut t, "mapping", &mapping_word(p));
    if !p.note.is_empty() {
        line(&mut t, "note", p.note);
    }
    t
}

/// How the hand-made v3 reference (before the spec was read in full) had bound the scope's
/// operations: its marks P, R, C (reference/harvest-v3.md section 0), in words.
fn binding_words(mark: &str) -> String {
    let words: Vec<&str> = mark
        .chars()
        .filter_map(|c| match c {
            'P' => Some("read in the spec's paths"),
            'R' => Some("transcribed from Greenhouse's v3 reference pages"),
            'C' => Some("inferred from the path naming convention"),
            _ => None,
        })
        .collect();
    if words.is_empty() {
        "no earlier source bound an operation to it".into()
    } else {
        format!("earlier sources had the binding {}", words.join(", then "))
    }
}

/// The vendors whose help pages quote a v1 label, by the codes of reference/harvest-v1.md
/// section 9 (a vendor with two pages says which).
const PARTNER_PAGES: &[(&str, &str)] = &[
    ("GEM", "Gem"),
    ("GEMS", "Gem Scheduling"),
    ("SO", "SeekOut"),
    ("PIN", "Pin"),
    ("SAP", "Sapia.ai"),
    ("OKTA", "Okta Workflows"),
    ("CFYI", "candidate.fyi"),
    ("KNIT", "Knit"),
    ("MV", "Metaview"),
    ("BH", "BrightHire"),
    ("RIP", "Rippling"),
    ("RM", "RippleMatch"),
    ("PF", "Paraform"),
    ("DG", "DataGrail (Greenhouse support)"),
    ("DGD", "DataGrail (docs)"),
    ("CYE", "Cyera"),
    ("TR", "Transcend"),
    ("TRE", "Trelica"),
    ("IS", "Interview Schedule"),
    ("CQ", "Crosschq (recruiting analytics)"),
    ("CQI", "Crosschq (Interview Agent)"),
    ("DBX", "Dropbox Sign for Greenhouse"),
    ("CC", "ClearChecks"),
    ("R2R", "RoboMQ Hire2Retire"),
    ("CH", "ChartHop"),
    ("CRO", "Cronofy"),
    ("DP", "Datapeople"),
    ("FIN", "Findem"),
    ("MRG", "Merge"),
    ("ELASTIC", "Elastic's integration docs"),
];

/// A catalog evidence list (`GEM, SO (Post: ...)`) with each partner code named as the page it
/// stands for; markdown emphasis dropped.
pub fn partner_pages(evidence: &str) -> String {
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        match PARTNER_PAGES.iter().find(|(code, _)| *code == word.as_str()) {
            Some((_, page)) => out.push_str(page),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in evidence.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            if c != '*' {
                out.push(c);
            }
        }
    }
    flush(&mut word, &mut out);
    // `CQ(group …)` becomes `Crosschq (recruiting analytics) (group …)`.
    out.replace(")(", ") (")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_evidence_code_of_the_catalog_is_named() {
        // Codes as reference/harvest-v1.md section 9 lists them, typed here by hand.
        let codes = "GEM GEMS SO PIN SAP OKTA CFYI KNIT MV BH RIP RM PF DG DGD CYE TR TRE IS CQ CQI DBX CC R2R CH CRO DP FIN MRG ELASTIC";
        for p in catalog::v1_permissions() {
            let named = partner_pages(p.evidence);
            for code in codes.split(' ') {
                let bare = named.split(|c: char| !c.is_ascii_alphanumeric()).any(|w| w == code);
                assert!(!bare, "{}: `{code}` left in {named:?}", p.label);
            }
        }
        assert_eq!(partner_pages("DG, PF"), "DataGrail (Greenhouse support), Paraform");
        assert_eq!(
            partner_pages("CQ(group 'All'), **Users**"),
            "Crosschq (recruiting analytics) (group 'All'), Users"
        );
    }
}
