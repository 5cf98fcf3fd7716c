//! What every evidence target does with what a parser yields.
use grantlint::catalog::Api;
use grantlint::check::infer::infer;
use grantlint::check::usage::{Hosts, Usage};
use grantlint::input::evidence::Evidence;
use grantlint::input::profile::{Origin, Profile};
use grantlint::input::source::Source;

pub fn use_it(e: Evidence) {
    let usage = Usage::build(&[e], &Hosts::default());
    let _ = usage.require_requests();
    let _ = usage.caveats();
    for api in [Api::HarvestV3, Api::HarvestV1] {
        let p = infer(&usage, api, None, jiff::civil::Date::constant(2026, 12, 2));
        if let Err(e) = Profile::load("fuzz", Origin::Builtin, Source::new("inferred", p.text.as_str())) {
            panic!("the inferred profile does not load: {e:?}\n{}", p.text);
        }
    }
}
