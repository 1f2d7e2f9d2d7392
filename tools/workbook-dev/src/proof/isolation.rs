//! A half-written exercise in one lesson never breaks another lesson: `verify` proves it.
//!
//! A learner's exercise file may not compile for a while. If another lesson compiled that
//! file too (because it reused code from the first lesson's crate), every check of the
//! other lesson would fail with an error the learner cannot connect to it. What lessons
//! share lives in crates that compile no learner file, so this must never happen.
//!
//! The probe breaks the first exercise file of every lesson verify checks, all at once (it appends a
//! `compile_error!`), builds every lesson's tests in one build that keeps going past
//! failures, and puts the files back, byte for byte and with their modification times, so
//! that cargo sees them unchanged and rebuilds nothing afterwards. Each lesson then fails on
//! its own file, and the compiler names the package it was compiling for each error: a
//! probe's error under any package but the file's own lesson is a package that compiles a
//! learner's file of another lesson. (A package that *depends* on a lesson's package is
//! read from the manifests, [`packages_on_lessons`].) One build for all lessons, where a
//! build per lesson took a minute and a half of cargo looking at what had not changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result};

use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::{Course, Lesson};

use crate::proof::verify::exercise_tests;

/// What the compiler says of a broken file.
const PROBE_MESSAGE: &str = "isolation probe: `workbook verify` puts this file back";

/// What is appended to the exercise file while the probe runs.
const PROBE: &str = concat!(
    "\ncompile_error!(\"",
    "isolation probe: `workbook verify` puts this file back",
    "\");\n"
);

/// A file with the probe appended; dropping it puts the file back as it was.
struct BrokenFile {
    path: PathBuf,
    original: Vec<u8>,
    modified: Option<SystemTime>,
}

impl BrokenFile {
    fn break_it(path: &Path) -> Result<BrokenFile> {
        let original = fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let modified = fs::metadata(path).and_then(|m| m.modified()).ok();
        // Once the guard exists, the file is put back whatever happens next.
        let guard = BrokenFile {
            path: path.to_path_buf(),
            original,
            modified,
        };
        let mut broken = guard.original.clone();
        broken.extend_from_slice(PROBE.as_bytes());
        fs::write(path, broken).with_context(|| format!("writing {}", path.display()))?;
        Ok(guard)
    }
}

impl Drop for BrokenFile {
    fn drop(&mut self) {
        if let Err(err) = fs::write(&self.path, &self.original) {
            eprintln!(
                "error: could not put {} back ({err}); its content is still in git",
                self.path.display()
            );
            return;
        }
        if let (Some(modified), Ok(file)) = (
            self.modified,
            fs::File::options().write(true).open(&self.path),
        ) {
            let _ = file.set_modified(modified);
        }
    }
}

/// What breaking one lesson's exercise file did to the others.
#[derive(Debug)]
pub struct Probe {
    pub lesson: String,
    /// The file that was broken, relative to the course root.
    pub file: PathBuf,
    /// The other packages whose build compiled it.
    pub affected: Vec<String>,
}

