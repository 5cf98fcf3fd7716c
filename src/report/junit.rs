//! JUnit XML (quick-junit): one test suite per credential, one test case per credential x
//! profile. A missing grant fails the profile that needs it; findings about the credential
//! as a whole (excess grants, a wrong credential type, unknown grants) fail every profile of
//! that credential; a credential that could not be checked is an error in each.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use super::finding_message;
use crate::check::{CheckResult, Verdict};
use crate::finding::Finding;

fn counts(f: &Finding) -> bool {
    f.fails && !f.waived
}

pub fn render(results: &[CheckResult], out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut report = Report::new("grantlint");
    for r in results {
        let mut suite = TestSuite::new(r.credential.clone());
        // The caveats a terminal shows, where CI systems show a suite's output.
        if !r.caveats.is_empty() {
            for c in &r.caveats {
                suite.add_property(("caveat", c.as_str()));
            }
            suite.set_system_out(
                r.caveats
                    .iter()
                    .map(|c| format!("caveat: {c}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        let profiles: Vec<String> = if r.profiles.is_empty() {
            vec!["(no profile)".into()]
        } else {
            r.profiles.clone()
        };
        for profile in &profiles {
            let failing: Vec<&Finding> = r
                .findings
                .iter()
                .filter(|f| counts(f) && (f.profiles.is_empty() || f.profiles.iter().any(|p| **p == **profile)))
                .collect();
            let status = if r.verdict == Verdict::Error {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message("the credential could not be checked");
                s.set_description(
                    r.findings
                        .iter()
                        .map(|f| finding_message(r, f))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                s
            } else if failing.is_empty() {
                TestCaseStatus::success()
            } else {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(crate::check::usage::counted(failing.len(), "failing finding"));
                s.set_description(
                    failing
                        .iter()
                        .map(|f| format!("{}: {}", f.kind.id(), finding_message(r, f)))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                s
            };
            let mut case = TestCase::new(format!("{} × {profile}", r.credential), status);
            case.set_classname(format!("grantlint.{}", r.credential));
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let xml = report.to_string().map_err(std::io::Error::other)?;
    out.write_all(xml.as_bytes())?;
    writeln!(out)
}
