//! Every secret grantlint reads, read here: client secrets from the environment, a file or
//! stdin, and raw tokens. Nothing read here is ever echoed; errors name only where the secret
//! was looked for.

use std::io::Read;
use std::path::Path;

use super::config::{SecretFrom, ValueFrom};
use super::source::MAX_INPUT_BYTES;
use crate::error::Error;
use crate::secret::Secret;

/// A credential to read live.
#[derive(Debug, Clone)]
pub struct LiveCredential {
    /// The name in reports.
    pub name: String,
    /// Not a secret: Dev Center shows it.
    pub client_id: String,
    pub secret: Secret,
    /// Acting Greenhouse user id.
    pub sub: Option<String>,
}

/// A set, non-blank environment variable, trimmed.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The credential of `--live`: GREENHOUSE_CLIENT_ID, GREENHOUSE_CLIENT_SECRET (or the secret
/// file) and optional GREENHOUSE_SUB.
pub fn live_credential_from_env(secret_file: Option<&Path>, name: Option<String>) -> Result<LiveCredential, Error> {
    let client_id = env_value("GREENHOUSE_CLIENT_ID")
        .ok_or_else(|| Error::Usage("--live needs GREENHOUSE_CLIENT_ID in the environment".into()))?;
    let secret = match secret_file {
        Some(path) => read_secret_file(path)?,
        None => Secret::new(env_value("GREENHOUSE_CLIENT_SECRET").ok_or_else(|| {
            Error::Usage(
                "--live needs GREENHOUSE_CLIENT_SECRET in the environment, or --client-secret-file FILE|-".into(),
            )
        })?),
    };
    let sub = env_value("GREENHOUSE_SUB");
    if let Some(s) = &sub
        && !s.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(Error::Usage(
            "GREENHOUSE_SUB must be a Greenhouse user id (a number)".into(),
        ));
    }
    Ok(LiveCredential {
        name: name.unwrap_or_else(|| client_id.clone()),
        client_id,
        secret,
        sub,
    })
}

/// A client secret from a file or stdin (`-`): the first line, trimmed.
pub fn read_secret_file(path: &Path) -> Result<Secret, Error> {
    let text = read_token_text(path)?;
    let secret = Secret::new(text.lines().next().unwrap_or("").trim());
    if secret.is_empty() {
        return Err(Error::Usage(format!(
            "{}: the client secret file is empty",
            path.display()
        )));
    }
    Ok(secret)
}

/// A token (or secret) file, or stdin for `-`, as text of at most 4 MiB. The text is a
/// secret: a read error names only the file.
pub fn read_token_text(path: &Path) -> Result<String, Error> {
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        std::io::stdin()
            .lock()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, e))?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| Error::io(path, e))?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::Usage(format!(
            "{}: larger than 4 MiB: not a token or a secret",
            path.display()
        )));
    }
    String::from_utf8(bytes).map_err(|_| Error::Usage(format!("{}: not text", path.display())))
}

/// A config credential's live settings, looked up now. A variable that is unset or a secret
/// file that cannot be read is that credential's setup error, named in words.
pub fn live_credential_from_config(
    name: &str,
    client_id: &ValueFrom,
    secret: &SecretFrom,
    sub: Option<String>,
) -> Result<LiveCredential, String> {
    let client_id = match client_id {
        ValueFrom::Literal(v) => v.clone(),
        ValueFrom::Env(var) => {
            env_value(var).ok_or_else(|| format!("environment variable {var} (client_id_env) is not set"))?
        }
    };
    let secret = match secret {
        SecretFrom::Env(var) => Secret::new(
            env_value(var).ok_or_else(|| format!("environment variable {var} (client_secret_env) is not set"))?,
        ),
        SecretFrom::File(path) => read_secret_file(path).map_err(|e| e.to_string())?,
    };
    Ok(LiveCredential {
        name: name.to_string(),
        client_id,
        secret,
        sub,
    })
}
