//! `grantlint lint`: least-privilege and migration problems in valid profiles (the profile
//! reader already reports schema errors, unknown permissions and duplicates).

use miette::SourceSpan;

use crate::catalog::{self, Api, Mapping, Perm};
use crate::finding::Finding;
use crate::input::profile::Profile;

/// Share of a vocabulary's permissions above which a profile counts as "requires everything".
const EVERYTHING_SHARE: f64 = 0.9;

/// The findings about one valid profile, each with the span it points at.
pub fn lint_profile(p: &Profile) -> Vec<(Finding, SourceSpan)> {
    let mut out: Vec<(Finding, SourceSpan)> = requires_everything(p).into_iter().collect();
    out.extend(no_v3_equivalent(p));
    out.extend(no_provenance(p));
    out.extend(published_variants(p));
    out
}

/// v1 labels written in a vendor's published variant spelling: accepted, noted with the
/// canonical label.
fn published_variants(p: &Profile) -> Vec<(Finding, SourceSpan)> {
    p.variants
        .iter()
        .filter_map(|v| match v.perm {
            Perm::V1(id) => {
                let location = p.src.location(v.span.offset());
                let f = Finding::published_variant(&p.id, catalog::v1(id), v.variant, &v.published_by, location);
                Some((f, v.span))
            }
            Perm::V3(_) => None,
        })
        .collect()
}

/// `permissions: all`, or nearly every permission of the vocabulary.
fn requires_everything(p: &Profile) -> Option<(Finding, SourceSpan)> {
    let vocabulary = match p.api {
        Api::HarvestV1 => catalog::v1_permissions().len(),
        Api::HarvestV3 => catalog::scopes().len(),
    };
    let share = p.permissions.len() as f64 / vocabulary as f64;
    if !p.requires_all && share < EVERYTHING_SHARE {
        return None;
    }
    let how = if p.requires_all {
        "`permissions: all`".to_string()
    } else {
        format!("{} of {} permissions", p.permissions.len(), vocabulary)
    };
    let critical = p
        .permissions
        .iter()
        .filter(|e| e.perm.risk() == catalog::Risk::Critical)
        .count();
    let location = p.src.location(p.permissions_span.offset());
    let f = Finding::requires_everything(&p.id, &how, p.api, critical, location);
    Some((f, p.permissions_span))
}

/// harvest-v1 requirements that have no v3 equivalent.
fn no_v3_equivalent(p: &Profile) -> Vec<(Finding, SourceSpan)> {
    if p.api != Api::HarvestV1 || p.requires_all {
        return Vec::new();
    }
    p.permissions
        .iter()
        .filter_map(|e| match e.perm {
            Perm::V1(v) if catalog::v1(v).mapping == Mapping::None => {
                let f = Finding::no_v3_equivalent(&p.id, catalog::v1(v), p.src.location(e.span.offset()));
                Some((f, e.span))
            }
            _ => None,
        })
        .collect()
}

/// A profile without `source` or `reviewed`.
fn no_provenance(p: &Profile) -> Option<(Finding, SourceSpan)> {
    let mut lacking = Vec::new();
    if p.source.is_none() {
        lacking.push("`source`");
    }
    if p.reviewed.is_none() {
        lacking.push("`reviewed`");
    }
    if lacking.is_empty() {
        return None;
    }
    Some((
        Finding::no_provenance(&p.id, &lacking, p.src.location(0)),
        (0, 0).into(),
    ))
}
