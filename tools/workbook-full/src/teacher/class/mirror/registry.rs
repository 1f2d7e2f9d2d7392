//! The course's crates as a cargo registry: exactly what `Cargo.lock` names, read from the
//! teacher's own cargo cache, never from the Internet.
//!
//! Cargo keeps two things for every crate it has used (its "home", `$CARGO_HOME`, most often
//! `~/.cargo`):
//!
//! - `registry/index/index.crates.io-*/.cache/<path>`: the crate's index file as the public
//!   registry served it, one line of JSON per version, in cargo's cache format (a small
//!   header, then each version and its line, separated by NULs);
//! - `registry/cache/index.crates.io-*/<name>-<version>.crate`: each version downloaded.
//!
//! A registry is those two again, served: for each crate of the lock file, the lines of
//! its locked versions (read and written by `tame-index`, the index format's crate, so each
//! is the public registry's line for that version: its dependencies with their requirement,
//! kind, target, features and renames, its features, `links`, `rust_version`, and the
//! checksum, which must be the one `Cargo.lock` holds), and the `.crate` files, streamed
//! from where cargo keeps them. Index lines are small (the whole course's fit in a few
//! hundred KiB) and are kept in memory; the `.crate` files (tens of MB) are not.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use bytes::Bytes;
use serde::Deserialize;
use tame_index::index::cache::ValidCacheEntry;
use tame_index::{IndexKrate, KrateName};

/// What `Cargo.lock` calls the public registry (and, in newer files, its sparse index).
const PUBLIC: [&str; 2] = [
    "registry+https://github.com/rust-lang/crates.io-index",
    "sparse+https://index.crates.io/",
];

/// The folders cargo names after the public registry, in `registry/index` and
/// `registry/cache` (the suffix is a hash that changed with cargo's versions).
const FOLDER_PREFIX: &str = "index.crates.io-";

/// One version that `Cargo.lock` names, from the public registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub name: String,
    pub version: String,
    pub checksum: String,
}

/// Why a locked version cannot be served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gap {
    /// Cargo has no index file for the crate: it was never resolved on this machine.
    NoIndex(String),
    /// The index file has no line for the version.
    NoLine(Locked),
    /// The index line's checksum is not the lock file's.
    OtherChecksum(Locked),
    /// The `.crate` file was never downloaded here.
    NoCrate(Locked),
}

/// The registry, ready to serve.
#[derive(Debug, Default)]
pub struct Registry {
    /// An index file's path (`3/s/syn`, `se/rd/serde`) → its lines.
    index: HashMap<String, Bytes>,
    /// A crate's name in lower case and a version → its `.crate` file.
    crates: HashMap<(String, String), PathBuf>,
    /// A crate's name in lower case → the versions the lock file names, served or not:
    /// what a request for another version, or for a crate the cache lacks, is told.
    locked: HashMap<String, Vec<String>>,
    /// How many versions it serves whole (their index line and their `.crate`).
    pub versions: usize,
    /// How many versions the lock file names that it does not serve whole.
    pub missing: usize,
    /// The size of the `.crate` files served, in bytes: what a learner downloads.
    pub bytes: u64,
}

impl Registry {
    /// The registry of what `lock` names, from cargo's cache in `cargo_home`, and the
    /// locked versions it cannot serve.
    pub fn read(lock: &Path, cargo_home: &Path) -> Result<(Registry, Vec<Gap>)> {
        let locked = read_lock(lock)?;
        let index_dirs = folders(&cargo_home.join("registry/index"), ".cache");
        let crate_dirs = folders(&cargo_home.join("registry/cache"), "");
        let mut registry = Registry {
            locked: locked
                .iter()
                .map(|(name, versions)| {
                    let versions = versions.iter().map(|v| v.version.clone()).collect();
                    (name.clone(), versions)
                })
                .collect(),
            ..Registry::default()
        };
        let mut gaps = Vec::new();
        for (name, versions) in &locked {
            let path = index_path(name)?;
            let Some(krate) = cached_krate(&index_dirs, &path)? else {
                gaps.push(Gap::NoIndex(name.clone()));
                continue;
            };
            let mut served = Vec::new();
            for locked in versions {
                match krate.versions.iter().find(|v| v.version == locked.version) {
                    None => gaps.push(Gap::NoLine(locked.clone())),
                    Some(line) if line.checksum.to_string() != locked.checksum => {
                        gaps.push(Gap::OtherChecksum(locked.clone()));
                    }
                    Some(line) => {
                        served.push(line.clone());
                        let file = format!("{}-{}.crate", locked.name, locked.version);
                        match crate_dirs
                            .iter()
                            .map(|dir| dir.join(&file))
                            .find(|f| f.is_file())
                        {
                            Some(file) => {
                                registry.bytes += file.metadata().map_or(0, |meta| meta.len());
                                let key = (name.clone(), locked.version.clone());
                                registry.crates.insert(key, file);
                            }
                            None => gaps.push(Gap::NoCrate(locked.clone())),
                        }
                    }
                }
            }
            if served.is_empty() {
                continue;
            }
            // In the order the public registry lists them: by publication.
            let served = IndexKrate { versions: served };
            let mut lines = Vec::new();
            served
                .write_json_lines(&mut lines)
                .with_context(|| format!("writing the index lines of {name}"))?;
            registry.index.insert(path, Bytes::from(lines));
        }
        registry.versions = registry.crates.len();
        registry.missing = locked.values().map(Vec::len).sum::<usize>() - registry.versions;
        Ok((registry, gaps))
    }

