//! The environment of the programs the runner starts: cargo, and the test executables.
//!
//! `cargo run -p workbook` starts the runner with variables that cargo sets for the program
//! it runs: `CARGO`, `CARGO_MANIFEST_DIR`, `CARGO_PKG_NAME`, … and the target folder put in
//! front of `LD_LIBRARY_PATH`. Handed on to the cargo that builds a check, they look to
//! that cargo like a change of configuration: ring's build script asks to be run again
//! whenever `CARGO_MANIFEST_DIR` changes, so each switch between a check in the runner and
//! a cargo command typed in a shell would rebuild ring, everything above it, and the
//! lesson: half a minute instead of two seconds.
//!
//! So every cargo the runner starts gets the environment a learner's shell gives it: what
//! cargo set for the runner is taken out, and the learner's own configuration (CARGO_HOME,
//! CARGO_TARGET_DIR, CARGO_PROFILE_*, RUSTFLAGS, …) stays. A test executable gets what
//! `cargo test` gives it: that same environment plus the variables of its own package.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Variables cargo sets for a program it runs, a crate it compiles or a build script;
/// none of them is ever a user's configuration.
const SET_BY_CARGO: [&str; 10] = [
    "CARGO",
    "CARGO_MANIFEST_DIR",
    "CARGO_MANIFEST_PATH",
    "CARGO_MANIFEST_LINKS",
    "CARGO_CRATE_NAME",
    "CARGO_BIN_NAME",
    "CARGO_PRIMARY_PACKAGE",
    "CARGO_TARGET_TMPDIR",
    "CARGO_RUSTC_CURRENT_DIR",
    "OUT_DIR",
];

/// Families of variables cargo sets: the package's metadata, the paths of its binaries
/// (for integration tests), and a build script's view of the target and the features.
const SET_BY_CARGO_PREFIXES: [&str; 4] = [
    "CARGO_PKG_",
    "CARGO_BIN_EXE_",
    "CARGO_CFG_",
    "CARGO_FEATURE_",
];

/// Whether cargo, not the user, put `name` in the environment.
fn is_set_by_cargo(name: &str) -> bool {
    SET_BY_CARGO.contains(&name)
        || SET_BY_CARGO_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// The variable through which the dynamic loader finds libraries, which cargo extends
/// with the target folder for the programs it runs (cargo's choice, per system).
fn library_path_variable() -> &'static str {
    if cfg!(windows) {
        "PATH"
    } else if cfg!(target_os = "macos") {
        "DYLD_FALLBACK_LIBRARY_PATH"
    } else {
        "LD_LIBRARY_PATH"
    }
}

/// What the runner's own environment says, read once.
struct Inherited {
    /// Names to remove from a child's environment.
    set_by_cargo: Vec<OsString>,
    /// The library path as the shell had it, before cargo put its folders in front
    /// (`None`: the shell had none).
    shell_library_path: Option<OsString>,
    /// Of the folders cargo put in front, those of the Rust toolchain; `cargo test`
    /// gives them to test executables too.
    toolchain_libraries: Vec<PathBuf>,
    /// The cargo that started the runner, if one did.
    cargo: Option<PathBuf>,
}

fn inherited() -> &'static Inherited {
    static INHERITED: OnceLock<Inherited> = OnceLock::new();
    INHERITED.get_or_init(|| {
        let cargo = std::env::var_os("CARGO").map(PathBuf::from);
        let set_by_cargo = std::env::vars_os()
            .map(|(name, _)| name)
            .filter(|name| name.to_str().is_some_and(is_set_by_cargo))
            .collect();
        let library_path = std::env::var_os(library_path_variable());
        // Only a runner started by cargo has cargo's folders in its library path.
        let (shell_library_path, toolchain_libraries) = match &cargo {
            Some(cargo) => {
                let own_folder = std::env::current_exe()
                    .ok()
                    .and_then(|exe| exe.parent().map(Path::to_path_buf));
                split_library_path(library_path.as_deref(), cargo, own_folder.as_deref())
            }
            None => (library_path, Vec::new()),
        };
        Inherited {
            set_by_cargo,
            shell_library_path,
            toolchain_libraries,
            cargo,
        }
    })
}

