//! The course as the runner sees it: the workspace root, and every lesson's `lesson.toml`.
//!
//! A lesson is a folder `lessons/NN-topic` holding a Cargo package and a `lesson.toml`
//! that names its exercises. Lessons are ordered by folder name; exercises by their order
//! in the file. Ids (`tcp`, `tcp.echo`) are what progress is keyed by, so a lesson can be
//! renumbered without anyone losing their work.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::language::messages::{Cmd, say};

mod load;
mod program;
pub mod test_source;

pub use load::find_root;
use load::load_lesson;

/// The folder under the workspace root that holds everything the runner remembers: the
/// learner's progress, the services and system it started, its ports.
pub const STATE_DIR: &str = ".workbook";

/// Everything the runner knows about the course, loaded from disk.
#[derive(Debug, Clone)]
pub struct Course {
    /// The directory holding the workspace's `Cargo.toml`.
    pub root: PathBuf,
    pub lessons: Vec<Lesson>,
}

/// A lesson as its `lesson.toml` says it; the fields that file does not hold are skipped,
/// and filled in from the folder (`load`) and the course's language (`language::lessons`).
#[derive(Debug, Clone, Deserialize)]
pub struct Lesson {
    /// Stable id, e.g. `tcp`.
    pub id: String,
    pub title: String,
    /// Folder name under `lessons/`, e.g. `01-tcp`; also the book chapter's file stem.
    #[serde(skip)]
    pub folder: String,
    /// Absolute path of the lesson's folder.
    #[serde(skip)]
    pub dir: PathBuf,
    /// Cargo package name, e.g. `l01-tcp`, read from the lesson's `Cargo.toml`.
    #[serde(skip)]
    pub package: String,
    /// Class time for running the worked example (`minutes = { run = N }`); the rest of a
    /// lesson's minutes come from the schedule's model (`book/schedule/model.rs`).
    pub minutes: Option<LessonMinutes>,
    /// Whether the worked example calls the learner's exercises (`model`).
    #[serde(default)]
    pub model: Model,
    /// What the chapter's own commands build before anything else, as cargo's arguments
    /// (`ahead = ["build --release -p l11-micro -p devconsul"]`): the session builds them in
    /// the background while the chapter is read, and a lesson whose program the chapter runs
    /// with `--release` is shown run so.
    #[serde(default)]
    pub ahead: Vec<String>,
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
    /// Its tests' messages in the language the course speaks, from `lesson.<lang>.toml`'s
    /// `[tests]`: each English format string with its translation (`language::lessons`).
    #[serde(skip)]
    pub test_messages: Vec<(String, String)>,
}

impl Lesson {
    /// Whether the chapter runs the lesson's own program in release mode (its `ahead` builds
    /// it with `--release`): the commands the runner suggests for it say so too.
    pub fn runs_released(&self) -> bool {
        self.ahead.iter().any(|args| {
            let words: Vec<&str> = args.split_whitespace().collect();
            words.contains(&"--release")
                && words
                    .windows(2)
                    .any(|pair| pair[0] == "-p" && pair[1] == self.package)
        })
    }
}

/// A lesson's kind of exercise (`model` in `lesson.toml`; `lessons/README.md` names both).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Model {
    /// The exercises rebuild parts of the worked example beside it, which runs as it is.
    #[default]
    Rebuild,
    /// The worked example calls the exercises: it runs with `--features solution` until
    /// they pass.
    CallsYours,
}

