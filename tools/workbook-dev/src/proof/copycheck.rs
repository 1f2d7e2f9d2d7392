//! The copy check: no exercise's answer stands, line for line, in code the learner can read.
//!
//! An exercise asks the learner to think, which it cannot do if the answer sits in the
//! worked example of the same lesson, in a later lesson, in `shared/` or in the framework
//! (`micro/`). So for each exercise, the distinctive lines of its solution (long enough to
//! say something: not braces, imports, comments or attributes) are looked for in every
//! other Rust file a learner reads: `shared/src`, `micro/src`, every lesson's `src/` (the
//! exercise stubs of the same lesson excepted, and the answer itself where it is a module of
//! the framework). Lines the exercise's stub already holds (signatures, types) are no answer
//! and are left out. One line in common is reported and allowed (a call to a shared
//! helper, a builder step); so are two or three in a row, shown as warnings (a loop's
//! skeleton, a builder's fixed steps). A run of [`RUN_THAT_FAILS`] or more consecutive
//! distinctive lines means the answer is there to copy, and `verify` fails.

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

use super::bookcheck::files_under;
use workbook_core::course::{Course, Lesson};
use workbook_core::ui;

/// A line shorter than this (whitespace removed) says too little to count as copied.
const DISTINCTIVE_LENGTH: usize = 25;

/// This many consecutive distinctive lines found together fail `verify`.
pub const RUN_THAT_FAILS: usize = 4;

/// Consecutive distinctive lines of a solution found together in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The first line's number in the solution (1-based), and its text as written.
    pub line: usize,
    pub text: String,
    /// How many distinctive lines in a row.
    pub length: usize,
    /// Where they stand, and the first one's line number there.
    pub found_in: PathBuf,
    pub found_line: usize,
}

/// What the check found for one exercise.
#[derive(Debug)]
pub struct Finding {
    pub exercise: String,
    /// The solution, relative to the course's root.
    pub solution: PathBuf,
    pub runs: Vec<Run>,
}

/// Every exercise of `lessons` against every file a learner reads.
pub fn check(course: &Course, lessons: &[&Lesson]) -> Vec<Finding> {
    let rust = |path: &Path| path.is_dir() || path.extension().is_some_and(|ext| ext == "rs");
    let mut readable = files_under(&course.root.join("shared/src"), &rust);
    readable.extend(files_under(&course.root.join("micro/src"), &rust));
    for lesson in &course.lessons {
        readable.extend(files_under(&lesson.dir.join("src"), &rust));
    }
    let files: Vec<(PathBuf, String)> = readable
        .into_iter()
        .filter_map(|path| Some((path.clone(), fs::read_to_string(&path).ok()?)))
        .collect();

    let mut findings = Vec::new();
    for lesson in lessons {
        let stubs: Vec<PathBuf> = lesson
            .exercises
            .iter()
            .map(|e| lesson.exercise_path(e))
            .collect();
        for exercise in &lesson.exercises {
            let solution = lesson.solution_path(exercise);
            let Ok(answer) = fs::read_to_string(&solution) else {
                continue; // `verify` reports a missing solution already
            };
            // What the stub already gives the learner (signatures, types, docs) is no answer.
            let given = fs::read_to_string(lesson.exercise_path(exercise)).unwrap_or_default();
            // An answer that is a module of the framework stands in `micro/src` itself: that
            // file is its one home, not a copy.
            let others = files
                .iter()
                .filter(|(path, _)| !stubs.contains(path) && *path != solution)
                .map(|(path, text)| (course.relative(path).to_path_buf(), text.as_str()));
            let runs = find_runs(&answer, &given, others);
            if !runs.is_empty() {
                findings.push(Finding {
                    exercise: exercise.id.clone(),
                    solution: course.relative(&solution).to_path_buf(),
                    runs,
                });
            }
        }
    }
    findings
}

/// Prints the findings; returns how many fail `verify` (runs of [`RUN_THAT_FAILS`] or more).
/// Shorter runs are shown so that a maintainer can judge them: a run of three is a warning
/// (often a shared skeleton: a loop with a stop signal, a builder's fixed steps).
pub fn print(findings: &[Finding]) -> usize {
    println!();
    println!("{}", ui::bold("Answers that are not next door"));
    let mut failing = 0;
    let mut lone = 0;
    for finding in findings {
        let mut short = Vec::new();
        for run in &finding.runs {
            let place = format!(
                "{}:{} also in {}:{}",
                finding.solution.display(),
                run.line,
                run.found_in.display(),
                run.found_line
            );
            let many = format!(
                "{}: {} lines in a row of the answer, {place}: {}",
                finding.exercise,
                run.length,
                run.text.trim()
            );
            if run.length >= RUN_THAT_FAILS {
                failing += 1;
                println!("  {} {many}", ui::fail_mark());
            } else if run.length + 1 == RUN_THAT_FAILS {
                println!("  {} {many}", ui::yellow("!"));
            } else {
                lone += run.length;
                let lines = match run.length {
                    1 => run.line.to_string(),
                    n => format!("{}-{}", run.line, run.line + n - 1),
                };
                short.push(format!(
                    "{lines} ({}:{})",
                    run.found_in.display(),
                    run.found_line
                ));
            }
        }
        if !short.is_empty() {
            let lines = ui::dim(&format!(
                "{}:{}",
                finding.solution.display(),
                short.join(", ")
            ));
            println!(
                "  {} {}: a line or two: {lines}",
                ui::dim("·"),
                finding.exercise
            );
        }
    }
    if failing == 0 {
        println!(
            "  {} no answer stands in shared/, micro/ or a lesson's src/ ({lone} line(s) in common, \
             no run of {RUN_THAT_FAILS})",
            ui::pass_mark(),
        );
    }
    failing
}

