//! What cargo says while it builds, read from its JSON messages: compiler diagnostics
//! with their place, and the executables it made.

use std::path::{Path, PathBuf};

use super::{Build, name_and_version};
use crate::environment::Package;

/// One thing the compiler said, with the file it points at.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub level: String,
    pub rendered: String,
    /// The file of the primary span, as the compiler names it: relative to the workspace
    /// root (cargo runs rustc there) for the workspace's own packages, absolute for others.
    pub file: Option<PathBuf>,
    /// The line of the primary span, from 1.
    pub line: Option<u64>,
    /// The `Cargo.toml` of the package being compiled.
    pub manifest: PathBuf,
}

impl Diagnostic {
    /// The file the compiler points at, as a full path.
    pub fn path(&self, root: &Path) -> Option<PathBuf> {
        let file = self.file.as_deref()?;
        if file.is_absolute() {
            return Some(file.to_path_buf());
        }
        let from_root = root.join(file);
        let from_package = self.manifest.parent().map(|dir| dir.join(file));
        match from_package {
            Some(path) if !from_root.exists() && path.exists() => Some(path),
            _ => Some(from_root),
        }
    }

    /// Whether this is an error worth showing: not rustc's "aborting due to N previous
    /// errors" summary.
    pub fn is_error(&self) -> bool {
        let plain = strip_ansi(&self.rendered);
        self.level == "error"
            && !plain.starts_with("error: aborting due to")
            && !plain.trim().is_empty()
    }
}

/// A compiler message cut to its first `max` lines, but with every `help:` it gives, and
/// the suggested code under it, however far down: rustc often says last how to fix the
/// error (`help: trait \`Rng\` … perhaps you want to import it` / `+ use rand::Rng;`).
pub fn clip_keeping_help(rendered: &str, max: usize) -> String {
    let lines: Vec<&str> = rendered.lines().collect();
    if lines.len() <= max {
        return lines.join("\n");
    }
    let mut kept: Vec<&str> = lines[..max].to_vec();
    let mut left_out = 0;
    let mut in_help = false;
    for line in &lines[max..] {
        let plain = strip_ansi(line);
        let trimmed = plain.trim_start();
        if trimmed.starts_with("help:") || trimmed.starts_with("= help:") {
            in_help = true;
        } else if in_help && !is_source_line(trimmed) {
            in_help = false;
        }
        if in_help {
            if left_out > 0 {
                kept.push("…");
                left_out = 0;
            }
            kept.push(line);
        } else {
            left_out += 1;
        }
    }
    let mut out = kept.join("\n");
    if left_out > 0 {
        out.push('\n');
        out.push_str(&crate::language::messages::say(
            crate::language::messages::Cmd::MoreLines,
            &[("count", &left_out)],
        ));
    }
    out
}

/// A line of a suggestion's code as rustc draws it: `  |`, `12 + use rand::Rng;`, `   ~~~`.
fn is_source_line(trimmed: &str) -> bool {
    let after_number = trimmed
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start();
    after_number.starts_with('|')
        || after_number.starts_with('+')
        || after_number.starts_with('-')
        || after_number.starts_with('~')
        || (after_number.len() < trimmed.len() && after_number.is_empty())
}

/// A place in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<u64>,
}

/// Folds one line of cargo's JSON output into `build`.
pub(super) fn read_message(line: &str, build: &mut Build) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return;
    };
    let manifest = PathBuf::from(message["manifest_path"].as_str().unwrap_or_default());
    match message["reason"].as_str() {
        Some("compiler-artifact") => {
            let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
            let package = build.packages.entry(dir.clone()).or_insert_with(|| {
                let (name, version) =
                    name_and_version(message["package_id"].as_str().unwrap_or_default());
                Package {
                    name,
                    version,
                    dir: dir.clone(),
                    binaries: Vec::new(),
                }
            });
            let is_test = message["profile"]["test"].as_bool().unwrap_or(false);
            let kinds = message["target"]["kind"].as_array();
            let is_integration_test =
                kinds.is_some_and(|k| k.iter().any(|kind| kind.as_str() == Some("test")));
            let is_binary =
                kinds.is_some_and(|k| k.iter().any(|kind| kind.as_str() == Some("bin")));
            if let (Some(executable), Some(name)) = (
                message["executable"].as_str(),
                message["target"]["name"].as_str(),
            ) {
                if is_test && is_integration_test {
                    build
                        .executables
                        .insert((dir, name.to_string()), PathBuf::from(executable));
                } else if is_binary && !is_test {
                    package
                        .binaries
                        .push((name.to_string(), PathBuf::from(executable)));
                }
            }
        }
        Some("compiler-message") => {
            let inner = &message["message"];
            let primary = inner["spans"].as_array().and_then(|spans| {
                spans
                    .iter()
                    .find(|s| s["is_primary"].as_bool() == Some(true))
            });
            build.diagnostics.push(Diagnostic {
                level: inner["level"].as_str().unwrap_or_default().to_string(),
                rendered: inner["rendered"].as_str().unwrap_or_default().to_string(),
                file: primary
                    .and_then(|s| s["file_name"].as_str())
                    .map(PathBuf::from),
                line: primary.and_then(|s| s["line_start"].as_u64()),
                manifest,
            });
        }
        Some("build-finished") => {
            build.success = message["success"].as_bool().unwrap_or(false);
        }
        _ => {}
    }
}

/// Removes ANSI escape sequences and other control characters that print nothing (whitespace
/// is kept), for matching on what a line says.
pub fn strip_ansi(text: &str) -> String {
    anstream::adapter::strip_str(text).to_string()
}