    /// The index file at `path` (as cargo asks for it: `3/s/syn`), if the lock names its
    /// crate.
    pub fn index_file(&self, path: &str) -> Option<Bytes> {
        self.index.get(&path.to_ascii_lowercase()).cloned()
    }

    /// The `.crate` file of `name` at `version`, if the lock names it and it is cached.
    pub fn crate_file(&self, name: &str, version: &str) -> Option<&Path> {
        let key = (name.to_ascii_lowercase(), version.to_string());
        self.crates.get(&key).map(PathBuf::as_path)
    }

    /// The versions of `name` the lock file names (whether served or not), if it names
    /// the crate at all.
    pub fn locked_versions(&self, name: &str) -> Option<&[String]> {
        self.locked
            .get(&name.to_ascii_lowercase())
            .map(Vec::as_slice)
    }

    /// How many crates (names) it serves a version of whole.
    pub fn crates(&self) -> usize {
        let names: std::collections::HashSet<&str> =
            self.crates.keys().map(|(name, _)| name.as_str()).collect();
        names.len()
    }
}

#[derive(Deserialize)]
struct LockFile {
    #[serde(default)]
    package: Vec<LockPackage>,
}

#[derive(Deserialize)]
struct LockPackage {
    name: String,
    version: String,
    source: Option<String>,
    checksum: Option<String>,
}

/// The public registry's versions that `lock` names, by crate name in lower case (the
/// index's own key: cargo asks for `3/s/syn` whatever the name's case).
pub fn read_lock(lock: &Path) -> Result<BTreeMap<String, Vec<Locked>>> {
    let text =
        std::fs::read_to_string(lock).with_context(|| format!("reading {}", lock.display()))?;
    let file: LockFile =
        toml::from_str(&text).with_context(|| format!("reading {}", lock.display()))?;
    let mut locked: BTreeMap<String, Vec<Locked>> = BTreeMap::new();
    for package in file.package {
        let public = package
            .source
            .as_deref()
            .is_some_and(|source| PUBLIC.contains(&source));
        let (true, Some(checksum)) = (public, package.checksum) else {
            continue;
        };
        locked
            .entry(package.name.to_ascii_lowercase())
            .or_default()
            .push(Locked {
                name: package.name,
                version: package.version,
                checksum,
            });
    }
    Ok(locked)
}

/// The path of a crate's index file in the registry's layout (`1/a`, `3/s/syn`,
/// `se/rd/serde`), as `tame-index` writes it.
pub fn index_path(name: &str) -> Result<String> {
    let name = KrateName::try_from(name)
        .map_err(|err| anyhow::anyhow!("{name} is not a crate's name: {err}"))?;
    Ok(name.relative_path(Some('/')))
}

/// The folders of `dir` that cargo named after the public registry, each joined to `below`.
fn folders(dir: &Path, below: &str) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .filter(|entry| {
            entry
                .file_name()
                .to_string_lossy()
                .starts_with(FOLDER_PREFIX)
        })
        .map(|entry| entry.path().join(below))
        .filter(|path| path.is_dir())
        .collect();
    found.sort();
    found
}

/// The crate whose index file is at `path`, from the first of cargo's caches that has it.
fn cached_krate(dirs: &[PathBuf], path: &str) -> Result<Option<IndexKrate>> {
    for dir in dirs {
        let file = dir.join(path);
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        // A file of an older cargo's format is no answer: the next folder may have one.
        let Ok(entry) = ValidCacheEntry::read(&bytes) else {
            continue;
        };
        let krate = entry
            .to_krate(None)
            .with_context(|| format!("reading {}", file.display()))?;
        if krate.is_some() {
            return Ok(krate);
        }
    }
    Ok(None)
}

/// The folder cargo keeps its registries in: `$CARGO_HOME`, or `~/.cargo`.
pub fn cargo_home() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("CARGO_HOME").filter(|home| !home.is_empty()) {
        return Some(PathBuf::from(home));
    }
    std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(|home| PathBuf::from(home).join(".cargo"))
}
