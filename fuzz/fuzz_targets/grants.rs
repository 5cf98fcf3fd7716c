#![no_main]
//! Any bytes as a grants file (YAML/JSON and TOML) or introspection response; a valid one is
//! checked against a built-in profile.
use grantlint::check::{Policy, check};
use grantlint::diag::Source;
use grantlint::grants::Grants;
use grantlint::library::Library;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(src) = Source::from_bytes("fuzz".into(), rest.to_vec()) else { return };
    if let Ok(g) = Grants::from_source(src, first & 1 == 1) {
        let (profile, _) = Library::default().load("seekout").expect("built-in");
        let _ = check("fuzz", &[&profile], &g, &Policy::default());
    }
});
