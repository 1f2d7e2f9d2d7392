//! A half-written exercise in one lesson never breaks another lesson: `verify` proves it.
//!
//! A learner's exercise file may not compile for a while. If another lesson compiled that
//! file too (because it reused code from the first lesson's crate), every check of the
//! other lesson would fail with an error the learner cannot connect to it. What lessons
//! share lives in crates that compile no learner file, so this must never happen.
//!
//! The probe breaks one exercise file of a lesson on purpose (it appends a
//! `compile_error!`), builds the tests of every other lesson, and puts the file back,
//! byte for byte and with its modification time, so that cargo sees it unchanged and
//! rebuilds nothing afterwards. Any other lesson whose tests did not build is reported.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};

use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::{Course, Lesson};

use crate::proof::verify::exercise_tests;

/// What is appended to the exercise file while the probe runs.
const PROBE: &str =
    "\ncompile_error!(\"isolation probe: `workbook verify` puts this file back\");\n";

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
    /// The other lessons whose tests no longer built.
    pub affected: Vec<String>,
}

/// Breaks the first exercise file of each lesson in `broken`, one at a time, and builds
/// every other lesson's tests.
pub async fn probe(course: &Course, broken: &[&Lesson]) -> Result<Vec<Probe>> {
    let mut probes = Vec::new();
    for lesson in broken {
        let Some(exercise) = lesson.exercises.first() else {
            continue;
        };
        let others: Vec<&Lesson> = course
            .lessons
            .iter()
            .filter(|other| other.id != lesson.id && !other.exercises.is_empty())
            .collect();
        if others.is_empty() {
            continue;
        }
        let path = lesson.exercise_path(exercise);
        let guard = BrokenFile::break_it(&path)?;
        // Ctrl-C must not leave the file broken: it stops the build, and the guard
        // puts the file back on the way out.
        let mut affected = tokio::select! {
            affected = lessons_that_do_not_build(course, &others) => affected?,
            _ = tokio::signal::ctrl_c() => bail!("interrupted; {} is put back", course.relative(&path).display()),
        };
        drop(guard);
        // A lesson that does not build with the file intact was not broken by the probe.
        if !affected.is_empty() {
            let suspects: Vec<&Lesson> = others
                .iter()
                .filter(|other| affected.contains(&other.id))
                .copied()
                .collect();
            let broken_anyway = lessons_that_do_not_build(course, &suspects).await?;
            affected.retain(|id| !broken_anyway.contains(id));
        }
        probes.push(Probe {
            lesson: lesson.id.clone(),
            file: course.relative(&path).to_path_buf(),
            affected,
        });
    }
    Ok(probes)
}

/// The ids of the `lessons` whose exercise tests do not build, made as verify's stub
/// builds make them: the whole workspace selected, so cargo resolves the same features and
/// finds everything but the probe built already (a selection of the lessons alone resolves
/// the features of shared crates, testkit's among them, anew, and rebuilt every lesson's
/// tests twice a probe). The lessons not checked (the broken one) are left out of the
/// selection, so that none is compiled unless a checked lesson depends on it: that is the
/// break the probe looks for, and a failed compile would otherwise have cargo compile that
/// lesson again at the next probe. `--keep-going`: a lesson that does not build does not
/// stop the others.
async fn lessons_that_do_not_build(course: &Course, lessons: &[&Lesson]) -> Result<Vec<String>> {
    let request = BuildRequest {
        workspace: true,
        exclude: course
            .lessons
            .iter()
            .filter(|lesson| !lessons.iter().any(|l| l.package == lesson.package))
            .map(|lesson| lesson.package.clone())
            .collect(),
        tests: exercise_tests(lessons),
        keep_going: true,
        ..BuildRequest::default()
    };
    let builds = [cargo::build_tests(&course.root, &request).await?];
    let built = |lesson: &Lesson| {
        lesson.exercises.iter().all(|exercise| {
            builds
                .iter()
                .any(|build| build.executable(&lesson.dir, &exercise.test).is_some())
        })
    };
    Ok(lessons
        .iter()
        .filter(|lesson| !built(lesson))
        .map(|lesson| lesson.id.clone())
        .collect())
}

/// The packages of the workspace that depend on a lesson's package, each with the lesson
/// packages it names ("tools/loadgen → l12-events"). Such a dependency compiles that lesson's
/// exercise files, or with `solution` its answers, into another lesson or a tool: what they
/// share belongs in a crate that compiles no learner file (`shared`, `micro`). The probe
/// cannot see the second kind, so the manifests are read too. A lesson may name itself (a
/// dev-dependency on its own package, for its tests).
pub fn packages_on_lessons(course: &Course) -> Result<Vec<String>> {
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .current_dir(&course.root)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout)?;
    let lesson_packages: Vec<&str> = course.lessons.iter().map(|l| l.package.as_str()).collect();
    let mut found = Vec::new();
    for package in metadata["packages"].as_array().into_iter().flatten() {
        let name = package["name"].as_str().unwrap_or_default();
        let on: Vec<&str> = package["dependencies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|dependency| dependency["name"].as_str())
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
                "  {} with {} broken, every other lesson's tests build",
                workbook_core::ui::pass_mark(),
                probe.file.display()
            );
        } else {
            misses += 1;
            println!(
                "  {} with {} broken, these lessons' tests do not build: {} (they compile a learner's file of {})",
                workbook_core::ui::fail_mark(),
                probe.file.display(),
                probe.affected.join(", "),
                probe.lesson
            );
        }
    }
    misses
}
