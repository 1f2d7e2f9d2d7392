//! The solutions' side, read from the suite's own run instead of run again.
//!
//! The test command runs the whole suite with every lesson's solution switched in, then
//! `verify`. verify's build of the solutions is that same build (it selects the workspace,
//! and the lessons' features are the suite's), so running each exercise's tests again only
//! repeats what the suite did seconds before. `verify --solutions-from FILE` reads instead
//! what the suite's run wrote: nextest's JUnit report (`proof/junit.rs` reads it).
//!
//! An exercise whose tests the report does not hold (a missing report, a suite that ran
//! without nextest) is not taken from it: verify then builds and runs the solutions itself.

use crate::proof::junit::Case;
use workbook_core::course::{Exercise, Lesson};
use workbook_core::testrun::{Outcome, TestReport, TestResult, TestRun};

/// The run of `exercise`'s tests as the report tells it, as if verify had run them: `None`
/// when the report holds none of them.
pub fn run_of(cases: &[Case], lesson: &Lesson, exercise: &Exercise) -> Option<TestRun> {
    let binary = format!("{}::{}", lesson.package, exercise.test);
    let filter = exercise.filter.as_deref().unwrap_or("");
    let mine: Vec<&Case> = cases
        .iter()
        .filter(|case| case.binary == binary && case.name.contains(filter))
        .collect();
    if mine.is_empty() {
        return None;
    }
    let report = TestReport {
        tests: mine
            .iter()
            .map(|case| {
                let result = if case.passed {
                    TestResult::Ok
                } else {
                    TestResult::Failed
                };
                (case.name.clone(), result)
            })
            .collect(),
        failures: mine
            .iter()
            .filter(|case| !case.passed)
            .map(|case| (case.name.clone(), "failed in the suite's run".to_string()))
            .collect(),
        summary: None,
    };
    let outcome = if mine.iter().all(|case| case.passed) {
        Outcome::Passed
    } else {
        Outcome::Failed
    };
    Some(TestRun {
        outcome,
        report,
        stderr: String::new(),
    })
}
