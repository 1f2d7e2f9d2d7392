//! `book`, as a reader without the session types it: the book's address answers at once
//! (a chapter is the chapter, read from its Markdown with its listing included) while the
//! book's server builds, the server is `workbook-book` unless `workbook-full` is built
//! already or `--traces` asks for it, and the runner then becomes that server, which serves
//! on the very socket the runner answered on.
//!
//! Cargo and the book's server are stand-ins, as in book_first.rs (`support/`); without
//! `python3`, each test says so and passes.

#![cfg(unix)]

use std::io::Read;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};

mod support;

use support::{Gate, THE_BOOKS_CHAPTER, cargo_was_called, course, runner, until, until_answered};
use workbook_core::testutil::Fixture;

/// `workbook book ARGS…` running, everything it prints kept; killed when dropped.
struct Running {
    child: Child,
    printed: Arc<Mutex<String>>,
}

impl Running {
    fn start(fx: &Fixture, args: &[&str]) -> Running {
        let base = testkit::free_ports_in_a_row(16);
        let mut child = runner(fx, base)
            .arg("book")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the workbook binary runs");
        let printed = Arc::new(Mutex::new(String::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let keep = printed.clone();
            std::thread::spawn(move || {
                let mut stream = stream;
                let mut chunk = [0u8; 4096];
                while let Ok(read @ 1..) = stream.read(&mut chunk) {
                    let text = String::from_utf8_lossy(&chunk[..read]).into_owned();
                    keep.lock().unwrap().push_str(&text);
                }
            });
        }
        Running { child, printed }
    }

    fn printed(&self) -> String {
        self.printed.lock().unwrap().clone()
    }

    /// The book's port, from the line that says its address answers at once.
    fn port(&self) -> u16 {
        let printed = until(
            "the line saying where the book answers",
            || self.printed(),
            |printed| printed.contains("answers at once"),
        );
        let url = printed
            .split_whitespace()
            .find(|word| word.starts_with("http://127.0.0.1:"))
            .unwrap_or_else(|| panic!("an address: {printed}"));
        url.trim_start_matches("http://127.0.0.1:")
            .trim_end_matches('/')
            .parse()
            .unwrap_or_else(|_| panic!("a port in {url}"))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn has_python() -> bool {
    let found = programs::find_on_path("python3").is_some();
    if !found {
        println!("skipped: no python3 for the stand-in book server");
    }
    found
}

#[test]
fn book_answers_with_the_chapter_at_once_then_becomes_workbook_book() {
    if !has_python() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    let gate = Gate::new(scratch.path());
    let fx = course(&gate.0);
    // Any free port: the one bound is the one said.
    let mut book = Running::start(&fx, &["--port", "0"]);
    let port = book.port();

    let chapter = until_answered(port, "/01-tcp.html", 200, "fn accept() {}");
    assert!(chapter.contains("The book is on its way"), "{chapter}");
    until_answered(port, "/__workbook/waiting", 200, "3 of 7 steps");
    let cargo = cargo_was_called(&fx);
    assert!(
        cargo.contains("-p workbook-book") && !cargo.contains("workbook-full"),
        "`book` builds the book's server alone: {cargo}"
    );

    // Built: the runner becomes the server, which answers on the same socket.
    gate.open();
    until_answered(port, "/01-tcp.html", 200, THE_BOOKS_CHAPTER);
    let started = std::fs::read_to_string(fx.path().join("server-was-started")).unwrap();
    assert_eq!(
        started, "book --port 0",
        "the server has the command line as typed"
    );
    assert!(
        matches!(book.child.try_wait(), Ok(None)),
        "the command's own process is the server: {}",
        book.printed()
    );
}

#[test]
fn book_serves_with_workbook_full_once_it_is_built_or_asked_for() {
    if !has_python() {
        return;
    }
    let scratch = tempfile::tempdir().unwrap();
    for (built, args) in [(true, &[][..]), (false, &["--traces"][..])] {
        let dir = scratch.path().join(if built { "built" } else { "asked" });
        std::fs::create_dir(&dir).unwrap();
        let gate = Gate::new(&dir);
        let fx = course(&gate.0);
        if built {
            fx.write("target/debug/workbook-full", "");
        }
        let book = Running::start(&fx, args);
        let port = book.port();
        until(
            "cargo asked for workbook-full",
            || cargo_was_called(&fx),
            |cargo| cargo.contains("-p workbook-full"),
        );
        gate.open();
        until_answered(port, "/01-tcp.html", 200, THE_BOOKS_CHAPTER);
        assert!(
            !cargo_was_called(&fx).contains("workbook-book"),
            "{}",
            cargo_was_called(&fx)
        );
    }
}
