//! Where the lab's files are: its Compose file and Dockerfile in the lesson's folder, what
//! it makes (the image's staging folder, the nemesis's journal) in the workspace's target
//! folder, beside everything else the build makes and `cargo clean` removes.

use std::path::{Path, PathBuf};

/// The lesson's folder, `lessons/14-deploy`.
pub fn lesson_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `lessons/14-deploy/lab`: compose.yaml and the Dockerfile.
pub fn lab_dir() -> PathBuf {
    lesson_dir().join("lab")
}

/// The workspace's folder, two up from the lesson's.
pub fn workspace_root() -> PathBuf {
    let lesson = lesson_dir();
    lesson
        .parent()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or(lesson)
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set (relative to the current folder, as
/// cargo reads it), else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir().unwrap_or_default().join(dir)
            }
        }
        _ => workspace_root().join("target"),
    }
}
