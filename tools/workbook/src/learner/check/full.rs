//! The full story of one checked exercise, what `check ID` and a save in the session print:
//! each test's mark, one clear message per failure (see `failure`), compile errors with
//! their place, the verdict and what to do next.

use std::time::Instant;

use super::TEST_TIMEOUT;
use super::compiler::{owner, print_build_errors, print_warnings_in, show_location};
use super::verdict::Verdict;
use crate::learner::failure;
use crate::learner::next;
use crate::learner::state::State;
use workbook_core::cargo::{Build, Location};
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::messages::{Msg, say, tell};
use workbook_core::testrun::{self, TestResult, TestRun};
use workbook_core::ui::{self, Asking};

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
                let context = failure::Context::of(self.course, self.lesson, self.exercise);
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
        ui::seconds(self.started.elapsed().as_secs_f64())
    }

    pub(super) fn passed(&self, run: &TestRun) {
        let (course, exercise, asking) = (self.course, self.exercise, self.asking);
        let (done, total) = self.state.progress(&self.lesson.exercises);
        let passed = say(
            Msg::Passed,
            &[
                ("mark", &ui::pass_mark()),
                ("id", &ui::bold(&exercise.id)),
                ("count", &run.report.count(TestResult::Ok)),
                ("elapsed", &self.elapsed()),
                ("lesson", &self.lesson.id),
                ("progress", &ui::progress(done, total, 10)),
            ],
        );
        println!("{passed}");
        let how = ui::ask(asking, 's', &format!("solution {}", exercise.id));
        tell(Msg::CompareWithAnswer, &[("how", &how)]);
        // The rest of this lesson first, then the lessons after it; done ones skipped.
        match next::next_open(course, self.state, &exercise.id) {
            // The session says itself which exercise `n` goes on to.
            _ if asking == Asking::Key => {}
            Some((next_lesson, next)) => println!(
                "{}",
                say(
                    Msg::NextToCheck,
                    &[
                        ("where", &ui::bold(&next::where_is(next_lesson, next))),
                        ("title", &next.title),
                        (
                            "file",
                            &course.relative(&next_lesson.exercise_path(next)).display()
                        ),
                        ("command", &ui::cmd(&format!("check {}", next.id))),
                    ],
                )
            ),
            None => println!("  {}", ui::green(&say(Msg::LastExerciseDone, &[]))),
        }
    }

    pub(super) fn failed(&self, verdict: &Verdict) {
        let exercise = self.exercise;
        let why = match verdict {
            Verdict::Failed(run) => {
                let failed = run.report.count(TestResult::Failed);
                let total = run.report.tests.len();
                if total == 0 {
                    say(Msg::TestsDidNotEnd, &[])
                } else {
                    say(Msg::TestsFailed, &[("failed", &failed), ("total", &total)])
                }
            }
            Verdict::TimedOut => say(Msg::TimedOut, &[("seconds", &TEST_TIMEOUT.as_secs())]),
            Verdict::DoesNotCompile(_) => say(Msg::DoesNotCompile, &[]),
            Verdict::NotBuilt => say(
                Msg::NotBuilt,
                &[("test", &exercise.test), ("package", &self.lesson.package)],
            ),
            Verdict::Passed(_) => unreachable!("a pass is reported by `passed`"),
        };
        let failed = say(
            Msg::Failed,
            &[
                ("mark", &ui::fail_mark()),
                ("id", &ui::bold(&exercise.id)),
                ("why", &why),
                ("elapsed", &self.elapsed()),
            ],
        );
        println!("{failed}");
        let file = self
            .course
            .relative(&self.lesson.exercise_path(exercise))
            .display()
            .to_string();
        let file = ui::bold(&file);
        let edit = match self.asking {
            Asking::Command => say(
                Msg::EditThenCheck,
                &[
                    ("file", &file),
                    ("command", &ui::cmd(&format!("check {}", exercise.id))),
                ],
            ),
            Asking::Key => say(Msg::EditAndSave, &[("file", &file)]),
        };
        println!("{edit}");
        let hints = exercise.hints.len();
        let seen = self.state.get(&exercise.id).hints_shown;
        if hints > seen {
            let how = ui::ask(self.asking, 'h', &format!("hint {}", exercise.id));
            let stuck = say(
                Msg::StuckHint,
                &[("how", &how), ("seen", &seen), ("total", &hints)],
            );
            println!("{stuck}");
        }
    }

    /// The build stopped in a file that is not the exercise's: name it, and say that the
    /// exercise's progress stands.
    pub(super) fn broken_elsewhere(&self, broken: &[Location]) {
        let exercise = self.exercise;
        let Some(first) = broken.first() else {
            let line = say(
                Msg::NotCheckedBuildFailed,
                &[
                    ("mark", &ui::yellow("!")),
                    ("id", &ui::bold(&exercise.id)),
                    ("elapsed", &self.elapsed()),
                ],
            );
            println!("{line}");
            return;
        };
        let whose = owner(self.course, &first.file)
            .map(|owner| format!(" ({owner})"))
            .unwrap_or_default();
        let line = say(
            Msg::NotCheckedErrorIn,
            &[
                ("mark", &ui::yellow("!")),
                ("id", &ui::bold(&exercise.id)),
                ("at", &ui::bold(&show_location(self.course, first))),
                ("whose", &whose),
                ("elapsed", &self.elapsed()),
            ],
        );
        println!("{line}");
        let kept = say(
            if self.state.is_done(&exercise.id) {
                Msg::StaysPassed
            } else {
                Msg::KeepsProgress
            },
            &[],
        );
        let fix = match self.asking {
            Asking::Command => say(
                Msg::FixFirstThenCheck,
                &[
                    ("id", &exercise.id),
                    ("kept", &kept),
                    ("command", &ui::cmd(&format!("check {}", exercise.id))),
                ],
            ),
            Asking::Key => say(Msg::FixAndSave, &[("id", &exercise.id), ("kept", &kept)]),
        };
        println!("{fix}");
    }
}
