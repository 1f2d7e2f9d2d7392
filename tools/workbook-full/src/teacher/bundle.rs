//! `bundle DIR`: everything a teacher hands out, in one folder that needs no network.
//!
//! ```text
//! DIR/README.md          what is here
//! DIR/book/html/         the book, read from disk: open book/html/index.html
//! DIR/lessons/ shared/…  the course files the book links to, where its links expect them
//! DIR/book.pdf           the whole book, printed (`book --pdf`)
//! DIR/solutions/         every lesson's reference answers, with a README index
//! ```
//!
//! The book's chapters link to the files a learner edits (`../../lessons/01-tcp/…`, two
//! folders up from the page, as in the repository), so the book sits two folders down and
//! those files beside it: every link works from `file://`. Without Chromium there is no PDF,
//! and the bundle says so; the rest is written all the same.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::book;
use crate::teacher::pdf;
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, say};
use workbook_core::ui;

/// What a bundle holds at its top; anything else in DIR means it is not ours to replace.
const ENTRIES: [&str; 7] = [
    "README.md",
    "book",
    "book.pdf",
    "solutions",
    "lessons",
    "shared",
    "proto",
];

/// The `bundle DIR [--teacher] [--lang L]` command. `Ok(false)` when the PDF could not be
/// printed. With a translation's `lang`, its edition is built beside the English book
/// (`book/html/zh-CN/`), and the PDF is printed from it.
pub async fn run(course: &Course, dir: &Path, teacher: bool, lang: Option<&str>) -> Result<bool> {
    let lang = lang.filter(|lang| *lang != book::i18n::ENGLISH);
    if let Some(lang) = lang {
        book::i18n::check_language(&course.root, lang)?;
    }
    make_room(dir)?;
    let english = book::build_into(&course.root, &dir.join("book/html"), teacher)?;
    let html_dir = match lang {
        None => english.clone(),
        Some(lang) => {
            let notes = book::notes::TeacherNotes::of(teacher);
            book::i18n::build_editions(&course.root, &english, &[lang], notes)?;
            english.join(lang)
        }
    };
    let index = html_dir
        .strip_prefix(dir)
        .unwrap_or(&html_dir)
        .join("index.html");
    let linked = copy_linked_files(&course.root, &english, dir)?;
    println!(
        "{} the book, to read from disk: {} (and the {linked} course files it links to)",
        ui::pass_mark(),
        ui::bold(&dir.join(&index).display().to_string())
    );
    let answers = write_solutions(course, &dir.join("solutions"))?;
    println!(
        "{} the solutions: {answers} answers in {}",
        ui::pass_mark(),
        dir.join("solutions").display()
    );

    let pdf_file = dir.join("book.pdf");
    let printed = match pdf::print(&html_dir, &pdf_file, teacher).await {
        Ok(printed) => {
            println!(
                "{} the book as a PDF: {} ({})",
                ui::pass_mark(),
                pdf_file.display(),
                printed.summary()
            );
            true
        }
        Err(err) => {
            println!("{} no PDF: {err:#}", ui::fail_mark());
            println!(
                "  The rest of {} is complete: the HTML book works without the PDF.",
                dir.display()
            );
            false
        }
    };
    // Written last, so that it lists only what is there.
    let readme = readme(teacher, printed, &index.display().to_string());
    fs::write(dir.join("README.md"), readme).context("writing README.md")?;
    Ok(printed)
}

/// Creates `dir`, or empties what an earlier bundle left in it. A folder holding anything
/// else is refused rather than overwritten.
fn make_room(dir: &Path) -> Result<()> {
    if dir.exists() {
        let entries = fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !ENTRIES.contains(&name.as_str()) {
                bail!(say(
                    Cmd::BundleFolderNotEmpty,
                    &[("dir", &dir.display()), ("name", &name)]
                ));
            }
            let path = entry.path();
            if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            }
            .with_context(|| format!("removing {}", path.display()))?;
        }
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))
}

/// Copies each course file that a page of the book links to (`href="../../lessons/…"`)
/// from `root` to the same place under `dir`; returns how many.
fn copy_linked_files(root: &Path, html_dir: &Path, dir: &Path) -> Result<usize> {
    let mut linked = Vec::new();
    for entry in fs::read_dir(html_dir)? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "html") {
            linked.extend(course_links(&fs::read_to_string(&path)?));
        }
    }
    linked.sort();
    linked.dedup();
    let mut copied = 0;
    for relative in linked {
        let from = root.join(&relative);
        // Only files inside the course, never a link that climbs out of it.
        let inside = relative
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if inside && from.is_file() {
            copy_file(&from, &dir.join(&relative))?;
            copied += 1;
        }
    }
    Ok(copied)
}

