//! A learner who reads the runner in Chinese reads the tests' own words in Chinese too: every
//! message an exercise's test can print (`assert!(ok, "…")`, `expect("…")`, `within("…")`)
//! has its translation in the lesson's `lesson.zh-CN.toml`, under `[tests]`, and every
//! translation there belongs to a message a test still prints. So do the words of each
//! exercise's stub (`todo!("accept one connection and echo it until EOF")`), which the
//! runner shows while the exercise is not written. The runner moves the
//! values a message printed into its translation (`workbook_core::language::format`).

use std::collections::BTreeMap;
use std::path::Path;

use workbook_core::course::test_source;
use workbook_core::course::{Course, Lesson};
use workbook_core::language::format;
use workbook_core::problem::Problem;

/// Each message the tests of `lesson`'s exercises can print, with where it is written
/// (`lessons/01-tcp/tests/echo.rs:17`): in every file of each exercise's test
/// ([`Lesson::test_files`]).
pub fn messages(course: &Course, lesson: &Lesson) -> BTreeMap<String, String> {
    let mut files: Vec<_> = lesson
        .exercises
        .iter()
        .flat_map(|exercise| lesson.test_files(&exercise.test))
        .collect();
    files.sort();
    files.dedup();
    let mut found = BTreeMap::new();
    for file in files {
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        for call in test_source::calls(&source) {
            if let Some(message) = call.message().filter(|m| says_something(m)) {
                let at = format!("{}:{}", course.relative(&file).display(), call.line);
                found.entry(message).or_insert(at);
            }
        }
    }
    // A lesson translated (it has its `lesson.zh-CN.toml`) has its stubs' words translated.
    let translated = lesson.dir.join("lesson.zh-CN.toml").is_file();
    for exercise in lesson.exercises.iter().filter(|_| translated) {
        let file = lesson.exercise_path(exercise);
        let Ok(source) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (message, line) in stub_messages(&source) {
            if says_something(&message) {
                let at = format!("{}:{line}", course.relative(&file).display());
                found.entry(message).or_insert(at);
            }
        }
    }
    found
}

/// The words of each `todo!("…")` in `source`, with its line: the format string, as the
/// tests' messages are kept.
fn stub_messages(source: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (at, _) in source.match_indices("todo!(") {
        let rest = source[at + "todo!(".len()..].trim_start();
        let Some(rest) = rest.strip_prefix('"') else {
            continue;
        };
        let mut message = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let line = source[..at].matches('\n').count() + 1;
                    found.push((message, line));
                    break;
                }
                '\\' => message.extend(chars.next()),
                c => message.push(c),
            }
        }
    }
    found
}

/// A message with words of its own: not `"{}"` or `"{err:?}"` alone, and not the name of
/// what was called (`expect("accept")`), which reads the same in every language.
fn says_something(message: &str) -> bool {
    let words = format::text(message);
    words.chars().any(char::is_alphabetic) && message.trim().contains(' ')
}

/// The messages without a translation, the translations without a message, and the
/// translations that fill a value the English does not print.
pub fn check(course: &Course) -> Vec<Problem> {
    let Ok(mut chinese) = Course::load(&course.root) else {
        return Vec::new();
    };
    chinese.speak(workbook_core::language::Lang::ZhCn);
    let mut problems = Vec::new();
    for lesson in &chinese.lessons {
        let table = format!("lessons/{}/lesson.zh-CN.toml", lesson.folder);
        let said = messages(course, lesson);
        let translated: BTreeMap<&str, &str> = lesson
            .test_messages
            .iter()
            .map(|(english, chinese)| (english.as_str(), chinese.as_str()))
            .collect();
        for (message, at) in &said {
            match translated.get(message.as_str()) {
                None => problems.push(Problem {
                    location: at.clone(),
                    message: format!(
                        "the test's message {message:?} has no Chinese: add it to {table}'s [tests]"
                    ),
                }),
                Some(chinese) if !format::same_holes(message, chinese) => problems.push(Problem {
                    location: table.clone(),
                    message: format!(
                        "[tests] {message:?}: the translation {chinese:?} shows a value the English does not print"
                    ),
                }),
                Some(_) => {}
            }
        }
        for english in translated.keys() {
            if !said.contains_key(*english) {
                problems.push(Problem {
                    location: table.clone(),
                    message: format!(
                        "[tests] translates {english:?}, which no test of the lesson prints (changed or gone?)"
                    ),
                });
            }
        }
    }
    problems
}

/// `workbook-dev i18n tests`: per lesson, the messages its `[tests]` lacks, as lines to
/// paste and translate.
pub fn print_missing(root: &Path) -> anyhow::Result<()> {
    let course = Course::load(root)?;
    let mut chinese = course.clone();
    chinese.speak(workbook_core::language::Lang::ZhCn);
    let mut lacking = 0;
    for lesson in &chinese.lessons {
        let missing: Vec<String> = messages(&course, lesson)
            .into_keys()
            .filter(|message| !lesson.test_messages.iter().any(|(e, _)| e == message))
            .collect();
        if missing.is_empty() {
            continue;
        }
        lacking += 1;
        println!("# lessons/{}/lesson.zh-CN.toml", lesson.folder);
        println!("[tests]");
        for message in missing {
            // A JSON string is a TOML basic string too.
            println!("{} = \"\"", serde_json::Value::String(message));
        }
        println!();
    }
    if lacking == 0 {
        println!(
            "{} every test message of {} has its Chinese in its lesson.zh-CN.toml",
            workbook_core::ui::pass_mark(),
            workbook_core::ui::plural(chinese.lessons.len(), "lesson")
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stubs_words_are_read_on_one_line_or_several() {
        let source = "fn a() {\n    todo!(\"echo one connection until EOF\")\n}\n\
                      fn b() {\n    todo!(\n        \"pick one of {} nodes\",\n        n\n    )\n}\n\
                      fn c() { todo!() }\n";
        assert_eq!(
            stub_messages(source),
            [
                ("echo one connection until EOF".to_string(), 2),
                ("pick one of {} nodes".to_string(), 5)
            ]
        );
    }
}