/// The runs of `answer`'s distinctive lines that stand together in one of `files`, longest
/// first. A run is maximal: it is not part of a longer one in the same place. Lines of
/// `given` (the stub the learner starts from) are left out on both sides.
pub fn find_runs<'a>(
    answer: &str,
    given: &str,
    files: impl Iterator<Item = (PathBuf, &'a str)>,
) -> Vec<Run> {
    let given: HashSet<String> = distinctive_lines(given)
        .into_iter()
        .map(|(_, key, _)| key)
        .collect();
    let not_given = |text| {
        let mut lines = distinctive_lines(text);
        lines.retain(|(_, key, _)| !given.contains(key));
        lines
    };
    let wanted = not_given(answer);
    let mut runs = Vec::new();
    for (path, text) in files {
        let there = not_given(text);
        for (i, (line, key, written)) in wanted.iter().enumerate() {
            for (j, (found_line, other, _)) in there.iter().enumerate() {
                if key != other {
                    continue;
                }
                // Only where a run starts: the line before does not match too.
                if i > 0 && j > 0 && wanted[i - 1].1 == there[j - 1].1 {
                    continue;
                }
                let length = wanted[i..]
                    .iter()
                    .zip(&there[j..])
                    .take_while(|(a, b)| a.1 == b.1)
                    .count();
                runs.push(Run {
                    line: *line,
                    text: written.to_string(),
                    length,
                    found_in: path.clone(),
                    found_line: *found_line,
                });
            }
        }
    }
    runs.sort_by(|a, b| b.length.cmp(&a.length).then(a.line.cmp(&b.line)));
    runs
}

/// The lines of `text` that say something, in order: (line number, the line without any
/// whitespace, the line as written).
fn distinctive_lines(text: &str) -> Vec<(usize, String, &str)> {
    let mut lines = Vec::new();
    let mut in_tests = false;
    for (index, written) in text.lines().enumerate() {
        let trimmed = written.trim();
        // A file's unit tests are not worked code a learner copies from.
        if trimmed.starts_with("#[cfg(test)]") {
            in_tests = true;
        }
        if in_tests {
            continue;
        }
        let key: String = trimmed.chars().filter(|c| !c.is_whitespace()).collect();
        if key.len() < DISTINCTIVE_LENGTH || is_boilerplate(trimmed) {
            continue;
        }
        lines.push((index + 1, key, written));
    }
    lines
}

