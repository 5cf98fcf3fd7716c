#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests may
//! Property tests over random profiles and grants (proptest): the comparison's invariants.

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

/// A name for catalog entry `i` of a vocabulary, in a spelling the loader accepts.
fn name(v1: bool, i: usize, spelling: u8) -> String {
    if v1 {
        let p = &catalog::v1_permissions()[i % catalog::v1_permissions().len()];
        match spelling % 3 {
            0 => p.key.to_string(),
            1 => p.label.to_string(),
            _ => p.label.to_uppercase(),
        }
    } else {
        let s = &catalog::scopes()[i % catalog::scopes().len()];
        if spelling.is_multiple_of(2) {
            s.id.to_string()
        } else {
            s.label.to_string()
        }
    }
}

fn list(v1: bool, picks: &[(usize, u8)], exclude: &BTreeSet<usize>) -> (String, BTreeSet<usize>) {
    let n = if v1 {
        catalog::v1_permissions().len()
    } else {
        catalog::scopes().len()
    };
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

fn profile(id: &str, v1: bool, required: &[(usize, u8)], optional: &[(usize, u8)]) -> Profile {
    let (req, taken) = list(v1, required, &BTreeSet::new());
    let (opt, _) = list(v1, optional, &taken);
    let text = format!(
        "name: {id}\napi: {}\nsource: https://example.com/{id}\nreviewed: 2026-01-01\npermissions: {req}\noptional: {opt}\n",
        api(v1).as_str()
    );
    Profile::load(id, Origin::Builtin, Source::new(format!("{id}.yaml"), text.as_str()))
        .expect("generated profile loads")
}

fn grants(v1: bool, picks: &[(usize, u8)]) -> Grants {
    let (granted, _) = list(v1, picks, &BTreeSet::new());
    let text = format!("api: {}\ngranted: {granted}\n", api(v1).as_str());
    Grants::from_source(
        Source::new("g.yaml", text.as_str()),
        TextFormat::Yaml,
        jiff::Timestamp::UNIX_EPOCH,
    )
    .expect("generated grants load")
}

fn space(profiles: &[&Profile], g: &Grants) -> Api {
    let g_api = g.entries().map(|(a, _)| a);
    if g_api == Some(Api::HarvestV1) && profiles.iter().all(|p| p.api == Api::HarvestV1) {
        Api::HarvestV1
    } else {
        Api::HarvestV3
    }
}

fn set(entries: &[grantlint::input::Entry], space: Api) -> BTreeSet<Perm> {
    check::translate_set(entries, space).0.into_keys().collect()
}

fn picks() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((0usize..200, 0u8..6), 0..40)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn missing_and_excess_partition_the_sets(
        pv1 in any::<bool>(), gv1 in any::<bool>(), req in picks(), opt in picks(), granted in picks()
    ) {
        let p = profile("p", pv1, &req, &opt);
        let g = grants(gv1, &granted);
        let profiles = [&p];
        let r = check::check("c", &profiles, &g, &Policy::default());
        let sp = space(&profiles, &g);
        prop_assert_eq!(r.space, sp);
        let required = set(&p.permissions, sp);
        let optional = set(&p.optional, sp);
        let have = set(g.entries().unwrap().1, sp);
        let of = |k: Kind| -> BTreeSet<Perm> {
            r.findings.iter().filter(|f| f.kind == k).filter_map(|f| f.permission).collect()
        };
        let missing = of(Kind::Missing);
        let excess = of(Kind::Excess);
        let satisfied: BTreeSet<Perm> = required.intersection(&have).copied().collect();
        // missing ∪ satisfied = required, and they are disjoint
        prop_assert_eq!(missing.union(&satisfied).copied().collect::<BTreeSet<_>>(), required.clone());
        prop_assert!(missing.is_disjoint(&satisfied));
        // excess ∩ required = ∅, and optional is never excess
        prop_assert!(excess.is_disjoint(&required));
        prop_assert!(excess.is_disjoint(&optional));
        let want_excess: BTreeSet<Perm> = have.difference(&required).filter(|p| !optional.contains(p)).copied().collect();
        prop_assert_eq!(&excess, &want_excess);
        prop_assert_eq!(r.summary.required, required.len());
        prop_assert_eq!(r.summary.missing, missing.len());
        prop_assert_eq!(r.summary.excess, excess.len());
        // the verdict follows from the findings
        let failing = r.findings.iter().any(|f| f.fails && !f.waived);
        prop_assert_eq!(r.verdict == check::Verdict::Fail, failing);
    }

    #[test]
    fn adding_a_profile_never_shrinks_the_required_set(
        v1a in any::<bool>(), v1b in any::<bool>(), gv1 in any::<bool>(), a in picks(), b in picks(), granted in picks()
    ) {
        let pa = profile("a", v1a, &a, &[]);
        let pb = profile("b", v1b, &b, &[]);
        let g = grants(gv1, &granted);
        let one = check::check("c", &[&pa], &g, &Policy::default());
        let both = check::check("c", &[&pa, &pb], &g, &Policy::default());
        prop_assert!(both.summary.required >= one.summary.required || one.space != both.space);
        if one.space == both.space {
            let missing = |r: &check::CheckResult| -> BTreeSet<Perm> {
                r.findings.iter().filter(|f| f.kind == Kind::Missing).filter_map(|f| f.permission).collect()
            };
            prop_assert!(missing(&one).is_subset(&missing(&both)));
        }
        // In v3 space the union is a superset of each profile's own requirement.
        let required_b = set(&pb.permissions, both.space);
        prop_assert!(both.summary.required >= required_b.len());
    }

    #[test]
    fn v1_to_v3_never_drops_a_granted_permission_silently(granted in picks(), req in picks()) {
        let p = profile("p", false, &req, &[]);
        let g = grants(true, &granted);
        let r = check::check("c", &[&p], &g, &Policy::default());
        prop_assert_eq!(r.space, Api::HarvestV3);
        let have = set(g.entries().unwrap().1, Api::HarvestV3);
        let unknown: BTreeSet<Perm> =
            r.findings.iter().filter(|f| f.kind == Kind::UnknownGrant).filter_map(|f| f.permission).collect();
        for e in g.entries().unwrap().1 {
            let Perm::V1(v) = e.perm else { unreachable!("v1 grants") };
            let p = catalog::v1(v);
            if p.v3.is_empty() {
                prop_assert!(unknown.contains(&e.perm), "{} has no v3 equivalent and must be reported", p.key);
            } else {
                for s in p.v3_scopes() {
                    prop_assert!(have.contains(&Perm::V3(s.sid)), "{} -> {} dropped", p.key, s.id);
                }
            }
        }
        prop_assert_eq!(r.summary.granted, have.len());
        // Every translated grant is either required or reported as excess.
        let excess: BTreeSet<Perm> =
            r.findings.iter().filter(|f| f.kind == Kind::Excess).filter_map(|f| f.permission).collect();
        let required = set(&p.permissions, Api::HarvestV3);
        for perm in &have {
            prop_assert!(required.contains(perm) || excess.contains(perm));
        }
    }
}
