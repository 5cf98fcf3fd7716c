#![no_main]
//! Any text as an access log; what it yields is matched, and the profile `infer` builds from it
//! must load.
use grantlint::input::evidence::access_log;
use libfuzzer_sys::fuzz_target;

mod evidence_common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        evidence_common::use_it(access_log::parse("fuzz.log", text));
    }
});
