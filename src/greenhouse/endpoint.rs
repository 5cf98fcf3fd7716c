//! Where Greenhouse is, and the one rule every URL setting is vetted by (flag, environment
//! or config alike): HTTPS, or plain HTTP to a loopback address (a local test server); no
//! credentials in the URL.

use std::fmt;
use std::net::IpAddr;

use reqwest::Url;

pub const DEFAULT_AUTH_URL: &str = "https://auth.greenhouse.io";
pub const DEFAULT_BASE_URL: &str = "https://harvest.greenhouse.io";

/// Why a URL setting was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    NotAUrl { raw: String, why: String },
    Credentials,
    PlainHttp { raw: String },
    Scheme { raw: String, scheme: String },
}

impl UrlProblem {
    /// The problem as a sentence about the setting `name` (`--auth-url`, `` `auth_url` ``).
    pub fn describe(&self, name: &str) -> String {
        match self {
            UrlProblem::NotAUrl { raw, why } => format!("{name} {raw:?} is not a URL: {why}"),
            UrlProblem::Credentials => format!("{name} must not carry credentials in the URL"),
            UrlProblem::PlainHttp { raw } => format!(
                "{name} {raw} uses plain HTTP: grantlint sends credentials only over HTTPS (plain HTTP is allowed to loopback addresses, for test servers)"
            ),
            UrlProblem::Scheme { raw, scheme } => format!("{name} {raw}: unsupported scheme {scheme:?}"),
        }
    }
}

impl fmt::Display for UrlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe("the URL"))
    }
}

/// Parse and vet a base URL.
pub fn vet(raw: &str) -> Result<Url, UrlProblem> {
    let url = Url::parse(raw).map_err(|e| UrlProblem::NotAUrl {
        raw: raw.to_string(),
        why: e.to_string(),
    })?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlProblem::Credentials);
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(UrlProblem::PlainHttp { raw: raw.to_string() }),
        other => Err(UrlProblem::Scheme {
            raw: raw.to_string(),
            scheme: other.to_string(),
        }),
    }
}

/// Whether a URL names Greenhouse (`greenhouse.io` or a subdomain) or this machine: the
/// only hosts a config may name on its own.
pub fn is_greenhouse_or_loopback(url: &Url) -> bool {
    if is_loopback(url) {
        return true;
    }
    match url.host() {
        Some(url::Host::Domain(d)) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "greenhouse.io" || d.ends_with(".greenhouse.io")
        }
        _ => false,
    }
}

/// Whether a URL names this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// The two servers of a run: OAuth and the Harvest API.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub auth: Url,
    pub base: Url,
}

impl Endpoints {
    /// `path` under `base`, keeping any path prefix the base has.
    pub fn join(base: &Url, path: &str) -> Url {
        let mut url = base.clone();
        let joined = format!("{}/{}", base.path().trim_end_matches('/'), path.trim_start_matches('/'));
        url.set_path(&joined);
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        for ok in [
            "https://auth.greenhouse.io",
            "http://127.0.0.1:8080",
            "http://localhost:1",
            "http://[::1]:8080",
            "http://127.0.0.2:1",
        ] {
            assert!(vet(ok).is_ok(), "{ok}");
        }
        assert!(matches!(
            vet("http://auth.greenhouse.io"),
            Err(UrlProblem::PlainHttp { .. })
        ));
        assert!(matches!(vet("http://10.0.0.1"), Err(UrlProblem::PlainHttp { .. })));
        assert_eq!(vet("https://user:pw@auth.greenhouse.io"), Err(UrlProblem::Credentials));
        assert!(matches!(vet("ftp://x"), Err(UrlProblem::Scheme { .. })));
        assert!(matches!(vet("not a url"), Err(UrlProblem::NotAUrl { .. })));
    }

    #[test]
    fn join_keeps_a_base_path() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            Endpoints::join(&base, "/v3/jobs").as_str(),
            "http://127.0.0.1:9/prefix/v3/jobs"
        );
    }
}
