//! nextest's JUnit report, read: each test's binary, name, outcome and kept output.
//!
//! The test command's suite writes one (`[profile.default.junit]` in `.config/nextest.toml`,
//! and the swarm story's `swarm-story` profile another), where each test binary is a
//! `<testsuite>` named `PACKAGE::BINARY` and each test a `<testcase>`, with a `<failure>` or
//! `<error>` inside when it did not pass, and its `<system-out>` and `<system-err>` where
//! the report keeps them. verify reads the solutions' runs from it (`verify/suite.rs`), and
//! the lab commands a story ran (`transcripts`, `testkit::ran`).

use std::path::Path;

/// One test of the report: its binary (`l01-tcp::echo`), its name, whether it passed, and
/// its output where the report keeps it (stdout, then stderr).
#[derive(Debug, PartialEq, Eq)]
pub struct Case {
    pub binary: String,
    pub name: String,
    pub passed: bool,
    pub output: String,
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
        let output = ["system-out", "system-err"]
            .iter()
            .filter_map(|tag| element_text(text, tag))
            .collect::<Vec<_>>()
            .join("\n");
        cases.push(Case {
            binary,
            name,
            passed,
            output,
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
    Some(unescape(value))
}

/// The text of the element `<tag>…</tag>` in `text`, its XML escapes undone.
fn element_text(text: &str, tag: &str) -> Option<String> {
    let after = &text[text.find(&format!("<{tag}"))?..];
    let head_end = after.find('>')?;
    if after[..head_end].ends_with('/') {
        return Some(String::new());
    }
    let body = &after[head_end + 1..];
    let body = &body[..body.find(&format!("</{tag}>"))?];
    Some(
        match body
            .strip_prefix("<![CDATA[")
            .and_then(|inner| inner.strip_suffix("]]>"))
        {
            Some(raw) => raw.to_string(),
            None => unescape(body),
        },
    )
}

/// XML's escapes undone: the five named ones, and characters by number (`&#10;`, `&#x1b;`).
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';') else { break };
        let entity = &rest[1..end];
        let character = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "amp" => Some('&'),
            _ => entity
                .strip_prefix("#x")
                .map(|hex| u32::from_str_radix(hex, 16))
                .or_else(|| entity.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match character {
            Some(character) => {
                out.push(character);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The lab commands (`program ARGS…`) that the passing tests of these reports say they ran
/// (`testkit::ran`). A report that cannot be read adds none.
pub fn commands_ran(reports: &[&Path]) -> Vec<String> {
    reports
        .iter()
        .filter_map(|report| std::fs::read_to_string(report).ok())
        .flat_map(|xml| cases(&xml))
        .filter(|case| case.passed)
        .flat_map(|case| {
            testkit::ran::commands(&case.output)
                .map(String::from)
                .collect::<Vec<_>>()
        })
        .collect()
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
            <system-out>ran: &lt;one&gt; &amp; &#x1b;[1mtwo&#10;</system-out>
            <system-err><![CDATA[and <three>]]></system-err>
        </testcase>
    </testsuite>
</testsuites>"#;

    #[test]
    fn a_cases_output_is_read_with_its_escapes_undone() {
        let read = cases(REPORT);
        assert_eq!(read[0].output, "");
        assert_eq!(read[2].output, "ran: <one> & \u{1b}[1mtwo\n\nand <three>");
    }

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
