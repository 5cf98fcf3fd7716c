#![no_main]
//! Any text as a JWT access token.
use grantlint::input::grants::Grants;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Grants::from_jwt(text, "fuzz", jiff::Timestamp::UNIX_EPOCH);
    }
});
