//! The solutions' side, read from the suite's own run instead of run again.
//!
//! The test command runs the whole suite with every lesson's solution switched in, then
//! `verify`. verify's build of the solutions is that same build (it selects the workspace,
//! and the lessons' features are the suite's), so running each exercise's tests again only
//! repeats what the suite did seconds before. `verify --solutions-from FILE` reads instead
//! what the suite's run wrote: nextest's JUnit report (`[profile.default.junit]` in
//! `.config/nextest.toml`), where each test binary is a `<testsuite>` named
//! `PACKAGE::BINARY` and each test a `<testcase>`, with a `<failure>` or `<error>` inside when
//! it did not pass.
//!
//! An exercise whose tests the report does not hold (a missing report, a suite that ran
//! without nextest) is not taken from it: verify then builds and runs the solutions itself.

use workbook_core::course::{Exercise, Lesson};
use workbook_core::testrun::{Outcome, TestReport, TestResult, TestRun};

/// One test of the report: its binary (`l01-tcp::echo`), its name, and whether it passed.
#[derive(Debug, PartialEq, Eq)]
pub struct Case {
    pub binary: String,
    pub name: String,
    pub passed: bool,
}

/// The test cases of a JUnit report, as nextest writes one.
pub fn cases(junit: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut rest = junit;
    while let Some(start) = rest.find("<testcase ") {
        rest = &rest[start + "<testcase ".len()..];
        // This case's text: up to the next case or the end of its suite.
        let end = ["<testcase ", "</testsuite"]
            .iter()
            .filter_map(|tag| rest.find(tag))
            .min()
            .unwrap_or(rest.len());
        let text = &rest[..end];
        let head = &text[..text.find('>').unwrap_or(text.len())];
        let (Some(name), Some(binary)) = (attribute(head, "name"), attribute(head, "classname"))
        else {
            continue;
        };
        let passed = !["<failure", "<error", "<rerunFailure", "<skipped"]
            .iter()
            .any(|tag| text.contains(tag));
        cases.push(Case {
            binary,
            name,
            passed,
        });
    }
    cases
}

/// The value of `name="…"` in a tag's head, its XML escapes undone.
fn attribute(head: &str, name: &str) -> Option<String> {
    // Each attribute after a space, the first one too.
    let head = format!(" {head}");
    let start = head.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = &head[start..];
    let value = &value[..value.find('"')?];
    Some(
        value
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&amp;", "&"),
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="nextest-run" tests="3" failures="1" errors="0">
    <testsuite name="l01-tcp::echo" tests="2" disabled="0" errors="0" failures="1">
        <testcase name="echoes_a_line" classname="l01-tcp::echo" timestamp="x" time="0.01"/>
        <testcase name="echoes_&lt;two&gt;" classname="l01-tcp::echo" timestamp="x" time="0.02">
            <failure type="test failure">thread panicked</failure>
        </testcase>
    </testsuite>
    <testsuite name="l01-tcp::many" tests="1" disabled="0" errors="0" failures="0">
        <testcase name="many_clients" classname="l01-tcp::many" timestamp="x" time="0.1">
        </testcase>
    </testsuite>
</testsuites>"#;

    #[test]
    fn each_case_is_read_with_its_binary_and_whether_it_passed() {
        let read = cases(REPORT);
        let seen: Vec<(&str, &str, bool)> = read
            .iter()
            .map(|case| (case.binary.as_str(), case.name.as_str(), case.passed))
            .collect();
        assert_eq!(
            seen,
            [
                ("l01-tcp::echo", "echoes_a_line", true),
                ("l01-tcp::echo", "echoes_<two>", false),
                ("l01-tcp::many", "many_clients", true),
            ]
        );
    }
}
