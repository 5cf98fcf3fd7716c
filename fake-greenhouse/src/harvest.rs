//! The Harvest v3 API (`/v3/*`): reads answered by scope, writes refused (405) unless
//! `serve_writes`, and the probe faults.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use serde_json::{Value, json};

use crate::auth::bearer_client;
use crate::http::{Answer, Request};
use crate::server::{Outcome, Routed, State};

/// grantlint's catalog of Harvest v3 operations: the resources that exist.
const OPERATIONS: &str = include_str!("../../catalog/v3_operations.tsv");

/// Every first path segment after `/v3/` in the catalog (`candidates`, `jobs`, ...).
pub(crate) fn resources() -> HashSet<&'static str> {
    OPERATIONS
        .lines()
        .skip(1)
        .filter_map(|line| line.split('\t').nth(1))
        .filter_map(|path| path.strip_prefix("/v3/"))
        .filter_map(|rest| rest.split('/').next())
        .collect()
}

/// `/v3/candidates/123/x` -> (`candidates`, Some(`123`)).
fn split_path(path: &str) -> (&str, Option<&str>) {
    let mut parts = path.trim_start_matches("/v3/").split('/');
    let resource = parts.next().unwrap_or("");
    (resource, parts.next().filter(|id| !id.is_empty()))
}

/// An id from a path, a number where it is one.
fn id_value(id: &str) -> Value {
    id.parse::<u64>().map_or_else(|_| Value::from(id), Value::from)
}

/// `GET /v3/*`: 200 when the credential holds (or is `also_allowed`) the resource's list scope
/// and is not `refused` it, else 403; an unknown resource is 404. A list answers `[{"id": 1}]`,
/// `/v3/{resource}/{id}` answers `{"id": id}`.
pub(crate) fn read(state: &State, req: &Request) -> Routed {
    let i = match bearer_client(state, req) {
        Ok(i) => i,
        Err(refused) => return refused,
    };
    let Some(cred) = state.credential(i) else {
        return Routed::anonymous(Answer::message(500, "no such credential"));
    };
    let b = &cred.behavior;
    if b.probe_drop {
        return Routed::outcome(i, Outcome::Drop);
    }
    if let Some(status) = b.probe_status {
        return Routed::to(i, Answer::message(status, crate::http::reason(status)));
    }
    let (resource, id) = split_path(&req.path);
    if !state.resources.contains(resource) {
        return Routed::to(i, Answer::message(404, "not found"));
    }
    let scope = format!("harvest:{resource}:list");
    let claimed = cred.scopes.contains(&scope);
    let allowed = (claimed && !b.refused.contains(&scope)) || b.also_allowed.contains(&scope);
    if !allowed {
        return Routed::to(i, Answer::message(403, "Forbidden"));
    }
    let body = match id {
        Some(id) => json!({ "id": id_value(id) }),
        None => json!([{"id": 1}]),
    };
    Routed::to(i, Answer::json(200, body))
}

/// `POST`/`PUT`/`PATCH`/`DELETE /v3/*`: 405 unless `serve_writes`; then 201 `{"id": new}`,
/// 200 `{"id": id}` or 204 when the credential holds a scope `harvest:{resource}:X` other than
/// `list`, 403 when it does not.
pub(crate) fn write(state: &State, req: &Request) -> Routed {
    if !state.config.serve_writes {
        // grantlint must never write; answer, but the tests look for these in `seen`.
        return Routed::anonymous(Answer::message(405, "writes are not served"));
    }
    let i = match bearer_client(state, req) {
        Ok(i) => i,
        Err(refused) => return refused,
    };
    let Some(cred) = state.credential(i) else {
        return Routed::anonymous(Answer::message(500, "no such credential"));
    };
    let (resource, id) = split_path(&req.path);
    if !state.resources.contains(resource) {
        return Routed::to(i, Answer::message(404, "not found"));
    }
    let prefix = format!("harvest:{resource}:");
    let may_write = cred
        .scopes
        .iter()
        .filter_map(|s| s.strip_prefix(&prefix))
        .any(|action| action != "list");
    if !may_write {
        return Routed::to(i, Answer::message(403, "Forbidden"));
    }
    let answer = match req.method() {
        "POST" => {
            let new = 10_000 + state.counter.fetch_add(1, Ordering::SeqCst);
            Answer::json(201, json!({ "id": new }))
        }
        "DELETE" => Answer::raw(204, ""),
        _ => Answer::json(200, json!({ "id": id.map(id_value) })),
    };
    Routed::to(i, answer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_names_the_resources() {
        let r = resources();
        for known in ["candidates", "applications", "jobs", "notes", "offers", "users"] {
            assert!(r.contains(known), "{known}");
        }
        assert!(!r.contains("no_such_thing") && !r.contains(""));
    }

    #[test]
    fn paths() {
        assert_eq!(split_path("/v3/candidates/123"), ("candidates", Some("123")));
        assert_eq!(split_path("/v3/jobs"), ("jobs", None));
        assert_eq!(split_path("/v3/jobs/"), ("jobs", None));
        assert_eq!(id_value("123"), json!(123));
        assert_eq!(id_value("abc"), json!("abc"));
    }
}
