//! HAR 1.2 (`log.entries[].request.method/url`, `response.status`, `startedDateTime`), as
//! mitmproxy, Charles, Fiddler and browser devtools export it. Everything else in an entry
//! (headers, cookies, bodies: where the tokens are) is skipped unread. An entry without a
//! method or a URL is a counted skip, not an error.

use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use super::{Evidence, EvidenceKind, Observed, method, split_target};
use crate::error::Error;

#[derive(Deserialize)]
struct Har {
    log: Option<Log>,
}

#[derive(Deserialize)]
struct Log {
    entries: Option<Vec<Entry>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    #[serde(rename = "startedDateTime")]
    started: Scalar,
    request: Request,
    response: Response,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Request {
    method: Scalar,
    url: Scalar,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Response {
    status: Scalar,
}

/// Any JSON value; a string or a number is kept as text, anything else is skipped unread.
#[derive(Default)]
struct Scalar(Option<String>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> de::Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar(None))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// Read a HAR file. Not JSON, or JSON without `log.entries`, is an error that says where.
pub fn parse(name: &str, text: &str) -> Result<Evidence, Error> {
    let har: Har = serde_json::from_str(text).map_err(|e| {
        let what = if e.is_eof() {
            "the file ends in the middle of the JSON (a truncated capture?)".to_string()
        } else {
            let message = e.to_string();
            message.split(" at line ").next().unwrap_or(&message).to_string()
        };
        Error::Usage(format!("{name}:{}:{}: not a HAR file: {what}", e.line(), e.column()))
    })?;
    let entries = har.log.and_then(|l| l.entries).ok_or_else(|| {
        Error::Usage(format!(
            "{name}: JSON, but not a HAR file: it has no `log.entries` (export the capture as HAR 1.2)"
        ))
    })?;
    let mut evidence = Evidence::new(name, EvidenceKind::Har);
    for (i, entry) in entries.into_iter().enumerate() {
        let place = i + 1;
        let Some(m) = entry.request.method.0.as_deref().and_then(method) else {
            evidence.skipped.add(place, "no request method grantlint knows");
            continue;
        };
        let Some((host, path)) = entry.request.url.0.as_deref().and_then(split_target) else {
            evidence.skipped.add(place, "no http(s) request URL");
            continue;
        };
        let status = entry
            .response
            .status
            .0
            .and_then(|s| s.parse::<u16>().ok())
            .filter(|s| (100..600).contains(s));
        let at = entry.started.0.and_then(|t| t.parse().ok());
        evidence.requests.push(Observed {
            methods: vec![m],
            host,
            path,
            status,
            at,
            place,
        });
    }
    Ok(evidence)
}
