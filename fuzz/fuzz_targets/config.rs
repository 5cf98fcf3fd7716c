#![no_main]
//! Any bytes as grantlint.toml.
use grantlint::input::config::Config;
use grantlint::input::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = Source::from_bytes("grantlint.toml".into(), data.to_vec()) else { return };
    let _ = Config::parse(src, std::path::Path::new("/nonexistent/grantlint.toml"), &[], &Default::default());
});
