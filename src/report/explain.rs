//! `grantlint explain`: what a scope, a v1 permission or a finding kind means.

use super::Style;
use super::words::{class_word, effect_word};
use crate::catalog::{self, Binding, LabelEvidence, Mapping, MappingBasis, Provenance, Scope, V1Permission};
use crate::finding::Kind;

/// A finding kind's registry entry.
pub fn kind_text(kind: Kind, style: Style) -> String {
    let info = kind.info();
    format!(
        "{} — finding kind (default level: {})\n  {}\n  help: {}\n",
        style.bold(info.id),
        info.level.as_str(),
        info.description,
        info.help
    )
}

pub fn scope_text(s: &Scope, style: Style) -> String {
    let mut t = String::new();
    let line = |t: &mut String, k: &str, v: &str| t.push_str(&format!("  {:<13} {v}\n", format!("{k}:")));
    t.push_str(&format!(
        "{} — Harvest v3 scope, \"{} › {}\" on Manage scopes\n",
        style.bold(s.id),
        s.group,
        s.label
    ));
    if s.operations.is_empty() {
        line(&mut t, "authorises", "no Harvest v3 operation in Greenhouse's spec");
    }
    for (i, op) in s.operations.iter().enumerate() {
        line(
            &mut t,
            if i == 0 { "authorises" } else { "" },
            &format!("{} {} — {}", op.method, op.path, op.summary),
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
            &format!("{} ({}) — {}", p.label, p.key, mapping_word(p)),
        );
    }
    let provenance = match s.binding {
        Binding::Spec => format!(
            "scope declared in Greenhouse's OpenAPI spec; method + path from its operations (reference/harvest_v3.operations.tsv); earlier reference grade: {}",
            s.reference_mark
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
    let line = |t: &mut String, k: &str, v: &str| t.push_str(&format!("  {:<13} {v}\n", format!("{k}:")));
    t.push_str(&format!(
        "{} — Harvest v1/v2 permission, group \"{}\" on Manage Permissions\n",
        style.bold(p.label),
        p.group
    ));
    let endpoint = if p.path.starts_with("ui:") {
        "none documented (a legacy checkbox shown only in the UI)".to_string()
    } else {
        format!("{} {}", p.method, p.path)
    };
    line(&mut t, "endpoint", &endpoint);
    line(&mut t, "key", p.key);
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
    let mut spellings = vec![p.label];
    spellings.extend(p.aliases);
    line(
        &mut t,
        "spellings",
        &format!(
            "{} — any case of the method prefix, straight or curly apostrophes, and spacing around the colon",
            spellings.join(" | ")
        ),
    );
    let evidence = match p.label_evidence {
        LabelEvidence::Verbatim => format!("label seen verbatim on partner pages ({})", p.evidence),
        LabelEvidence::Inferred => "label inferred from the docs heading; not seen on any partner page".into(),
    };
    line(
        &mut t,
        "provenance",
        &format!("endpoint from grnhse/greenhouse-api-docs; {evidence}"),
    );
    if p.v3.is_empty() {
        line(&mut t, "v3", "no Harvest v3 equivalent");
    }
    for (i, s) in p.v3_scopes().enumerate() {
        line(
            &mut t,
            if i == 0 { "v3" } else { "" },
            &format!("{} ({} › {}, {} risk)", s.id, s.group, s.label, s.risk()),
        );
    }
    line(&mut t, "mapping", &mapping_word(p));
    if !p.note.is_empty() {
        line(&mut t, "note", p.note);
    }
    t
}
