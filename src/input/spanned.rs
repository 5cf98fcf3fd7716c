//! A value with the byte span it was read from, for YAML/JSON (serde-saphyr) and TOML (the
//! toml crate) alike, so every validation error can point at its line and column.

use miette::SourceSpan;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// A value with the byte span it came from.
#[derive(Debug, Clone)]
pub struct Spanned<T> {
    pub value: T,
    pub span: SourceSpan,
}

thread_local! {
    /// Set while a TOML document is parsed, so [`Spanned`] asks the TOML parser for spans.
    static TOML_SPANS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Parse TOML text with [`Spanned`] values taking their spans from the TOML parser.
pub fn from_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, toml::de::Error> {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            TOML_SPANS.set(false);
        }
    }
    TOML_SPANS.set(true);
    let _reset = Reset;
    toml::from_str(text)
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        if TOML_SPANS.get() {
            let s = toml::Spanned::<T>::deserialize(d)?;
            let r = s.span();
            return Ok(Spanned {
                span: (r.start, r.end - r.start).into(),
                value: s.into_inner(),
            });
        }
        let s = serde_saphyr::Spanned::<T>::deserialize(d)?;
        let span = s.referenced.span();
        let span = match (span.byte_offset(), span.byte_len()) {
            (Some(o), Some(l)) => (o as usize, l as usize).into(),
            _ => (0, 0).into(),
        };
        Ok(Spanned { value: s.value, span })
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}
