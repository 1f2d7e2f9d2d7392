//! Reading the course from disk: the workspace root, and each lesson's `lesson.toml` with
//! its package's name from `Cargo.toml`, every id checked as it is read, so that a wrong
//! file is an error naming the file and the field, not a surprise later.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use super::{Exercise, Lesson, LessonMinutes, Model};
use crate::language::messages::{Cmd, say};

#[derive(Deserialize)]
struct LessonFile {
    id: String,
    title: String,
    minutes: Option<LessonMinutes>,
    #[serde(default)]
    model: Model,
    #[serde(default, rename = "exercise")]
    exercises: Vec<ExerciseFile>,
}

#[derive(Deserialize)]
struct ExerciseFile {
    id: String,
    title: String,
    file: PathBuf,
    answer: Option<PathBuf>,
    test: String,
    filter: Option<String>,
    #[serde(default)]
    hints: Vec<String>,
}

#[derive(Deserialize)]
struct Manifest {
    package: Option<ManifestPackage>,
    workspace: Option<toml::Value>,
}

#[derive(Deserialize)]
struct ManifestPackage {
    name: String,
}

/// Walks up from `start` to the first directory whose `Cargo.toml` has a `[workspace]`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let parsed: Manifest = toml::from_str(&text)
            .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
        if parsed.workspace.is_some() {
            return Ok(dir.to_path_buf());
        }
    }
    bail!(say(Cmd::NoWorkspace, &[("dir", &start.display())]))
}

pub(super) fn load_lesson(dir: &Path) -> Result<Lesson> {
    let folder = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let toml_path = dir.join("lesson.toml");
    let text = fs::read_to_string(&toml_path)
        .with_context(|| format!("reading lessons/{folder}/lesson.toml"))?;
    let parsed: LessonFile = toml::from_str(&text)
        .with_context(|| format!("lessons/{folder}/lesson.toml is not a valid lesson file"))?;

    let manifest_path = dir.join("Cargo.toml");
    let manifest_text = fs::read_to_string(&manifest_path)
        .with_context(|| format!("lessons/{folder} has a lesson.toml but no Cargo.toml"))?;
    let manifest: Manifest = toml::from_str(&manifest_text)
        .with_context(|| format!("lessons/{folder}/Cargo.toml is not valid TOML"))?;
    let package = manifest
        .package
        .map(|p| p.name)
        .with_context(|| format!("lessons/{folder}/Cargo.toml has no [package] name"))?;

    if parsed.id.is_empty() || parsed.id.contains('.') {
        bail!("lessons/{folder}/lesson.toml: the lesson id must be non-empty and have no `.`");
    }
    let prefix = format!("{}.", parsed.id);
    let mut exercises = Vec::new();
    for exercise in parsed.exercises {
        if !exercise.id.starts_with(&prefix) || exercise.id.len() == prefix.len() {
            bail!(
                "lessons/{folder}/lesson.toml: exercise id `{}` must look like `{}<name>`",
                exercise.id,
                prefix
            );
        }
        if exercise.file.is_absolute() {
            bail!(
                "lessons/{folder}/lesson.toml: `file` of `{}` must be relative to the lesson folder",
                exercise.id
            );
        }
        if exercise
            .answer
            .as_ref()
            .is_some_and(|answer| answer.is_absolute())
        {
            bail!(
                "lessons/{folder}/lesson.toml: `answer` of `{}` must be relative to the lesson folder",
                exercise.id
            );
        }
        exercises.push(Exercise {
            id: exercise.id,
            title: exercise.title,
            file: exercise.file,
            answer: exercise.answer,
            test: exercise.test,
            filter: exercise.filter,
            hints: exercise.hints,
        });
    }

    Ok(Lesson {
        id: parsed.id,
        title: parsed.title,
        folder,
        dir: dir.to_path_buf(),
        package,
        minutes: parsed.minutes,
        model: parsed.model,
        exercises,
        test_messages: Vec::new(),
    })
}
