//! HAR 1.2 (`log.entries[].request.method/url`, `response.status`, `startedDateTime`), as
//! mitmproxy, Charles, Fiddler and browser devtools export it. Everything else in an entry
//! (headers, cookies, bodies: where the tokens are) is skipped unread. An entry without a
//! method or a URL is a counted skip, not an error.

use serde::Deserialize;
use serde::de::{self, IgnoredAny};

use super::{Evidence, EvidenceKind, NO_RESPONSE, Observed, method, split_target};
use crate::error::Error;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Har {
    log: Lenient<Log>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Log {
    entries: LenientList<Lenient<Entry>>,
}

/// A value that must be a list of `T` to mean anything: anything else is `None`, never an
/// error (and never quoted).
pub(super) struct LenientList<T>(pub(super) Option<Vec<T>>);

impl<T> Default for LenientList<T> {
    fn default() -> Self {
        LenientList(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for LenientList<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
            type Value = LenientList<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<LenientList<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<T>()? {
                    items.push(item);
                }
                Ok(LenientList(Some(items)))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<LenientList<T>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(LenientList(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientList<T>, E> {
                Ok(LenientList(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A value that must be a `T` (an object) to mean anything: anything else is `None`, never an
/// error, and is never quoted (it may hold a token). `T`'s fields are lenient too, so an
/// object always reads.
pub(super) struct Lenient<T>(pub(super) Option<T>);

impl<T> Default for Lenient<T> {
    fn default() -> Self {
        Lenient(None)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> de::Visitor<'de> for V<T> {
            type Value = Lenient<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Lenient<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| Lenient(Some(t)))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Lenient<T>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Lenient(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Lenient<T>, E> {
                Ok(Lenient(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Entry {
    #[serde(rename = "startedDateTime")]
    started: Scalar,
    request: Lenient<Request>,
    response: Lenient<Response>,
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
pub(super) struct Scalar(pub(super) Option<String>);

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
        // Never the error's own words for a data error: serde quotes the offending value,
        // and in a capture that may be a token.
        let what = match e.classify() {
            serde_json::error::Category::Eof => {
                "the file ends in the middle of the JSON (a truncated capture?)".to_string()
            }
            serde_json::error::Category::Syntax => {
                let message = e.to_string();
                format!("not JSON: {}", message.split(" at line ").next().unwrap_or(&message))
            }
            serde_json::error::Category::Data | serde_json::error::Category::Io => {
                "the JSON does not have the shape of a HAR file".to_string()
            }
        };
        Error::Usage(format!("{name}:{}:{}: not a HAR file: {what}", e.line(), e.column()))
    })?;
    let entries = har.log.0.and_then(|l| l.entries.0).ok_or_else(|| {
        Error::Usage(format!(
            "{name}: JSON, but not a HAR file: it has no `log.entries` list (export the capture as HAR 1.2)"
        ))
    })?;
    let mut evidence = Evidence::new(name, EvidenceKind::Har);
    for (i, slot) in entries.into_iter().enumerate() {
        let place = i + 1;
        let Some(entry) = slot.0 else {
            evidence.skipped.add(place, "not an entry (an object)");
            continue;
        };
        let request = entry.request.0.unwrap_or_default();
        let Some(m) = request.method.0.as_deref().and_then(method) else {
            evidence.skipped.add(place, "no request method grantlint knows");
            continue;
        };
        let Some((host, path)) = request.url.0.as_deref().and_then(split_target) else {
            evidence.skipped.add(place, "no http(s) request URL");
            continue;
        };
        let status = entry.response.0.and_then(|r| r.status.0).and_then(|s| status_of(&s));
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

/// A HAR status: 100-599 as is; 0 or a negative number (no response: a reset, a blocked
/// request, a TLS failure) as [`NO_RESPONSE`]; anything else unknown.
fn status_of(s: &str) -> Option<u16> {
    let n: i64 = s.trim().parse().ok()?;
    match n {
        100..=599 => u16::try_from(n).ok(),
        i64::MIN..=0 => Some(NO_RESPONSE),
        _ => None,
    }
}
