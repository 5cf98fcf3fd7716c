//! Which `grantlint.toml` a run uses, and why (DESIGN.md section 11): `--config`, else
//! `GRANTLINT_CONFIG`, else the first of [`NAMES`] in the current directory and then in each
//! parent, up to the repository root (the directory holding `.git`). Outside a repository the
//! walk stops at the home directory, and when the current directory is not inside the home
//! directory only the current directory is searched: a `grantlint.toml` that someone else put
//! in `/tmp` or `/` is never picked up from below.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::error::Error;

/// The names searched in each directory, in order.
pub const NAMES: [&str; 3] = ["grantlint.toml", ".grantlint.toml", ".config/grantlint.toml"];

/// The environment variable that names the config.
pub const ENV: &str = "GRANTLINT_CONFIG";

/// How the config was chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// `--config FILE`.
    Flag,
    /// `GRANTLINT_CONFIG`.
    Env,
    /// Found by the walk: in the current directory (`levels_up` 0) or a parent.
    Discovered { levels_up: usize },
}

impl Origin {
    /// A short phrase for people: `--config`, `GRANTLINT_CONFIG`, `discovered in ..`.
    pub fn describe(&self) -> String {
        match self {
            Origin::Flag => "--config".into(),
            Origin::Env => ENV.into(),
            Origin::Discovered { levels_up: 0 } => "discovered in the current directory".into(),
            Origin::Discovered { levels_up: 1 } => "discovered in the parent directory".into(),
            Origin::Discovered { levels_up } => format!("discovered {levels_up} directories up"),
        }
    }

    /// The id JSON output uses: `flag`, `env`, `discovered`.
    pub fn id(&self) -> &'static str {
        match self {
            Origin::Flag => "flag",
            Origin::Env => "env",
            Origin::Discovered { .. } => "discovered",
        }
    }
}

/// The config a run uses.
#[derive(Debug, Clone)]
pub struct Located {
    /// As given (flag, variable), or relative to the current directory (`../grantlint.toml`).
    pub path: PathBuf,
    pub origin: Origin,
}

/// What the walk looked at, for messages and `grantlint config`.
#[derive(Debug, Clone)]
pub struct Search {
    /// The directories searched, nearest first.
    pub dirs: Vec<PathBuf>,
    /// Why the walk stopped where it did.
    pub stop: Stop,
}

/// Where the walk stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// At the directory holding `.git`.
    RepositoryRoot,
    /// Outside a repository: at the home directory.
    Home,
    /// Outside a repository and outside the home directory: the current directory only.
    CurrentOnly,
}

impl Stop {
    pub fn describe(self) -> &'static str {
        match self {
            Stop::RepositoryRoot => "the repository root, the directory holding .git",
            Stop::Home => "the home directory, as no .git is above the current directory",
            Stop::CurrentOnly => "the current directory, as no .git is above it and it is outside the home directory",
        }
    }
}

/// The environment discovery reads.
#[derive(Debug, Clone)]
pub struct Env {
    /// `GRANTLINT_CONFIG`, if set.
    pub config: Option<OsString>,
    /// The absolute current directory.
    pub cwd: PathBuf,
    /// The home directory, if known.
    pub home: Option<PathBuf>,
}

impl Env {
    /// This process's environment.
    pub fn from_process() -> Result<Env, Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::io(Path::new("."), e))?;
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Ok(Env {
            config: std::env::var_os(ENV),
            cwd,
            home,
        })
    }
}

/// The config of this run, or `None` when no flag, no variable and no file names one.
/// A `GRANTLINT_CONFIG` that is empty or names no file is an error, never a fallback to
/// discovery: CI must fail closed.
pub fn locate(flag: Option<&Path>, env: &Env) -> Result<Option<Located>, Error> {
    if let Some(p) = flag {
        return Ok(Some(Located {
            path: p.to_path_buf(),
            origin: Origin::Flag,
        }));
    }
    if let Some(value) = &env.config {
        if value.is_empty() {
            return Err(Error::Usage(format!(
                "{ENV} is set but empty; unset it to let grantlint discover grantlint.toml, or name the config"
            )));
        }
        let path = PathBuf::from(value);
        let resolved = if path.is_absolute() {
            path.clone()
        } else {
            env.cwd.join(&path)
        };
        if !resolved.is_file() {
            return Err(Error::Usage(format!(
                "{ENV} names {}, which is not a file (grantlint does not fall back to discovery when {ENV} is set)",
                crate::input::sanitize::clean_line(&path.display().to_string())
            )));
        }
        return Ok(Some(Located {
            path,
            origin: Origin::Env,
        }));
    }
    Ok(discover(&search(env)))
}

