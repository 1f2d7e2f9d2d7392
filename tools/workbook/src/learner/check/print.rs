//! How a check tells its outcome: each test's verdict, one clear message per failure
//! (see `failure`), compile errors with their place, and what to do next.

use std::path::Path;
use std::time::Instant;

use super::{TEST_TIMEOUT, Verdict, owner, show_location};
use crate::common::cargo::{Build, Location};
use crate::common::course::{Course, Exercise, Lesson};
use crate::common::testrun::{self, TestResult, TestRun};
use crate::common::ui::{self, Asking};
use crate::learner::failure;
use crate::learner::next;
use crate::learner::state::State;

/// What a full report needs to know about one checked exercise.
pub(super) struct Report<'a> {
    pub(super) course: &'a Course,
    pub(super) state: &'a State,
    pub(super) lesson: &'a Lesson,
    pub(super) exercise: &'a Exercise,
    pub(super) build: &'a Build,
    pub(super) started: Instant,
    pub(super) asking: Asking,
}

impl Report<'_> {
    /// One exercise, in full: each test, the failures, the verdict and the next step.
    pub(super) fn full(&self, verdict: &Verdict) {
        let file = self.lesson.exercise_path(self.exercise);
        println!();
        match verdict {
            Verdict::Passed(run) | Verdict::Failed(run) => {
                for (name, result) in &run.report.tests {
                    let mark = match result {
                        TestResult::Ok => ui::pass_mark(),
                        TestResult::Failed => ui::fail_mark(),
                        TestResult::Ignored => ui::yellow("-"),
                    };
                    println!("  {mark} {name}");
                }
                let context = failure_context(self.course, self.lesson, self.exercise);
                let explained: Vec<(String, String)> = run
                    .report
                    .failures
                    .iter()
                    .map(|(name, text)| (name.clone(), failure::explain(text, &context)))
                    .collect();
                for (names, text) in testrun::grouped_failures(&explained) {
                    println!("\n  {} {}", ui::red("──"), ui::bold(&names.join(", ")));
                    println!("{}", ui::indent(&ui::clip_lines(text, 25), "    "));
                }
                if run.report.tests.is_empty() && !run.stderr.trim().is_empty() {
                    println!("{}", ui::indent(&ui::clip_lines(&run.stderr, 25), "    "));
                }
            }
            Verdict::DoesNotCompile(_) | Verdict::NotBuilt => {
                print_build_errors(self.course, self.build, &file, 3)
            }
            Verdict::TimedOut => {}
        }
        print_warnings_in(self.build, self.course, &file);
        println!();
        match verdict {
            Verdict::Passed(run) => self.passed(run),
            Verdict::DoesNotCompile(broken) if !verdict.is_about(&file) => {
                self.broken_elsewhere(broken)
            }
            _ => self.failed(verdict),
        }
    }

    pub(super) fn elapsed(&self) -> String {
        format!("{:.1} s", self.started.elapsed().as_secs_f64())
    }

    pub(super) fn passed(&self, run: &TestRun) {
        let (course, exercise, asking) = (self.course, self.exercise, self.asking);
        let (done, total) = self.state.progress(&self.lesson.exercises);
        println!(
            "{} {} passed ({} tests, {})   {} {}",
            ui::pass_mark(),
            ui::bold(&exercise.id),
            run.report.count(TestResult::Ok),
            self.elapsed(),
            self.lesson.id,
            ui::progress(done, total, 10)
        );
        println!(
            "  Compare with the reference answer: {}",
            ui::ask(asking, 's', &format!("solution {}", exercise.id))
        );
        // The rest of this lesson first, then the lessons after it; done ones skipped.
        match next::next_open(course, self.state, &exercise.id) {
            // The session says itself which exercise `n` goes on to.
            _ if asking == Asking::Key => {}
            Some((next_lesson, next)) => println!(
                "  Next: {} · {}  ({})\n        {}",
                ui::bold(&next::where_is(next_lesson, next)),
                next.title,
                course.relative(&next_lesson.exercise_path(next)).display(),
                ui::cmd(&format!("check {}", next.id))
            ),
            None => println!(
                "  {}",
                ui::green("That was the last open exercise: the course is done!")
            ),
        }
    }

    pub(super) fn failed(&self, verdict: &Verdict) {
        let exercise = self.exercise;
        let why = match verdict {
            Verdict::Failed(run) => {
                let failed = run.report.count(TestResult::Failed);
                let total = run.report.tests.len();
                if total == 0 {
                    "its tests did not run to the end".to_string()
                } else {
                    format!("{failed} of {total} tests failed")
                }
            }
            Verdict::TimedOut => format!(
                "its tests did not finish within {} s (something waits for a reply that never comes)",
                TEST_TIMEOUT.as_secs()
            ),
            Verdict::DoesNotCompile(_) => "it does not compile".to_string(),
            Verdict::NotBuilt => format!(
                "cargo built no test `{}` for {}; is tests/{}.rs there?",
                exercise.test, self.lesson.package, exercise.test
            ),
            Verdict::Passed(_) => unreachable!("a pass is reported by `passed`"),
        };
        println!(
            "{} {}: {why} ({}).",
            ui::fail_mark(),
            ui::bold(&exercise.id),
            self.elapsed()
        );
        let file = self
            .course
            .relative(&self.lesson.exercise_path(exercise))
            .display()
            .to_string();
        match self.asking {
            Asking::Command => println!(
                "  Edit {}, then {}",
                ui::bold(&file),
                ui::cmd(&format!("check {}", exercise.id))
            ),
            Asking::Key => println!(
                "  Edit {} and save it: it is checked again.",
                ui::bold(&file)
            ),
        }
        let hints = exercise.hints.len();
        let seen = self.state.get(&exercise.id).hints_shown;
        if hints > seen {
            println!(
                "  Stuck? {} ({} of {hints} hints seen)",
                ui::ask(self.asking, 'h', &format!("hint {}", exercise.id)),
                seen
            );
        }
    }

    /// The build stopped in a file that is not the exercise's: name it, and say that the
    /// exercise's progress stands.
    pub(super) fn broken_elsewhere(&self, broken: &[Location]) {
        let exercise = self.exercise;
        let Some(first) = broken.first() else {
            println!(
                "{} {} was not checked: the build failed before its test was built ({}).",
                ui::yellow("!"),
                ui::bold(&exercise.id),
                self.elapsed()
            );
            return;
        };
        let whose = owner(self.course, &first.file)
            .map(|owner| format!(" ({owner})"))
            .unwrap_or_default();
        println!(
            "{} {} was not checked: the build stops at an error in {}{whose} ({}).",
            ui::yellow("!"),
            ui::bold(&exercise.id),
            ui::bold(&show_location(self.course, first)),
            self.elapsed()
        );
        let kept = if self.state.is_done(&exercise.id) {
            "stays passed"
        } else {
            "keeps its progress"
        };
        match self.asking {
            Asking::Command => println!(
                "  Fix that file first; {} {kept}. Then {}",
                exercise.id,
                ui::cmd(&format!("check {}", exercise.id))
            ),
            Asking::Key => println!("  Fix that file and save it; {} {kept}.", exercise.id),
        }
    }
}

