//! What the room's mirror hands the room of the teacher's repository: the branch checked
//! out, as committed, and nothing else. The teacher's clone holds what a teacher's does: a
//! private branch of answers, tags, a note, a stash, a file not yet committed under
//! `book/src`, their own answer written into an exercise; a learner clones from the mirror
//! with plain git, and reads the book the mirror serves, and meets none of it.

use std::io::Write;
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};

use super::Running;
use super::mirror::{git, lock_naming_adler2, start, teachers_home};
use crate::fixture::Course;

/// What the teacher wrote and committed nowhere but on their own branch, or not at all:
/// none of it may reach a learner.
const PRIVATE: [&str; 5] = [
    "THE EXAM'S ANSWERS",
    "A NOTE FOR MYSELF",
    "STASHED WORK",
    "AN UNTRACKED PAGE",
    "THE TEACHER'S OWN ANSWER",
];

/// `git` as the teacher, who has a name to commit with.
fn teacher(course: &Course, args: &[&str]) -> String {
    let mut with_name = vec![
        "-c",
        "user.name=Teacher",
        "-c",
        "user.email=teacher@example.org",
    ];
    with_name.extend_from_slice(args);
    git(&course.dir, &with_name)
}

/// Whether git in `dir` finds the object `id`.
fn has_object(dir: &Path, id: &str) -> bool {
    testkit::output_within(
        &format!("git cat-file -e {id}"),
        Command::new("git")
            .args(["cat-file", "-e", id])
            .current_dir(dir)
            .stdin(Stdio::null()),
        testkit::deadline::STEP,
    )
    .status
    .success()
}

/// The head of the answer to `GET path`, as it came.
pub(super) fn head_of(server: &Running, path: &str) -> String {
    let mut stream = TcpStream::connect((server.server().host.as_str(), server.server().port))
        .expect("the server takes connections");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let answer = testkit::read_to_end_within(&mut stream, super::DEADLINE)
        .unwrap_or_else(|err| panic!("GET {path}: {err}"));
    let answer = String::from_utf8_lossy(&answer);
    let end = answer.find("\r\n\r\n").unwrap_or(answer.len());
    answer[..end + 2].to_string()
}

/// The course committed on `main` (its chapter linking to the exercise file, as the
/// course's chapters do), then everything a teacher's clone holds besides.
fn a_teachers_clone() -> (Course, Vec<String>) {
    let course = Course::new();
    lock_naming_adler2(&course);
    course.write(
        "book/src/01-demo.md",
        "# Demo\n\n```rust\n{{#include ../../lessons/01-demo/src/lib.rs:double}}\n```\n\n\
         Write [the exercise](../../lessons/01-demo/src/exercises/add.rs).\n",
    );
    git(&course.dir, &["init", "--quiet", "--initial-branch=main"]);
    git(&course.dir, &["add", "."]);
    teacher(&course, &["commit", "--quiet", "-m", "The course"]);
    // A tag on the served branch: a name the teacher gave a commit, for themselves.
    teacher(&course, &["tag", "-a", "-m", "term", "autumn"]);
    // A branch of answers, with a tag of its own.
    teacher(&course, &["switch", "--quiet", "-c", "exam-answers"]);
    course.write("answers.md", PRIVATE[0]);
    git(&course.dir, &["add", "answers.md"]);
    teacher(&course, &["commit", "--quiet", "-m", "The exam's answers"]);
    teacher(&course, &["tag", "exam"]);
    let answers = git(&course.dir, &["rev-parse", "HEAD"]);
    teacher(&course, &["switch", "--quiet", "main"]);
    // A note on the served commit, and a stash.
    teacher(&course, &["notes", "add", "-m", PRIVATE[1]]);
    let note = git(&course.dir, &["notes", "list", "HEAD"]);
    course.write("lessons/01-demo/src/lib.rs", PRIVATE[2]);
    teacher(&course, &["stash", "push", "--quiet"]);
    let stash = git(&course.dir, &["rev-parse", "refs/stash"]);
    // Not committed: a page under book/src, and the teacher's answer in the exercise file
    // the chapter links to.
    course.write("book/src/untracked.txt", PRIVATE[3]);
    course.write(
        "lessons/01-demo/src/exercises/add.rs",
        &format!(
            "// {}\npub fn add(a: u32, b: u32) -> u32 {{ a + b }}\n",
            PRIVATE[4]
        ),
    );
    let objects = [answers, note, stash]
        .into_iter()
        .map(|id| id.trim().to_string())
        .collect();
    (course, objects)
}