/// A lesson's `[minutes]`: running its worked example in class. (Presenting the chapter
/// is counted from the chapter itself.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub struct LessonMinutes {
    pub run: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Exercise {
    /// Stable id, e.g. `tcp.echo`.
    pub id: String,
    pub title: String,
    /// The learner's file, relative to the lesson folder (`src/exercises/echo.rs`).
    pub file: PathBuf,
    /// Where the reference answer lives, relative to the lesson folder, when it is not
    /// `solutions/<file name>`: an exercise that rebuilds a module of the framework is
    /// answered by that module (`answer = "../../micro/src/selector/random.rs"`).
    pub answer: Option<PathBuf>,
    /// The integration test target that checks it (`tests/<test>.rs`).
    pub test: String,
    /// Optional libtest name filter, for lessons that check several exercises in one file.
    pub filter: Option<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    /// What the exercise is about (`about`): the design of a function, as most are, or one
    /// API call whose name its hints may give (`about = "one-call"`), with `why` saying why.
    #[serde(default)]
    pub about: About,
    /// Why the exercise is about one call (`why`, required with `about = "one-call"`).
    pub why: Option<String>,
}

/// What an exercise asks the learner to find (`about` in `lesson.toml`). Its hints name the
/// trap, never the recipe, and `verify` holds them to that (`workbook-dev`'s
/// `proof/exercisecheck`), except where the point of the exercise is one API call: there the
/// call is the lesson, and a hint that names it gives nothing away the chapter does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum About {
    /// A function to design: the hints lead, the learner writes it.
    #[default]
    Design,
    /// One API call is the point (`tcp.many`'s spawn): the hints may quote it.
    OneCall,
}

/// What a command's ID argument turned out to name.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    Exercise(&'a Lesson, &'a Exercise),
    Lesson(&'a Lesson),
}

impl Course {
    /// Finds the workspace above the current directory and loads the course in it.
    pub fn discover() -> Result<Course> {
        let cwd = std::env::current_dir().context("reading the current directory")?;
        Course::load(&find_root(&cwd)?)
    }

    /// Loads every `lessons/*/lesson.toml` under `root`, in folder order.
    pub fn load(root: &Path) -> Result<Course> {
        let lessons_dir = root.join("lessons");
        let mut folders: Vec<PathBuf> = match fs::read_dir(&lessons_dir) {
            Ok(entries) => entries
                .filter_map(|entry| entry.ok().map(|e| e.path()))
                .filter(|path| path.join("lesson.toml").is_file())
                .collect(),
            Err(_) => Vec::new(),
        };
        folders.sort();

        let mut lessons = Vec::new();
        for dir in folders {
            lessons.push(load_lesson(&dir)?);
        }
        let course = Course {
            root: root.to_path_buf(),
            lessons,
        };
        course.check_unique_ids()?;
        Ok(course)
    }

    fn check_unique_ids(&self) -> Result<()> {
        let mut seen = std::collections::HashSet::new();
        for lesson in &self.lessons {
            if !seen.insert(lesson.id.as_str()) {
                bail!(
                    "lesson id `{}` is used twice (lessons/{})",
                    lesson.id,
                    lesson.folder
                );
            }
            for exercise in &lesson.exercises {
                if !seen.insert(exercise.id.as_str()) {
                    bail!(
                        "id `{}` is used twice (lessons/{}/lesson.toml)",
                        exercise.id,
                        lesson.folder
                    );
                }
            }
        }
        Ok(())
    }

    /// Every exercise of the course with its lesson, in the order a learner does them.
    pub fn exercises(&self) -> impl Iterator<Item = (&Lesson, &Exercise)> {
        self.lessons
            .iter()
            .flat_map(|lesson| lesson.exercises.iter().map(move |ex| (lesson, ex)))
    }

    pub fn exercise_count(&self) -> usize {
        self.lessons.iter().map(|l| l.exercises.len()).sum()
    }

