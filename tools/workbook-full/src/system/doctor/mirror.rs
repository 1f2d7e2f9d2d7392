//! Whether cargo is pointed at the room's mirror (`class serve --mirror`), and if it is,
//! whether the mirror answers: a learner who left the room with the mirror's configuration
//! still in place sees every build fail to fetch, and is told here which file to remove.
//!
//! Cargo reads `.cargo/config.toml` in the folder it runs in and in every folder above it,
//! then in its home; the mirror's line saves one in the course's parent folder.

use std::net::ToSocketAddrs;
use std::path::{Path, PathBuf};

use workbook_core::language::messages::{Msg, say};

use super::{Finding, Fix};
use crate::system::probe;

/// The mirror cargo is pointed at from `root`, if any: the file that says so and the
/// registry's URL (`sparse+http://HOST:PORT/index/`).
fn pointed_at(root: &Path) -> Option<(PathBuf, String)> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let files = root
        .ancestors()
        .map(|dir| dir.join(".cargo/config.toml"))
        .chain(home.map(|home| home.join("config.toml")));
    files.into_iter().find_map(|file| {
        let text = std::fs::read_to_string(&file).ok()?;
        let config: toml::Table = toml::from_str(&text).ok()?;
        let sources = config.get("source")?.as_table()?;
        let replacement = sources.get("crates-io")?.get("replace-with")?.as_str()?;
        let registry = sources.get(replacement)?.get("registry")?.as_str()?;
        registry
            .starts_with("sparse+http://")
            .then(|| (file.clone(), registry.to_string()))
    })
}

/// A finding when cargo is pointed at a room's mirror; nothing otherwise.
pub(super) fn mirror(root: &Path) -> Option<Finding> {
    let (file, registry) = pointed_at(root)?;
    let url = registry.trim_start_matches("sparse+");
    let file_shown = file.display().to_string();
    let args: [(&str, &dyn std::fmt::Display); 2] = [("url", &url), ("file", &file_shown)];
    let answers = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(host, path)| {
            let addr = host.to_socket_addrs().ok()?.next()?;
            let (status, _) = probe::http_get(addr, &format!("/{path}config.json"))?;
            (status == 200).then_some(())
        })
        .is_some();
    Some(if answers {
        Finding::Fine(say(Msg::DoctorMirrorAnswers, &args))
    } else {
        Finding::Problem {
            what: say(Msg::DoctorMirrorSilent, &args),
            fix: Fix::Run(format!("rm {file_shown}")),
        }
    })
}
