//! A Greenhouse OpenAPI spec (`grantlint catalog diff --spec`, `--catalog-spec`,
//! config `catalog_spec`): its OAuth 2.0 scopes (`components.securitySchemes.*.flows.*.scopes`,
//! scope -> description) and which scope each operation requires (`paths.*.*.security`).
//! JSON, or YAML by extension. Anything else is a clear error, never a panic: a document
//! that is not OpenAPI 3, declares no OAuth 2.0 scope, or has a wrong type where grantlint
//! reads.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use serde_json::{Map, Value};

use super::sanitize;
use super::source::{Source, SourceError};
use crate::catalog::{MAX_NAME_LEN, MAX_SCOPES, SpecCatalog, SpecOperation};
use crate::error::Error;

/// Largest spec grantlint reads. Greenhouse's is about 2 MiB.
pub const MAX_SPEC_BYTES: u64 = 32 * 1024 * 1024;

/// Most operations a spec may bind (Greenhouse's has 184).
const MAX_OPERATIONS: usize = 50_000;

/// Longest scope description or operation summary kept.
const MAX_TEXT: usize = 300;

/// The methods whose operations name scopes (OpenAPI's `head`, `options` and `trace` bind
/// nothing in Harvest).
const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// Read and check a spec file.
pub fn read(path: &Path) -> Result<SpecCatalog, Error> {
    let src = Source::read_limited(path, MAX_SPEC_BYTES)?;
    let yaml = matches!(
        path.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("yaml" | "yml")
    );
    from_source(src, yaml)
}

/// Check a spec's text: YAML, or JSON (`yaml` false). The source's name is its origin.
pub fn from_source(src: Source, yaml: bool) -> Result<SpecCatalog, Error> {
    let doc = if yaml { parse_yaml(&src)? } else { parse_json(&src)? };
    let origin = sanitize::clean_line(&src.name);
    extract(&doc, origin).map_err(|(message, help)| SourceError::whole(src, message, Some(help)).into())
}

fn parse_json(src: &Source) -> Result<Value, Error> {
    serde_json::from_str(&src.text).map_err(|e| {
        let offset = offset_of(&src.text, e.line(), e.column());
        SourceError::at(src, (offset, 0).into(), format!("not valid JSON: {e}"), "here")
            .with_help("a Greenhouse OpenAPI spec is a JSON (or, named .yaml, YAML) document")
            .into()
    })
}

fn parse_yaml(src: &Source) -> Result<Value, Error> {
    let mut options = super::source::yaml_options();
    if let Some(budget) = options.budget.as_mut() {
        // A spec is far larger than a profile, but depth and aliases stay bounded.
        budget.max_nodes = 5_000_000;
    }
    serde_saphyr::from_str_with_options::<Value>(&src.text, options).map_err(|e| SourceError::from_yaml(src, &e).into())
}

/// Byte offset of a 1-based line and column (serde_json's), clamped to the text.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len())
}

/// A problem and its help line.
type Problem = (String, String);

fn problem(message: impl Into<String>, help: impl Into<String>) -> Problem {
    (message.into(), help.into())
}

const NOT_OPENAPI_HELP: &str = "give Greenhouse's Harvest v3 OpenAPI spec (the JSON embedded in harvestdocs.greenhouse.io, as in reference/harvest_v3.openapi.json)";

fn extract(doc: &Value, origin: String) -> Result<SpecCatalog, Problem> {
    let root = doc.as_object().ok_or_else(|| {
        problem(
            "not an OpenAPI document: the top level is not an object",
            NOT_OPENAPI_HELP,
        )
    })?;
    version(root)?;
    let (schemes, scopes) = oauth2_scopes(root)?;
    let declared: HashSet<&str> = scopes.iter().map(|(s, _)| s.as_str()).collect();
    let default_security = root.get("security");
    let operations = operations(root, &schemes, &declared, default_security)?;
    Ok(SpecCatalog {
        origin,
        scopes,
        operations,
    })
}

