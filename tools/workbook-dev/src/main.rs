//! The maintainers' checks of the course, for CI and for whoever changes a lesson or a
//! chapter: `cargo run -p workbook-dev -- verify` proves that every stub fails and every
//! solution passes, that the lessons stand alone and the book is whole; `i18n` keeps the
//! book's translation catalogs; `pictures` takes every picture of real runs in the book again.
//!
//! A learner never compiles this: the runner a learner starts (`cargo run -p workbook`) is
//! another program. The checks stand on the runner's libraries (tools/workbook/src/lib.rs,
//! and the book's, tools/workbook-book/src/lib.rs); what only they depend on (testkit's servers, the
//! WebDriver client) lives here.
//! It speaks English only.

mod i18n;
mod interrupt;
#[cfg(feature = "browser-check")]
mod pictures;
mod priority;
mod proof;

use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};
use workbook_core::course::Course;
use workbook_core::ui;

use crate::proof::{transcripts, verify};

#[derive(Debug, Parser)]
#[command(name = "workbook-dev", about = "The maintainers' checks of the course")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every stub fails, every solution passes, the lessons stand alone, the book is whole.
    Verify {
        /// Only this lesson.
        #[arg(long, conflicts_with = "book")]
        lesson: Option<String>,
        /// Only the book: includes, diagrams, the build and the pages in a browser; no
        /// lesson is built.
        #[arg(long)]
        book: bool,
        /// Only the transcripts of this chapter (`07`, `discover`): a quick check.
        #[arg(long, value_name = "CHAPTER", conflicts_with_all = ["book", "lesson"])]
        transcripts: Option<String>,
        /// Only the check that every wait in the tests has a deadline: a quick check.
        #[arg(long, conflicts_with_all = ["book", "lesson", "transcripts"])]
        waits: bool,
        /// Only the check that every exercise makes the learner think: its hints quote little
        /// of its answer, and its answer stands nowhere a learner reads before it. A quick
        /// check.
        #[arg(long, conflicts_with_all = ["book", "lesson", "transcripts", "waits"])]
        exercises: bool,
        /// Only the built book's checks, on the site built into DIR (`cargo run -p
        /// workbook-book -- site DIR`): its pages, and the pages in a browser.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["book", "lesson", "transcripts", "waits", "exercises"])]
        site: Option<std::path::PathBuf>,
        /// The solutions' side read from the suite's run of the same build (nextest's JUnit
        /// report) instead of run again; where it lacks an exercise, they are run.
        #[arg(long, value_name = "JUNIT")]
        solutions_from: Option<std::path::PathBuf>,
        /// The lab chapters (14's hosts, 17's swarm) start once FILE is unlocked (flock):
        /// the test command holds it while lesson 17's swarm story runs beside verify, so
        /// that no other lab shares the machine with the story's.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["book", "lesson", "transcripts", "waits", "exercises", "site"])]
        labs_after: Option<std::path::PathBuf>,
        /// The report (nextest's JUnit) of a story run apart from the suite, as the test
        /// command runs lesson 17's: a block of a chapter's lab commands that the story ran
        /// is not run again (as with the suite's own report, `--solutions-from`). With
        /// `--transcripts` too.
        #[arg(long, value_name = "JUNIT", conflicts_with_all = ["book", "lesson", "waits", "exercises", "site"])]
        story_from: Option<std::path::PathBuf>,
    },
    /// The book's translations: `extract` its messages, `import` translations, `status`.
    I18n {
        #[command(subcommand)]
        action: i18n::I18nAction,
    },
    /// The book's pictures of real runs, taken again, every one unless told which: the
    /// instructor guide's dashboard of a class of thirty (`class`), and chapter 15's graphs
    /// of lesson 14's lab under a partition and a kill (`lab`: Docker and Prometheus).
    /// Headless Chromium takes them (the `browser-check` feature).
    Pictures {
        /// Only these pictures.
        #[arg(value_enum)]
        #[cfg_attr(not(feature = "browser-check"), allow(dead_code))]
        which: Option<Pictures>,
    },
}

/// The book's pictures `pictures` takes, by where they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Pictures {
    /// The instructor guide's pictures of the live class (`images/class-*.png`).
    Class,
    /// Chapter 15's graphs of lesson 14's lab (`images/15-*.png`).
    Lab,
}

#[tokio::main]
async fn main() -> ExitCode {
    ui::end_quietly_when_output_is_cut();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{} {err:#}", ui::red("error:"));
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<()> {
    let course = Course::discover()?;
    if matches!(cli.command, Command::Verify { .. }) {
        interrupt::end_on_ctrl_c();
    }
    match cli.command {
        Command::Verify { book: true, .. } => verify::run_book_only(&course).await,
        Command::Verify {
            site: Some(dir), ..
        } => verify::run_site(&course, &dir).await,
        Command::Verify {
            transcripts: Some(chapter),
            story_from,
            ..
        } => transcripts::run_one(&course, &chapter, story_from.as_deref()).await,
        Command::Verify { waits: true, .. } => verify::run_waits_only(&course),
        Command::Verify {
            exercises: true, ..
        } => verify::run_exercises_only(&course),
        Command::Verify {
            lesson,
            solutions_from,
            labs_after,
            story_from,
            ..
        } => {
            let whole = verify::Whole {
                solutions_from: solutions_from.as_deref(),
                labs_after: labs_after.as_deref(),
                story_from: story_from.as_deref(),
            };
            verify::run(&course, lesson.as_deref(), whole).await
        }
        Command::I18n { action } => i18n::command(&course.root, action),
        #[cfg(feature = "browser-check")]
        Command::Pictures { which } => {
            let only = |pictures| which.is_none_or(|which| which == pictures);
            pictures::run(&course, only(Pictures::Class), only(Pictures::Lab)).await
        }
        #[cfg(not(feature = "browser-check"))]
        Command::Pictures { .. } => anyhow::bail!(
            "the pictures are taken in headless Chromium, which this build leaves out: \
             `cargo run -p workbook-dev --features browser-check -- pictures`"
        ),
    }
}
