//! What the tests of the book's address share: a course whose cargo is a stand-in (a script)
//! that builds the book's server only once the test opens a gate, a stand-in book server (a
//! few lines of Python that serve on the socket they are handed, `WORKBOOK_BOOK_LISTENER_FD`,
//! as `workbook-book` does), and asking the address until it answers what is awaited.

#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::net::TcpStream;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use workbook_core::testutil::Fixture;

/// How long each step may take on a loaded machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// What the stand-in book server answers to every request.
pub const THE_BOOKS_CHAPTER: &str = "<h1>Chapter 1: TCP sockets</h1>";

/// Writes an executable shell script.
pub fn script(path: &Path, body: &str) {
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// The stand-in book server: leaves its arguments in `server-was-started`, serves "the
/// chapter" on the socket it is handed, and says where the book is once it accepts, as
/// `workbook-book` does.
const BOOK_SERVER: &str = r#"
import os, select, socket, sys
with open("server-was-started", "w") as started:
    started.write(" ".join(sys.argv[1:]))
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

/// A course whose cargo builds the book's servers (`workbook-book`, `workbook-full`: both
/// the stand-in) only once `gate` is written to, and fails any other build at once; it
/// leaves what it was asked, a line a build, in `cargo-was-called`.
pub fn course(gate: &Path) -> Fixture {
    let fx = Fixture::course();
    fx.write("book.py", BOOK_SERVER);
    let server = fx.path().join("book-server.sh");
    script(
        &server,
        &format!(
            "exec python3 '{}' \"$@\"",
            fx.path().join("book.py").display()
        ),
    );
    let artifact = |package: &str| {
        format!(
            r#"{{"reason":"compiler-artifact","package_id":"path+file://{root}/tools/{package}#0.1.0","manifest_path":"{root}/tools/{package}/Cargo.toml","target":{{"kind":["bin"],"name":"{package}"}},"profile":{{"test":false}},"executable":"{server}"}}"#,
            root = fx.path().display(),
            server = server.display(),
        )
    };
    let build = |package: &str| {
        format!(
            r#"*{package}*)
  printf '    Building [=====>        ] 3/7: serde, tokio\r' >&2
  read line < '{gate}'
  echo '{artifact}'
  echo '{{"reason":"build-finished","success":true}}' ;;"#,
            gate = gate.display(),
            artifact = artifact(package),
        )
    };
    script(
        &fx.path().join("cargo.sh"),
        &format!(
            r#"echo "$*" >> '{called}'
case "$*" in
{book}
{full}
*)
  echo '{{"reason":"build-finished","success":false}}' ;;
esac"#,
            called = fx.path().join("cargo-was-called").display(),
            book = build("workbook-book"),
            full = build("workbook-full"),
        ),
    );
    fx
}

/// The runner in `fx`, its cargo the stand-in, its ports from `base` on.
pub fn runner(fx: &Fixture, base: u16) -> Command {
    let mut runner = Command::new(env!("CARGO_BIN_EXE_workbook"));
    runner
        .current_dir(fx.path())
        .env("CARGO", fx.path().join("cargo.sh"))
        .env("CARGO_TARGET_DIR", fx.path().join("target"))
        .env("WORKBOOK_BASE_PORT", base.to_string())
        .env_remove("CARGO_PKG_NAME")
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    runner
}

/// What cargo was asked to build, a line a build.
pub fn cargo_was_called(fx: &Fixture) -> String {
    fs::read_to_string(fx.path().join("cargo-was-called")).unwrap_or_default()
}

/// Asks `what` until `done` says yes of what it answered, for at most [`PATIENCE`]; panics
/// saying what it last saw.
pub fn until<T: std::fmt::Debug>(
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
pub struct Gate(pub PathBuf);

impl Gate {
    pub fn new(dir: &Path) -> Gate {
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
    pub fn open(&self) {
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
pub fn get(port: u16, path: &str) -> Result<(u16, String), String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").map_err(|e| e.to_string())?;
    let answer =
        testkit::read_to_end_within(&mut stream, testkit::PATIENCE).map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer.split(' ').nth(1).and_then(|code| code.parse().ok());
    status.map(|status| (status, answer.clone())).ok_or(answer)
}

/// Asks `path` until its answer is `status` with `text` in it; returns that answer.
pub fn until_answered(port: u16, path: &str, status: u16, text: &str) -> String {
    let (_, page) = until(
        &format!("{path} answering {status} with {text:?}"),
        || get(port, path),
        |answer| {
            answer
                .as_ref()
                .is_ok_and(|(answered, page)| *answered == status && page.contains(text))
        },
    )
    .unwrap();
    page
}