/// The course files a page links to, relative to the course: `href="../../lessons/a.rs#x"`
/// gives `lessons/a.rs`.
fn course_links(html: &str) -> Vec<PathBuf> {
    html.split("href=\"../../")
        .skip(1)
        .filter_map(|rest| {
            let target = rest.split(['"', '#', '?']).next()?;
            (!target.is_empty()).then(|| PathBuf::from(target))
        })
        .collect()
}

/// Copies every lesson's `solutions/` folder to `dir/NN-topic/`, and beside them the answers
/// that are modules of the framework (under the learner's file's name), and writes
/// `dir/README.md`, an index of which answer belongs to which exercise; returns how many
/// answers.
fn write_solutions(course: &Course, dir: &Path) -> Result<usize> {
    let mut index = String::from(
        "# Solutions\n\nThe reference answer to every exercise, lesson by lesson. Each file \
         takes the place of the learner's file of the same name; `cargo test -p LESSON \
         --features solution` runs a lesson's tests against them.\n",
    );
    let mut answers = 0;
    for lesson in &course.lessons {
        let solutions = lesson.dir.join("solutions");
        if solutions.is_dir() {
            copy_tree(&solutions, &dir.join(&lesson.folder))?;
        }
        let _ = write!(index, "\n## {} · {}\n\n", lesson.folder, lesson.title);
        for exercise in &lesson.exercises {
            let answer = lesson.solution_path(exercise);
            if !answer.is_file() {
                bail!(say(
                    Cmd::BundleNoAnswer,
                    &[("id", &exercise.id), ("path", &answer.display())]
                ));
            }
            // An exercise that rebuilds a module of the framework is answered by that
            // module: it goes in under the learner's file's name, saying where it is from.
            let (name, from) = if lesson.answer_elsewhere(exercise) {
                let name = exercise.file.file_name().unwrap_or_default();
                copy_file(&answer, &dir.join(&lesson.folder).join(name))?;
                let from = format!(
                    " (the framework's `{}`, where `crate::` is `micro::`)",
                    course.relative(&answer).display()
                );
                (name.to_string_lossy(), from)
            } else {
                (
                    answer.file_name().unwrap_or_default().to_string_lossy(),
                    String::new(),
                )
            };
            let _ = writeln!(
                index,
                "- `{}` {}: [{folder}/{name}]({folder}/{name}){from}, for `lessons/{folder}/{}`",
                exercise.id,
                exercise.title,
                exercise.file.display(),
                folder = lesson.folder,
            );
            answers += 1;
        }
    }
    fs::write(dir.join("README.md"), index).context("writing solutions/README.md")?;
    Ok(answers)
}

/// What the handout holds: `printed` says whether `book.pdf` was written.
fn readme(teacher: bool, printed: bool, index: &str) -> String {
    let notes = if teacher {
        "with the teacher notes"
    } else {
        "without the teacher notes"
    };
    let pdf = if printed {
        format!("- `book.pdf`: the whole book, printed ({notes}).\n")
    } else {
        String::new()
    };
    format!(
        "# From Sockets to Services: the handout\n\n\
         Everything here works without a network.\n\n\
         - `{index}`: the book ({notes}); open it in a browser. Its links to the \
         course's files lead to the copies under `lessons/`, `shared/` and `proto/`.\n\
         {pdf}\
         - `solutions/`: the reference answer to every exercise; `solutions/README.md` \
         says which is which. Leave this folder out to hand out the book alone.\n\n\
         Written by `cargo run -p workbook -- bundle`.\n"
    )
}

/// Copies the files under `from` to `to`, folders and all.
fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let entries = fs::read_dir(from).with_context(|| format!("reading {}", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        let target = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            copy_file(&path, &target)?;
        }
    }
    Ok(())
}

fn copy_file(from: &Path, to: &Path) -> Result<()> {
    if let Some(folder) = to.parent() {
        fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    fs::copy(from, to)
        .with_context(|| format!("copying {} to {}", from.display(), to.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests;
