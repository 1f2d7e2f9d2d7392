//! Whether an exercise's test runs the lesson's program.
//!
//! Cargo builds a package's programs for any of its integration tests, because a test may
//! run one (`env!("CARGO_BIN_EXE_l01-tcp")`). For most exercises the program is not
//! needed, and its link is the longest step of a check: it ends after the test's own.
//! So every lesson's program needs the lesson's default feature `program`, and a check
//! whose tests do not name a program builds with `--no-default-features`.
//!
//! A test names the program in one of its files: its own, one it includes by `#[path]`, or
//! one of a module it declares (`mod support;` is `tests/support.rs` or everything in
//! `tests/support/`). A file this reading cannot read counts as naming it: the program is
//! built, as cargo would.

use std::path::{Path, PathBuf};

use super::Lesson;

/// What a test writes to find one of its package's programs.
const NAMES_A_PROGRAM: &str = "CARGO_BIN_EXE_";

impl Lesson {
    /// The source of the integration test `tests/<test>.rs`: its file, then each file it
    /// includes with `#[path = "…"]` (relative to `tests/`), as one text. `None` when a file
    /// cannot be read.
    pub fn test_source(&self, test: &str) -> Option<String> {
        let tests = self.dir.join("tests");
        let mut source = std::fs::read_to_string(tests.join(format!("{test}.rs"))).ok()?;
        let included: Vec<String> = source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("#[path = \"")?.strip_suffix("\"]"))
            .map(str::to_string)
            .collect();
        for path in included {
            source.push('\n');
            source.push_str(&std::fs::read_to_string(tests.join(path)).ok()?);
        }
        Some(source)
    }

    /// The files of the integration test `test`, as a reader follows them: `tests/<test>.rs`,
    /// the files it includes with `#[path = "…"]`, and the files of each module it declares
    /// (`mod support;`: `tests/support.rs`, or everything in `tests/support/`); for a test
    /// made of a folder, every file in `tests/<test>/`. A file that is named but missing is
    /// listed all the same, for the reader to find missing.
    pub fn test_files(&self, test: &str) -> Vec<PathBuf> {
        let tests = self.dir.join("tests");
        let file = tests.join(format!("{test}.rs"));
        let mut files = Vec::new();
        if !file.is_file() {
            rust_files_in(&tests.join(test), &mut files);
            return files;
        }
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        for included in source
            .lines()
            .filter_map(|line| line.trim().strip_prefix("#[path = \"")?.strip_suffix("\"]"))
        {
            files.push(tests.join(included));
        }
        for module in declared_modules(&source) {
            let module_file = tests.join(format!("{module}.rs"));
            if module_file.is_file() {
                files.push(module_file);
            }
            rust_files_in(&tests.join(module), &mut files);
        }
        files.push(file);
        files
    }

    /// Whether the integration test `test` (`tests/<test>.rs` or `tests/<test>/main.rs`)
    /// may run one of the lesson's programs.
    pub fn test_runs_the_program(&self, test: &str) -> bool {
        let files = self.test_files(test);
        files.is_empty()
            || files.iter().any(|file| {
                std::fs::read_to_string(file)
                    .map_or(true, |source| source.contains(NAMES_A_PROGRAM))
            })
    }
}

/// The modules a file declares with a body elsewhere: `mod support;`, `pub mod api;`.
fn declared_modules(source: &str) -> impl Iterator<Item = &str> {
    source.lines().filter_map(|line| {
        let line = line.trim();
        let line = line.strip_prefix("pub ").unwrap_or(line);
        let name = line.strip_prefix("mod ")?.strip_suffix(';')?.trim();
        name.chars()
            .all(|c| c.is_alphanumeric() || c == '_')
            .then_some(name)
    })
}

/// Every Rust file in `folder`, at any depth, in a stable order.
fn rust_files_in(folder: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|entry| entry.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            rust_files_in(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") {
            into.push(path);
        }
    }
}
