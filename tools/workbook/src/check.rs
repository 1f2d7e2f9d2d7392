//! `check`: build an exercise's test, run it, say clearly whether it passed and what next.
//!
//! One exercise gets the full story (each test, each failure's message, compile errors).
//! A lesson or the whole course gets one line per exercise. Either way each lesson is one
//! cargo invocation, with the same package selection as a single check, so that checking
//! everything never rebuilds what checking one exercise already built.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cargo::{self, Build, BuildRequest};
use crate::course::{Course, Exercise, Lesson, Selection};
use crate::state::State;
use crate::testrun::{self, Outcome, TestJob, TestResult, TestRun};
use crate::ui;

/// How long one test executable may run before it counts as hung.
pub const TEST_TIMEOUT: Duration = Duration::from_secs(120);

/// How much to say about each exercise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Full,
    OneLine,
}

/// Why an exercise did not pass, or that it did.
#[derive(Debug)]
pub enum Verdict {
    Passed(TestRun),
    Failed(TestRun),
    TimedOut,
    DoesNotCompile,
    /// Cargo produced no executable for the test and reported no compiler error.
    NotBuilt,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed(_))
    }
}

/// The exercises an optional ID names: one exercise, a lesson's, or all of them.
pub fn selected<'c>(
    course: &'c Course,
    id: Option<&str>,
) -> Result<Vec<(&'c Lesson, &'c Exercise)>> {
    Ok(match id {
        None => course.exercises().collect(),
        Some(id) => match course.select(id)? {
            Selection::Exercise(lesson, exercise) => vec![(lesson, exercise)],
            Selection::Lesson(lesson) => lesson.exercises.iter().map(|e| (lesson, e)).collect(),
        },
    })
}

/// The `check` command. Returns whether every selected exercise passed.
pub async fn run(course: &Course, state: &mut State, id: Option<&str>) -> Result<bool> {
    let exercises = selected(course, id)?;
    if exercises.is_empty() {
        println!("There are no exercises to check yet.");
        return Ok(true);
    }
    let detail = if exercises.len() == 1 {
        Detail::Full
    } else {
        Detail::OneLine
    };
    let results = check(course, state, &exercises, detail).await?;
    let passed = results.iter().filter(|(_, v)| v.passed()).count();
    if detail == Detail::OneLine {
        summarise(course, state, &results, passed);
    }
    Ok(passed == results.len())
}

/// Checks the exercises, lesson by lesson, prints what happened and records it.
pub async fn check<'c>(
    course: &'c Course,
    state: &mut State,
    exercises: &[(&'c Lesson, &'c Exercise)],
    detail: Detail,
) -> Result<Vec<(&'c Exercise, Verdict)>> {
    let mut results = Vec::new();
    let mut lessons: Vec<&Lesson> = Vec::new();
    for (lesson, _) in exercises {
        if !lessons.iter().any(|l| l.id == lesson.id) {
            lessons.push(lesson);
        }
    }

    for lesson in lessons {
        let mine: Vec<&Exercise> = exercises
            .iter()
            .filter(|(l, _)| l.id == lesson.id)
            .map(|(_, e)| *e)
            .collect();
        let mut request = BuildRequest {
            packages: vec![lesson.package.clone()],
            ..BuildRequest::default()
        };
        for exercise in &mine {
            if !request.tests.contains(&exercise.test) {
                request.tests.push(exercise.test.clone());
            }
        }

        let started = Instant::now();
        if detail == Detail::Full {
            let exercise = mine[0];
            println!(
                "{} {} · {}",
                ui::bold("Checking"),
                ui::bold(&exercise.id),
                exercise.title
            );
            println!("  {}", ui::dim(&cargo::describe(&request)));
        } else {
            println!(
                "{} {}",
                ui::bold(&lesson.id),
                ui::dim(&format!("· {}", lesson.title))
            );
        }

        let build = cargo::build_tests(&course.root, &request).await?;
        let jobs: Vec<Option<TestJob>> = mine
            .iter()
            .map(|exercise| {
                build
                    .executable(&lesson.dir, &exercise.test)
                    .map(|exe| TestJob {
                        executable: exe.clone(),
                        package_dir: lesson.dir.clone(),
                        filter: exercise.filter.clone(),
                    })
            })
            .collect();
        let runs =
            testrun::run_tests(jobs.iter().flatten().cloned().collect(), 2, TEST_TIMEOUT).await;
        let mut runs = runs.into_iter();

        let mut shown_build_errors = false;
        for (exercise, job) in mine.iter().zip(&jobs) {
            let verdict = match job {
                None if build.success => Verdict::NotBuilt,
                None => Verdict::DoesNotCompile,
                Some(_) => {
                    let run = runs.next().expect("one run per job")?;
                    match run.outcome {
                        Outcome::Passed => Verdict::Passed(run),
                        Outcome::Failed => Verdict::Failed(run),
                        Outcome::TimedOut => Verdict::TimedOut,
                    }
                }
            };
            state.record(&exercise.id, verdict.passed());
            match detail {
                Detail::Full => {
                    report_full(course, state, lesson, exercise, &verdict, &build, started)
                }
                Detail::OneLine => {
                    report_line(exercise, &verdict);
                    if matches!(verdict, Verdict::DoesNotCompile | Verdict::NotBuilt)
                        && !shown_build_errors
                    {
                        shown_build_errors = true;
                        print_build_errors(&build, lesson, 1);
                    }
                }
            }
            results.push((*exercise, verdict));
        }
        state.save(&course.root)?;
    }
    Ok(results)
}

