//! Adding what `--probe` saw to a result: a `probe-disagrees` finding wherever the probe and
//! the token disagree, a failing `probe-inconclusive` finding wherever it concluded nothing,
//! and a caveat saying what was probed.

use super::CheckResult;
use crate::finding::Finding;
use crate::input::probe::ProbeReport;

pub fn apply_probe(result: &mut CheckResult, report: &ProbeReport) {
    let disagreements: Vec<Finding> = report.results.iter().filter_map(Finding::probe_disagrees).collect();
    let inconclusive: Vec<Finding> = report.results.iter().filter_map(Finding::probe_inconclusive).collect();
    let skipped = if report.skipped > 0 {
        format!(", {} not probed (request budget)", report.skipped)
    } else {
        String::new()
    };
    result.caveats.push(format!(
        "probe: {} list endpoints read with per_page=1&fields=id{skipped}; {} disagree with the token, {} inconclusive",
        report.results.len(),
        disagreements.len(),
        inconclusive.len()
    ));
    result.findings.extend(disagreements);
    result.findings.extend(inconclusive);
    result.finish();
}
