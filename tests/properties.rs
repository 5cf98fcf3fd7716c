#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Property tests over random profiles and grants (proptest): the comparison's invariants,
//! checked against an independent model. The model knows which catalog entries were picked
//! (by index, not by parsing what was written) and translates v1 to v3 with the catalog's
//! own mapping table; it shares no code with `check`.

use std::collections::BTreeSet;

use grantlint::catalog::{self, Api, Perm};
use grantlint::check;
use grantlint::finding::Kind;
use grantlint::input::grants::{Grants, TextFormat};
use grantlint::input::policy::Policy;
use grantlint::input::profile::{Origin, Profile};
use grantlint::input::source::Source;
use proptest::prelude::*;

fn api(v1: bool) -> Api {
    if v1 { Api::HarvestV1 } else { Api::HarvestV3 }
}

fn vocabulary(v1: bool) -> usize {
    if v1 {
        catalog::v1_permissions().len()
    } else {
        catalog::scopes().len()
    }
}

/// A name for catalog entry `i` of a vocabulary, in a spelling the loader accepts.
fn name(v1: bool, i: usize, spelling: u8) -> String {
    if v1 {
        let p = &catalog::v1_permissions()[i];
        match spelling % 3 {
            0 => p.key.to_string(),
            1 => p.label.to_string(),
            _ => p.label.to_uppercase(),
        }
    } else {
        let s = &catalog::scopes()[i];
        if spelling.is_multiple_of(2) {
            s.id.to_string()
        } else {
            s.label.to_string()
        }
    }
}

/// The picked entries as a YAML flow list, and their indices (each once, none of `exclude`).
fn list(v1: bool, picks: &[(usize, u8)], exclude: &BTreeSet<usize>) -> (String, BTreeSet<usize>) {
    let n = vocabulary(v1);
    let mut seen = BTreeSet::new();
    let mut items = Vec::new();
    for &(i, spelling) in picks {
        let i = i % n;
        if exclude.contains(&i) || !seen.insert(i) {
            continue;
        }
        items.push(serde_json::to_string(&name(v1, i, spelling)).unwrap());
    }
    (format!("[{}]", items.join(", ")), seen)
}

/// A generated profile, with the indices of its required and optional entries.
struct Generated<T> {
    value: T,
    v1: bool,
    required: BTreeSet<usize>,
    optional: BTreeSet<usize>,
}

fn profile(id: &str, v1: bool, required: &[(usize, u8)], optional: &[(usize, u8)]) -> Generated<Profile> {
    let (req, taken) = list(v1, required, &BTreeSet::new());
    let (opt, opt_taken) = list(v1, optional, &taken);
    let text = format!(
        "name: {id}\napi: {}\nsource: https://example.com/{id}\nreviewed: 2026-01-01\npermissions: {req}\noptional: {opt}\n",
        api(v1).as_str()
    );
    let value = Profile::load(id, Origin::Builtin, Source::new(format!("{id}.yaml"), text.as_str()))
        .expect("generated profile loads");
    Generated {
        value,
        v1,
        required: taken,
        optional: opt_taken,
    }
}

