//! Building ahead while the book is read without a session: opening a lesson's chapter in
//! `book`'s server builds that lesson's tests and the next one's, a check run meanwhile stops
//! the build (and does not wait behind it), and opening the chapter again goes on with it.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::book_server::{BookServer, get};
use crate::fixture::Course;

/// How long a fixture's builds ahead may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(180);

/// Waits until cargo has built the test executable `test` (`target/debug/deps/test-HASH`).
fn built_within(course: &Course, test: &str) {
    let deps = course.path("target/debug/deps");
    let deadline = Instant::now() + PATIENCE;
    while !has_test_executable(&deps, test) {
        assert!(
            Instant::now() < deadline,
            "the test `{test}` was not built ahead within {PATIENCE:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn has_test_executable(deps: &Path, test: &str) -> bool {
    let prefix = format!("{test}-");
    std::fs::read_dir(deps).is_ok_and(|files| {
        files.flatten().any(|file| {
            let path = file.path();
            path.extension().is_none()
                && path
                    .file_name()
                    .is_some_and(|name| name.to_string_lossy().starts_with(&prefix))
        })
    })
}

#[test]
fn opening_a_chapter_builds_its_lesson_and_the_next_ahead() {
    let course = Course::new().with_second_lesson(false);
    let server = BookServer::start_with(course.command(&["book", "--port", "0"]));
    let (status, page) = get(server.port, "/01-demo.html");
    assert_eq!(status, 200, "{page}");
    let line = server.wait_for("built ahead while you read");
    assert!(line.contains("cargo test -p l01-demo --test add"), "{line}");
    assert!(
        line.contains("cargo test -p l02-two --test greet"),
        "{line}"
    );
    built_within(&course, "add");
    built_within(&course, "greet");
}

/// The build script of the crate lesson two uses: it connects to `AHEAD_GATE` and waits
/// there until the test lets it go, so that the build ahead is under way, holding cargo's
/// lock, for as long as the test needs.
const GATED_BUILD_SCRIPT: &str = r#"fn main() {
    println!("cargo:rerun-if-env-changed=AHEAD_GATE");
    if let Ok(gate) = std::env::var("AHEAD_GATE")
        && let Ok(mut stream) = std::net::TcpStream::connect(&gate)
    {
        // Far longer than a check may take: a check that waited for it would fail.
        let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(600)));
        let _ = std::io::Read::read(&mut stream, &mut [0u8; 1]);
    }
}
"#;

#[test]
fn a_check_stops_the_build_ahead_and_the_chapter_goes_on_with_it() {
    let course = Course::new().with_second_lesson(false);
    course.write("common/build.rs", GATED_BUILD_SCRIPT);
    let gate = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut command = course.command(&["book", "--port", "0"]);
    command.env("AHEAD_GATE", gate.local_addr().unwrap().to_string());
    let server = BookServer::start_with(command);
    let (status, page) = get(server.port, "/01-demo.html");
    assert_eq!(status, 200, "{page}");
    server.wait_for("built ahead while you read");

    // The build ahead reaches lesson two's crate, and waits at the gate, holding cargo's lock.
    let (sender, arrived) = mpsc::channel::<TcpStream>();
    let waiting = gate.try_clone().unwrap();
    std::thread::spawn(move || {
        if let Ok((stream, _)) = waiting.accept() {
            let _ = sender.send(stream);
        }
    });
    let held = arrived
        .recv_timeout(PATIENCE)
        .expect("the build ahead never reached lesson two's crate");

    // A check in another terminal stops it, and its own build does not wait behind it.
    let started = Instant::now();
    let (passed, printed) = course.run(&["check", "demo.add"]);
    assert!(!passed, "the stub passed: {printed}");
    assert!(printed.contains("demo.add"), "{printed}");
    server.wait_for("stopped building ahead");
    println!("the check took {:?}", started.elapsed());

    // The gate opens; opening the chapter again builds what was left.
    drop((held, gate));
    let (status, page) = get(server.port, "/01-demo.html");
    assert_eq!(status, 200, "{page}");
    built_within(&course, "greet");
}
