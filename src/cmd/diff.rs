use std::io::Write;

use comfy_table::Cell;

use super::check::live_credential;
use super::{live_args, write_err};
use crate::cli::{DiffArgs, DiffFormat};
use crate::diag::{Error, Source};
use crate::diff::{self, Change, DiffResult, Side};
use crate::grants::{GrantState, Grants, looks_like_profile};
use crate::greenhouse::RateBudget;
use crate::library::Library;
use crate::profile::{Origin, Profile, id_of_path};
use crate::report::Style;
use crate::report::table::new_table;

enum Loaded {
    Profile(Box<Profile>),
    Grants(Box<Grants>),
}

fn load(library: &Library, name: &str) -> Result<Loaded, Error> {
    let path = std::path::Path::new(name);
    if !path.is_file() {
        return library.load(name).map(|(p, _)| Loaded::Profile(Box::new(p)));
    }
    let is_toml = path.extension().is_some_and(|e| e == "toml");
    let src = Source::read(path)?;
    if !is_toml && looks_like_profile(&src) {
        return Profile::load(&id_of_path(path), Origin::File(path.to_path_buf()), src)
            .map(|p| Loaded::Profile(Box::new(p)));
    }
    Grants::from_file(path).map(|g| Loaded::Grants(Box::new(g)))
}

fn side<'a>(name: &str, loaded: &'a Loaded) -> Result<Side<'a>, Error> {
    match loaded {
        Loaded::Profile(p) => Ok(Side {
            name: format!("profile {}", p.id),
            api: p.api,
            main: &p.permissions,
            optional: &p.optional,
        }),
        Loaded::Grants(g) => match &g.state {
            GrantState::Known { api, entries } => Ok(Side {
                name: format!("grants {name}"),
                api: *api,
                main: entries,
                optional: &[],
            }),
            GrantState::Unknown { reason } => Err(Error::Usage(format!(
                "the grants of {name} are unknown ({reason}): there is nothing to compare"
            ))),
        },
    }
}

pub fn run(args: DiffArgs, style: Style, out: &mut dyn Write) -> Result<u8, Error> {
    let library = Library::new(args.dirs.dirs.clone());
    let old = load(&library, &args.old)?;
    let new = match (&args.new, args.live) {
        (Some(n), false) => load(&library, n)?,
        (None, true) => {
            let cred = live_credential(args.client_secret_file.as_deref(), None)?;
            let client = live_args::client(&args.connection, None, None)?;
            let runtime = live_args::runtime()?;
            let live = runtime
                .block_on(crate::greenhouse::read_grants(&client, &cred, &RateBudget::default()))
                .map_err(live_args::live_error)?;
            if let GrantState::Unknown { reason } = &live.grants.state {
                return Err(Error::Live {
                    message: format!("the live grants of `{}` cannot be read: {reason}", cred.name),
                    help: "diff needs the credential's scopes; check that introspection is available".into(),
                });
            }
            Loaded::Grants(Box::new(live.grants))
        }
        _ => return Err(Error::Usage("give NEW, or --live".into())),
    };
    let new_name = args.new.clone().unwrap_or_else(|| "live".into());
    let result = diff::diff(&side(&args.old, &old)?, &side(&new_name, &new)?, args.fail_on_excess);
    match args.format {
        DiffFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, &result).map_err(|e| write_err(e.into()))?;
            writeln!(out).map_err(write_err)?;
        }
        DiffFormat::Table => table(&result, style, out).map_err(write_err)?,
        DiffFormat::Markdown => markdown(&result, out).map_err(write_err)?,
    }
    Ok(if result.fails && !args.exit_zero {
        super::FINDINGS
    } else {
        0
    })
}

fn summary(d: &DiffResult) -> String {
    let part = |change| {
        let c = diff::counts(d, change);
        let total: usize = c.values().sum();
        let by: Vec<String> = c.iter().rev().map(|(r, n)| format!("{n} {r}")).collect();
        if by.is_empty() {
            "0".to_string()
        } else {
            format!("{total} ({})", by.join(", "))
        }
    };
    format!("{} added, {} removed", part(Change::Added), part(Change::Removed))
}

fn table(d: &DiffResult, style: Style, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{} {} → {} (compared in {} space)",
        style.bold("diff"),
        d.old,
        d.new,
        d.space
    )?;
    if !d.changes.is_empty() {
        let mut t = new_table(style, &["Change", "Set", "Risk", "Permission", "Greenhouse screen"]);
        for c in &d.changes {
            let sign = match c.change {
                Change::Added => "+ added",
                Change::Removed => "- removed",
            };
            let approx = if c.approximate { " ≈" } else { "" };
            t.add_row(vec![
                Cell::new(sign),
                Cell::new(c.set),
                Cell::new(c.risk.as_str()),
                Cell::new(format!("{}{approx}", c.permission)),
                Cell::new(format!("{} › {}", c.group, c.label)),
            ]);
        }
        writeln!(out, "{t}")?;
    }
    for u in &d.unmapped {
        writeln!(
            out,
            "{}",
            style.yellow(&format!("note: {u} has no equivalent in {} space", d.space))
        )?;
    }
    let verdict = if d.fails {
        style.red("FAIL")
    } else {
        style.green("PASS")
    };
    writeln!(out, "{verdict}: {}", summary(d))
}

fn markdown(d: &DiffResult, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## grantlint diff: {} → {}\n", d.old, d.new)?;
    writeln!(
        out,
        "**{}** · {} · {} space\n",
        if d.fails { "FAIL" } else { "PASS" },
        summary(d),
        d.space
    )?;
    if d.changes.is_empty() {
        return writeln!(out, "No change.");
    }
    writeln!(
        out,
        "| Change | Set | Risk | Permission | Greenhouse screen |\n|---|---|---|---|---|"
    )?;
    for c in &d.changes {
        let sign = if c.change == Change::Added {
            "➕ added"
        } else {
            "➖ removed"
        };
        writeln!(
            out,
            "| {sign} | {} | {} | `{}` | {} › {} |",
            c.set, c.risk, c.permission, c.group, c.label
        )?;
    }
    Ok(())
}