fn grants(v1: bool, picks: &[(usize, u8)]) -> Generated<Grants> {
    let (granted, taken) = list(v1, picks, &BTreeSet::new());
    let text = format!("api: {}\ngranted: {granted}\n", api(v1).as_str());
    let value = Grants::from_source(
        Source::new("g.yaml", text.as_str()),
        TextFormat::Yaml,
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("generated grants load");
    Generated {
        value,
        v1,
        required: taken,
        optional: BTreeSet::new(),
    }
}

/// The model's comparison space: v1 only when every side is v1 (DESIGN.md section 4).
fn model_space(profiles_v1: &[bool], grants_v1: bool) -> Api {
    if grants_v1 && profiles_v1.iter().all(|&v1| v1) {
        Api::HarvestV1
    } else {
        Api::HarvestV3
    }
}

/// The model's permission set of picked entries in a space: v1 entries stay v1 in v1 space
/// and become the scopes of the catalog's mapping table in v3 space.
fn model_set(v1: bool, indices: &BTreeSet<usize>, space: Api) -> BTreeSet<Perm> {
    let mut out = BTreeSet::new();
    for &i in indices {
        if v1 {
            let p = &catalog::v1_permissions()[i];
            match space {
                Api::HarvestV1 => {
                    out.insert(Perm::V1(p.vid));
                }
                Api::HarvestV3 => out.extend(p.v3.iter().map(|&s| Perm::V3(s))),
            }
        } else {
            out.insert(Perm::V3(catalog::scopes()[i].sid));
        }
    }
    out
}

/// The model's v1 entries with no v3 equivalent.
fn model_unmapped(v1: bool, indices: &BTreeSet<usize>) -> BTreeSet<Perm> {
    if !v1 {
        return BTreeSet::new();
    }
    indices
        .iter()
        .map(|&i| &catalog::v1_permissions()[i])
        .filter(|p| p.v3.is_empty())
        .map(|p| Perm::V1(p.vid))
        .collect()
}

fn of(r: &check::CheckResult, k: Kind) -> BTreeSet<Perm> {
    r.findings
        .iter()
        .filter(|f| f.kind == k)
        .filter_map(|f| f.permission)
        .collect()
}

fn picks() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((0usize..200, 0u8..6), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn missing_and_excess_are_what_the_model_says(
        pv1 in any::<bool>(), gv1 in any::<bool>(), req in picks(), opt in picks(), granted in picks()
    ) {
        let p = profile("p", pv1, &req, &opt);
        let g = grants(gv1, &granted);
        let r = check::check("c", &[&p.value], &g.value, &Policy::default());
        let space = model_space(&[p.v1], g.v1);
        prop_assert_eq!(r.space, space);
        let required = model_set(p.v1, &p.required, space);
        let optional = model_set(p.v1, &p.optional, space);
        let have = model_set(g.v1, &g.required, space);
        let missing: BTreeSet<Perm> = required.difference(&have).copied().collect();
        let excess: BTreeSet<Perm> = have.difference(&required).filter(|x| !optional.contains(x)).copied().collect();
        prop_assert_eq!(of(&r, Kind::Missing), missing.clone());
        prop_assert_eq!(of(&r, Kind::Excess), excess.clone());
        prop_assert_eq!(r.summary.required, required.len());
        prop_assert_eq!(r.summary.granted, have.len());
        prop_assert_eq!(r.summary.missing, missing.len());
        prop_assert_eq!(r.summary.excess, excess.len());
        // Unknown states are reported, never silently counted either way.
        if space == Api::HarvestV3 {
            prop_assert_eq!(of(&r, Kind::UnmappedRequirement), model_unmapped(p.v1, &p.required));
            prop_assert_eq!(of(&r, Kind::UnknownGrant), model_unmapped(g.v1, &g.required));
        }
        // The verdict follows from the findings.
        let failing = r.findings.iter().any(|f| f.fails && !f.waived);
        prop_assert_eq!(r.verdict == check::Verdict::Fail, failing);
    }

    #[test]
    fn several_profiles_require_the_union(
        v1a in any::<bool>(), v1b in any::<bool>(), gv1 in any::<bool>(), a in picks(), b in picks(), granted in picks()
    ) {
        let pa = profile("a", v1a, &a, &[]);
        let pb = profile("b", v1b, &b, &[]);
        let g = grants(gv1, &granted);
        let both = check::check("c", &[&pa.value, &pb.value], &g.value, &Policy::default());
        let space = model_space(&[pa.v1, pb.v1], g.v1);
        let union: BTreeSet<Perm> = model_set(pa.v1, &pa.required, space)
            .union(&model_set(pb.v1, &pb.required, space))
            .copied()
            .collect();
        prop_assert_eq!(both.summary.required, union.len());
        let have = model_set(g.v1, &g.required, space);
        prop_assert_eq!(of(&both, Kind::Missing), union.difference(&have).copied().collect::<BTreeSet<_>>());
        // Adding a profile never shrinks what is required, in the same space.
        let one = check::check("c", &[&pa.value], &g.value, &Policy::default());
        if one.space == both.space {
            prop_assert!(of(&one, Kind::Missing).is_subset(&of(&both, Kind::Missing)));
        }
    }

    #[test]
    fn v1_grants_in_v3_space_are_never_dropped_silently(granted in picks(), req in picks()) {
        let p = profile("p", false, &req, &[]);
        let g = grants(true, &granted);
        let r = check::check("c", &[&p.value], &g.value, &Policy::default());
        prop_assert_eq!(r.space, Api::HarvestV3);
        let required = model_set(false, &p.required, Api::HarvestV3);
        let have = model_set(true, &g.required, Api::HarvestV3);
        // Every translated grant is required or excess; every untranslatable one is reported.
        let excess = of(&r, Kind::Excess);
        for perm in &have {
            prop_assert!(required.contains(perm) || excess.contains(perm), "{} dropped", perm.id());
        }
        prop_assert_eq!(of(&r, Kind::UnknownGrant), model_unmapped(true, &g.required));
        // A requirement met only through an approximate mapping says so.
        let approximate: BTreeSet<Perm> = g
            .required
            .iter()
            .map(|&i| &catalog::v1_permissions()[i])
            .filter(|v| v.mapping == catalog::Mapping::Approximate)
            .flat_map(|v| v.v3.iter().map(|&s| Perm::V3(s)))
            .filter(|s| required.contains(s))
            .filter(|s| {
                // ...unless an equivalent mapping grants it too.
                !g.required.iter().map(|&i| &catalog::v1_permissions()[i]).any(|v| {
                    v.mapping == catalog::Mapping::Equivalent && v.v3.iter().any(|&x| Perm::V3(x) == *s)
                })
            })
            .collect();
        prop_assert_eq!(of(&r, Kind::ApproximateMatch), approximate);
    }
}
