//! `check --grants-dir DIR`: a fleet of grants files, one credential each, checked against
//! the same profiles on every core. A file that cannot be read is that credential's error;
//! the others still run.

use std::path::{Path, PathBuf};

use crate::check::{self, CheckResult, Policy};
use crate::diag::Error;
use crate::grants::{Grants, GrantsSource};
use crate::profile::Profile;

/// The grants files of a directory, sorted.
pub fn grants_files(dir: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let path = entry.map_err(|e| Error::io(dir, e))?.path();
        let ok = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json" | "toml")
        );
        if ok && path.is_file() {
            files.push(path);
        }
    }
    if files.is_empty() {
        return Err(Error::Usage(format!(
            "{} holds no grants file (.yaml, .yml, .json, .toml)",
            dir.display()
        )));
    }
    files.sort();
    Ok(files)
}

/// Read one grants file and check it. The credential is `name`, else the name the file gives,
/// else the file's stem. A file that cannot be read is that credential's error (exit 2),
/// rendered as the error path renders it.
pub fn check_file(path: &Path, name: Option<&str>, prepared: &check::Prepared, policy: &Policy) -> CheckResult {
    let stem = || crate::profile::id_of_path(path);
    match Grants::from_file(path) {
        Ok(g) => {
            let name = name
                .map(str::to_string)
                .or_else(|| g.credential.clone())
                .unwrap_or_else(stem);
            prepared.check(&name, &g, policy)
        }
        Err(e) => {
            let message = crate::cmd::render_diagnostic(&e, crate::report::Style { color: false });
            CheckResult::failed(
                &name.map(str::to_string).unwrap_or_else(stem),
                &prepared.profile_ids(),
                GrantsSource::File,
                path.display().to_string(),
                message.trim_end().into(),
                2,
            )
        }
    }
}

/// Check every grants file of `dir`, in file order, spreading the work over the cores.
pub fn check_dir(dir: &Path, profiles: &[&Profile], policy: &Policy) -> Result<Vec<CheckResult>, Error> {
    let files = grants_files(dir)?;
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(files.len())
        .max(1);
    let chunk = files.len().div_ceil(workers);
    let prepared = check::Prepared::new(profiles);
    let prepared = &prepared;
    let results = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|f| check_file(f, None, prepared, policy))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect::<Vec<_>>()
    });
    if results.len() != files.len() {
        return Err(Error::Usage("internal error: a worker thread failed".into()));
    }
    Ok(results)
}