/// Splits a library path that cargo extended into the shell's part and the toolchain
/// folders cargo added. Cargo puts its folders first: those under the target folder
/// (`target/debug`, `target/debug/deps`, where `own_folder` lives), then the toolchain's
/// (`<toolchain>/lib/rustlib/<host>/lib`, `<toolchain>/lib`). The shell's value follows.
fn split_library_path(
    value: Option<&OsStr>,
    cargo: &Path,
    own_folder: Option<&Path>,
) -> (Option<OsString>, Vec<PathBuf>) {
    let Some(value) = value else {
        return (None, Vec::new());
    };
    // `<toolchain>/bin/cargo`
    let toolchain = cargo.parent().and_then(Path::parent);
    let target = own_folder.and_then(Path::parent);
    let is_toolchain_library = |entry: &Path| {
        toolchain.is_some_and(|toolchain| {
            let lib = toolchain.join("lib");
            entry == lib
                || (entry.parent().and_then(Path::parent) == Some(lib.join("rustlib").as_path())
                    && entry.ends_with("lib"))
        })
    };
    let is_in_target = |entry: &Path| target.is_some_and(|target| entry.starts_with(target));

    let entries: Vec<PathBuf> = std::env::split_paths(value).collect();
    let added = entries
        .iter()
        .take_while(|entry| is_in_target(entry) || is_toolchain_library(entry))
        .count();
    let toolchain_libraries = entries[..added]
        .iter()
        .filter(|entry| is_toolchain_library(entry))
        .cloned()
        .collect();
    let mut rest = entries[added..].to_vec();
    // On macOS cargo ends an unset fallback path with the system's defaults.
    if cfg!(target_os = "macos") {
        let home = std::env::var_os("HOME")
            .map(PathBuf::from)
            .unwrap_or_default();
        let defaults = [home.join("lib"), "/usr/local/lib".into(), "/usr/lib".into()];
        if rest == defaults {
            rest.clear();
        }
    }
    if rest.is_empty() {
        return (None, toolchain_libraries);
    }
    (std::env::join_paths(rest).ok(), toolchain_libraries)
}

/// Gives `command` the environment a learner's shell would: without what cargo set for
/// the runner, with the shell's own library path.
pub fn as_from_a_shell(command: &mut std::process::Command) -> &mut std::process::Command {
    let inherited = inherited();
    for name in &inherited.set_by_cargo {
        command.env_remove(name);
    }
    match &inherited.shell_library_path {
        Some(value) => command.env(library_path_variable(), value),
        None => command.env_remove(library_path_variable()),
    }
}

/// Whether cargo started this program (`cargo run`), rather than a shell.
pub fn started_by_cargo() -> bool {
    inherited().cargo.is_some()
}

/// The cargo that started us (`cargo run` sets `CARGO`), or the one on PATH.
pub fn cargo_program() -> OsString {
    inherited()
        .cargo
        .clone()
        .map_or_else(|| "cargo".into(), PathBuf::into_os_string)
}

/// A `cargo` command, as a learner would type it in a shell. Every cargo the runner
/// starts is made here.
pub fn cargo() -> std::process::Command {
    let mut command = std::process::Command::new(cargo_program());
    as_from_a_shell(&mut command);
    command
}

/// A `cargo` command at the lowest priority (`nice -n 19 cargo`), for a build nobody is
/// waiting for yet: the learner's own checks and editor come first. A plain `cargo` where
/// there is no `nice` program.
pub fn cargo_low_priority() -> std::process::Command {
    let nice = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("nice"))
            .find(|candidate| candidate.is_file())
    });
    let Some(nice) = nice else {
        return cargo();
    };
    let mut command = std::process::Command::new(nice);
    command.args(["-n", "19"]).arg(cargo_program());
    as_from_a_shell(&mut command);
    command
}

/// What `cargo test` tells a test executable about its package.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// The package's folder, holding its `Cargo.toml`.
    pub dir: PathBuf,
    /// (name, executable) of each of its binaries that was built.
    pub binaries: Vec<(String, PathBuf)>,
}

/// The variables `cargo test` sets for a test executable of `package`, on top of the
/// shell's: the package's `CARGO_*` variables and the target folder in the library path.
pub fn for_test(package: &Package, executable: &Path) -> Vec<(OsString, OsString)> {
    let mut vars: Vec<(OsString, OsString)> = Vec::new();
    let mut set = |name: &str, value: &OsStr| vars.push((name.into(), value.to_os_string()));
    if let Some(cargo) = &inherited().cargo {
        set("CARGO", cargo.as_os_str());
    }
    set("CARGO_MANIFEST_DIR", package.dir.as_os_str());
    set(
        "CARGO_MANIFEST_PATH",
        package.dir.join("Cargo.toml").as_os_str(),
    );
    set("CARGO_PKG_NAME", package.name.as_ref());
    set("CARGO_PKG_VERSION", package.version.as_ref());
    let (numbers, pre) = package
        .version
        .split_once('-')
        .unwrap_or((&package.version, ""));
    let mut numbers = numbers.split('.');
    for part in ["MAJOR", "MINOR", "PATCH"] {
        set(
            &format!("CARGO_PKG_VERSION_{part}"),
            numbers.next().unwrap_or_default().as_ref(),
        );
    }
    set("CARGO_PKG_VERSION_PRE", pre.as_ref());
    for (name, binary) in &package.binaries {
        set(&format!("CARGO_BIN_EXE_{name}"), binary.as_os_str());
    }

    // `target/debug/deps/echo-…` → `target/debug`, `target/debug/deps`, the toolchain's
    // libraries, then the shell's.
    let inherited = inherited();
    let deps = executable
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let profile = deps.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut library_path = vec![profile, deps];
    library_path.extend(inherited.toolchain_libraries.iter().cloned());
    if let Some(shell) = &inherited.shell_library_path {
        library_path.extend(std::env::split_paths(shell));
    }
    if let Ok(joined) = std::env::join_paths(library_path) {
        set(library_path_variable(), &joined);
    }
    vars
}

#[cfg(test)]
mod tests;
