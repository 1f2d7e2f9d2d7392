//! The registry against the public registry's own lines (`tests/data/crates-io-index/`,
//! each with its source in the README there): what the mirror serves for a locked version
//! is that line, whatever else cargo's cache holds.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tame_index::IndexKrate;
use tame_index::index::cache::{CacheWrite, Revision};

use super::registry::{self, Gap, Registry};

/// The public registry's line for a version, as saved.
fn public_line(name: &str) -> String {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/crates-io-index")
        .join(name);
    std::fs::read_to_string(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()))
}

/// The lines of an index file, as JSON.
fn lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|err| panic!("{line}: {err}")))
        .collect()
}

/// Whether `served` is `public`, field by field: every field the public registry wrote,
/// with the same value; `pubtime` (newer than the saved lines) may be there besides.
fn assert_same_line(served: &Value, public: &Value) {
    let (Some(served), Some(public)) = (served.as_object(), public.as_object()) else {
        panic!("not objects: {served} and {public}");
    };
    for (field, value) in public {
        assert_eq!(
            served.get(field),
            Some(value),
            "field {field} of {public:?}"
        );
    }
    for field in served.keys() {
        assert!(
            public.contains_key(field) || field == "pubtime",
            "a field the public registry does not write: {field}"
        );
    }
}

/// A cargo home whose cache holds `krates` (each the lines of its index file) and the
/// `.crate` files of `downloaded` (name, version).
fn cargo_home(dir: &Path, krates: &[&str], downloaded: &[(&str, &str)]) -> PathBuf {
    let home = dir.join("cargo-home");
    let index = home.join("registry/index/index.crates.io-1949cf8c6b5b557f/.cache");
    for lines in krates {
        let krate = IndexKrate::from_slice(lines.as_bytes()).expect("index lines");
        let file = index.join(registry::index_path(krate.name()).expect("a crate's name"));
        std::fs::create_dir_all(file.parent().expect("a folder")).expect("mkdir");
        let mut out = std::fs::File::create(&file).expect("create");
        CacheWrite::Krate(&krate)
            .write_cache_entry(&mut out, &Revision::Unknown)
            .expect("write the cache entry");
    }
    let cache = home.join("registry/cache/index.crates.io-1949cf8c6b5b557f");
    std::fs::create_dir_all(&cache).expect("mkdir");
    for (name, version) in downloaded {
        std::fs::write(cache.join(format!("{name}-{version}.crate")), b"a crate").expect("write");
    }
    home
}

fn lock(dir: &Path, packages: &[(&str, &str, &str)]) -> PathBuf {
    let mut text = String::from("version = 4\n");
    for (name, version, checksum) in packages {
        text.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{checksum}\"\n"
        ));
    }
    // The course's own packages are no registry's.
    text.push_str("\n[[package]]\nname = \"workbook\"\nversion = \"0.1.0\"\n");
    let file = dir.join("Cargo.lock");
    std::fs::write(&file, text).expect("write the lock file");
    file
}

/// The same line with another version and checksum: a version the lock does not name.
fn other_version(line: &str, version: &str) -> String {
    let mut value: Value = serde_json::from_str(line).expect("a line");
    value["vers"] = version.into();
    value["cksum"] = "00".repeat(32).into();
    value.to_string()
}

const ADLER2: (&str, &str, &str) = (
    "adler2",
    "2.0.1",
    "320119579fcad9c21884f5c4861d16174d0e06250625266f50fe6898340abefa",
);
const SAME_FILE: (&str, &str, &str) = (
    "same-file",
    "1.0.6",
    "93fc1dc3aaa9bfed95e02e6eadabb4baf7e3078b0bd1b4d7b6b0b68378900502",
);

