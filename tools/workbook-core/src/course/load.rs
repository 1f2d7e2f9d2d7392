//! Reading the course from disk: the workspace root, and each lesson's `lesson.toml` with
//! its package's name from `Cargo.toml`, every id checked as it is read, so that a wrong
//! file is an error naming the file and the field, not a surprise later.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::{About, Lesson};
use crate::language::messages::{Cmd, say};

/// Walks up from `start` to the first directory whose `Cargo.toml` has a `[workspace]`.
pub fn find_root(start: &Path) -> Result<PathBuf> {
    for dir in start.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if !manifest.is_file() {
            continue;
        }
        let text = fs::read_to_string(&manifest)
            .with_context(|| format!("reading {}", manifest.display()))?;
        let parsed: toml::Table = text
            .parse()
            .with_context(|| format!("{} is not valid TOML", manifest.display()))?;
        if parsed.contains_key("workspace") {
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
    let mut lesson: Lesson = toml::from_str(&text)
        .with_context(|| format!("lessons/{folder}/lesson.toml is not a valid lesson file"))?;

    let manifest_path = dir.join("Cargo.toml");
    let manifest_text = fs::read_to_string(&manifest_path)
        .with_context(|| format!("lessons/{folder} has a lesson.toml but no Cargo.toml"))?;
    let manifest: toml::Table = manifest_text
        .parse()
        .with_context(|| format!("lessons/{folder}/Cargo.toml is not valid TOML"))?;
    lesson.package = manifest
        .get("package")
        .and_then(|package| package.get("name")?.as_str())
        .with_context(|| format!("lessons/{folder}/Cargo.toml has no [package] name"))?
        .to_string();

    if lesson.id.is_empty() || lesson.id.contains('.') {
        bail!("lessons/{folder}/lesson.toml: the lesson id must be non-empty and have no `.`");
    }
    let prefix = format!("{}.", lesson.id);
    for exercise in &lesson.exercises {
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
        let why = exercise.why.as_deref().map(str::trim);
        match (exercise.about, why) {
            (About::OneCall, None | Some("")) => bail!(
                "lessons/{folder}/lesson.toml: `{}` is about one call: say why, in `why = \"…\"`",
                exercise.id
            ),
            (About::Design, Some(_)) => bail!(
                "lessons/{folder}/lesson.toml: `{}` has a `why` but is not `about = \"one-call\"`",
                exercise.id
            ),
            _ => {}
        }
    }
    lesson.folder = folder;
    lesson.dir = dir.to_path_buf();
    Ok(lesson)
}
