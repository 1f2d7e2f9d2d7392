//! `verify`: the course proves itself, for maintainers and CI.
//!
//! For every exercise: its test fails against the stub and passes against the solution,
//! it has a hint, its file says `TODO`, its answer exists. For the book: every include
//! resolves, `SUMMARY.md` lists every lesson, the book builds, and its pages read well in
//! a real browser (`browsercheck/`). And an exercise file of one lesson is compiled by
//! that lesson alone, so a broken one leaves every other lesson building (`isolation.rs`).
//! The commands the chapters show are run, and what they print is compared with the book
//! (`transcripts/`). Every exercise makes the learner think: its hints quote little of its
//! answer, and its answer stands nowhere a learner reads before the exercise (`answers/`).
//! A program that meets an exercise not done yet says so in one line (`unfinished.rs`).
//! Every wait in the tests has a deadline (`waitcheck.rs`).
//! Every crate shares the workspace's builds through the workspace-hack, and an exercise's
//! test has a name of its own in the workspace (`workspace.rs`). With `--lesson`, each of
//! these is checked for that lesson, and so is what it touches outside its folder: its line
//! in `SUMMARY.md`, its row in the introduction's course map, its chapter's translation.
//!
//! Speed comes from building once per side: one cargo invocation builds every stub's test,
//! one more (with every lesson's `solution` feature) every answer's; the executables then
//! run directly, two at a time, each with a timeout.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::proof::answers;
use crate::proof::catalog;
use crate::proof::isolation;
use crate::proof::junit;
use crate::proof::transcripts;
use crate::proof::unfinished;
use crate::proof::waitcheck;
use crate::proof::workspace;
use workbook::learner::check::TEST_TIMEOUT;
use workbook_core::cargo::{self, Build, BuildRequest};
use workbook_core::course::{Course, Exercise, Lesson, Selection};
use workbook_core::testrun::{self, TestJob, TestRun};
use workbook_core::ui;

mod pages;
mod suite;
mod table;

pub use pages::{run_book_only, run_site};

use table::{Row, print_table};

/// What a whole run of verify takes from the test command that runs it.
#[derive(Debug, Default, Clone, Copy)]
pub struct Whole<'a> {
    /// The suite's report of this build (nextest's JUnit): the solutions' side is read from
    /// it instead of run again.
    pub solutions_from: Option<&'a std::path::Path>,
    /// A file whose lock (flock) another lab holds: the lab chapters start once it is free.
    pub labs_after: Option<&'a std::path::Path>,
    /// The report of a story run apart: the lab commands it ran are not run again, nor are
    /// those the suite's report (`solutions_from`) says a story ran.
    pub story_from: Option<&'a std::path::Path>,
}

/// How one side (stub or solution) of one exercise went.
#[derive(Debug)]
enum Side {
    Ran(TestRun),
    NotBuilt,
    Error(String),
}