#[test]
fn serves_the_public_registrys_line_of_each_locked_version_alone() {
    let dir = tempfile::tempdir().expect("a folder");
    let adler2 = public_line("adler2");
    let same_file = public_line("same-file");
    // Cargo's cache holds every version it was told of; the lock names one of each.
    let cached = [
        format!("{}\n{adler2}", other_version(&adler2, "2.0.0")),
        format!("{same_file}{}\n", other_version(&same_file, "1.0.7")),
    ];
    let cached: Vec<&str> = cached.iter().map(String::as_str).collect();
    let home = cargo_home(
        dir.path(),
        &cached,
        &[("adler2", "2.0.1"), ("same-file", "1.0.6")],
    );
    let lock = lock(dir.path(), &[ADLER2, SAME_FILE]);

    let (registry, gaps) = Registry::read(&lock, &home).expect("the registry");
    assert_eq!(gaps, []);
    assert_eq!(
        (registry.crates(), registry.versions, registry.missing),
        (2, 2, 0)
    );
    for (path, public) in [("ad/le/adler2", &adler2), ("sa/me/same-file", &same_file)] {
        let served = registry.index_file(path).expect(path);
        let served = lines(&served);
        assert_eq!(
            served.len(),
            1,
            "{path}: the locked version alone: {served:?}"
        );
        assert_same_line(&served[0], &lines(public.as_bytes())[0]);
    }
    assert!(registry.crate_file("adler2", "2.0.1").is_some());
    assert!(
        registry.crate_file("adler2", "2.0.0").is_none(),
        "not locked"
    );
    assert!(
        registry.index_file("se/rd/serde").is_none(),
        "not in the lock file"
    );
}

#[test]
fn says_what_it_cannot_serve() {
    let dir = tempfile::tempdir().expect("a folder");
    let adler2 = public_line("adler2");
    let same_file = public_line("same-file");
    let home = cargo_home(
        dir.path(),
        &[&adler2, &same_file],
        &[("same-file", "1.0.6")],
    );
    let other_checksum = ("same-file", "1.0.6", "ab".repeat(32));
    let lock = lock(
        dir.path(),
        &[
            ADLER2,
            ("adler2", "9.0.0", ADLER2.2),
            (other_checksum.0, other_checksum.1, &other_checksum.2),
            ("serde", "1.0.0", ADLER2.2),
        ],
    );
    let (registry, gaps) = Registry::read(&lock, &home).expect("the registry");
    let locked = |(name, version, checksum): (&str, &str, &str)| registry::Locked {
        name: name.into(),
        version: version.into(),
        checksum: checksum.into(),
    };
    assert_eq!(
        gaps,
        [
            Gap::NoCrate(locked(ADLER2)),
            Gap::NoLine(locked(("adler2", "9.0.0", ADLER2.2))),
            Gap::OtherChecksum(locked((
                other_checksum.0,
                other_checksum.1,
                &other_checksum.2
            ))),
            Gap::NoIndex("serde".into()),
        ]
    );
    // Counted as served: only a version a learner can download whole; the four others apart.
    assert_eq!(
        (registry.crates(), registry.versions, registry.missing),
        (0, 0, 4)
    );
    // What it has, it serves: adler2's line (its crate is the teacher's to fetch).
    assert!(registry.index_file("ad/le/adler2").is_some());
    assert!(registry.index_file("sa/me/same-file").is_none());
}

/// The teacher's own cache, as `class serve --mirror` reads it: the course's lock file
/// names both versions, and cargo's cache has their lines where the course was built.
#[test]
fn the_teachers_cache_holds_the_public_registrys_lines() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let Some(home) = registry::cargo_home() else {
        println!("skipped: no cargo home (neither CARGO_HOME nor HOME is set)");
        return;
    };
    let (registry, _) = Registry::read(&root.join("Cargo.lock"), &home).expect("the registry");
    for (path, name) in [("ad/le/adler2", "adler2"), ("sa/me/same-file", "same-file")] {
        let Some(served) = registry.index_file(path) else {
            println!(
                "skipped {name}: cargo's cache in {} has no line for it",
                home.display()
            );
            continue;
        };
        let public = lines(public_line(name).as_bytes());
        let served = lines(&served);
        assert_eq!(served.len(), 1, "{path}: the locked version alone");
        assert_same_line(&served[0], &public[0]);
    }
}

#[test]
fn index_paths_are_the_public_registrys() {
    for (name, path) in [
        ("a", "1/a"),
        ("h2", "2/h2"),
        ("syn", "3/s/syn"),
        ("serde", "se/rd/serde"),
        ("Inflector", "in/fl/inflector"),
    ] {
        assert_eq!(registry::index_path(name).expect(name), path);
    }
}
