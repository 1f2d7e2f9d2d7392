//! Checks that every path the docs name in the repository still exists, so that renaming a
//! file fails CI instead of a reader.
//!
//! The docs are the book's pages, every `README.md`, the other Markdown files at the root
//! (`CONTRIBUTING.md`, `ARCHITECTURE.md`), and the `//!` lines that open each Rust module.
//! A path is what one of them writes in backticks, with a `/` in it, whose first part names
//! something in the repository: from the root (`shared/src/accept.rs`), or from the doc's
//! own folder or one above it (`browsercheck/` beside `proof/verify/`). A book
//! chapter's paths are also read from its lesson's folder (chapter 02's src/hello.rs).
//! Not paths: addresses (`https://…`, `127.0.0.1:0`), globs and placeholders
//! (`src/exercises/*.rs`, `lessons/NN-topic`, `tests/<name>.rs`), Go's packages and files
//! (`net/rpc`, `registry/etcd/etcd.go`), anything under an ignored folder (`target/`,
//! `book/build/`), and whatever stands in a fenced block (commands, trees, files to create).
//!
//! A module's docs also name files bare (`bookcheck.rs`, `mod.rs`): such a name must be a file
//! somewhere in the module's crate, so a file renamed or moved within it is caught too.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::proof::bookcheck::files_under;
use workbook_core::problem::Problem;

/// Folders a walk of the repository never enters: build output and the runner's state.
const NOT_SOURCES: [&str; 5] = [
    ".git",
    "target",
    "book/build",
    "book/build.verify",
    ".workbook",
];

/// Every path a doc names that does not exist.
pub fn check_paths(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut crate_files: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    for doc in doc_files(root) {
        let Ok(text) = fs::read_to_string(&doc) else {
            continue;
        };
        let relative = doc.strip_prefix(root).unwrap_or(&doc);
        let rust = doc.extension().is_some_and(|e| e == "rs");
        if rust && let Some(crate_root) = doc.ancestors().find(|d| d.join("Cargo.toml").is_file()) {
            let names = crate_files
                .entry(crate_root.to_path_buf())
                .or_insert_with(|| file_names_under(crate_root));
            for (line, name) in written_spans(&text, true) {
                if is_bare_rust_file(&name) && !names.contains(&name) {
                    problems.push(Problem {
                        location: format!("{}:{line}", relative.display()),
                        message: format!("names `{name}`, which is no file of its crate"),
                    });
                }
            }
        }
        for (line, path) in written_paths(&text, rust) {
            let bases = bases(root, relative);
            let first = path.split('/').next().unwrap_or_default();
            let named: Vec<&PathBuf> = bases.iter().filter(|b| b.join(first).exists()).collect();
            if named.is_empty()
                || named.iter().any(|base| base.join(&path).exists())
                || named.iter().any(|base| ignored(root, &base.join(&path)))
            {
                continue;
            }
            problems.push(Problem {
                location: format!("{}:{line}", relative.display()),
                message: format!("names `{path}`, which does not exist"),
            });
        }
    }
    problems
}

/// The paths written in backticks in `text`, with their 1-based line numbers: in a Rust
/// file (`rust`) only on its `//!` lines. Fenced blocks are skipped.
pub fn written_paths(text: &str, rust: bool) -> Vec<(usize, String)> {
    written_spans(text, rust)
        .into_iter()
        .filter_map(|(line, code)| Some((line, as_path(&code)?)))
        .collect()
}

/// Every code span written in `text`, with its 1-based line number, as [`written_paths`]
/// reads them (in a Rust file, on its `//!` lines; none in fenced blocks).
fn written_spans(text: &str, rust: bool) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (index, line) in text.lines().enumerate() {
        let line = if rust {
            match line.trim_start().strip_prefix("//!") {
                Some(doc) => doc,
                None => continue,
            }
        } else {
            line
        };
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let spans = line.split('`').skip(1).step_by(2);
        found.extend(spans.map(|code| (index + 1, code.trim().to_string())));
    }
    found
}

/// What a code span names, if it reads as a path: `shared/src/accept.rs:serve` names
/// `shared/src/accept.rs`.
pub fn as_path(code: &str) -> Option<String> {
    let code = code.trim();
    let placeholder = ["NN", "...", "…", "://"].iter().any(|p| code.contains(p));
    let not_a_name = |c: char| c.is_whitespace() || "*?[]{}<>=$@,;()\"'|".contains(c);
    if !code.contains('/')
        || placeholder
        || code.contains(not_a_name)
        || code.starts_with(['/', '-', '~'])
        || code.starts_with("./")
        || code.starts_with("../")
    {
        return None;
    }
    // An anchor, a line or a fragment after the path.
    let path = code.split([':', '#']).next()?;
    (!path.is_empty() && !path.ends_with(".go")).then(|| path.to_string())
}

/// `diagrams.rs`: a Rust file's name alone, without a folder.
fn is_bare_rust_file(code: &str) -> bool {
    code.strip_suffix(".rs").is_some_and(|stem| {
        !stem.is_empty()
            && stem
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// The names of every file under `dir` (build output left out).
fn file_names_under(dir: &Path) -> HashSet<String> {
    files_under(dir, &|path| !path.ends_with("target"))
        .iter()
        .filter_map(|path| Some(path.file_name()?.to_str()?.to_string()))
        .collect()
}

/// Where the paths of the doc at `relative` are read from.
fn bases(root: &Path, relative: &Path) -> Vec<PathBuf> {
    if let Ok(chapter) = relative.strip_prefix("book/src") {
        let lesson = root.join("lessons").join(chapter.with_extension(""));
        return [lesson, root.to_path_buf()]
            .into_iter()
            .filter(|dir| dir.is_dir())
            .collect();
    }
    let folder = root.join(relative.parent().unwrap_or(Path::new("")));
    folder
        .ancestors()
        .take_while(|dir| dir.starts_with(root))
        .map(Path::to_path_buf)
        .collect()
}

fn ignored(root: &Path, path: &Path) -> bool {
    let relative = path.strip_prefix(root).unwrap_or(path);
    NOT_SOURCES
        .iter()
        .any(|folder| relative.starts_with(folder))
}

/// The book's pages, every `README.md`, the root's Markdown files and every Rust file of the
/// repository.
fn doc_files(root: &Path) -> Vec<PathBuf> {
    files_under(root, &|path| {
        let relative = path.strip_prefix(root).unwrap_or(path);
        let md = path.extension().is_some_and(|e| e == "md");
        !ignored(root, path)
            && (path.is_dir()
                || path.ends_with("README.md")
                || path.extension().is_some_and(|e| e == "rs")
                || (md && relative.starts_with("book/src"))
                || (md && relative.parent() == Some(Path::new(""))))
    })
}

#[cfg(test)]
mod tests;
