//! Whether an exercise's test runs the lesson's program.
//!
//! Cargo builds a package's programs for any of its integration tests, because a test may
//! run one (`env!("CARGO_BIN_EXE_l01-tcp")`). For most exercises the program is not
//! needed, and its link is the longest step of a check: it ends after the test's own.
//! So every lesson's program needs the lesson's default feature `program`, and a check
//! whose tests do not name a program builds with `--no-default-features`.
//!
//! A test names the program in its own file or in a module folder it declares
//! (`mod support;` is `tests/support.rs` or everything in `tests/support/`). Anything this
//! reading cannot follow (a `#[path]`, a file it cannot read) counts as naming it: the
//! program is built, as cargo would.

use std::path::Path;

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

    /// Whether the integration test `test` (`tests/<test>.rs` or `tests/<test>/main.rs`)
    /// may run one of the lesson's programs.
    pub fn test_runs_the_program(&self, test: &str) -> bool {
        let tests = self.dir.join("tests");
        let folder = tests.join(test);
        if folder.is_dir() && !tests.join(format!("{test}.rs")).is_file() {
            return names_a_program_in(&folder);
        }
        let Some(source) = self.test_source(test) else {
            return true;
        };
        if source.contains(NAMES_A_PROGRAM) {
            return true;
        }
        declared_modules(&source).any(|module| {
            let folder = tests.join(module);
            (folder.is_dir() && names_a_program_in(&folder))
                || std::fs::read_to_string(tests.join(format!("{module}.rs")))
                    .is_ok_and(|source| source.contains(NAMES_A_PROGRAM))
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

/// Whether any Rust file in `folder`, at any depth, names a program (or cannot be read).
fn names_a_program_in(folder: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return true;
    };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            names_a_program_in(&path)
        } else if path.extension().is_some_and(|e| e == "rs") {
            std::fs::read_to_string(&path).map_or(true, |source| source.contains(NAMES_A_PROGRAM))
        } else {
            false
        }
    })
}