/// The `verify` command. Returns an error (so a non-zero exit) on any miss.
///
/// Everything that builds comes first: the stubs (and their runs), the solutions (and
/// theirs), the isolation probe (which breaks exercise files for a moment). Then verify runs
/// what is built, and reads: the transcripts and the book, side by side.
pub async fn run(course: &Course, lesson_id: Option<&str>, whole: Whole<'_>) -> Result<()> {
    let Whole {
        solutions_from,
        labs_after,
        story_from,
    } = whole;
    let started = Instant::now();
    let lessons: Vec<&Lesson> = match lesson_id {
        None => course.lessons.iter().collect(),
        Some(id) => match course.select(id)? {
            Selection::Lesson(lesson) | Selection::Exercise(lesson, _) => vec![lesson],
        },
    };
    let exercises: Vec<(&Lesson, &Exercise)> = lessons
        .iter()
        .flat_map(|lesson| lesson.exercises.iter().map(move |e| (*lesson, e)))
        .collect();
    if course.lessons.is_empty() {
        println!(
            "{} no lessons found (lessons/*/lesson.toml)",
            ui::yellow("!")
        );
    }

    let mut rows: Vec<Row> = exercises
        .iter()
        .map(|(lesson, exercise)| Row {
            exercise,
            stub: Side::NotBuilt,
            solution: Side::NotBuilt,
            notes: static_checks(course, lesson, exercise),
        })
        .collect();
    for lesson in &lessons {
        if lesson.exercises.is_empty() {
            println!(
                "{} lesson `{}` has no exercises",
                ui::yellow("!"),
                lesson.id
            );
        }
    }

    // The lab chapters first, while the builds below keep the cores busy (whole runs only).
    let labs = lesson_id
        .is_none()
        .then(|| {
            let reports = [solutions_from, story_from].into_iter().flatten();
            transcripts::labs_ahead(course, labs_after, reports.map(Path::to_path_buf).collect())
        })
        .flatten();

    let mut build_problems = Vec::new();
    let mut unfinished_checked = unfinished::Checked::default();
    if !exercises.is_empty() {
        let tests = exercise_tests(&lessons);

        // The stubs: every test must fail. Both builds select the whole workspace, so that
        // they share every dependency build with `cargo test --workspace` (the test script
        // runs that first); only the lessons themselves are compiled again. No package
        // depends on a lesson's (checked below), so no build compiles another lesson's
        // answers into a lesson's stubs. With them, the programs' tests that meet the stubs
        // (`unfinished.rs`).
        //
        // A lesson's program is built with its stubs only where a test of this build runs
        // it, as `workbook check` builds it (`Lesson::test_runs_the_program`): most
        // exercises' tests do not, and ten programs linked for nothing were a quarter of
        // this build. The lessons' default feature `program` is left out for the whole
        // workspace and given back, by name, to the lessons whose tests need it.
        let stub_tests = [tests.clone(), unfinished::tests(&lessons)].concat();
        let stubs = BuildRequest {
            workspace: true,
            without_programs: true,
            features: programs_run_by(&lessons, &stub_tests),
            tests: stub_tests,
            ..BuildRequest::default()
        };
        let stub_build = build_side(course, &stubs, "stubs").await?;
        let runs = run_side(&stub_build, &exercises, STUBS_AT_ONCE).await;
        for (row, run) in rows.iter_mut().zip(runs) {
            row.stub = run;
        }
        let stub_builds = [stub_build];
        for build in &stub_builds {
            build_problems.extend(build_failure(build, "the stubs"));
        }
        unfinished_checked = unfinished::check(course, &lessons, &stub_builds[0]).await;
        for (row, (lesson, _)) in rows.iter_mut().zip(&exercises) {
            let warnings = stub_builds
                .iter()
                .flat_map(|build| &build.diagnostics)
                .filter(|d| {
                    d.level == "warning" && d.manifest.parent() == Some(lesson.dir.as_path())
                })
                .count();
            if warnings > 0 && !row.notes.iter().any(|n| n.contains("warning")) {
                row.notes
                    .push(format!("the lesson's stub build has {warnings} warning(s)"));
            }
        }

        // The solutions: every test must pass. Built in any case: the build is the suite's
        // and costs nothing, and it puts the solutions' programs back in target/debug, where
        // the stub build left the stubs' and the transcripts run them. Their tests are read
        // from the suite's run of this very build where it holds every exercise
        // (`suite.rs`), else run here.
        let build = build_solutions(course, &lessons, tests, &mut build_problems).await?;
        let from_suite = solutions_from.and_then(|junit| {
            let cases = junit::cases(&fs::read_to_string(junit).ok()?);
            let runs: Option<Vec<TestRun>> = exercises
                .iter()
                .map(|(lesson, exercise)| suite::run_of(&cases, lesson, exercise))
                .collect();
            runs.map(|runs| (junit, runs))
        });
        if let Some((junit, runs)) = from_suite {
            println!(
                "{} solutions: read from the suite's run, {}",
                ui::bold("Taking"),
                ui::dim(&junit.display().to_string())
            );
            for (row, run) in rows.iter_mut().zip(runs) {
                row.solution = Side::Ran(run);
            }
        } else {
            let runs = run_side(&build, &exercises, SOLUTIONS_AT_ONCE).await;
            for (row, run) in rows.iter_mut().zip(runs) {
                row.solution = run;
            }
        }
    }
    // The isolation probe builds the lessons with a broken file each (and puts them back).
    let (probes, probe_time) = probe_isolation(course, &lessons).await?;
    print_table(&rows);

    // The catalog's check reads the whole book on one core while the transcripts mostly wait.
    let catalog = tokio::task::spawn_blocking({
        let course = course.clone();
        let only = lesson_id.map(|_| catalog::chapters(&lessons));
        move || catalog::check(&course, only.as_deref())
    });
    // The book (all of it, or with --lesson only that lesson's chapter): built and loaded in
    // a browser beside the transcripts, which mostly wait on the programs they run.
    let book = tokio::spawn(pages::check(
        course.clone(),
        lesson_id.map(|_| lessons.iter().map(|&lesson| lesson.clone()).collect()),
    ));
    // The book's transcripts, run against the lesson binaries the builds above made.
    let (transcripts_passed, transcripts_failed) = transcripts::print(
        &transcripts::check(course, lesson_id.map(|_| lessons.as_slice()), labs, &[]).await,
    );

    let catalog = catalog.await.context("the catalog's check")?;
    let book = book.await.context("the book's check")?;
    let (book_misses, skipped) =
        pages::print(course, lesson_id.map(|_| lessons.as_slice()), book, catalog);
    let copies = answers::print(&answers::check(course, &lessons), lesson_id.is_none());
    let waits = waitcheck::print(course, lesson_id.map(|_| lessons.as_slice()));
    let isolation_problems = isolation::print(
        &probes,
        &isolation::packages_on_lessons(course)?,
        probe_time,
    );
    // What the lessons share with the workspace: the workspace-hack, their tests' names.
    let (workspace_problems, workspace_skipped) =
        workspace::print(course, lesson_id.map(|_| lessons.as_slice()));
    let unfinished_misses = unfinished::print(&unfinished_checked);
    for problem in &build_problems {
        println!("\n{}", problem);
    }

    let bad_rows = rows.iter().filter(|r| !r.is_ok()).count();
    let misses = bad_rows
        + book_misses
        + isolation_problems
        + copies
        + waits
        + unfinished_misses
        + workspace_problems
        + build_problems.len()
        + transcripts_failed.len();
    println!();
    let elapsed = started.elapsed().as_secs_f64();
    // A plain closing line that CI systems and scripts can read without parsing the table.
    let skipped = usize::from(skipped) + workspace_skipped;
    let skipped = if skipped > 0 {
        format!(", {skipped} skipped")
    } else {
        String::new()
    };
    println!(
        "verify: {} passed, {misses} failed{skipped}",
        rows.len() - bad_rows + transcripts_passed
    );
    // What failed, by name, on the last lines: a log that keeps only its end (as CI's
    // summaries do) still says where to look.
    let failed: Vec<&str> = rows
        .iter()
        .filter(|r| !r.is_ok())
        .map(|r| r.exercise.id.as_str())
        .chain(transcripts_failed.iter().map(String::as_str))
        .collect();
    if !failed.is_empty() {
        println!("failed: {} (their rows are above)", failed.join(", "));
    }
    if misses == 0 {
        println!(
            "{} verified {} in {} ({elapsed:.1} s)",
            ui::pass_mark(),
            ui::plural(rows.len(), "exercise"),
            ui::plural(lessons.len(), "lesson")
        );
        Ok(())
    } else {
        bail!("{misses} problem(s) found ({elapsed:.1} s)")
    }
}