#[test]
fn a_learners_clone_and_the_book_hold_the_served_branchs_commits_alone() {
    let (course, private_objects) = a_teachers_clone();
    let committed_stub = git(
        &course.dir,
        &["show", "HEAD:lessons/01-demo/src/exercises/add.rs"],
    );
    let home = teachers_home(&course, b"adler2's crate");
    let server = start(&course, &home, &["--mirror"]);
    let said = server.printed.join("\n");
    assert!(said.contains("the branch main"), "{said}");

    // What the server offers: one branch, and its HEAD.
    let url = format!("{}/course.git", server.url);
    let offered = git(&course.dir, &["ls-remote", &url]);
    let refs: Vec<&str> = offered
        .lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .collect();
    assert_eq!(refs, ["HEAD", "refs/heads/main"], "{offered}");

    // What a learner's clone holds: the one commit of main, and nothing of the rest.
    let room = course.path("room");
    std::fs::create_dir_all(&room).unwrap();
    git(&room, &["clone", "--quiet", &url, "course"]);
    let clone = room.join("course");
    let refs = git(&clone, &["for-each-ref", "--format=%(refname)"]);
    assert_eq!(
        refs.lines().collect::<Vec<_>>(),
        [
            "refs/heads/main",
            "refs/remotes/origin/HEAD",
            "refs/remotes/origin/main"
        ],
        "{refs}"
    );
    let log = git(&clone, &["log", "--all", "--format=%s"]);
    assert_eq!(log.trim(), "The course", "{log}");
    assert_eq!(git(&clone, &["notes", "list"]).trim(), "");
    assert_eq!(git(&clone, &["stash", "list"]).trim(), "");
    assert_eq!(git(&clone, &["tag", "--list"]).trim(), "");
    for id in &private_objects {
        assert!(!has_object(&clone, id), "{id} reached the learner's clone");
    }
    assert_eq!(git(&clone, &["status", "--porcelain"]).trim(), "");
    assert!(!clone.join("book/src/untracked.txt").exists());
    assert!(!clone.join("answers.md").exists());
    assert_eq!(
        std::fs::read_to_string(clone.join("lessons/01-demo/src/exercises/add.rs")).unwrap(),
        committed_stub
    );
    // Nor the teacher's folder: the served repository's files do not name it.
    let config = server.get("/course.git/config", None);
    assert_eq!(config.status, 200, "{}", config.body);
    let folder = course.dir.display().to_string();
    assert!(!config.body.contains(&folder), "{}", config.body);
    assert_eq!(server.get("/course.git/FETCH_HEAD", None).status, 404);

    // The book, built from the served commit.
    let chapter = server.get("/book/01-demo.html", None);
    assert_eq!(chapter.status, 200, "{}", chapter.body);
    assert!(chapter.body.contains("x * 2"), "{}", chapter.body);
    let exercise = server.get("/book/lessons/01-demo/src/exercises/add.rs", None);
    assert_eq!(
        exercise.status, 200,
        "the chapter links to it: {}",
        exercise.body
    );
    assert_eq!(exercise.body, committed_stub);
    let untracked = server.get("/book/untracked.txt", None);
    assert_eq!(untracked.status, 404, "{}", untracked.body);
    for page in [&chapter.body, &exercise.body, &untracked.body, &config.body] {
        for private in PRIVATE {
            assert!(!page.contains(private), "{private} was served:\n{page}");
        }
    }
    // The build's checkout is gone once the book is built.
    assert!(!course.path("class/book-source").exists());

    // The book's folder asked without its slash, and names no file can have: said in words.
    let bare = head_of(&server, "/book");
    assert!(
        bare.starts_with("HTTP/1.1 308")
            && bare
                .to_ascii_lowercase()
                .contains("\r\nlocation: /book/\r\n"),
        "{bare}"
    );
    let bare = head_of(&server, "/course.git");
    assert!(
        bare.starts_with("HTTP/1.1 308")
            && bare
                .to_ascii_lowercase()
                .contains("\r\nlocation: /course.git/\r\n"),
        "{bare}"
    );
    let long = "a".repeat(300);
    let deep = ["ab"; 600].join("/");
    for path in [
        format!("/book/{long}"),
        format!("/book/{long}/index.html"),
        format!("/book/{deep}"),
        format!("/course.git/{long}"),
        format!("/course.git/objects/{long}"),
        "/course.git/objects/%ff%fe".to_string(),
        "/book/%ff%fe".to_string(),
    ] {
        let answer = server.get(&path, None);
        assert_eq!(answer.status, 404, "{path}: {}", answer.body);
        assert!(
            answer.body.contains("has nothing at"),
            "{path}: {}",
            answer.body
        );
    }
}

