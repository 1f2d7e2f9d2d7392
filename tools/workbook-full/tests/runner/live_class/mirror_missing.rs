//! What the room's mirror says of what it does not serve, and of what it does. The
//! teacher's cargo cache lacks part of the lock file: the server asks the Internet for
//! nothing (not even to fill its cache), says at its start what is missing and the command
//! that fills it, and answers each request in words a learner's cargo shows: a locked crate
//! the cache lacks, a locked crate at another version, a crate the course does not use. Its
//! start line says how many crates and megabytes it serves, counted, not written down.

use std::path::Path;
use std::process::{Command, Stdio};

use super::mirror::{ADLER2, ADLER2_SUM, cache_crate, cache_lines};
use super::mirror_served::head_of;
use crate::fixture::Course;

const SAME_FILE: &str = include_str!("../../data/crates-io-index/same-file");
const SAME_FILE_SUM: &str = "93fc1dc3aaa9bfed95e02e6eadabb4baf7e3078b0bd1b4d7b6b0b68378900502";

/// The size of same-file's `.crate` in the teacher's cache: the one the server serves.
const SERVED_BYTES: usize = 300_000;

/// A lock file naming adler2 2.0.1 (its index line cached, its `.crate` not), same-file
/// 1.0.6 (both cached) and serde 1.0.0 (nothing of it cached).
fn a_cache_with_gaps(course: &Course) -> std::path::PathBuf {
    let mut lock = String::from("version = 4\n");
    for (name, version, sum) in [
        ("adler2", "2.0.1", ADLER2_SUM),
        ("same-file", "1.0.6", SAME_FILE_SUM),
        ("serde", "1.0.0", ADLER2_SUM),
    ] {
        lock.push_str(&format!(
            "\n[[package]]\nname = \"{name}\"\nversion = \"{version}\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{sum}\"\n"
        ));
    }
    course.write("Cargo.lock", &lock);
    let home = course.path("teachers-cargo");
    cache_lines(&home, ADLER2);
    cache_lines(&home, SAME_FILE);
    cache_crate(&home, "same-file", "1.0.6", &vec![7; SERVED_BYTES]);
    home
}

/// A program that leaves a mark where it is when run: the server's `CARGO`, which it must
/// not run.
fn a_marking_cargo(course: &Course) -> std::path::PathBuf {
    let cargo = course.path("marking-cargo");
    std::fs::write(&cargo, "#!/bin/sh\ntouch \"$0.ran\"\nexit 1\n").unwrap();
    let mut permissions = std::fs::metadata(&cargo).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&cargo, permissions).unwrap();
    cargo
}

#[test]
fn what_the_cache_lacks_is_said_not_fetched() {
    let course = Course::new();
    let home = a_cache_with_gaps(&course);
    let cargo = a_marking_cargo(&course);
    let mut command = course.command(&["--lang", "en", "class", "serve", "--dir"]);
    command.env("CARGO_HOME", &home).env("CARGO", &cargo);
    let server = super::Running::spawn(
        command,
        &course.path("class"),
        "127.0.0.1:0",
        &["--mirror", "--mirror-no-book"],
        None,
    );
    assert!(
        !course.path("marking-cargo.ran").exists(),
        "the server ran cargo"
    );
    let said = server.printed.join("\n");
    assert!(
        said.contains("2 of Cargo.lock's versions are not in this machine's cargo cache")
            && said.contains("run cargo fetch --locked in the course's folder"),
        "{said}"
    );
    // Its own count of what it serves, whole: same-file 1.0.6 alone, and its `.crate`;
    // what it lacks said apart.
    assert!(
        said.contains("(1 crates, 1 versions, 0.3 MB; not the 2 versions said above)"),
        "{said}"
    );

    let refused = |path: &str, status: u16, words: &[&str]| {
        let answer = server.get(path, None);
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        for words in words {
            assert!(answer.body.contains(words), "{path}: {}", answer.body);
        }
        assert!(
            !answer.body.contains("is in the course's"),
            "{path}: {}",
            answer.body
        );
    };
    let not_cached = "is not in the teacher's cargo cache";
    let fill = "cargo fetch --locked";
    refused(
        "/index/se/rd/serde",
        503,
        &["serde 1.0.0", not_cached, fill],
    );
    let head = head_of(&server, "/index/se/rd/serde").to_ascii_lowercase();
    assert!(head.contains("\r\nretry-after: 1\r\n"), "{head}");
    refused(
        "/crates/adler2/2.0.1/download",
        404,
        &["adler2 2.0.1", not_cached, fill],
    );
    refused(
        "/crates/adler2/2.0.0/download",
        404,
        &["the course locks adler2 at 2.0.1, not 2.0.0"],
    );
    refused(
        "/crates/same-file/1.0.7/download",
        404,
        &["the course locks same-file at 1.0.6, not 1.0.7"],
    );
    for path in ["/index/ra/nd/rand", "/crates/rand/0.8.5/download"] {
        refused(path, 404, &["not in the course's Cargo.lock"]);
    }
    // A locked crate at another path than the index's own: where it is, not "not locked".
    refused(
        "/index/xx/yy/serde",
        404,
        &[
            "/index/xx/yy/serde is not where the sparse index keeps serde: its index file is at /index/se/rd/serde",
        ],
    );
    // Paths no name can be, in words too.
    refused("/index/%ff%fe", 404, &["has nothing at /index/%ff%fe"]);
    refused("/crates/%ff/1.0.0/download", 404, &["has nothing at"]);
    let served = head_of(&server, "/crates/same-file/1.0.6/download").to_ascii_lowercase();
    assert!(
        served.starts_with("http/1.1 200")
            && served.contains(&format!("\r\ncontent-length: {SERVED_BYTES}\r\n")),
        "the one it has: {served}"
    );

    // A learner's cargo, pointed at the mirror, shows those words: for the `.crate` the
    // cache lacks at once, for the index file after its tries again.
    let learner = course.path("learners-cargo");
    std::fs::create_dir_all(&learner).unwrap();
    let config = server.get("/cargo-config.toml", None);
    std::fs::write(learner.join("config.toml"), &config.body).unwrap();
    for (dependency, words) in [
        (
            "adler2 = { version = \"=2.0.1\", default-features = false }",
            "adler2 2.0.1",
        ),
        ("serde = \"=1.0.0\"", "serde 1.0.0"),
    ] {
        let project = course.path(&format!("project-{}", &dependency[..4]));
        std::fs::create_dir_all(project.join("src")).unwrap();
        std::fs::write(project.join("src/lib.rs"), "").unwrap();
        std::fs::write(
            project.join("Cargo.toml"),
            format!("[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[dependencies]\n{dependency}\n\n[workspace]\n"),
        )
        .unwrap();
        let said = learners_cargo_fetch(&project, &learner);
        assert!(
            said.contains(&format!("{words} {not_cached}")) && said.contains(fill),
            "{dependency}: cargo said\n{said}"
        );
    }
}

/// `cargo fetch` in `project` with the cargo home `home`: what it said, having failed.
fn learners_cargo_fetch(project: &Path, home: &Path) -> String {
    let output = testkit::output_within(
        "a learner's cargo fetch through the mirror",
        Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .arg("fetch")
            .current_dir(project)
            .env("CARGO_HOME", home)
            .env_remove("CARGO_TARGET_DIR")
            .stdin(Stdio::null()),
        testkit::deadline::TEST,
    );
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!output.status.success(), "it fetched:\n{said}");
    said
}
