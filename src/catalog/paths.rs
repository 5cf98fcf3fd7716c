//! Which permission a request needs: its method and path (query dropped) against the path
//! templates of the v3 operations and the v1 endpoints. A literal segment matches only
//! itself and `{param}` one segment of anything; of several matches the one with the most
//! literal segments wins, so `/v3/users/activate/bulk` is not `/v3/users/{id}/activate`, and
//! `PATCH /v3/candidates/{id}/anonymize` is not `candidates:update`.

use std::sync::OnceLock;

use super::{Perm, scopes, v1_permissions};

/// One path template of the catalog.
struct Template {
    method: &'static str,
    /// Segments after the leading `/`; `None` for a `{param}`.
    segments: Vec<Option<&'static str>>,
    literals: usize,
    perm: Perm,
}

fn templates() -> &'static [Template] {
    static TEMPLATES: OnceLock<Vec<Template>> = OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let v3 = scopes()
            .iter()
            .flat_map(|s| s.operations.iter().map(move |op| (op.method, op.path, Perm::V3(s.sid))));
        // The UI-only scorecard checkbox has no path (`ui:application-scorecard`).
        let v1 = v1_permissions()
            .iter()
            .filter(|p| p.path.starts_with('/'))
            .map(|p| (p.method, p.path, Perm::V1(p.vid)));
        v3.chain(v1)
            .map(|(method, path, perm)| {
                let segments: Vec<Option<&'static str>> = split(path)
                    .map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then_some(s))
                    .collect();
                let literals = segments.iter().filter(|s| s.is_some()).count();
                Template {
                    method,
                    segments,
                    literals,
                    perm,
                }
            })
            .collect()
    })
}

/// The non-empty segments of a path (a trailing or doubled `/` is not a segment).
fn split(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The permission a request for `method` and `path` (without the query) needs, if the
/// catalog knows the operation.
pub fn permission_for(method: &str, path: &str) -> Option<Perm> {
    let segments: Vec<&str> = split(path).collect();
    templates()
        .iter()
        .filter(|t| t.method.eq_ignore_ascii_case(method) && t.segments.len() == segments.len())
        .filter(|t| {
            t.segments
                .iter()
                .zip(&segments)
                .all(|(want, got)| want.is_none_or(|w| w == *got))
        })
        .max_by_key(|t| t.literals)
        .map(|t| t.perm)
}

/// A path as reports group unmatched requests: segments that are ids (digits) or look like
/// ones become `{id}`.
pub fn path_shape(path: &str) -> String {
    let mut out = String::new();
    for s in split(path) {
        out.push('/');
        let id_like = s.bytes().all(|b| b.is_ascii_digit())
            || (s.len() >= 16 && s.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-'));
        out.push_str(if id_like { "{id}" } else { s });
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(method: &str, path: &str) -> Option<&'static str> {
        permission_for(method, path).map(Perm::id)
    }

    #[test]
    fn literal_segments_win_and_counts_must_agree() {
        assert_eq!(id("GET", "/v3/candidates"), Some("harvest:candidates:list"));
        assert_eq!(id("PATCH", "/v3/candidates/123"), Some("harvest:candidates:update"));
        assert_eq!(
            id("PATCH", "/v3/candidates/123/anonymize"),
            Some("harvest:candidates:anonymize")
        );
        assert_eq!(id("POST", "/v3/users/activate/bulk"), Some("harvest:users:activate"));
        assert_eq!(id("POST", "/v3/users/42/activate"), Some("harvest:users:activate"));
        assert_eq!(id("GET", "/v3/candidates/search"), Some("harvest:candidates:list"));
        assert_eq!(id("GET", "/v1/candidates/123"), Some("GET /v1/candidates/{id}"));
        assert_eq!(id("get", "/v1/candidates/"), Some("GET /v1/candidates"));
        assert_eq!(id("GET", "/v3/candidates/123"), None, "v3 has no per-id read");
        assert_eq!(id("DELETE", "/v3/candidates"), None);
        assert_eq!(id("GET", "/v3/no_such_thing"), None);
    }

    #[test]
    fn unmatched_paths_are_grouped_by_shape() {
        assert_eq!(path_shape("/v3/candidates/123/x"), "/v3/candidates/{id}/x");
        assert_eq!(path_shape("/v1/things/8df9ae5a17e522b8"), "/v1/things/{id}");
        assert_eq!(path_shape("/"), "/");
    }
}