/// `verify --waits`: only the check that every wait in the tests has a deadline.
pub fn run_waits_only(course: &Course) -> Result<()> {
    let misses = waitcheck::print(course, None);
    println!();
    println!("verify --waits: {misses} failed");
    if misses > 0 {
        bail!("{misses} wait(s) with no deadline");
    }
    Ok(())
}

/// `verify --exercises`: only the check that every exercise makes the learner think (its
/// hints quote little of its answer, its answer stands nowhere in sight): a quick check.
pub fn run_exercises_only(course: &Course) -> Result<()> {
    let lessons: Vec<&Lesson> = course.lessons.iter().collect();
    let misses = answers::print(&answers::check(course, &lessons), true);
    println!();
    println!("verify --exercises: {misses} failed");
    if misses > 0 {
        bail!("{misses} problem(s) with the exercises' hints or answers");
    }
    Ok(())
}

/// What can be checked without compiling: hints, the TODO, the answer's file.
fn static_checks(course: &Course, lesson: &Lesson, exercise: &Exercise) -> Vec<String> {
    let mut notes = Vec::new();
    let file = lesson.exercise_path(exercise);
    match fs::read_to_string(&file) {
        Ok(text) if !text.contains("TODO") => notes.push("its file has no TODO".into()),
        Ok(_) => {}
        Err(_) => notes.push(format!("{} is missing", course.relative(&file).display())),
    }
    if exercise.hints.is_empty() {
        notes.push("no hints".into());
    }
    let solution = lesson.solution_path(exercise);
    if !solution.is_file() {
        notes.push(format!(
            "{} is missing",
            course.relative(&solution).display()
        ));
    }
    if !lesson
        .dir
        .join("tests")
        .join(format!("{}.rs", exercise.test))
        .is_file()
        && !lesson
            .dir
            .join("tests")
            .join(&exercise.test)
            .join("main.rs")
            .is_file()
    {
        notes.push(format!("tests/{}.rs is missing", exercise.test));
    }
    notes
}