/// Where the learner's and the test's code is, as panics name it.
pub(super) fn failure_context(
    course: &Course,
    lesson: &Lesson,
    exercise: &Exercise,
) -> failure::Context {
    let shown = |path: &Path| course.relative(path).display().to_string();
    let tests = lesson.dir.join("tests");
    failure::Context {
        exercise_file: shown(&lesson.exercise_path(exercise)),
        learner_files: lesson
            .exercises
            .iter()
            .map(|e| shown(&lesson.exercise_path(e)))
            .collect(),
        test_sources: vec![
            shown(&tests.join(format!("{}.rs", exercise.test))),
            format!("{}/", shown(&tests.join(&exercise.test))),
        ],
        root: course.root.clone(),
    }
}

/// One line per exercise for lesson-wide and course-wide checks.
pub(super) fn report_line(
    course: &Course,
    lesson: &Lesson,
    exercise: &Exercise,
    file: &Path,
    verdict: &Verdict,
) {
    let (mark, note) = match verdict {
        Verdict::Passed(_) => (ui::pass_mark(), String::new()),
        Verdict::Failed(run) => (
            ui::fail_mark(),
            match run.report.failures.first() {
                Some((name, text)) => {
                    let context = failure_context(course, lesson, exercise);
                    let explained = failure::explain(text, &context);
                    let first = explained.lines().next().unwrap_or("failed");
                    // A cause in the learner's code is the same for every test; on one
                    // line its file is known from the exercise, so the name is enough.
                    if first.starts_with("your code") {
                        let name = lesson.exercise_path(exercise);
                        let name = name.file_name().unwrap_or_default().to_string_lossy();
                        first.replace(&context.exercise_file, &name)
                    } else {
                        format!("{name}: {first}")
                    }
                }
                None => "its tests did not run to the end".into(),
            },
        ),
        Verdict::TimedOut => (ui::fail_mark(), "timed out".into()),
        Verdict::DoesNotCompile(broken) if verdict.is_about(file) => (
            ui::fail_mark(),
            format!(
                "does not compile: {}",
                show_location(
                    course,
                    broken
                        .iter()
                        .find(|at| at.file == file)
                        .unwrap_or(&broken[0])
                )
            ),
        ),
        Verdict::DoesNotCompile(broken) => (
            ui::yellow("!"),
            match broken.first() {
                Some(first) => format!(
                    "not checked: {} does not compile",
                    show_location(course, first)
                ),
                None => "not checked: the build failed".into(),
            },
        ),
        Verdict::NotBuilt => (
            ui::yellow("!"),
            format!("no test target `{}`", exercise.test),
        ),
    };
    let note: String = note.chars().take(90).collect();
    println!(
        "  {mark} {:<22} {}{}",
        exercise.id,
        exercise.title,
        if note.is_empty() {
            String::new()
        } else {
            format!("  {}", ui::dim(&format!("— {note}")))
        }
    );
}

