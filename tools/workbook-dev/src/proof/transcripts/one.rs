//! `verify --transcripts CHAPTER`: one chapter's transcripts alone, without the exercises'
//! builds and the book's checks that make a full `verify` take minutes. It builds that
//! lesson's binary with its reference answers (as `verify` does), then follows the chapter.

use anyhow::{Context, Result, bail};

use workbook_core::course::{Course, Selection};

/// Builds the chapter's lesson, checks its transcripts and prints the row; an error when
/// any problem was found. `story_from`: a story's report, whose lab commands are not run
/// again ([`super::check`]).
pub async fn run_one(
    course: &Course,
    chapter: &str,
    story_from: Option<&std::path::Path>,
) -> Result<()> {
    // `07`, `07-discover`, `discover`, `l07-discover` or `07-discover.md`.
    let (Selection::Lesson(lesson) | Selection::Exercise(lesson, _)) =
        course.select(chapter.trim().trim_end_matches(".md"))?;
    // The lessons the chapter runs: its own, and earlier ones it starts (10 runs 09's).
    let chapter_file = course.root.join("book/src").join(lesson.chapter_file());
    let markdown = std::fs::read_to_string(chapter_file).unwrap_or_default();
    let mut build = std::process::Command::new("cargo");
    build.args(["build", "--quiet"]);
    // The tools it runs: the agent always (every chapter gets one), the others when named.
    for tool in super::TOOL_PACKAGES {
        if tool == super::AGENT_PACKAGE || markdown.contains(&format!("-p {tool} ")) {
            build.args(["-p", tool]);
        }
    }
    // And those a lab of the chapter's is made of (chapter 17's images hold lesson 11's).
    let lab_programs = super::lab::programs(&markdown);
    for package in course.lessons.iter().map(|l| &l.package) {
        let named = markdown.contains(&format!("-p {package} "));
        if *package == lesson.package || named || lab_programs.contains(&package.as_str()) {
            build.args(["-p", package, "--features", &format!("{package}/solution")]);
        }
    }
    let status = build
        .current_dir(&course.root)
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build -p {}` failed", lesson.package);
    }
    let ran = crate::proof::junit::commands_ran(story_from.as_slice());
    let (_, failed) = super::print(&super::check(course, Some(&[lesson]), None, &ran).await);
    if !failed.is_empty() {
        bail!(
            "{} has transcripts that differ from a run",
            lesson.chapter_file()
        );
    }
    Ok(())
}