/// Breaks the first exercise file of each lesson in `broken`, all at once, builds every
/// lesson's tests, and reads which packages compiled each broken file.
pub async fn probe(course: &Course, broken: &[&Lesson]) -> Result<Vec<Probe>> {
    let probed: Vec<(&Lesson, PathBuf)> = broken
        .iter()
        .filter_map(|lesson| Some((*lesson, lesson.exercise_path(lesson.exercises.first()?))))
        .collect();
    if probed.is_empty() {
        return Ok(Vec::new());
    }
    // Ctrl-C must not leave a file broken: it stops the build, and the guards put the
    // files back on the way out. Till then, Ctrl-C is this function's to handle.
    let holding = crate::interrupt::Holding::new();
    let mut guards = Vec::new();
    for (_, path) in &probed {
        guards.push(BrokenFile::break_it(path)?);
    }
    // Every lesson's tests, so that one broken lesson (`verify --lesson`) is probed too.
    let lessons: Vec<&Lesson> = course.lessons.iter().collect();
    let request = BuildRequest {
        workspace: true,
        tests: exercise_tests(&lessons),
        keep_going: true,
        ..BuildRequest::default()
    };
    let build = tokio::select! {
        build = cargo::build_tests(&course.root, &request) => build?,
        _ = tokio::signal::ctrl_c() => {
            drop(guards);
            eprintln!("the exercise files the isolation probe broke are put back");
            crate::interrupt::end_now();
        }
    };
    drop(guards);
    drop(holding);
    let package_of = |manifest: &Path| -> String {
        let dir = manifest.parent().unwrap_or(manifest);
        course
            .lessons
            .iter()
            .find(|lesson| lesson.dir == dir)
            .map_or_else(
                || course.relative(dir).display().to_string(),
                |lesson| format!("lesson {}", lesson.id),
            )
    };
    Ok(probed
        .iter()
        .map(|(lesson, path)| {
            let mut affected: Vec<String> = build
                .diagnostics
                .iter()
                .filter(|error| error.is_error() && error.rendered.contains(PROBE_MESSAGE))
                // The compiler names a file as the `#[path]` that reached it did
                // (`src/../../01-tcp/…`): the same file, once canonical.
                .filter(|error| {
                    error
                        .path(&course.root)
                        .and_then(|file| fs::canonicalize(file).ok())
                        == fs::canonicalize(path).ok()
                })
                .map(|error| package_of(&error.manifest))
                .filter(|package| *package != format!("lesson {}", lesson.id))
                .collect();
            affected.sort();
            affected.dedup();
            Probe {
                lesson: lesson.id.clone(),
                file: course.relative(path).to_path_buf(),
                affected,
            }
        })
        .collect())
}

/// The packages of the workspace that depend on a lesson's package, each with the lesson
/// packages it names ("tools/loadgen → l12-events"). Such a dependency compiles that lesson's
/// exercise files, or with `solution` its answers, into another lesson or a tool: what they
/// share belongs in a crate that compiles no learner file (`shared`, `micro`). The probe
/// cannot see the second kind, so the manifests are read too. A lesson may name itself (a
/// dev-dependency on its own package, for its tests).
pub fn packages_on_lessons(course: &Course) -> Result<Vec<String>> {
    let packages = crate::proof::workspace::packages(&course.root)?;
    let lesson_packages: Vec<&str> = course.lessons.iter().map(|l| l.package.as_str()).collect();
    let mut found = Vec::new();
    for package in &packages {
        let name = package.name.as_str();
        let on: Vec<&str> = package
            .dependencies
            .iter()
            .map(String::as_str)
            .filter(|dependency| *dependency != name && lesson_packages.contains(dependency))
            .collect();
        if !on.is_empty() {
            found.push(format!("{name} → {}", on.join(", ")));
        }
    }
    Ok(found)
}

/// Prints what the probes found, under a heading of its own; returns how many lessons
/// broke another.
pub fn print(probes: &[Probe], packages_on_lessons: &[String], took: Duration) -> usize {
    if probes.is_empty() && packages_on_lessons.is_empty() {
        return 0;
    }
    println!();
    let seconds = took.as_secs_f64();
    println!(
        "{} ({seconds:.1} s)",
        workbook_core::ui::bold("Lessons stand alone")
    );
    let mut misses = 0;
    for dependent in packages_on_lessons {
        misses += 1;
        println!(
            "  {} {dependent}: a package depends on a lesson's package (move what it needs into a crate that compiles no learner file)",
            workbook_core::ui::fail_mark()
        );
    }
    for probe in probes {
        if probe.affected.is_empty() {
            println!(
                "  {} {} is compiled by its own lesson only",
                workbook_core::ui::pass_mark(),
                probe.file.display()
            );
        } else {
            misses += 1;
            println!(
                "  {} {} is compiled by {} too (a learner's file of {}: a half-written exercise there breaks them)",
                workbook_core::ui::fail_mark(),
                probe.file.display(),
                probe.affected.join(", "),
                probe.lesson
            );
        }
    }
    misses
}
