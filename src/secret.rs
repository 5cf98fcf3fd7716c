//! Secrets (client secrets, access tokens) live in one wrapper type: it has no `Display`,
//! its `Debug` prints `[redacted]`, and the only way to the text is [`Secret::expose`],
//! which the HTTP client calls when it builds a header it marks sensitive.

use std::fmt;

#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret text. Call only to put it on the wire.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }

    /// The forms this secret takes on the wire and in echoes of it: itself, form-encoded,
    /// and, for a JWT, its payload and signature segments.
    fn forms(&self) -> Vec<String> {
        let mut forms = vec![self.0.clone()];
        let encoded: String = url::form_urlencoded::byte_serialize(self.0.as_bytes()).collect();
        forms.push(encoded);
        let parts: Vec<&str> = self.0.split('.').collect();
        if parts.len() == 3 {
            forms.extend(parts[1..].iter().map(|p| p.to_string()));
        }
        forms.retain(|f| f.len() >= 4);
        forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
        forms.dedup();
        forms
    }

    /// `text` with every form of this secret replaced, for messages built from what a server
    /// said (a misbehaving server might echo it back).
    pub fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for form in self.forms() {
            out = out.replace(&form, "[redacted]");
        }
        out
    }

    /// `text` with the Basic credentials of `client_id` and this secret replaced in every
    /// form they take: the base64 of `client_id:secret` (standard and URL-safe), and the
    /// secret itself.
    pub fn scrub_basic(&self, client_id: &str, text: &str) -> String {
        use base64::Engine as _;
        let pair = format!("{client_id}:{}", self.0);
        let mut out = text.to_string();
        for engine in [
            &base64::engine::general_purpose::STANDARD,
            &base64::engine::general_purpose::URL_SAFE,
        ] {
            let encoded = engine.encode(&pair);
            out = out.replace(&encoded, "[redacted]");
            out = out.replace(encoded.trim_end_matches('='), "[redacted]");
        }
        self.scrub(&out)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_secret() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{:?}", Some(&s)), "Some([redacted])");
        assert_eq!(s.scrub("echo hunter2-very-secret!"), "echo [redacted]!");
        assert_eq!(
            Secret::new("a b&c").scrub("x=a+b%26c y=a b&c"),
            "x=[redacted] y=[redacted]"
        );
        let basic = "Basic aWQ6aHVudGVyMi12ZXJ5LXNlY3JldA==";
        assert_eq!(s.scrub_basic("id", basic), "Basic [redacted]");
        let jwt = Secret::new("eyJhbGciOiJub25lIn0.eyJzY29wZSI6IngifQ.c2lnbmF0dXJl");
        assert_eq!(
            jwt.scrub("seen eyJzY29wZSI6IngifQ and c2lnbmF0dXJl"),
            "seen [redacted] and [redacted]"
        );
    }
}
