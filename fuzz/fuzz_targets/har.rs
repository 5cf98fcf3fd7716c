#![no_main]
//! Any text as a HAR capture; what it yields is matched, and the profile `infer` builds from it
//! must load.
use grantlint::input::evidence::har;
use libfuzzer_sys::fuzz_target;

mod evidence_common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(e) = har::parse("fuzz.har", text)
    {
        evidence_common::use_it(e);
    }
});