    /// Resolves what a learner typed: an exercise id (`tcp.echo`), a lesson id (`tcp`), a
    /// lesson folder (`01-tcp`), a package name (`l01-tcp`) or a lesson's number (`01`, `1`).
    pub fn select(&self, id: &str) -> Result<Selection<'_>> {
        let id = id.trim();
        for (lesson, exercise) in self.exercises() {
            if exercise.id == id {
                return Ok(Selection::Exercise(lesson, exercise));
            }
        }
        for lesson in &self.lessons {
            if lesson.id == id
                || lesson.folder == id
                || lesson.package == id
                || lesson.is_number(id)
            {
                return Ok(Selection::Lesson(lesson));
            }
        }
        let close = crate::suggest::suggestions(self, id);
        if close.is_empty() {
            bail!(say(Cmd::NoSuchId, &[("id", &id)]))
        } else {
            bail!(say(
                Cmd::NoSuchIdDidYouMean,
                &[("id", &id), ("close", &close.join(", "))]
            ))
        }
    }

    /// Like [`Course::select`], but insists on one exercise. A lesson with a single
    /// exercise stands for that exercise.
    pub fn exercise(&self, id: &str) -> Result<(&Lesson, &Exercise)> {
        match self.select(id)? {
            Selection::Exercise(lesson, exercise) => Ok((lesson, exercise)),
            Selection::Lesson(lesson) if lesson.exercises.len() == 1 => {
                Ok((lesson, &lesson.exercises[0]))
            }
            Selection::Lesson(lesson) => {
                let ids: Vec<&str> = lesson.exercises.iter().map(|e| e.id.as_str()).collect();
                let exercises = if ids.is_empty() {
                    say(Cmd::ItHasNone, &[])
                } else {
                    ids.join(", ")
                };
                bail!(say(
                    Cmd::LessonNotExercise,
                    &[("id", &id), ("exercises", &exercises)]
                ))
            }
        }
    }

    /// Path relative to the workspace root, for messages (`lessons/01-tcp/src/...`).
    pub fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// The folder cargo builds the course into: `CARGO_TARGET_DIR` (a relative one is taken
    /// from the course's root, as cargo run there takes it), else `target`.
    pub fn target_dir(&self) -> PathBuf {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(|dir| self.root.join(dir))
            .unwrap_or_else(|| self.root.join("target"))
    }
}

impl Lesson {
    /// The lesson's number, from its folder: `06` for `06-register`.
    pub fn number(&self) -> &str {
        self.folder.split('-').next().unwrap_or_default()
    }

    /// Whether `typed` is this lesson's number, with or without its leading zero.
    fn is_number(&self, typed: &str) -> bool {
        let number = self.number();
        !typed.is_empty()
            && typed.chars().all(|c| c.is_ascii_digit())
            && number.trim_start_matches('0') == typed.trim_start_matches('0')
    }

    /// The learner's file of `exercise`, as an absolute path.
    pub fn exercise_path(&self, exercise: &Exercise) -> PathBuf {
        self.dir.join(&exercise.file)
    }

    /// The reference answer, as an absolute path: the exercise's `answer` if it names one,
    /// else `solutions/<file name of the exercise>`.
    pub fn solution_path(&self, exercise: &Exercise) -> PathBuf {
        match &exercise.answer {
            Some(answer) => without_dots(&self.dir.join(answer)),
            None => {
                let name = exercise.file.file_name().unwrap_or_default();
                self.dir.join("solutions").join(name)
            }
        }
    }

    /// Whether the exercise's answer lives outside the lesson's `solutions/` (in the
    /// framework, say), so that a handout copies it on its own.
    pub fn answer_elsewhere(&self, exercise: &Exercise) -> bool {
        !self
            .solution_path(exercise)
            .starts_with(self.dir.join("solutions"))
    }

    /// The book chapter for this lesson, relative to the book's `src/`.
    pub fn chapter_file(&self) -> String {
        format!("{}.md", self.folder)
    }
}

/// `path` with its `.` and `..` steps taken, on the text alone: `lessons/11-micro/../../micro`
/// is `micro`, so that messages name the file as a reader finds it.
fn without_dots(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut clean = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(clean.components().next_back(), Some(Component::Normal(_))) =>
            {
                clean.pop();
            }
            other => clean.push(other),
        }
    }
    clean
}

#[cfg(test)]
mod tests;
