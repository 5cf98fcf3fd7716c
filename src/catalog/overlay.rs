//! Catalog updates without a release: a Greenhouse OpenAPI spec (read by
//! `input::openapi`) compared with the built-in catalog (`grantlint catalog diff`), or laid
//! over it for one run (`--catalog-spec`, config `catalog_spec`).
//!
//! The overlay keeps every built-in scope at its index (the v1 -> v3 mapping points at
//! them), takes the spec's labels and operations, and appends the scopes the spec adds, with
//! effect, data class and risk derived by the rule the catalog was built with
//! (`catalog/import_reference.py`: effect from the action, data class per resource; risk by
//! [`Risk::of`]) and marked inferred. It is installed once per process, before any lookup,
//! and its tables live as long as the process (they are leaked, like the static ones).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Serialize;

use super::{AuditLog, Binding, DataClass, Effect, Operation, Risk, SCOPES, Scope, ScopeId, normalize_label};

/// Most scopes an overlay may hold (`ScopeId` is 16 bits; Greenhouse has 163).
pub const MAX_SCOPES: usize = 10_000;

/// What a spec says, as `input::openapi` read it: its OAuth 2.0 scopes and the operations
/// that name them. Text is already cleaned of control characters.
#[derive(Debug, Clone, Default)]
pub struct SpecCatalog {
    /// The file, as reports name it.
    pub origin: String,
    /// Scope and its description (the "Manage scopes" label), in the spec's order.
    pub scopes: Vec<(String, String)>,
    pub operations: Vec<SpecOperation>,
}

/// One operation of a spec and the scope it requires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    pub method: String,
    pub path: String,
    pub scope: String,
    pub summary: String,
}

impl SpecOperation {
    pub fn key(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Where a scope of the running catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Provenance {
    /// grantlint's built-in catalog (`catalog/*.tsv`).
    BuiltIn,
    /// Built in, and declared by the `--catalog-spec` spec, which gave its label and operations.
    Spec,
    /// New in the spec: its effect, data class and risk are inferred.
    Added,
    /// Built in, but the spec does not declare it.
    NotInSpec,
}

/// One difference between the built-in catalog and a spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum Change {
    /// A scope the spec declares and the catalog does not; its risk is inferred.
    ScopeAdded {
        scope: String,
        label: String,
        effect: Effect,
        data_class: DataClass,
        risk: Risk,
        risk_inferred: bool,
    },
    /// A scope of the catalog the spec does not declare.
    ScopeRemoved { scope: String, label: String },
    /// The scope's description (its "Manage scopes" label) changed.
    LabelChanged { scope: String, old: String, new: String },
    /// An operation now requires another scope.
    OperationRebound {
        operation: String,
        old: String,
        new: String,
    },
    /// An operation the catalog does not know.
    OperationAdded { operation: String, scope: String },
    /// An operation of the catalog the spec no longer has (or no longer binds to a scope).
    OperationRemoved { operation: String, scope: String },
    /// An operation's summary changed.
    SummaryChanged {
        operation: String,
        old: String,
        new: String,
    },
}

impl Change {
    /// The change's kind as JSON names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Change::ScopeAdded { .. } => "scope-added",
            Change::ScopeRemoved { .. } => "scope-removed",
            Change::LabelChanged { .. } => "label-changed",
            Change::OperationRebound { .. } => "operation-rebound",
            Change::OperationAdded { .. } => "operation-added",
            Change::OperationRemoved { .. } => "operation-removed",
            Change::SummaryChanged { .. } => "summary-changed",
        }
    }
}

/// Every difference between the built-in catalog and `spec`: scopes added and removed,
/// labels changed, then operations rebound, added, removed and re-summarised, each group
/// sorted by name.
pub fn diff(spec: &SpecCatalog) -> Vec<Change> {
    let mut out = scope_changes(spec);
    out.extend(operation_changes(spec));
    out
}

fn scope_changes(spec: &SpecCatalog) -> Vec<Change> {
    let declared: BTreeMap<&str, &str> = spec.scopes.iter().map(|(s, l)| (s.as_str(), l.as_str())).collect();
    let builtin: BTreeMap<&str, &Scope> = SCOPES.iter().map(|s| (s.id, s)).collect();
    let mut added = Vec::new();
    let mut labels = Vec::new();
    for (&id, &label) in &declared {
        match builtin.get(id) {
            None => {
                let d = derive(id);
                added.push(Change::ScopeAdded {
                    scope: id.to_string(),
                    label: label.to_string(),
                    effect: d.effect,
                    data_class: d.data_class,
                    risk: Risk::of(d.effect, d.data_class),
                    risk_inferred: true,
                });
            }
            Some(s) if s.label != label => labels.push(Change::LabelChanged {
                scope: id.to_string(),
                old: s.label.to_string(),
                new: label.to_string(),
            }),
            Some(_) => {}
        }
    }
    let removed = builtin
        .iter()
        .filter(|(id, _)| !declared.contains_key(*id))
        .map(|(id, s)| Change::ScopeRemoved {
            scope: id.to_string(),
            label: s.label.to_string(),
        });
    added.into_iter().chain(removed).chain(labels).collect()
}

