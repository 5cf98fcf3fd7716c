//! `grantlint infer --requests FILE... [--api] [--name] [--write PATH]`: a least-privilege
//! profile from what an integration really called.

use std::io::Write;

use super::{clock, evidence};
use crate::catalog::Api;
use crate::check::infer::infer;
use crate::cli::{ApiFilter, InferArgs};
use crate::error::Error;
use crate::input::profile::{Origin, Profile, id_of_path};
use crate::input::source::Source;
use crate::report::emit::write_atomically;

pub fn run(args: InferArgs, out: &mut dyn Write) -> Result<u8, Error> {
    let clock = clock()?;
    let cred = evidence::credential(&args.evidence, args.client_secret_file.as_deref())?;
    let usage = evidence::gather(&args.evidence, &args.connection, cred.as_ref(), clock)?;
    let api = match args.api {
        ApiFilter::HarvestV1 => Api::HarvestV1,
        ApiFilter::HarvestV3 => Api::HarvestV3,
    };
    let inferred = infer(&usage, api, args.name.as_deref(), clock.today());
    // The result must itself be a valid profile; a failure here is a bug, never a silent pass.
    let id = args
        .write
        .as_deref()
        .map(id_of_path)
        .unwrap_or_else(|| "inferred".into());
    Profile::load(
        &id,
        Origin::Builtin,
        Source::new("the inferred profile", inferred.text.as_str()),
    )?;
    if inferred.required == 0 {
        eprintln!("warning: no call matched a permission of the catalog; the profile requires nothing");
    }
    match &args.write {
        Some(path) => {
            write_atomically(path, inferred.text.as_bytes())?;
            eprintln!(
                "wrote {} ({} required, {} optional)",
                path.display(),
                inferred.required,
                inferred.optional
            );
        }
        None => out.write_all(inferred.text.as_bytes()).map_err(Error::output)?,
    }
    Ok(0)
}
