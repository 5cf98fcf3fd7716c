//! `grantlint catalog`: every scope and v1 permission, as a table or
//! `grantlint.catalog.v1` JSON with provenance.

use std::io::Write;

use serde::Serialize;

use super::Style;
use super::grid::{Field, Fit, Grid};
use super::words::{class_word, effect_word, whole};
use crate::catalog::{
    self, Binding, Change, DataClass, Effect, LabelEvidence, Mapping, MappingBasis, Provenance, Risk, SpecCatalog,
};

pub fn table(v3: bool, v1: bool, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    if v3 {
        let mut t = Grid::new(
            style,
            &[
                ("Scope", Fit::Whole),
                // Group and label each stay whole; a line may break after the ›. On a narrow
                // terminal the label goes under the scope, the rest under the effect.
                ("Manage scopes label", Fit::Under),
                ("Effect", Fit::Whole),
                ("Data class", Fit::Under),
                ("Risk", Fit::Under),
                ("Binding", Fit::Under),
            ],
        );
        for s in catalog::scopes() {
            t.add_row(vec![
                Field::new(s.id),
                Field::new(format!("{} › {}", whole(s.group), whole(s.label))),
                Field::new(effect_word(s.effect)),
                Field::new(class_word(s.data_class)),
                Field::new(risk_cell(s)),
                Field::new(binding_word(s.binding)),
            ]);
        }
        let origin = catalog::spec_origin()
            .map(|o| format!("; built-in catalog with {o} laid over it"))
            .unwrap_or_default();
        writeln!(
            out,
            "{} ({} scopes{origin})\n{t}",
            style.bold("Harvest v3 scopes"),
            catalog::scopes().len()
        )?;
    }
    if v1 {
        let mut t = Grid::new(
            style,
            &[
                // On a narrow terminal the mapping goes under the v3 scopes, they under the
                // endpoint, and it under the label.
                ("Label", Fit::Prose),
                ("Endpoint", Fit::Under),
                ("v3", Fit::Under),
                ("Mapping", Fit::Under),
                ("Effect", Fit::Whole),
                ("Data class", Fit::Prose),
                ("Risk", Fit::Whole),
            ],
        );
        for p in catalog::v1_permissions() {
            let scopes: Vec<&str> = p.v3_scopes().map(|s| s.id).collect();
            t.add_row(vec![
                Field::new(format!("{} › {}", whole(p.group), whole(p.label))),
                Field::new(p.key),
                Field::new(scopes.join("\n")),
                Field::new(mapping_word(p.mapping)),
                Field::new(effect_word(p.effect)),
                Field::new(class_word(p.data_class)),
                Field::new(p.risk().as_str()),
            ]);
        }
        writeln!(
            out,
            "{} ({} permissions)\n{t}",
            style.bold("Harvest v1/v2 permissions"),
            catalog::v1_permissions().len()
        )?;
    }
    Ok(())
}

/// A scope's risk, marked when it is inferred (a scope new in a `--catalog-spec` spec).
fn risk_cell(s: &catalog::Scope) -> String {
    if s.risk_inferred() {
        format!("{} (inferred)", s.risk())
    } else {
        s.risk().to_string()
    }
}

fn binding_word(b: Binding) -> &'static str {
    match b {
        Binding::Spec => "spec",
        Binding::Inferred => "inferred",
        Binding::None => "none",
    }
}

fn mapping_word(m: Mapping) -> &'static str {
    match m {
        Mapping::Equivalent => "equivalent",
        Mapping::Approximate => "approximate",
        Mapping::None => "none",
    }
}

#[derive(Serialize)]
struct JsonCatalog {
    schema: &'static str,
    /// The spec laid over the built-in catalog (`--catalog-spec`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    catalog_spec: Option<&'static str>,
    counts: Counts,
    risk_rule: Vec<RiskRow>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<JsonScope>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    v1_permissions: Option<Vec<JsonV1>>,
}

#[derive(Serialize)]
struct Counts {
    scopes: usize,
    v1_permissions: usize,
}

#[derive(Serialize)]
struct RiskRow {
    effect: Effect,
    data_class: DataClass,
    risk: Risk,
}

#[derive(Serialize)]
struct JsonScope {
    scope: &'static str,
    group: &'static str,
    label: &'static str,
    effect: Effect,
    data_class: DataClass,
    risk: Risk,
    binding: Binding,
    reference_mark: &'static str,
    operations: &'static [catalog::Operation],
    v1_equivalents: Vec<&'static str>,
    note: &'static str,
    /// `built_in`, or with a `--catalog-spec`: `spec`, `added` (new in it) or `not_in_spec`.
    provenance: Provenance,
    /// The risk was derived from the scope's name by the catalog's rule (a new scope).
    risk_inferred: bool,
}

#[derive(Serialize)]
struct JsonV1 {
    key: &'static str,
    group: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    method: &'static str,
    path: &'static str,
    effect: Effect,
    data_class: DataClass,
    risk: Risk,
    on_behalf_of: bool,
    label_evidence: LabelEvidence,
    evidence: &'static str,
    v3_scopes: Vec<&'static str>,
    mapping: Mapping,
    mapping_basis: MappingBasis,
    note: &'static str,
}

