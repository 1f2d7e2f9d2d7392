//! The map's link answers from the first second: the course session, run in a terminal of
//! its own (a pseudo-terminal, as a learner's), answers at the book's address at once (the
//! chapter, read from its Markdown with its listing included, under a line that says the
//! book is on its way and how far cargo is), and hands that address to the book's server
//! once it is built; the same link is then the book's chapter.
//!
//! Cargo is a stand-in (a script): the first check's build fails at once, and the book
//! server's build shows cargo's bar, then waits for the test to let it finish. The book's
//! server is a stand-in too, a few lines of Python that serve on the socket they are handed
//! (`WORKBOOK_BOOK_LISTENER_FD`); without `python3`, the test says so and passes
//! (`support/`).

#![cfg(unix)]

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod support;

use support::{Gate, PATIENCE, THE_BOOKS_CHAPTER, course, get, runner, until, until_answered};

/// A program running in a pseudo-terminal of its own, everything it prints kept.
struct InTerminal {
    child: Child,
    terminal: std::fs::File,
    printed: Arc<Mutex<Vec<u8>>>,
}

impl InTerminal {
    fn start(mut command: Command) -> InTerminal {
        let (mut controller, mut device) = (0, 0);
        // SAFETY: openpty writes the two descriptors it opens into the two integers; the
        // optional name, settings and size are left out (null).
        let opened = unsafe {
            libc::openpty(
                &mut controller,
                &mut device,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(
            opened,
            0,
            "a pseudo-terminal: {}",
            std::io::Error::last_os_error()
        );
        // SAFETY: both descriptors were just opened, and are owned by nothing else.
        let (controller, device) = unsafe {
            (
                OwnedFd::from_raw_fd(controller),
                OwnedFd::from_raw_fd(device),
            )
        };
        let child = command
            .stdin(Stdio::from(device.try_clone().unwrap()))
            .stdout(Stdio::from(device.try_clone().unwrap()))
            .stderr(Stdio::from(device))
            .spawn()
            .expect("the workbook binary runs");
        let terminal = std::fs::File::from(controller);
        let printed = Arc::new(Mutex::new(Vec::new()));
        let mut reader = terminal.try_clone().unwrap();
        let keep = printed.clone();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(read @ 1..) = reader.read(&mut chunk) {
                keep.lock().unwrap().extend_from_slice(&chunk[..read]);
            }
        });
        InTerminal {
            child,
            terminal,
            printed,
        }
    }

    fn printed(&self) -> String {
        String::from_utf8_lossy(&self.printed.lock().unwrap()).into_owned()
    }
}

impl Drop for InTerminal {
    /// `q`, as a learner ends the session (which stops the book's server with it); killed
    /// if it has not ended within [`PATIENCE`].
    fn drop(&mut self) {
        let _ = self.terminal.write_all(b"q");
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_maps_link_shows_the_chapter_at_once_then_the_books() {
    if programs::find_on_path("python3").is_none() {
        return println!("skipped: no python3 for the stand-in book server");
    }
    let scratch = tempfile::tempdir().unwrap();
    let gate = Gate::new(scratch.path());
    let fx = course(&gate.0);
    let base = testkit::free_ports_in_a_row(16);
    let session = InTerminal::start(runner(&fx, base));

    // The map names the chapter: its address answers before anything is built.
    let printed = until(
        "the map's link to chapter 1",
        || session.printed(),
        |printed| printed.contains("01-tcp.html"),
    );
    let link = printed
        .split_whitespace()
        .find(|word| word.contains("01-tcp.html"))
        .unwrap()
        .to_string();
    let (port, path) = link
        .strip_prefix("http://127.0.0.1:")
        .and_then(|rest| rest.split_once('/'))
        .unwrap_or_else(|| panic!("a loopback link on the map: {link}"));
    let port: u16 = port.parse().unwrap();
    let path = format!("/{path}");
    // The chapter itself, from its Markdown, with the listing it includes.
    let (status, chapter) = get(port, &path).expect("the map's link answers at once");
    assert_eq!(status, 200, "{chapter}");
    assert!(chapter.contains("<h1 id=\"tcp\">TCP</h1>"), "{chapter}");
    assert!(
        chapter.contains("fn accept() {}"),
        "the chapter's listing is included: {chapter}"
    );
    assert!(chapter.contains("The book is on its way"), "{chapter}");
    // A page of the book that is not a chapter says the book is on its way, and reloads.
    let (status, page) = get(port, "/print.html").expect("the book's other pages answer");
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("The book is on its way"), "{page}");
    assert!(
        page.contains(r#"http-equiv="refresh""#),
        "it reloads itself: {page}"
    );

    // Once the first check is done, the server's build starts, and the chapter's page says
    // how far, as does the address its script follows.
    let chapter = until_answered(port, &path, 200, "3 of 7 steps");
    assert!(chapter.contains("being built"), "{chapter}");
    until_answered(port, "/__workbook/waiting", 200, "3 of 7 steps");
    assert!(
        support::cargo_was_called(&fx).contains("-p workbook-book"),
        "the session's book is workbook-book's: {}",
        support::cargo_was_called(&fx)
    );

    // Built: the same link is the book's chapter, served by the book's server on the same
    // socket, and `/__workbook/waiting` no longer answers as the session's page.
    gate.open();
    until_answered(port, &path, 200, THE_BOOKS_CHAPTER);
    until(
        "the session's note that the book is there",
        || session.printed(),
        |printed| printed.contains(&format!("the book is at http://127.0.0.1:{port}/")),
    );
}