pub(super) fn summarise(
    course: &Course,
    state: &State,
    results: &[(&Exercise, Verdict)],
    passed: usize,
) {
    println!();
    let mark = if passed == results.len() {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    println!(
        "{mark} {passed} of {} exercises pass.   course {}",
        results.len(),
        ui::progress(
            state.progress(course.exercises().map(|(_, e)| e)).0,
            course.exercise_count(),
            20
        )
    );
    if let Some((exercise, _)) = results.iter().find(|(_, v)| !v.passed()) {
        println!("  Details: {}", ui::cmd(&format!("check {}", exercise.id)));
    }
}

/// The compiler's errors (at most `max`), those in the exercise's own `file` first, or
/// cargo's own complaint when the compiler said nothing.
pub(super) fn print_build_errors(course: &Course, build: &Build, file: &Path, max: usize) {
    let (mut errors, others): (Vec<_>, Vec<_>) = build
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .partition(|d| d.path(&course.root).as_deref() == Some(file));
    errors.extend(others);
    // rustc's notes about the standard library's impls can run long; the first lines
    // carry the message and the learner's line.
    for error in errors.iter().take(max) {
        println!(
            "{}",
            ui::indent(&ui::clip_lines(error.rendered.trim_end(), 16), "    ")
        );
    }
    if errors.len() > max {
        println!("    … and {} more errors", errors.len() - max);
    }
    if errors.is_empty() && !build.cargo_errors.trim().is_empty() {
        println!(
            "{}",
            ui::indent(&ui::clip_lines(build.cargo_errors.trim_end(), 20), "    ")
        );
    }
}

/// Warnings that point into the learner's file: they often say what is wrong.
pub(super) fn print_warnings_in(build: &Build, course: &Course, file: &Path) {
    let warnings: Vec<_> = build
        .diagnostics
        .iter()
        .filter(|d| d.level == "warning")
        .filter(|d| d.path(&course.root).as_deref() == Some(file))
        .collect();
    for warning in warnings.iter().take(2) {
        println!("{}", ui::indent(warning.rendered.trim_end(), "    "));
    }
}