/// With no branch checked out, the room is served no course and no book, and the teacher
/// is told why in one line; the crates are served still.
#[test]
fn a_detached_head_serves_no_course_and_says_why() {
    let (course, _) = a_teachers_clone();
    teacher(&course, &["switch", "--quiet", "--detach", "autumn"]);
    let home = teachers_home(&course, b"adler2's crate");
    let server: Running = start(&course, &home, &["--mirror"]);
    let said = server.printed.join("\n");
    let detached = server
        .printed
        .iter()
        .find(|line| line.contains("HEAD is detached"))
        .unwrap_or_else(|| panic!("no word of the detached HEAD:\n{said}"));
    assert!(detached.contains("git switch -c"), "{detached}");
    assert!(
        said.contains("goes without the book: it is built from the commit"),
        "{said}"
    );
    // No line to clone from: said plainly, and none printed.
    assert!(
        said.contains("Learners cannot clone the course from this room"),
        "{said}"
    );
    assert!(!said.contains("git clone "), "{said}");
    assert_eq!(server.get("/course.git/info/refs", None).status, 404);
    assert_eq!(server.get("/book/", None).status, 404);
    assert_eq!(server.get("/index/ad/le/adler2", None).status, 200);
}

/// The guide's own form, `class serve --dir class-2026-12 --mirror` in the course's
/// folder: the class's folder is named from there, though git and the book's build run
/// in other folders; the learner's clone works and the book answers.
#[test]
fn a_relative_class_folder_serves_the_course_and_the_book() {
    let (course, _) = a_teachers_clone();
    let home = teachers_home(&course, b"adler2's crate");
    let mut command = course.command(&["--lang", "en", "class", "serve", "--dir"]);
    command.env("CARGO_HOME", &home).current_dir(&course.dir);
    let server = Running::spawn(
        command,
        Path::new("class-2026-12"),
        "127.0.0.1:0",
        &["--mirror"],
        None,
    );
    let said = server.printed.join("\n");
    assert!(!said.contains("goes without"), "{said}");
    assert!(said.contains("the branch main"), "{said}");

    let room = course.path("room");
    std::fs::create_dir_all(&room).unwrap();
    let url = format!("{}/course.git", server.url);
    git(&room, &["clone", "--quiet", &url, "course"]);
    assert!(room.join("course/lessons/01-demo/lesson.toml").is_file());
    let book = server.get("/book/", None);
    assert_eq!(book.status, 200, "{}", book.body);
    assert!(book.body.contains("Demo"), "{}", book.body);
    // Made where it was named, and nowhere below it.
    assert!(course.path("class-2026-12/course.git/HEAD").is_file());
    assert!(!course.path("class-2026-12/class-2026-12").exists());
}
