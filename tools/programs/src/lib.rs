//! Finding the programs the course starts but does not ship: `redis-server`, `consul`,
//! `etcd`, `nats-server`, `prometheus`, Chromium and chromedriver. One place knows where to
//! look, so that the tests (testkit), `doctor`, `services up`, `up`, the book's browser check
//! and the handout's printer agree on whether a program is there, and say the same thing
//! when it is not.
//!
//! A crate of its own, on the standard library alone, so that the learner's runner finds
//! programs without linking the tests' servers.

use std::path::{Path, PathBuf};

mod install;

pub use install::{how_to_install, install_command};

/// The names Chromium goes by: Debian's, Ubuntu's older one, and Google's build.
pub const CHROMIUM_NAMES: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

/// What installs Chromium and chromedriver on Debian and Ubuntu.
pub const CHROMIUM_INSTALL: &str = "apt-get install chromium chromium-driver";

/// The full path of `program` if it is an executable file in one of `PATH`'s folders.
pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|folder| folder.join(program))
        .find(|candidate| is_executable(candidate))
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

/// nats-server: `$NATS_SERVER`, else `nats-server` on PATH, else Debian's
/// `/usr/sbin/nats-server` (a folder that is not on a user's PATH on Debian).
pub fn find_nats_server() -> Option<PathBuf> {
    find_program("NATS_SERVER", &["nats-server"]).or_else(|| {
        let debian = PathBuf::from("/usr/sbin/nats-server");
        is_executable(&debian).then_some(debian)
    })
}

/// Prometheus: `$PROMETHEUS`, else `prometheus` on PATH (Debian's package puts it in
/// `/usr/bin`).
pub fn find_prometheus() -> Option<PathBuf> {
    find_program("PROMETHEUS", &["prometheus"])
}

/// chromedriver: `$CHROMEDRIVER`, else `chromedriver` on PATH.
pub fn find_chromedriver() -> Option<PathBuf> {
    find_program("CHROMEDRIVER", &["chromedriver"])
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}
