//! The map's link answers from the first second: the course session, run in a terminal of
//! its own (a pseudo-terminal, as a learner's), answers at the book's address with a page
//! that says the book is on its way and how far cargo is, and hands that address to the
//! book's server once it is built; the same link is then the chapter.
//!
//! Cargo is a stand-in (a script): the first check's build fails at once, and the book
//! server's build shows cargo's bar, then waits for the test to let it finish. The book's
//! server is a stand-in too, a few lines of Python that serve on the socket they are handed
//! (`WORKBOOK_BOOK_LISTENER_FD`); without `python3`, the test says so and passes.

#![cfg(unix)]

use std::fs;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use workbook_core::testutil::Fixture;

/// How long each step may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// Writes an executable shell script.
fn script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// The stand-in book server: serves "the chapter" on the socket it is handed, and says
/// where the book is once it accepts, as `workbook-book --for-session` does.
const BOOK_SERVER: &str = r#"
import os, select, socket
fd = int(os.environ["WORKBOOK_BOOK_LISTENER_FD"])
# The socket is shared with the session, non-blocking as it made it: waited on, not blocked on.
listener = socket.socket(fileno=fd)
port = listener.getsockname()[1]
print(f"the book is at http://127.0.0.1:{port}/", flush=True)
while True:
    select.select([listener], [], [])
    try:
        connection, _ = listener.accept()
    except BlockingIOError:
        continue
    connection.setblocking(True)
    connection.recv(65536)
    body = b"<h1>Chapter 1: TCP sockets</h1>"
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    connection.close()
"#;

/// A course whose cargo builds the book's server only once `gate` is written to.
fn course(gate: &Path) -> Fixture {
    let fx = Fixture::course();
    fx.write("book.py", BOOK_SERVER);
    let server = fx.path().join("book-server.sh");
    script(
        &server,
        &format!("exec python3 '{}'", fx.path().join("book.py").display()),
    );
    let artifact = format!(
        r#"{{"reason":"compiler-artifact","package_id":"path+file://{root}/tools/workbook-book#0.1.0","manifest_path":"{root}/tools/workbook-book/Cargo.toml","target":{{"kind":["bin"],"name":"workbook-book"}},"profile":{{"test":false}},"executable":"{server}"}}"#,
        root = fx.path().display(),
        server = server.display(),
    );
    script(
        &fx.path().join("cargo.sh"),
        &format!(
            r#"case "$*" in
*workbook-book*)
  printf '    Building [=====>        ] 3/7: serde, tokio\r' >&2
  read line < '{gate}'
  echo '{artifact}'
  echo '{{"reason":"build-finished","success":true}}' ;;
*)
  echo '{{"reason":"build-finished","success":false}}' ;;
esac"#,
            gate = gate.display()
        ),
    );
    fx
}

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

/// Asks `what` until `done` says yes of what it answered, for at most [`PATIENCE`]; panics
/// saying what it last saw.
fn until<T: std::fmt::Debug>(
    what: &str,
    mut ask: impl FnMut() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let seen = ask();
        if done(&seen) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: not within {PATIENCE:?}; last seen: {seen:?}"
        );
        // What is asked for changes in another process, seen only by asking again: a pause
        // between two questions, not a wait for it.
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The gate the stand-in cargo waits at: opened by [`Gate::open`], or when the test ends
/// however it ends, so that no stand-in cargo is left waiting.
struct Gate(std::path::PathBuf);

impl Gate {
    fn new(dir: &Path) -> Gate {
        let gate = Gate(dir.join("gate"));
        let made = testkit::output_within(
            "`mkfifo`",
            Command::new("mkfifo").arg(&gate.0),
            testkit::PATIENCE,
        );
        assert!(made.status.success(), "a named pipe: {made:?}");
        gate
    }

    /// Lets the book's build finish: the stand-in cargo is waiting at the gate.
    fn open(&self) {
        fs::write(&self.0, "built\n").unwrap();
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        use std::os::unix::fs::OpenOptionsExt;
        // Without blocking: nobody may be waiting any more.
        let writer = fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(&self.0);
        if let Ok(mut writer) = writer {
            let _ = writer.write_all(b"gone\n");
        }
    }
}

/// `GET path` on the port: the status and the whole answer, or what went wrong.
fn get(port: u16, path: &str) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let answer =
        testkit::read_to_end_within(&mut stream, testkit::PATIENCE).map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok());
    status.map(|status| (status, answer.clone())).ok_or(answer)
}

#[test]
fn the_maps_link_shows_the_book_on_its_way_then_the_chapter() {
    if programs::find_on_path("python3").is_none() {
        return println!("skipped: no python3 for the stand-in book server");
    }
    let scratch = tempfile::tempdir().unwrap();
    let gate = Gate::new(scratch.path());
    let fx = course(&gate.0);
    let base = testkit::free_ports_in_a_row(16);
    let mut runner = Command::new(env!("CARGO_BIN_EXE_workbook"));
    runner
        .current_dir(fx.path())
        .env("CARGO", fx.path().join("cargo.sh"))
        .env("WORKBOOK_BASE_PORT", base.to_string())
        .env_remove("CARGO_PKG_NAME")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let session = InTerminal::start(runner);

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
    let (status, page) = get(port, &path).expect("the map's link answers at once");
    assert_eq!(status, 503, "{page}");
    assert!(page.contains("The book is on its way"), "{page}");
    assert!(
        page.contains(r#"http-equiv="refresh""#),
        "it reloads itself: {page}"
    );

    // Once the first check is done, the server's build starts, and the page says how far.
    let (_, page) = until(
        "the page saying how far the build is",
        || get(port, &path),
        |answer| {
            answer
                .as_ref()
                .is_ok_and(|(_, page)| page.contains("3 of 7 steps"))
        },
    )
    .unwrap();
    assert!(page.contains("being built"), "{page}");

    // Built: the same link is the chapter, served by the book's server on the same socket.
    gate.open();
    let (_, chapter) = until(
        "the chapter at the map's link",
        || get(port, &path),
        |answer| answer.as_ref().is_ok_and(|(status, _)| *status == 200),
    )
    .unwrap();
    assert!(chapter.contains("Chapter 1: TCP sockets"), "{chapter}");
    until(
        "the session's note that the book is there",
        || session.printed(),
        |printed| printed.contains(&format!("the book is at http://127.0.0.1:{port}/")),
    );
}
