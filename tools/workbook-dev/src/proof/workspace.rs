//! What a lesson shares with the whole workspace, outside its folder: the workspace-hack it
//! depends on, and its tests' names.
//!
//! Both are read from the workspace's manifests (`cargo metadata`, a fifth of a second),
//! once, and each part holds them to its rule:
//!
//! - `hakari.rs`: every crate depends on the workspace-hack but those `.config/hakari.toml`
//!   leaves out, and the workspace-hack itself is current (asked of cargo hakari);
//! - `test_targets.rs`: an exercise's test has a name no other test of the workspace has,
//!   and every file of a package's `tests/` folder is compiled by one of its tests.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use workbook_core::course::{Course, Lesson};
use workbook_core::ui;

mod hakari;
mod test_targets;

pub use hakari::{HakariTool, ask_hakari, hakari_problems};
pub use test_targets::{orphan_test_problems, test_name_problems};

/// A package of the workspace, as `cargo metadata` describes it.
#[derive(Debug)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// Its `Cargo.toml`, absolute.
    pub manifest: PathBuf,
    /// The packages it depends on, any kind.
    pub dependencies: Vec<String>,
    /// Its test targets: name and source file, absolute.
    pub tests: Vec<(String, PathBuf)>,
}

/// The workspace's own packages (`cargo metadata --no-deps`).
pub fn packages(root: &Path) -> Result<Vec<Package>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .current_dir(root)
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
    let text = |value: &serde_json::Value| value.as_str().unwrap_or_default().to_string();
    Ok(metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|package| Package {
            name: text(&package["name"]),
            version: text(&package["version"]),
            manifest: PathBuf::from(text(&package["manifest_path"])),
            dependencies: package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|dependency| text(&dependency["name"]))
                .collect(),
            tests: package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|target| {
                    target["kind"]
                        .as_array()
                        .is_some_and(|kinds| kinds.iter().any(|k| k == "test"))
                })
                .map(|target| {
                    (
                        text(&target["name"]),
                        PathBuf::from(text(&target["src_path"])),
                    )
                })
                .collect(),
        })
        .collect())
}

/// Prints the workspace's checks under a heading of their own (with `only`, those lessons'
/// packages and tests); returns the number of problems and of checks skipped.
pub fn print(course: &Course, only: Option<&[&Lesson]>) -> (usize, usize) {
    println!();
    println!("{}", ui::bold("The workspace"));
    let lessons: Vec<&Lesson> = match only {
        Some(lessons) => lessons.to_vec(),
        None => course.lessons.iter().collect(),
    };
    let found = packages(&course.root).and_then(|packages| {
        let hack = hakari_problems(course, &packages, only)?;
        let mut names = test_name_problems(course, &packages, &lessons);
        names.extend(orphan_test_problems(&course.root, &packages));
        Ok((hack, names))
    });
    let (hack, names) = match found {
        Ok(found) => found,
        Err(err) => {
            println!("  {} {err:#}", ui::fail_mark());
            return (1, 0);
        }
    };
    let has_hack = hack.is_some();
    let hack = hack.unwrap_or_default();
    if has_hack && hack.is_empty() {
        println!(
            "  {} every crate depends on the workspace-hack, but those .config/hakari.toml \
             leaves out",
            ui::pass_mark()
        );
    }
    if names.is_empty() {
        println!(
            "  {} every exercise's test has a name no other test of the workspace has, and \
             every file of a package's tests/ is compiled by one of its tests",
            ui::pass_mark()
        );
    }
    let mut problems = hack;
    problems.extend(names);
    let mut skipped = 0;
    match has_hack.then(|| ask_hakari(&course.root)) {
        None => {}
        Some(HakariTool::Ran(found)) if found.is_empty() => println!(
            "  {} the workspace-hack is current (`cargo hakari generate --diff` and `verify`)",
            ui::pass_mark()
        ),
        Some(HakariTool::Ran(found)) => problems.extend(found),
        Some(HakariTool::Skipped(why)) => {
            skipped += 1;
            println!("  {} {why}", ui::yellow("skipped"));
        }
    }
    for problem in &problems {
        println!("  {} {problem}", ui::fail_mark());
    }
    (problems.len(), skipped)
}