/// The directories the walk searches, nearest first.
pub fn search(env: &Env) -> Search {
    let cwd = env.cwd.as_path();
    // A home of `/` (containers, users without one) would let the walk reach the root.
    let home = env.home.as_deref().map(canonical).filter(|h| h.parent().is_some());
    // The walk never goes into a folder anyone may write to (`/tmp`): a `.git` or a config
    // planted there is not the user's. The current folder is the user's choice.
    let walkable: Vec<&Path> = cwd
        .ancestors()
        .enumerate()
        .take_while(|(i, d)| *i == 0 || !world_writable(d))
        .map(|(_, d)| d)
        .collect();
    let repo = walkable.iter().copied().find(|d| d.join(".git").exists());
    let (top, stop) = match (repo, &home) {
        (Some(root), _) => (root.to_path_buf(), Stop::RepositoryRoot),
        (None, Some(h)) if canonical(cwd).starts_with(h) => (h.clone(), Stop::Home),
        _ => (cwd.to_path_buf(), Stop::CurrentOnly),
    };
    let mut dirs = Vec::new();
    for dir in walkable {
        dirs.push(dir.to_path_buf());
        if dir == top || canonical(dir) == top {
            break;
        }
    }
    Search { dirs, stop }
}

/// Whether anyone may create files in `dir` (others may write it), as in `/tmp`.
#[cfg(unix)]
fn world_writable(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(dir).is_ok_and(|m| m.permissions().mode() & 0o002 != 0)
}

#[cfg(not(unix))]
fn world_writable(_: &Path) -> bool {
    false
}

/// The first config file in the searched directories.
fn discover(search: &Search) -> Option<Located> {
    for (levels_up, dir) in search.dirs.iter().enumerate() {
        for name in NAMES {
            if dir.join(name).is_file() {
                let mut path: PathBuf = std::iter::repeat_n("..", levels_up).collect();
                path.push(name);
                return Some(Located {
                    path,
                    origin: Origin::Discovered { levels_up },
                });
            }
        }
    }
    None
}

/// The error of a command that needs a config and found none.
pub fn not_found(search: &Search) -> Error {
    let names = NAMES.join(", ");
    let dirs: Vec<String> = search.dirs.iter().map(|d| d.display().to_string()).collect();
    Error::Usage(format!(
        "no config found: none of {names} in {} (the search stops at {}); pass --config FILE or set {ENV}",
        crate::input::sanitize::clean_line(&dirs.join(", ")),
        search.stop.describe()
    ))
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn env(cwd: &Path, home: Option<&Path>) -> Env {
        Env {
            config: None,
            cwd: cwd.to_path_buf(),
            home: home.map(Path::to_path_buf),
        }
    }

    #[test]
    fn the_walk_stops_at_the_repository_root() {
        let t = tempfile::tempdir().unwrap();
        let repo = t.path().join("repo");
        let deep = repo.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir(repo.join(".git")).unwrap();
        let s = search(&env(&deep, None));
        assert_eq!(s.dirs, vec![deep.clone(), repo.join("a"), repo.clone()]);
        assert_eq!(s.stop, Stop::RepositoryRoot);
    }

    #[test]
    fn outside_a_repository_the_walk_stops_at_home_or_searches_only_here() {
        // (the temporary directory is inside no repository)
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        let inside = home.join("work/x");
        let elsewhere = t.path().join("elsewhere/x");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        let s = search(&env(&inside, Some(&home)));
        assert_eq!(s.dirs, vec![inside.clone(), home.join("work"), home.clone()]);
        assert_eq!(s.stop, Stop::Home);
        let s = search(&env(&elsewhere, Some(&home)));
        assert_eq!(s.dirs, vec![elsewhere.clone()]);
        assert_eq!(s.stop, Stop::CurrentOnly);
    }
}