fn version(root: &Map<String, Value>) -> Result<(), Problem> {
    match root.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.") => Ok(()),
        Some(Value::String(v)) => Err(problem(
            format!(
                "OpenAPI version {:?} is not supported: grantlint reads OpenAPI 3.x",
                sanitize::clean_line(&short(v))
            ),
            NOT_OPENAPI_HELP,
        )),
        Some(_) => Err(problem("`openapi` is not a string", NOT_OPENAPI_HELP)),
        None if root.contains_key("swagger") => Err(problem(
            "a Swagger 2.0 document: grantlint reads OpenAPI 3.x (Greenhouse publishes 3.1)",
            NOT_OPENAPI_HELP,
        )),
        None => Err(problem(
            "not an OpenAPI document: it has no `openapi` version field",
            NOT_OPENAPI_HELP,
        )),
    }
}

/// The oauth2 security schemes' names, and every scope their flows declare (first
/// description wins), in the spec's order.
#[allow(clippy::type_complexity)]
fn oauth2_scopes(root: &Map<String, Value>) -> Result<(Vec<String>, Vec<(String, String)>), Problem> {
    let schemes = match root.get("components").map(|c| (c, c.get("securitySchemes"))) {
        None | Some((_, None)) => None,
        Some((Value::Object(_), Some(Value::Object(s)))) => Some(s),
        Some((Value::Object(_), Some(_))) => return Err(wrong_type("components.securitySchemes", "an object")),
        Some(_) => return Err(wrong_type("components", "an object")),
    };
    let mut names = Vec::new();
    let mut scopes: Vec<(String, String)> = Vec::new();
    let mut seen = HashSet::new();
    for (name, scheme) in schemes.into_iter().flatten() {
        let at = format!("components.securitySchemes.{}", short(name));
        let scheme = scheme.as_object().ok_or_else(|| wrong_type(&at, "an object"))?;
        if scheme.get("type").and_then(Value::as_str) != Some("oauth2") {
            continue;
        }
        names.push(name.clone());
        let flows = object_at(scheme, "flows", &at)?;
        for (flow_name, flow) in flows.into_iter().flatten() {
            let at = format!("{at}.flows.{}", short(flow_name));
            let flow = flow.as_object().ok_or_else(|| wrong_type(&at, "an object"))?;
            for (scope, description) in object_at(flow, "scopes", &at)?.into_iter().flatten() {
                let at = format!("{at}.scopes");
                let scope = scope_name(scope, &at)?;
                let label = description_of(description, &scope, &at)?;
                if seen.insert(scope.clone()) {
                    scopes.push((scope, label));
                }
                if scopes.len() > MAX_SCOPES {
                    return Err(problem(format!("more than {MAX_SCOPES} scopes"), NOT_OPENAPI_HELP));
                }
            }
        }
    }
    if scopes.is_empty() {
        return Err(problem(
            "declares no OAuth 2.0 scopes (no `components.securitySchemes` entry of type oauth2 with `flows.*.scopes`)",
            "Harvest v3 permissions are OAuth 2.0 scopes: give Greenhouse's Harvest v3 spec, which declares them",
        ));
    }
    Ok((names, scopes))
}

/// An optional member that, when present, must be an object.
fn object_at<'a>(obj: &'a Map<String, Value>, key: &str, at: &str) -> Result<Option<&'a Map<String, Value>>, Problem> {
    match obj.get(key) {
        None => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m)),
        Some(_) => Err(wrong_type(&format!("{at}.{key}"), "an object")),
    }
}

fn wrong_type(at: &str, want: &str) -> Problem {
    problem(
        format!("`{at}` is not {want}"),
        "the file does not have the shape of an OpenAPI 3 document there",
    )
}

/// `text` cut for a message.
fn short(text: &str) -> String {
    sanitize::clean_line(&crate::catalog::shorten(text))
}

