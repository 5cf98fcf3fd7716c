//! `grantlint lint`: validate profiles (schema, permissions, duplicates: see
//! [`crate::profile`]) and report least-privilege and migration problems in valid ones.

use std::path::PathBuf;

use miette::SourceSpan;

use crate::catalog::{self, Mapping};
use crate::diag::{Error, SourceError};
use crate::finding::{Finding, Kind, Location};
use crate::library::{self, Found};
use crate::profile::{Api, Origin, Perm, Profile};

/// Share of a vocabulary's permissions above which a profile counts as "requires everything".
const EVERYTHING_SHARE: f64 = 0.9;

/// The lint result of one profile file.
pub struct Linted {
    pub found: Found,
    pub outcome: Result<(Profile, Vec<(Finding, SourceSpan)>), Error>,
}

/// Which profiles `lint` looks at: the given directories or files; with none, `./profiles`
/// when it exists, else the built-in profiles.
pub fn targets(paths: &[PathBuf]) -> Result<Vec<Found>, Error> {
    let paths: Vec<PathBuf> = if paths.is_empty() {
        let local = PathBuf::from("profiles");
        if local.is_dir() {
            vec![local]
        } else {
            return Ok(library::builtins()
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
            let files = library::yaml_files(&path)?;
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
            let id = crate::profile::id_of_path(&file);
            out.push(Found {
                id,
                origin: Origin::File(file),
                replaces_builtin: false,
            });
        }
    }
    Ok(out)
}

pub fn lint(found: Vec<Found>) -> Vec<Linted> {
    found
        .into_iter()
        .map(|found| {
            let outcome = library::load_found(&found).map(|p| {
                let findings = lint_profile(&p);
                (p, findings)
            });
            Linted { found, outcome }
        })
        .collect()
}

/// The findings about one valid profile, each with the span it points at.
pub fn lint_profile(p: &Profile) -> Vec<(Finding, SourceSpan)> {
    let mut out = Vec::new();
    let location = |span: SourceSpan| Location {
        file: p.src.name.clone(),
        line: p.src.line_of(span.offset()),
    };

    let vocabulary = match p.api {
        Api::HarvestV1 => catalog::v1_permissions().len(),
        Api::HarvestV3 => catalog::scopes().len(),
    };
    let share = p.permissions.len() as f64 / vocabulary as f64;
    if p.requires_all || share >= EVERYTHING_SHARE {
        let how = if p.requires_all {
            "`permissions: all`".to_string()
        } else {
            format!("{} of {} permissions", p.permissions.len(), vocabulary)
        };
        let destroys = p
            .permissions
            .iter()
            .filter(|e| e.perm.risk() == catalog::Risk::Critical)
            .count();
        let mut f = Finding::new(
            Kind::RequiresEverything,
            format!(
                "profile `{}` requires every {} permission ({how}), {destroys} of them critical",
                p.id,
                p.api.as_str()
            ),
        );
        f.profiles = vec![p.id.clone()];
        f.location = Some(location(p.permissions_span));
        out.push((f, p.permissions_span));
    }
    if p.api == Api::HarvestV1 && !p.requires_all {
        for e in &p.permissions {
            let Perm::V1(v) = e.perm else { continue };
            let v1 = catalog::v1(v);
            if v1.mapping == Mapping::None {
                let mut f = Finding::new(
                    Kind::NoV3Equivalent,
                    format!("`{}` has no Harvest v3 equivalent. {}", v1.label, v1.note),
                );
                f.permission = Some(e.perm);
                f.risk = Some(v1.risk());
                f.labels = vec![v1.label];
                f.profiles = vec![p.id.clone()];
                f.location = Some(location(e.span));
                out.push((f, e.span));
            }
        }
    }
    let mut lacking = Vec::new();
    if p.source.is_none() {
        lacking.push("`source`");
    }
    if p.reviewed.is_none() {
        lacking.push("`reviewed`");
    }
    if !lacking.is_empty() {
        let mut f = Finding::new(
            Kind::NoProvenance,
            format!("profile `{}` has no {}", p.id, lacking.join(" and no ")),
        );
        f.profiles = vec![p.id.clone()];
        f.location = Some(Location {
            file: p.src.name.clone(),
            line: 1,
        });
        out.push((f, (0, 0).into()));
    }
    out
}

/// A lint finding as a miette diagnostic pointing into the profile.
pub fn diagnostic(p: &Profile, finding: &Finding, span: SourceSpan) -> SourceError {
    let info = finding.kind.info();
    let label = format!("{}[{}]", finding.level.as_str(), info.id);
    SourceError::at(&p.src, span, finding.message.clone(), label).with_help(info.help)
}