pub fn json(v3: bool, v1: bool, out: &mut dyn Write) -> std::io::Result<()> {
    let risk_rule = super::words::DATA_CLASSES
        .iter()
        .flat_map(|&c| {
            [Effect::Read, Effect::Write, Effect::Destroy].map(|e| RiskRow {
                effect: e,
                data_class: c,
                risk: Risk::of(e, c),
            })
        })
        .collect();
    let report = JsonCatalog {
        schema: "grantlint.catalog.v1",
        catalog_spec: catalog::spec_origin(),
        counts: Counts {
            scopes: catalog::scopes().len(),
            v1_permissions: catalog::v1_permissions().len(),
        },
        risk_rule,
        scopes: v3.then(|| {
            catalog::scopes()
                .iter()
                .map(|s| JsonScope {
                    scope: s.id,
                    group: s.group,
                    label: s.label,
                    effect: s.effect,
                    data_class: s.data_class,
                    risk: s.risk(),
                    binding: s.binding,
                    reference_mark: s.reference_mark,
                    operations: s.operations,
                    v1_equivalents: s.v1_equivalents.iter().map(|&v| catalog::v1(v).key).collect(),
                    note: s.note,
                    provenance: s.provenance,
                    risk_inferred: s.risk_inferred(),
                })
                .collect()
        }),
        v1_permissions: v1.then(|| {
            catalog::v1_permissions()
                .iter()
                .map(|p| JsonV1 {
                    key: p.key,
                    group: p.group,
                    label: p.label,
                    aliases: p.aliases,
                    method: p.method,
                    path: p.path,
                    effect: p.effect,
                    data_class: p.data_class,
                    risk: p.risk(),
                    on_behalf_of: p.on_behalf_of,
                    label_evidence: p.label_evidence,
                    evidence: p.evidence,
                    v3_scopes: p.v3_scopes().map(|s| s.id).collect(),
                    mapping: p.mapping,
                    mapping_basis: p.mapping_basis,
                    note: p.note,
                })
                .collect()
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}

/// `grantlint catalog diff`: `grantlint.catalog-diff.v1`.
#[derive(Serialize)]
struct JsonDiff<'a> {
    schema: &'static str,
    spec: &'a str,
    identical: bool,
    summary: DiffSummary,
    changes: &'a [Change],
}

/// How many changes of each kind.
#[derive(Serialize, Default)]
struct DiffSummary {
    scopes_added: usize,
    scopes_removed: usize,
    labels_changed: usize,
    operations_rebound: usize,
    operations_added: usize,
    operations_removed: usize,
    summaries_changed: usize,
}

fn summary(changes: &[Change]) -> DiffSummary {
    let mut s = DiffSummary::default();
    for c in changes {
        let n = match c {
            Change::ScopeAdded { .. } => &mut s.scopes_added,
            Change::ScopeRemoved { .. } => &mut s.scopes_removed,
            Change::LabelChanged { .. } => &mut s.labels_changed,
            Change::OperationRebound { .. } => &mut s.operations_rebound,
            Change::OperationAdded { .. } => &mut s.operations_added,
            Change::OperationRemoved { .. } => &mut s.operations_removed,
            Change::SummaryChanged { .. } => &mut s.summaries_changed,
        };
        *n += 1;
    }
    s
}

pub fn diff_json(spec: &SpecCatalog, changes: &[Change], out: &mut dyn Write) -> std::io::Result<()> {
    let doc = JsonDiff {
        schema: "grantlint.catalog-diff.v1",
        spec: &spec.origin,
        identical: changes.is_empty(),
        summary: summary(changes),
        changes,
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

pub fn diff_table(spec: &SpecCatalog, changes: &[Change], style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    let width = style.text_width;
    if changes.is_empty() {
        let text = format!(
            "{} declares the built-in catalog's {} scopes and binds its {} operations exactly: no difference",
            spec.origin,
            spec.scopes.len(),
            spec.operations.len()
        );
        return writeln!(out, "{}", super::words::fill(&text, width, 2));
    }
    let mut t = Grid::new(
        style,
        &[
            ("Change", Fit::Whole),
            ("Scope or operation", Fit::Whole),
            ("Built-in catalog", Fit::Prose),
            (&spec.origin, Fit::Prose),
        ],
    );
    for c in changes {
        let (subject, old, new) = match c {
            Change::ScopeAdded { scope, label, risk, .. } => (
                scope.clone(),
                "—".to_string(),
                format!("{label}\nrisk {risk} (inferred)"),
            ),
            Change::ScopeRemoved { scope, label } => (scope.clone(), label.clone(), "—".to_string()),
            Change::LabelChanged { scope, old, new } => (scope.clone(), old.clone(), new.clone()),
            Change::OperationRebound { operation, old, new } => (operation.clone(), old.clone(), new.clone()),
            Change::OperationAdded { operation, scope } => (operation.clone(), "—".to_string(), scope.clone()),
            Change::OperationRemoved { operation, scope } => (operation.clone(), scope.clone(), "—".to_string()),
            Change::SummaryChanged { operation, old, new } => (operation.clone(), old.clone(), new.clone()),
        };
        t.add_row(vec![
            Field::new(c.kind()),
            Field::new(subject),
            Field::new(old),
            Field::new(new),
        ]);
    }
    let s = summary(changes);
    let n = crate::check::usage::counted;
    let text = format!(
        "{} between the built-in catalog and {}: {} added, {} removed, {} changed; {} rebound, {} added, {} removed, {} changed",
        n(changes.len(), "difference"),
        spec.origin,
        n(s.scopes_added, "scope"),
        s.scopes_removed,
        n(s.labels_changed, "label"),
        n(s.operations_rebound, "operation"),
        s.operations_added,
        s.operations_removed,
        match s.summaries_changed {
            1 => "1 summary".to_string(),
            k => format!("{k} summaries"),
        },
    );
    writeln!(out, "{t}\n{}", super::words::fill(&text, width, 2))
}