fn operation_changes(spec: &SpecCatalog) -> Vec<Change> {
    let now: BTreeMap<String, &SpecOperation> = spec.operations.iter().map(|o| (o.key(), o)).collect();
    let before: BTreeMap<String, (&'static str, &'static Operation)> = SCOPES
        .iter()
        .flat_map(|s| {
            s.operations
                .iter()
                .map(move |op| (format!("{} {}", op.method, op.path), (s.id, op)))
        })
        .collect();
    let (mut rebound, mut added, mut removed, mut summaries) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (key, op) in &now {
        match before.get(key) {
            None => added.push(Change::OperationAdded {
                operation: key.clone(),
                scope: op.scope.clone(),
            }),
            Some((scope, old)) => {
                if *scope != op.scope {
                    rebound.push(Change::OperationRebound {
                        operation: key.clone(),
                        old: scope.to_string(),
                        new: op.scope.clone(),
                    });
                }
                if old.summary != op.summary {
                    summaries.push(Change::SummaryChanged {
                        operation: key.clone(),
                        old: old.summary.to_string(),
                        new: op.summary.clone(),
                    });
                }
            }
        }
    }
    for (key, (scope, _)) in &before {
        if !now.contains_key(key) {
            removed.push(Change::OperationRemoved {
                operation: key.clone(),
                scope: scope.to_string(),
            });
        }
    }
    rebound
        .into_iter()
        .chain(added)
        .chain(removed)
        .chain(summaries)
        .collect()
}

/// What the build's rule says of a scope from its name alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Derived {
    pub effect: Effect,
    pub data_class: DataClass,
    pub audit_log: AuditLog,
    /// The resource is one the catalog classifies; otherwise its data class is a guess.
    pub known_resource: bool,
}

/// The resource and action of `harvest:<resource>:<action>` (or `auditlog:events:list`).
fn parts(id: &str) -> (&str, &str) {
    let mut it = id.split(':');
    let _namespace = it.next();
    let resource = it.next().unwrap_or_default();
    let action = it.next().unwrap_or_default();
    (resource, action)
}

/// Effect from the action, as `catalog/import_reference.py` (`effect_of`) assigns it:
/// reads list and show; destroy, anonymize and merge (which deletes the secondary
/// candidate) cannot be undone; everything else writes.
pub fn effect_of(action: &str) -> Effect {
    match action {
        "list" | "show" => Effect::Read,
        "destroy" | "anonymize" | "merge" => Effect::Destroy,
        _ => Effect::Write,
    }
}

/// A resource the catalog does not know holds data of an unknown kind: it is assumed
/// sensitive (read high, write high, destroy critical) until a release classifies it, so
/// an unknown scope is never under-rated.
pub const UNKNOWN_RESOURCE_CLASS: DataClass = DataClass::Sensitive;

/// Effect, data class and Audit Log coverage of a scope by the build's rule: the data class
/// of the catalog's scopes of the same resource (`V3_CLASS` in the importer), else
/// [`UNKNOWN_RESOURCE_CLASS`]; coverage as `audit_log_coverage` there.
pub fn derive(id: &str) -> Derived {
    let (resource, action) = parts(id);
    let effect = effect_of(action);
    let known = SCOPES.iter().find(|s| parts(s.id).0 == resource);
    let audit_log = if matches!(resource, "candidates" | "applications") {
        AuditLog::Recorded
    } else if effect == Effect::Read {
        AuditLog::NotRecorded
    } else {
        AuditLog::Inferred
    };
    Derived {
        effect,
        data_class: known.map_or(UNKNOWN_RESOURCE_CLASS, |s| s.data_class),
        audit_log,
        known_resource: known.is_some(),
    }
}

