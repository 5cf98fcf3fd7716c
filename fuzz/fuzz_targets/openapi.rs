#![no_main]
//! Any bytes as an OpenAPI spec (JSON, or YAML when the first byte is odd): an error or a
//! spec, never a panic; a spec compares with the built-in catalog.
use grantlint::input::openapi;
use grantlint::input::source::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let yaml = data.first().is_some_and(|b| b % 2 == 1);
    let Ok(src) = Source::from_bytes("fuzz.json".into(), data.to_vec()) else { return };
    if let Ok(spec) = openapi::from_source(src, yaml) {
        let _ = grantlint::catalog::diff(&spec);
    }
});