/// A scope name as Harvest writes them: `namespace:resource:action`, lower case, digits and
/// `_`.
fn scope_name(name: &str, at: &str) -> Result<String, Problem> {
    let parts: Vec<&str> = name.split(':').collect();
    let well_formed = name.len() <= MAX_NAME_LEN
        && parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
    if well_formed {
        Ok(name.to_string())
    } else {
        Err(problem(
            format!(
                "`{at}` declares the scope {:?}, which is not of the form `harvest:<resource>:<action>`",
                short(name)
            ),
            "scope names are lower case words joined by `_`, in three parts separated by `:`",
        ))
    }
}

fn description_of(v: &Value, scope: &str, at: &str) -> Result<String, Problem> {
    let text = v
        .as_str()
        .ok_or_else(|| wrong_type(&format!("{at}.{scope}"), "a string (the scope's description)"))?;
    let text = clip(text);
    if text.trim().is_empty() {
        return Err(problem(
            format!("scope {scope} has an empty description"),
            "the description is the scope's label on Dev Center's \"Manage scopes\" screen",
        ));
    }
    Ok(text)
}

/// Control characters removed, spacing collapsed, at most `MAX_TEXT` characters.
fn clip(text: &str) -> String {
    let one_line = sanitize::clean_line(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    one_line.chars().take(MAX_TEXT).collect()
}

/// Every operation that requires a scope of an oauth2 scheme, sorted by method + path.
fn operations(
    root: &Map<String, Value>,
    schemes: &[String],
    declared: &HashSet<&str>,
    default_security: Option<&Value>,
) -> Result<Vec<SpecOperation>, Problem> {
    let mut out = BTreeMap::new();
    for (path, item) in object_at(root, "paths", "")?.into_iter().flatten() {
        let item = item
            .as_object()
            .ok_or_else(|| wrong_type(&format!("paths.{}", short(path)), "an object"))?;
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let at = format!("paths.{}.{method}", short(path));
            let op = op.as_object().ok_or_else(|| wrong_type(&at, "an object"))?;
            let security = op.get("security").or(default_security);
            let Some(scope) = required_scope(security, schemes, &at)? else {
                continue;
            };
            if !declared.contains(scope.as_str()) {
                return Err(problem(
                    format!("`{at}` requires the scope {scope}, which no oauth2 security scheme declares"),
                    "a spec that contradicts itself cannot be laid over the catalog",
                ));
            }
            // A URL path is printable ASCII (RFC 3986; `{id}` templates too): nothing else, no
            // bidirectional override or invisible character, may name an operation.
            if !path.starts_with('/') || path.len() > 1_000 || !path.chars().all(|c| c.is_ascii_graphic()) {
                return Err(problem(
                    format!("path {:?} is not a URL path", short(path)),
                    "OpenAPI paths begin with `/` and hold printable ASCII only",
                ));
            }
            let summary = match op.get("summary") {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => clip(s),
                Some(_) => return Err(wrong_type(&format!("{at}.summary"), "a string")),
            };
            let method = method.to_ascii_uppercase();
            out.insert(
                format!("{method} {path}"),
                SpecOperation {
                    method,
                    path: path.clone(),
                    scope,
                    summary,
                },
            );
            if out.len() > MAX_OPERATIONS {
                return Err(problem(
                    format!("more than {MAX_OPERATIONS} operations"),
                    NOT_OPENAPI_HELP,
                ));
            }
        }
    }
    Ok(out.into_values().collect())
}

