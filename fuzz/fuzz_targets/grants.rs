#![no_main]
//! Any bytes as a grants file (YAML/JSON and TOML) or introspection response; a valid one is
//! checked against a built-in profile.
use grantlint::check::check;
use grantlint::input::grants::{Grants, TextFormat};
use grantlint::input::library::Library;
use grantlint::input::policy::Policy;
use grantlint::input::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    let Ok(src) = Source::from_bytes("fuzz".into(), rest.to_vec()) else { return };
    let format = if first & 1 == 1 { TextFormat::Toml } else { TextFormat::Yaml };
    if let Ok(g) = Grants::from_source(src, format, jiff::Timestamp::UNIX_EPOCH) {
        let (profile, _) = Library::default().load("seekout").expect("built-in");
        let _ = check("fuzz", &[&profile], &g, &Policy::default());
    }
});
