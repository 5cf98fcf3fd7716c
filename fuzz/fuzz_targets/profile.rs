#![no_main]
//! Any bytes as a profile: an error or a valid profile, never a panic; a valid profile lints.
use grantlint::catalog::Api;
use grantlint::input::profile::{Origin, Profile};
use grantlint::input::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = Source::from_bytes("fuzz.yaml".into(), data.to_vec()) else { return };
    if let Ok(p) = Profile::load("fuzz", Origin::Builtin, src) {
        let _ = grantlint::check::lint::lint_profile(&p);
        if p.api == Api::HarvestV1 {
            let _ = grantlint::check::migrate::migrate(&p);
        }
    }
});
