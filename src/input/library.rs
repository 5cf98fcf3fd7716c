//! Finding profiles: the built-ins compiled into the binary, and the user's profile
//! directories. A user profile with a built-in's id replaces it.

use std::path::{Path, PathBuf};

use super::profile::{Origin, Profile, id_of_path};
use super::source::Source;
use crate::catalog;
use crate::error::Error;

include!(concat!(env!("OUT_DIR"), "/builtin_profiles.rs"));

/// The ids and YAML texts of the built-in profiles.
pub fn builtins() -> &'static [(&'static str, &'static str)] {
    &BUILTIN_PROFILES
}

/// A profile found by id or path, before parsing.
#[derive(Debug, Clone)]
pub struct Found {
    pub id: String,
    pub origin: Origin,
    /// The built-in this user profile replaces, if any.
    pub replaces_builtin: bool,
}

/// Where profiles are looked for.
#[derive(Debug, Default, Clone)]
pub struct Library {
    pub dirs: Vec<PathBuf>,
}

impl Library {
    pub fn new(dirs: Vec<PathBuf>) -> Self {
        Library { dirs }
    }

    /// Every profile: user profiles first by directory order, then built-ins they do not replace.
    pub fn list(&self) -> Result<Vec<Found>, Error> {
        let mut out: Vec<Found> = Vec::new();
        for dir in &self.dirs {
            for path in yaml_files(dir)? {
                let id = id_of_path(&path);
                if out.iter().any(|f| f.id == id) {
                    continue;
                }
                let replaces_builtin = builtins().iter().any(|(b, _)| *b == id);
                out.push(Found {
                    id,
                    origin: Origin::File(path),
                    replaces_builtin,
                });
            }
        }
        for (id, _) in builtins() {
            if !out.iter().any(|f| f.id == *id) {
                out.push(Found {
                    id: id.to_string(),
                    origin: Origin::Builtin,
                    replaces_builtin: false,
                });
            }
        }
        Ok(out)
    }

    /// Find a profile by id, or by path when `name` looks like a file.
    pub fn find(&self, name: &str) -> Result<Found, Error> {
        if looks_like_path(name) {
            let path = PathBuf::from(name);
            if path.is_dir() {
                return Err(folder_not_profile(name));
            }
            if !path.is_file() {
                return Err(Error::Usage(format!("profile file {name} does not exist")));
            }
            let id = id_of_path(&path);
            let replaces_builtin = builtins().iter().any(|(b, _)| *b == id);
            return Ok(Found {
                id,
                origin: Origin::File(path),
                replaces_builtin,
            });
        }
        let all = self.list()?;
        if let Some(found) = all.iter().find(|f| f.id == name) {
            return Ok(found.clone());
        }
        if Path::new(name).is_dir() {
            return Err(folder_not_profile(name));
        }
        let ids: Vec<&str> = all.iter().map(|f| f.id.as_str()).collect();
        let hint = catalog::suggest(name, catalog::same(ids.iter().copied()))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        Err(Error::Usage(format!(
            "no profile named `{name}`{hint} (known: {}; `grantlint profiles list` shows them)",
            ids.join(", ")
        )))
    }

    /// Find and load a profile.
    pub fn load(&self, name: &str) -> Result<(Profile, Found), Error> {
        let found = self.find(name)?;
        let profile = load_found(&found)?;
        Ok((profile, found))
    }
}

/// Which profiles `lint` looks at: the given directories or files; with none, `./profiles`
/// when it exists, else the built-in profiles.
pub fn lint_targets(paths: &[PathBuf]) -> Result<Vec<Found>, Error> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        let local = PathBuf::from("profiles");
        if local.is_dir() {
            vec![local]
        } else {
            return Ok(builtins()
                .iter()
                .map(|(id, _)| Found {
                    id: id.to_string(),
                    origin: Origin::Builtin,
                    replaces_builtin: false,
                })
                .collect());
        }
    } else {
        paths.to_vec()
    };
    let mut out = Vec::new();
    for path in paths {
        let files = if path.is_dir() {
            let files = yaml_files(&path)?;
            if files.is_empty() {
                return Err(Error::Usage(format!(
                    "{} holds no .yaml or .yml profile",
                    path.display()
                )));
            }
            files
        } else if path.is_file() {
            vec![path]
        } else {
            return Err(Error::Usage(format!("{} does not exist", path.display())));
        };
        for file in files {
            let id = id_of_path(&file);
            out.push(Found {
                id,
                origin: Origin::File(file),
                replaces_builtin: false,
            });
        }
    }
    Ok(out)
}

/// Parse and validate a found profile.
pub fn load_found(found: &Found) -> Result<Profile, Error> {
    let src = match &found.origin {
        Origin::Builtin => {
            let text = builtins()
                .iter()
                .find(|(id, _)| *id == found.id)
                .map(|(_, t)| *t)
                .unwrap_or_default();
            Source::new(format!("{} (built-in)", builtin_path(&found.id)), text)
        }
        Origin::File(path) => Source::read(path)?,
    };
    Profile::load(&found.id, found.origin.clone(), src)
}

/// Whether a profile name is a file's path rather than an id.
pub fn looks_like_path(name: &str) -> bool {
    name.contains('/') || name.contains('\\') || name.ends_with(".yaml") || name.ends_with(".yml")
}

/// The `.yaml`/`.yml` files directly in `dir`, sorted.
pub fn yaml_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let is_yaml = matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"));
        if is_yaml && path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// `-p DIR`: a folder is not a profile; `--profile-dir` adds its profiles.
fn folder_not_profile(name: &str) -> Error {
    let name = crate::input::sanitize::clean_line(name);
    Error::Usage(format!(
        "`{name}` is a folder, not a profile: use --profile-dir {name} to add its profiles, then -p ID to pick one"
    ))
}

/// Where a built-in profile lives in grantlint's repository: `profiles/seekout.yaml`.
pub fn builtin_path(id: &str) -> String {
    format!("profiles/{id}.yaml")
}