/// One exercise, in full: each test, the failures, the verdict and the next step.
fn report_full(
    course: &Course,
    state: &State,
    lesson: &Lesson,
    exercise: &Exercise,
    verdict: &Verdict,
    build: &Build,
    started: Instant,
) {
    let file = course
        .relative(&lesson.exercise_path(exercise))
        .display()
        .to_string();
    let elapsed = format!("{:.1} s", started.elapsed().as_secs_f64());
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
            for (names, text) in testrun::grouped_failures(&run.report) {
                println!("\n  {} {}", ui::red("──"), ui::bold(&names.join(", ")));
                println!("{}", ui::indent(&ui::clip_lines(text, 25), "    "));
            }
            if run.report.tests.is_empty() && !run.stderr.trim().is_empty() {
                println!("{}", ui::indent(&ui::clip_lines(&run.stderr, 25), "    "));
            }
        }
        Verdict::DoesNotCompile | Verdict::NotBuilt => print_build_errors(build, lesson, 3),
        Verdict::TimedOut => {}
    }
    print_warnings_in(build, course, lesson, exercise);
    println!();

    let lesson_progress = state.progress(&lesson.exercises);
    match verdict {
        Verdict::Passed(run) => {
            println!(
                "{} {} passed ({} tests, {elapsed})   {} {}",
                ui::pass_mark(),
                ui::bold(&exercise.id),
                run.report.count(TestResult::Ok),
                lesson.id,
                ui::progress(lesson_progress.0, lesson_progress.1, 10)
            );
            println!(
                "  Compare with the reference answer: {}",
                ui::cmd(&format!("solution {}", exercise.id))
            );
            match state.current(course) {
                Some((next_lesson, next)) => println!(
                    "  Next: {} · {}  ({})\n        {}",
                    ui::bold(&next.id),
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
        _ => {
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
                Verdict::DoesNotCompile => "it does not compile".to_string(),
                Verdict::NotBuilt => format!(
                    "cargo built no test `{}` for {}; is tests/{}.rs there?",
                    exercise.test, lesson.package, exercise.test
                ),
                Verdict::Passed(_) => unreachable!(),
            };
            println!(
                "{} {}: {why} ({elapsed}).",
                ui::fail_mark(),
                ui::bold(&exercise.id)
            );
            println!(
                "  Edit {}, then {}",
                ui::bold(&file),
                ui::cmd(&format!("check {}", exercise.id))
            );
            let hints = exercise.hints.len();
            let seen = state.get(&exercise.id).hints_shown;
            if hints > seen {
                println!(
                    "  Stuck? {} ({} of {hints} hints seen)",
                    ui::cmd(&format!("hint {}", exercise.id)),
                    seen
                );
            }
        }
    }
}

/// One line per exercise for lesson-wide and course-wide checks.
fn report_line(exercise: &Exercise, verdict: &Verdict) {
    let (mark, note) = match verdict {
        Verdict::Passed(_) => (ui::pass_mark(), String::new()),
        Verdict::Failed(run) => (
            ui::fail_mark(),
            run.report
                .first_reason()
                .unwrap_or_else(|| "its tests did not run to the end".into()),
        ),
        Verdict::TimedOut => (ui::fail_mark(), "timed out".into()),
        Verdict::DoesNotCompile => (ui::fail_mark(), "does not compile".into()),
        Verdict::NotBuilt => (
            ui::fail_mark(),
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

fn summarise(course: &Course, state: &State, results: &[(&Exercise, Verdict)], passed: usize) {
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

/// The compiler's errors for a lesson (at most `max`), or cargo's own complaint.
fn print_build_errors(build: &Build, lesson: &Lesson, max: usize) {
    let mut errors: Vec<_> = build
        .errors_in(&lesson.dir)
        .into_iter()
        .filter(|d| is_worth_showing(&d.rendered))
        .collect();
    if errors.is_empty() {
        errors = build
            .errors()
            .into_iter()
            .filter(|d| is_worth_showing(&d.rendered))
            .collect();
    }
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
fn print_warnings_in(build: &Build, course: &Course, lesson: &Lesson, exercise: &Exercise) {
    let target = lesson.exercise_path(exercise);
    let warnings: Vec<_> = build
        .diagnostics
        .iter()
        .filter(|d| d.level == "warning")
        .filter(|d| {
            d.file.as_deref().is_some_and(|f| {
                course.root.join(f) == target
                    || lesson.dir.join(f) == target
                    || Path::new(f) == target
            })
        })
        .collect();
    for warning in warnings.iter().take(2) {
        println!("{}", ui::indent(warning.rendered.trim_end(), "    "));
    }
}

/// Skips rustc's "aborting due to N previous errors" summaries.
fn is_worth_showing(rendered: &str) -> bool {
    let plain = cargo::strip_ansi(rendered);
    !plain.starts_with("error: aborting due to") && !plain.trim().is_empty()
}
