//! `check`: build an exercise's test, run it, say clearly whether it passed and what next.
//!
//! One exercise gets the full story (each test, each failure's message, compile errors).
//! A lesson or the whole course gets one line per exercise. Either way each lesson is one
//! cargo invocation, with the same package selection as a single check, so that checking
//! everything never rebuilds what checking one exercise already built.
//!
//! A check records a verdict only when it says something about the exercise: its tests
//! ran, or the build broke in the exercise's own file. When the compiler stops in another
//! file (another exercise's, another lesson's, a shared crate), the check says which one
//! and the exercise keeps the progress it had.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::common::cargo::{self, BuildRequest, Location};
use crate::common::course::{Course, Exercise, Lesson, Selection};
use crate::common::language::messages::{Msg, say};
use crate::common::testrun::{self, Outcome, TestJob, TestRun};
use crate::common::ui::{self, Asking};
use crate::learner::state::State;

mod print;

use print::{Report, print_build_errors, report_line, summarise};

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
    /// The build failed; the files the compiler's errors point at, first error first.
    DoesNotCompile(Vec<Location>),
    /// Cargo produced no executable for the test and reported no compiler error.
    NotBuilt,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed(_))
    }

    /// Whether this verdict is about the learner's work on the exercise in `file`: its
    /// tests ran, or the compiler found an error in that very file. A build that broke
    /// elsewhere, or a test cargo did not build, says nothing about it.
    pub fn is_about(&self, file: &Path) -> bool {
        match self {
            Verdict::Passed(_) | Verdict::Failed(_) | Verdict::TimedOut => true,
            Verdict::DoesNotCompile(broken) => broken.iter().any(|at| at.file == file),
            Verdict::NotBuilt => false,
        }
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
        println!("{}", say(Msg::NothingToCheck, &[]));
        return Ok(true);
    }
    let detail = if exercises.len() == 1 {
        Detail::Full
    } else {
        Detail::OneLine
    };
    let results = check(course, state, &exercises, detail, Asking::Command).await?;
    let passed = results.iter().filter(|(_, v)| v.passed()).count();
    if detail == Detail::OneLine {
        summarise(course, state, &results, passed);
    }
    Ok(passed == results.len())
}

/// Checks the exercises, lesson by lesson, prints what happened and records it. Next
/// steps are suggested the way the learner asks for them (`asking`).
pub async fn check<'c>(
    course: &'c Course,
    state: &mut State,
    exercises: &[(&'c Lesson, &'c Exercise)],
    detail: Detail,
    asking: Asking,
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
                ui::bold(&say(Msg::Checking, &[])),
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
            .map(|exercise| build.test_job(&lesson.dir, &exercise.test, exercise.filter.as_deref()))
            .collect();
        let runs =
            testrun::run_tests(jobs.iter().flatten().cloned().collect(), 2, TEST_TIMEOUT).await;
        let mut runs = runs.into_iter();

        let mut shown_build_errors = false;
        for (exercise, job) in mine.iter().zip(&jobs) {
            let verdict = match job {
                None if build.success => Verdict::NotBuilt,
                None => Verdict::DoesNotCompile(build.broken_files(&course.root)),
                Some(_) => {
                    let run = runs.next().expect("one run per job")?;
                    match run.outcome {
                        Outcome::Passed => Verdict::Passed(run),
                        Outcome::Failed => Verdict::Failed(run),
                        Outcome::TimedOut => Verdict::TimedOut,
                    }
                }
            };
            let file = lesson.exercise_path(exercise);
            if verdict.is_about(&file) {
                state.record(&exercise.id, verdict.passed());
            }
            match detail {
                Detail::Full => {
                    let report = Report {
                        course,
                        state,
                        lesson,
                        exercise,
                        build: &build,
                        started,
                        asking,
                    };
                    report.full(&verdict);
                }
                Detail::OneLine => {
                    report_line(course, lesson, exercise, &file, &verdict);
                    if matches!(verdict, Verdict::DoesNotCompile(_) | Verdict::NotBuilt)
                        && !shown_build_errors
                    {
                        shown_build_errors = true;
                        print_build_errors(course, &build, &file, 1);
                    }
                }
            }
            results.push((*exercise, verdict));
        }
        state.save(&course.root)?;
    }
    Ok(results)
}

/// Where `location` is, for a message: `lessons/01-tcp/src/exercises/limit.rs:3`.
fn show_location(course: &Course, location: &Location) -> String {
    let file = course.relative(&location.file).display().to_string();
    match location.line {
        Some(line) => format!("{file}:{line}"),
        None => file,
    }
}

/// `tcp.limit's file` when `file` is an exercise's, for saying whose a broken file is.
fn owner(course: &Course, file: &Path) -> Option<String> {
    course
        .exercises()
        .find(|(lesson, exercise)| lesson.exercise_path(exercise) == file)
        .map(|(_, exercise)| format!("{}'s file", exercise.id))
}