/// The first oauth2 scope an operation's `security` requirements name (Greenhouse names
/// one per operation), or none.
fn required_scope(security: Option<&Value>, schemes: &[String], at: &str) -> Result<Option<String>, Problem> {
    let requirements = match security {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(a)) => a,
        Some(_) => return Err(wrong_type(&format!("{at}.security"), "an array")),
    };
    for requirement in requirements {
        let requirement = requirement
            .as_object()
            .ok_or_else(|| wrong_type(&format!("{at}.security[]"), "an object"))?;
        for scheme in schemes {
            let Some(scopes) = requirement.get(scheme) else {
                continue;
            };
            let scopes = scopes
                .as_array()
                .ok_or_else(|| wrong_type(&format!("{at}.security[].{}", short(scheme)), "an array of scopes"))?;
            if let Some(first) = scopes.first() {
                let name = first
                    .as_str()
                    .ok_or_else(|| wrong_type(&format!("{at}.security[].{}[]", short(scheme)), "a string"))?;
                return scope_name(name, &format!("{at}.security")).map(Some);
            }
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ok(doc: Value) -> SpecCatalog {
        extract(&doc, "t.json".into()).unwrap()
    }

    fn err(doc: Value) -> String {
        extract(&doc, "t.json".into()).unwrap_err().0
    }

    fn minimal() -> Value {
        json!({
            "openapi": "3.1.0",
            "components": {"securitySchemes": {"oauth2": {"type": "oauth2", "flows": {
                "clientCredentials": {"tokenUrl": "x", "scopes": {"harvest:jobs:list": "List jobs"}}}}}},
            "security": [{"bearer": []}],
            "paths": {"/v3/jobs": {"parameters": [], "get": {"summary": "List jobs", "security": [{"oauth2": ["harvest:jobs:list"]}, {"bearer": []}]}},
                      "/v3/other": {"get": {"summary": "bearer only"}}}
        })
    }

    #[test]
    fn reads_scopes_and_bindings() {
        let s = ok(minimal());
        assert_eq!(s.scopes, [("harvest:jobs:list".to_string(), "List jobs".to_string())]);
        assert_eq!(
            s.operations,
            [SpecOperation {
                method: "GET".into(),
                path: "/v3/jobs".into(),
                scope: "harvest:jobs:list".into(),
                summary: "List jobs".into()
            }]
        );
    }

    #[test]
    fn refuses_what_is_not_an_openapi_spec_with_scopes() {
        assert!(err(json!([1, 2])).contains("top level is not an object"));
        assert!(err(json!({"info": {}})).contains("no `openapi` version"));
        assert!(err(json!({"swagger": "2.0"})).contains("Swagger 2.0"));
        assert!(err(json!({"openapi": 3})).contains("not a string"));
        assert!(err(json!({"openapi": "3.0.0"})).contains("declares no OAuth 2.0 scopes"));
        let mut d = minimal();
        d["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"] = json!({});
        assert!(err(d).contains("declares no OAuth 2.0 scopes"));
        let mut d = minimal();
        d["components"]["securitySchemes"]["oauth2"]["flows"] = json!([1]);
        assert!(err(d).contains("`components.securitySchemes.oauth2.flows` is not an object"));
        let mut d = minimal();
        d["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"] =
            json!({"harvest:jobs:list": 7});
        assert!(err(d).contains("is not a string"));
        let mut d = minimal();
        d["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"] =
            json!({"Jobs List": "x"});
        assert!(err(d).contains("not of the form"));
        let mut d = minimal();
        d["paths"]["/v3/jobs"]["get"]["security"] = json!({"oauth2": []});
        assert!(err(d).contains("security` is not an array"));
        let mut d = minimal();
        d["paths"]["/v3/jobs"]["get"]["security"] = json!([{"oauth2": ["harvest:ghost:list"]}]);
        assert!(err(d).contains("which no oauth2 security scheme declares"));
        let mut d = minimal();
        d["paths"]["/v3/jobs"]["get"]["summary"] = json!(["x"]);
        assert!(err(d).contains("summary` is not a string"));
    }

    #[test]
    fn control_characters_never_survive() {
        let mut d = minimal();
        d["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]["harvest:jobs:list"] =
            json!("List\u{1b}[31m jobs\n\u{7}");
        let s = ok(d);
        assert!(!s.scopes[0].1.chars().any(char::is_control), "{:?}", s.scopes[0].1);
    }

    #[test]
    fn json_errors_point_at_their_line() {
        assert_eq!(offset_of("ab\ncd\n", 2, 2), 4);
        assert_eq!(offset_of("ab", 9, 9), 2);
    }
}
