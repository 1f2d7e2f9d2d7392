//! Finding the programs the runner starts but does not ship: `redis-server`, Chromium,
//! chromedriver. One place knows where to look, so that `doctor`, the browser check and
//! the handout's printer agree on whether a program is there.

use std::path::PathBuf;

/// The names Chromium goes by: Debian's, Ubuntu's older one, and Google's build.
pub const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// Finds `program` on PATH.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

/// A program named by an environment variable, or the first of `names` found on PATH.
pub fn find_program(variable: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path));
    }
    names.iter().find_map(|name| find_on_path(name))
}

/// Chromium: `$CHROME`, else the first of [`CHROMIUM_NAMES`] on PATH.
pub fn find_chromium() -> Option<PathBuf> {
    find_program("CHROME", &CHROMIUM_NAMES)
}
