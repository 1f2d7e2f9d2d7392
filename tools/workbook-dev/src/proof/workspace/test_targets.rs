//! The workspace's test targets, as `verify` builds them.
//!
//! `verify` builds an exercise's test as `cargo test --workspace --test NAME`: every package
//! with a test of that name is built, and an exercise's test shares its name with no other
//! test of the workspace.
//!
//! A package that lists its tests (`autotests = false`: a lesson's own tests are modules of
//! one binary, as `lessons/01-tcp/tests/main.rs` declares them, its exercises' tests binaries
//! of their own) compiles a file of its tests folder only if a target names it or a target's
//! root declares it (`mod NAME;`). A file that neither does is a test that never runs and
//! never fails, so each one is a problem.

use std::path::{Path, PathBuf};

use workbook_core::course::{Course, Lesson};
use workbook_core::problem::Problem;

use super::Package;

/// Each exercise test of `lessons` that is also the name of another test of the workspace,
/// located at the exercise's `test = "…"` line; and each test of `lessons` that another
/// lesson's exercise test is named as, located at the test's file. `verify` builds an
/// exercise's test with `--workspace --test NAME`, which builds every test of that name.
pub fn test_name_problems(
    course: &Course,
    packages: &[Package],
    lessons: &[&Lesson],
) -> Vec<Problem> {
    let tests_named = |name: &str| -> Vec<(&str, &Path)> {
        packages
            .iter()
            .flat_map(|p| p.tests.iter().map(move |(n, file)| (p, n, file)))
            .filter(|(_, n, _)| *n == name)
            .map(|(p, _, file)| (p.name.as_str(), file.as_path()))
            .collect()
    };
    let shown = |file: &Path| course.relative(file).display().to_string();
    let mut problems = Vec::new();
    for lesson in &course.lessons {
        let ours = lessons.iter().any(|l| l.id == lesson.id);
        let mut names: Vec<&str> = Vec::new();
        for exercise in &lesson.exercises {
            let name = exercise.test.as_str();
            if names.contains(&name) {
                continue;
            }
            names.push(name);
            let (own, others): (Vec<_>, Vec<_>) = tests_named(name)
                .into_iter()
                .partition(|(package, _)| *package == lesson.package);
            let file = own.first().map_or(
                format!("lessons/{}/tests/{name}.rs", lesson.folder),
                |(_, f)| shown(f),
            );
            if ours && !others.is_empty() {
                let toml =
                    std::fs::read_to_string(lesson.dir.join("lesson.toml")).unwrap_or_default();
                let line = toml
                    .lines()
                    .position(|l| {
                        l.split_once('=').is_some_and(|(key, value)| {
                            key.trim() == "test" && value.trim().trim_matches('"') == name
                        })
                    })
                    .map_or(String::new(), |n| format!(":{}", n + 1));
                let others: Vec<String> = others.iter().map(|(_, f)| shown(f)).collect();
                problems.push(Problem {
                    location: format!("lessons/{}/lesson.toml{line}", lesson.folder),
                    message: format!(
                        "exercise `{}`'s test `{name}` ({file}) has the name of {} too: \
                         `verify` builds `--workspace --test {name}`, which builds them all; \
                         give it a name of its own: rename the file and write \
                         «test = \"{}_{name}\"» here",
                        exercise.id,
                        others.join(", "),
                        lesson.id.replace('-', "_"),
                    ),
                });
            } else if !ours
                && !lessons
                    .iter()
                    .any(|l| l.exercises.iter().any(|e| e.test == name))
            {
                // Another lesson's exercise test, named as a test of one of `lessons`.
                for (package, theirs) in &others {
                    if lessons.iter().any(|l| l.package == *package) {
                        problems.push(Problem {
                            location: shown(theirs),
                            message: format!(
                                "has the name of exercise `{}`'s test ({file}): `verify` \
                                 builds `--workspace --test {name}`, which builds both; give \
                                 it a name of its own",
                                exercise.id
                            ),
                        });
                    }
                }
            }
        }
    }
    problems
}

/// Each file `tests/NAME.rs` of a package that no test target compiles: neither a target's
/// source nor declared (`mod NAME;`) in a target's root file in `tests/`.
pub fn orphan_test_problems(root: &Path, packages: &[Package]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for package in packages {
        let Some(dir) = package.manifest.parent() else {
            continue;
        };
        let tests = dir.join("tests");
        let Ok(entries) = std::fs::read_dir(&tests) else {
            continue;
        };
        let roots: Vec<String> = package
            .tests
            .iter()
            .filter(|(_, file)| file.parent() == Some(tests.as_path()))
            .filter_map(|(_, file)| std::fs::read_to_string(file).ok())
            .collect();
        let declared = |name: &str| {
            roots.iter().any(|root| {
                root.lines().any(|line| {
                    let line = line.trim();
                    let line = line.strip_prefix("pub ").unwrap_or(line);
                    line == format!("mod {name};")
                })
            })
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        files.sort();
        for file in files {
            let Some(name) = file.file_stem().and_then(|stem| stem.to_str()) else {
                continue;
            };
            let a_target = package.tests.iter().any(|(_, source)| *source == file);
            if !a_target && !declared(name) {
                problems.push(Problem {
                    location: file
                        .strip_prefix(root)
                        .unwrap_or(&file)
                        .display()
                        .to_string(),
                    message: format!(
                        "no test target of {} compiles it, so its tests never run: declare \
                         it in tests/main.rs (`mod {name};`) or as a `[[test]]` of its own",
                        package.name
                    ),
                });
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests;