/// The group heading of a new scope: that of the resource's other scopes, else the
/// resource in words, as the importer writes it ("job_posts" -> "Job posts").
fn group_of(resource: &str) -> String {
    if let Some(s) = SCOPES.iter().find(|s| parts(s.id).0 == resource) {
        return s.group.to_string();
    }
    let words = resource.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// The running catalog's v3 tables when a spec is laid over the built-in one.
#[derive(Debug)]
pub(super) struct Overlay {
    pub scopes: &'static [Scope],
    pub by_id: Vec<(&'static str, ScopeId)>,
    pub by_label: Vec<(String, ScopeId)>,
    pub by_operation: Vec<(String, ScopeId)>,
    pub origin: &'static str,
}

pub(super) static OVERLAY: OnceLock<Overlay> = OnceLock::new();

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Lay `spec` over the built-in catalog for the rest of the process. Call it before any
/// lookup (the usage matcher caches its templates on first use); a second call is an error.
pub fn install(spec: &SpecCatalog) -> Result<(), String> {
    let overlay = build(spec)?;
    OVERLAY
        .set(overlay)
        .map_err(|_| "a catalog spec is already in use in this run".to_string())
}

/// The spec laid over the built-in catalog, if any, as reports name it.
pub fn spec_origin() -> Option<&'static str> {
    OVERLAY.get().map(|o| o.origin)
}

fn build(spec: &SpecCatalog) -> Result<Overlay, String> {
    if SCOPES.len() + spec.scopes.len() > MAX_SCOPES {
        return Err(format!("more than {MAX_SCOPES} scopes"));
    }
    let origin = leak(&spec.origin);
    let declared: HashMap<&str, &str> = spec.scopes.iter().map(|(s, l)| (s.as_str(), l.as_str())).collect();
    let mut ops: HashMap<&str, Vec<Operation>> = HashMap::new();
    for op in &spec.operations {
        ops.entry(op.scope.as_str()).or_default().push(Operation {
            method: leak(&op.method),
            path: leak(&op.path),
            summary: leak(&op.summary),
        });
    }
    let mut take_ops =
        |id: &str| -> &'static [Operation] { Box::leak(ops.remove(id).unwrap_or_default().into_boxed_slice()) };
    let mut scopes: Vec<Scope> = Vec::with_capacity(SCOPES.len() + spec.scopes.len());
    for s in SCOPES.iter() {
        let operations = take_ops(s.id);
        let label = declared
            .get(s.id)
            .map_or(s.label, |l| if *l == s.label { s.label } else { leak(l) });
        let binding = match (operations.is_empty(), s.binding) {
            (false, _) => Binding::Spec,
            (true, Binding::Inferred) => Binding::Inferred,
            (true, _) => Binding::None,
        };
        scopes.push(Scope {
            label,
            binding,
            operations,
            provenance: if declared.contains_key(s.id) {
                Provenance::Spec
            } else {
                Provenance::NotInSpec
            },
            ..*s
        });
    }
    for (id, label) in spec.scopes.iter().filter(|(id, _)| !SCOPES.iter().any(|s| s.id == id)) {
        let sid = ScopeId(u16::try_from(scopes.len()).map_err(|_| format!("more than {MAX_SCOPES} scopes"))?);
        scopes.push(added_scope(sid, id, label, take_ops(id), origin));
    }
    index(Box::leak(scopes.into_boxed_slice()), origin)
}

fn added_scope(sid: ScopeId, id: &str, label: &str, operations: &'static [Operation], origin: &str) -> Scope {
    let d = derive(id);
    let (resource, action) = parts(id);
    let class = if d.known_resource {
        format!("data class of the catalog's other `{resource}` scopes")
    } else {
        format!("`{resource}` is a resource the catalog does not know: data class assumed sensitive")
    };
    Scope {
        sid,
        id: leak(id),
        group: leak(&group_of(resource)),
        label: leak(label),
        effect: d.effect,
        data_class: d.data_class,
        binding: if operations.is_empty() {
            Binding::None
        } else {
            Binding::Spec
        },
        reference_mark: "-",
        audit_log: d.audit_log,
        note: leak(&format!(
            "New in {origin}, not in grantlint's built-in catalog. Risk inferred by the catalog's rule: effect from the action `{action}`, {class}."
        )),
        operations,
        v1_equivalents: &[],
        provenance: Provenance::Added,
    }
}

/// The sorted lookups over the overlay's scopes; two scopes sharing a label or an operation
/// would make lookups ambiguous, and are refused as the build refuses them.
fn index(scopes: &'static [Scope], origin: &'static str) -> Result<Overlay, String> {
    let mut by_id: Vec<(&'static str, ScopeId)> = scopes.iter().map(|s| (s.id, s.sid)).collect();
    by_id.sort_unstable();
    let mut labels: BTreeMap<String, ScopeId> = BTreeMap::new();
    let mut ops: BTreeMap<String, ScopeId> = BTreeMap::new();
    for s in scopes {
        if let Some(other) = labels.insert(normalize_label(s.label), s.sid) {
            return Err(format!(
                "two scopes share the description {:?}: {} and {}",
                s.label,
                scopes[usize::from(other.0)].id,
                s.id
            ));
        }
        for op in s.operations {
            if ops.insert(format!("{} {}", op.method, op.path), s.sid).is_some() {
                return Err(format!("operation {} {} is listed twice", op.method, op.path));
            }
        }
    }
    Ok(Overlay {
        scopes,
        by_id,
        by_label: labels.into_iter().collect(),
        by_operation: ops.into_iter().collect(),
        origin,
    })
}

/// The built-in catalog as a spec would state it: for tests and for `catalog diff` of the
/// reference spec.
pub fn builtin_as_spec() -> SpecCatalog {
    SpecCatalog {
        origin: "built-in".into(),
        scopes: SCOPES.iter().map(|s| (s.id.to_string(), s.label.to_string())).collect(),
        operations: SCOPES
            .iter()
            .flat_map(|s| {
                s.operations.iter().map(move |op| SpecOperation {
                    method: op.method.into(),
                    path: op.path.into(),
                    scope: s.id.into(),
                    summary: op.summary.into(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_rederives_every_built_in_scope() {
        // The catalog's effect and audit-log columns come from the importer; the Rust rule
        // must give the same for every one of the 163 scopes, or new scopes would be rated
        // by a different rule than the built-in ones.
        for s in SCOPES.iter() {
            let d = derive(s.id);
            assert_eq!(d.effect, s.effect, "{}", s.id);
            assert_eq!(d.data_class, s.data_class, "{}", s.id);
            assert!(d.known_resource);
            assert_eq!(d.audit_log, s.audit_log, "{}", s.id);
        }
    }

    #[test]
    fn new_scopes_are_rated_by_the_rule() {
        let r = |id: &str| {
            let d = derive(id);
            (Risk::of(d.effect, d.data_class), d.known_resource)
        };
        assert_eq!(r("harvest:candidates:export"), (Risk::High, true));
        assert_eq!(r("harvest:departments:show"), (Risk::Low, true));
        assert_eq!(r("harvest:offers:destroy"), (Risk::Critical, true));
        assert_eq!(r("harvest:skills:list"), (Risk::High, false));
        assert_eq!(group_of("skill_tags"), "Skill tags");
        assert_eq!(group_of("eeoc"), "EEOC");
    }

    #[test]
    fn the_built_in_catalog_does_not_differ_from_itself() {
        assert_eq!(diff(&builtin_as_spec()), []);
        let overlay = build(&builtin_as_spec()).unwrap();
        assert_eq!(overlay.scopes.len(), SCOPES.len());
        for (a, b) in overlay.scopes.iter().zip(SCOPES.iter()) {
            assert_eq!(
                (a.id, a.label, a.operations.len(), a.binding),
                (b.id, b.label, b.operations.len(), b.binding)
            );
            assert_eq!(a.provenance, Provenance::Spec);
        }
    }

    #[test]
    fn an_edited_spec_differs_by_exactly_the_edits() {
        let mut spec = builtin_as_spec();
        spec.scopes.retain(|(s, _)| s != "harvest:job_boards:list");
        spec.scopes.push(("harvest:skills:list".into(), "List skills".into()));
        for (s, l) in &mut spec.scopes {
            if s == "harvest:offices:list" {
                *l = "List all offices".into();
            }
        }
        for op in &mut spec.operations {
            if op.key() == "GET /v3/job_boards" {
                op.scope = "harvest:skills:list".into();
            }
        }
        let d = diff(&spec);
        assert_eq!(
            d,
            [
                Change::ScopeAdded {
                    scope: "harvest:skills:list".into(),
                    label: "List skills".into(),
                    effect: Effect::Read,
                    data_class: DataClass::Sensitive,
                    risk: Risk::High,
                    risk_inferred: true,
                },
                Change::ScopeRemoved {
                    scope: "harvest:job_boards:list".into(),
                    label: "List job boards".into()
                },
                Change::LabelChanged {
                    scope: "harvest:offices:list".into(),
                    old: "List offices".into(),
                    new: "List all offices".into()
                },
                Change::OperationRebound {
                    operation: "GET /v3/job_boards".into(),
                    old: "harvest:job_boards:list".into(),
                    new: "harvest:skills:list".into()
                },
            ]
        );
        let overlay = build(&spec).unwrap();
        let skills = overlay.scopes.last().unwrap();
        assert_eq!(
            (skills.id, skills.provenance, skills.binding),
            ("harvest:skills:list", Provenance::Added, Binding::Spec)
        );
        assert_eq!(usize::from(skills.sid.0), SCOPES.len());
        let boards = overlay
            .scopes
            .iter()
            .find(|s| s.id == "harvest:job_boards:list")
            .unwrap();
        assert_eq!(
            (boards.provenance, boards.binding, boards.operations.len()),
            (Provenance::NotInSpec, Binding::None, 0)
        );
    }

    #[test]
    fn ambiguous_specs_are_refused() {
        let mut spec = builtin_as_spec();
        spec.scopes.push(("harvest:skills:list".into(), "List offices".into()));
        assert!(build(&spec).unwrap_err().contains("share the description"));
    }
}