/// Lines every Rust file has: comments, imports, attributes, module lines.
fn is_boilerplate(line: &str) -> bool {
    // `* ` continues a block comment; `*counter = ..` is code.
    const STARTS: [&str; 9] = [
        "//", "/*", "* ", "*/", "#[", "#![", "use ", "pub use ", "mod ",
    ];
    STARTS.iter().any(|start| line.starts_with(start)) || line.starts_with("pub mod ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANSWER: &str = r#"//! An answer.
use std::collections::HashMap;

pub fn pick(&self, service: &str, count: usize) -> Option<usize> {
    if count == 0 {
        return None;
    }
    let mut picks = self.picks.lock().expect("not poisoned");
    let counter = picks.entry(service.to_string()).or_insert(0);
    let index = *counter % count;
    *counter = counter.wrapping_add(1);
    Some(index)
}
"#;

    fn runs_in(other: &str) -> Vec<Run> {
        find_runs(
            ANSWER,
            STUB,
            [(PathBuf::from("shared/src/x.rs"), other)].into_iter(),
        )
    }

    const STUB: &str =
        "pub fn pick(&self, service: &str, count: usize) -> Option<usize> {\n    todo!()\n}\n";

    #[test]
    fn what_the_stub_gives_is_no_answer() {
        let other = "pub fn pick(&self, service: &str, count: usize) -> Option<usize> {\n    let mut picks = self.picks.lock().expect(\"not poisoned\");\n}\n";
        let runs = runs_in(other);
        assert_eq!(runs.len(), 1, "the signature is given: {runs:?}");
        assert_eq!(runs[0].line, 8);
    }

    #[test]
    fn a_copied_block_is_one_run_whatever_its_indentation() {
        let other = "// elsewhere\nfn select() {\n        let mut picks = self.picks.lock().expect(\"not poisoned\");\n  // a comment between does not break the run\n  let counter =   picks.entry(service.to_string()).or_insert(0);\n\n  *counter = counter.wrapping_add(1);\n}\n";
        let runs = runs_in(other);
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(runs[0].length, 3);
        assert_eq!(runs[0].line, 8, "the run starts at the answer's lock line");
        assert_eq!(runs[0].found_line, 3);
        assert_eq!(runs[0].found_in, PathBuf::from("shared/src/x.rs"));
    }

    #[test]
    fn lone_lines_are_runs_of_one_and_short_lines_do_not_count() {
        let other = "let counter = picks.entry(service.to_string()).or_insert(0);\nlet x = 1;\nlet index = *counter % count;\nSome(index)\n";
        let runs = runs_in(other);
        assert_eq!(runs.len(), 1, "{runs:?}");
        assert_eq!(runs[0].length, 1);
        // `let index = *counter % count;` is 24 characters without spaces: too short.
    }

    #[test]
    fn imports_comments_and_tests_are_not_distinctive() {
        let other = "use std::collections::HashMap;\n#[cfg(test)]\nmod tests {\n    let mut picks = self.picks.lock().expect(\"not poisoned\");\n    let counter = picks.entry(service.to_string()).or_insert(0);\n    *counter = counter.wrapping_add(1);\n}\n";
        assert!(runs_in(other).is_empty());
        let keys: Vec<usize> = distinctive_lines(ANSWER).iter().map(|l| l.0).collect();
        assert_eq!(
            keys,
            [4, 8, 9, 11],
            "the signature and three lines of the body"
        );
    }

    #[test]
    fn another_technique_shares_nothing() {
        let other = "let next = nodes.iter().find(|node| node.id > last).unwrap_or(&nodes[0]);\n";
        assert!(runs_in(other).is_empty());
    }

    /// The fixture course's `tcp.echo`, answered in its solution, with that answer copied
    /// into `copied_to`; what `check` finds.
    fn check_fixture(copied_to: &str) -> Vec<Finding> {
        let fx = workbook_book::testutil::Fixture::course();
        let answer = "pub fn echo() {\n    let mut picks = self.picks.lock().expect(\"not poisoned\");\n    let counter = picks.entry(service.to_string()).or_insert(0);\n    *counter = counter.wrapping_add(1);\n    let reply = format!(\"{counter} picks of {service} so far\");\n}\n";
        fx.write("lessons/01-tcp/solutions/echo.rs", answer);
        fx.write(copied_to, answer);
        let course = Course::load(fx.path()).unwrap();
        let lessons: Vec<&Lesson> = course.lessons.iter().collect();
        check(&course, &lessons)
    }

    #[test]
    fn an_answer_in_shared_or_another_lesson_fails() {
        for place in ["shared/src/picks.rs", "lessons/02-rpc/src/worked.rs"] {
            let findings = check_fixture(place);
            assert_eq!(findings.len(), 1, "{findings:?}");
            assert_eq!(findings[0].exercise, "tcp.echo");
            assert_eq!(
                findings[0].solution,
                PathBuf::from("lessons/01-tcp/solutions/echo.rs")
            );
            let run = &findings[0].runs[0];
            assert_eq!(
                (run.length, run.found_in.clone()),
                (4, PathBuf::from(place))
            );
            assert!(run.length >= RUN_THAT_FAILS);
        }
    }

    #[test]
    fn an_answer_that_is_a_module_of_the_framework_is_its_one_home_not_a_copy() {
        let fx = workbook_book::testutil::Fixture::course();
        fx.write(
            "lessons/01-tcp/lesson.toml",
            "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/exercises/echo.rs\"\nanswer = \"../../micro/src/echo.rs\"\ntest = \"echo\"\n",
        );
        let answer = "pub fn echo() {\n    let mut picks = self.picks.lock().expect(\"not poisoned\");\n    let counter = picks.entry(service.to_string()).or_insert(0);\n    *counter = counter.wrapping_add(1);\n    let reply = format!(\"{counter} picks of {service} so far\");\n}\n";
        fx.write("micro/src/echo.rs", answer);
        let course = Course::load(fx.path()).unwrap();
        let lessons: Vec<&Lesson> = course.lessons.iter().collect();
        assert!(check(&course, &lessons).is_empty());
        // A second copy elsewhere in the framework is still one.
        fx.write("micro/src/elsewhere.rs", answer);
        let findings = check(&course, &lessons);
        assert_eq!(findings.len(), 1, "{findings:?}");
        assert_eq!(findings[0].solution, PathBuf::from("micro/src/echo.rs"));
        assert_eq!(
            findings[0].runs[0].found_in,
            PathBuf::from("micro/src/elsewhere.rs")
        );
    }

    #[test]
    fn the_exercise_file_itself_is_not_a_copy() {
        // The learner's own file holding the answer (done) is what it should hold.
        assert!(check_fixture("lessons/01-tcp/src/exercises/echo.rs").is_empty());
    }
}
