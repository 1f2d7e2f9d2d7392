//! Where the lab's files are: its Dockerfiles, scripts and stack in the lesson's `lab/`,
//! what it makes (the images' staging folders) in the workspace's target folder.

use std::path::{Path, PathBuf};

/// `lessons/17-orchestrate/lab`.
pub fn lab_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("lab")
}

/// The workspace's folder, two up from the lesson's.
pub fn workspace_root() -> PathBuf {
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR"));
    lesson
        .ancestors()
        .nth(2)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| lesson.to_path_buf())
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set (relative to the current folder, as
/// cargo reads it), else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => std::env::current_dir().unwrap_or_default().join(dir),
        _ => workspace_root().join("target"),
    }
}