/// The test targets of the exercises of `lessons`, each once (two exercises may share one).
pub(crate) fn exercise_tests(lessons: &[&Lesson]) -> Vec<String> {
    let mut tests: Vec<String> = Vec::new();
    for exercise in lessons.iter().flat_map(|lesson| &lesson.exercises) {
        if !tests.contains(&exercise.test) {
            tests.push(exercise.test.clone());
        }
    }
    tests
}

/// Builds one side's tests in one cargo invocation.
async fn build_side(course: &Course, request: &BuildRequest, what: &str) -> Result<Build> {
    let started = Instant::now();
    // The learner's check prints the same words without the last flag, so it is added here.
    let mut command = cargo::describe(request);
    if request.without_programs {
        command.push_str(" --no-default-features");
    }
    println!("{} {what}: {}", ui::bold("Building"), ui::dim(&command));
    let build = cargo::build_tests(&course.root, request).await?;
    println!("  built in {:.1} s", started.elapsed().as_secs_f64());
    Ok(build)
}

/// How many stubs' tests run at once. A stub fails at once (`todo!()`), or its test waits
/// out one of its deadlines for an answer the stub never gives: mostly waiting, so four.
const STUBS_AT_ONCE: usize = 4;

/// How many solutions' tests run at once: two, one a core, since some hold time bounds (an
/// answer within 1.5 s) that a crowded machine would break.
const SOLUTIONS_AT_ONCE: usize = 2;

/// Runs every exercise's test executable of `build`, `at_once` at a time.
async fn run_side(build: &Build, exercises: &[(&Lesson, &Exercise)], at_once: usize) -> Vec<Side> {
    let started = Instant::now();
    let jobs: Vec<Option<TestJob>> = exercises
        .iter()
        .map(|(lesson, exercise)| {
            build.test_job(&lesson.dir, &exercise.test, exercise.filter.as_deref())
        })
        .collect();
    let mut runs = testrun::run_tests(
        jobs.iter().flatten().cloned().collect(),
        at_once,
        TEST_TIMEOUT,
    )
    .await
    .into_iter();
    let sides = jobs
        .iter()
        .map(|job| match job {
            None => Side::NotBuilt,
            Some(_) => match runs.next().expect("one run per job") {
                Ok(run) => Side::Ran(run),
                Err(err) => Side::Error(format!("{err:#}")),
            },
        })
        .collect();
    println!("  ran in {:.1} s", started.elapsed().as_secs_f64());
    sides
}

/// Builds the exercises' tests of `lessons` with their solutions.
async fn build_solutions(
    course: &Course,
    lessons: &[&Lesson],
    tests: Vec<String>,
    build_problems: &mut Vec<String>,
) -> Result<Build> {
    let solutions = BuildRequest {
        workspace: true,
        tests,
        features: lessons
            .iter()
            .map(|l| format!("{}/solution", l.package))
            .collect(),
        ..BuildRequest::default()
    };
    let build = build_side(course, &solutions, "solutions").await?;
    build_problems.extend(build_failure(&build, "the solutions"));
    Ok(build)
}

/// The isolation probe, and how long it took.
async fn probe_isolation(
    course: &Course,
    lessons: &[&Lesson],
) -> Result<(Vec<isolation::Probe>, Duration)> {
    let probing = Instant::now();
    let probes = isolation::probe(course, lessons).await?;
    Ok((probes, probing.elapsed()))
}

/// The compiler's errors when a side did not build, as one block of text.
fn build_failure(build: &Build, what: &str) -> Option<String> {
    if build.success {
        return None;
    }
    let mut text = format!("{} {what} do not build:", ui::fail_mark());
    let errors = build.errors();
    for error in errors.iter().take(5) {
        text.push('\n');
        text.push_str(&ui::indent(error.rendered.trim_end(), "    "));
    }
    if errors.is_empty() {
        text.push('\n');
        text.push_str(&ui::indent(
            &ui::clip_lines(build.cargo_errors.trim_end(), 20),
            "    ",
        ));
    }
    Some(text)
}

/// `package/program` for each lesson of `lessons` one of whose `tests` runs its program:
/// the features a build with `--no-default-features` gives back so that those programs are
/// built.
fn programs_run_by(lessons: &[&Lesson], tests: &[String]) -> Vec<String> {
    lessons
        .iter()
        .filter(|lesson| {
            tests.iter().any(|test| {
                lesson.test_files(test).iter().any(|file| file.is_file())
                    && lesson.test_runs_the_program(test)
            })
        })
        .map(|lesson| format!("{}/program", lesson.package))
        .collect()
}
