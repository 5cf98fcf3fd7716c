#![no_main]
//! Any text as Audit Log events, with and without a performer; what it yields is matched, and
//! the profile `infer` builds from it must load.
use grantlint::input::evidence::audit_events;
use libfuzzer_sys::fuzz_target;

mod evidence_common;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        for performer in [None, Some("8f2c1e9a4b7d4c21a6e0f35b9d8c7e10")] {
            if let Ok(e) = audit_events::parse("fuzz.json", text, performer) {
                evidence_common::use_it(e);
            }
        }
    }
});
