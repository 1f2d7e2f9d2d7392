//! `book` as a reader meets it: the server keeps answering while the book is rebuilt after a
//! save, keeps the last good book when a rebuild fails, and ends on Ctrl-C.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fixture::Course;

/// How long a build of the demo book may take on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(180);

/// The demo course with a Chinese edition.
fn translated_course() -> Course {
    let course = Course::new();
    course.write(
        "zh.json",
        r#"{"Summary": "目录", "01 · Demo": "01 · 演示", "Demo": "演示", "Show `double`.": "展示 `double`。"}"#,
    );
    course.import_translations("zh.json");
    course
}

/// `book` running on a free port, its output line by line.
pub struct BookServer {
    child: Child,
    lines: Receiver<String>,
    /// The port it says it serves on.
    pub port: u16,
}

impl BookServer {
    fn start(course: &Course) -> BookServer {
        BookServer::start_with(course.command(&["book", "--port", "0"]))
    }

    /// Runs `command` (a `book` of some course) until it says where it serves.
    pub fn start_with(mut command: std::process::Command) -> BookServer {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .expect("the workbook binary runs");
        let (sender, lines) = mpsc::channel();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    return;
                }
            }
        });
        let mut server = BookServer {
            child,
            lines,
            port: 0,
        };
        let serving = server.wait_for("serving the book on");
        let port = serving
            .rsplit(':')
            .next()
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        server.port = port.parse().expect("a port in the serving line");
        server
    }

    /// Waits for a line containing `text`, and returns it.
    pub fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("`book` never said {text:?}; it said:\n{}", seen.join("\n"));
    }
}

impl Drop for BookServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The status code and body of `GET path`.
pub fn get(port: u16, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .unwrap_or_else(|error| panic!("nothing answers on 127.0.0.1:{port}: {error}"));
    write!(stream, "GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    let answer = testkit::read_to_end_within(&mut stream, testkit::PATIENCE)
        .unwrap_or_else(|error| panic!("GET {path} on 127.0.0.1:{port}: {error}"));
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    (status, answer)
}

#[test]
fn the_book_stays_readable_through_rebuilds_good_and_bad() {
    let course = translated_course();
    let server = BookServer::start(&course);
    let (status, page) = get(server.port, "/zh-CN/01-demo.html");
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("展示"), "{page}");

    // A reader keeps asking for the page while it is rebuilt; every answer must be the page.
    let stop = Arc::new(AtomicBool::new(false));
    let missed = Arc::new(Mutex::new(Vec::new()));
    let reader = {
        let (stop, missed, port) = (stop.clone(), missed.clone(), server.port);
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                for path in ["/zh-CN/01-demo.html", "/01-demo.html"] {
                    let (status, _) = get(port, path);
                    if status != 200 {
                        missed.lock().unwrap().push(format!("{path}: {status}"));
                    }
                }
            }
        })
    };
    course.write(
        "book/src/01-demo.md",
        &course
            .read("book/src/01-demo.md")
            .replace("# Demo", "# Demo\n\nSaved once."),
    );
    server.wait_for("rebuilt the book");

    // A catalog that does not parse: the rebuild fails, the last good book stays.
    let catalog = course.read("book/po/zh-CN.po");
    course.write(
        "book/po/zh-CN.po",
        &catalog.replace("msgstr \"演示\"", "msgstr \"演示"),
    );
    server.wait_for("the book does not build");
    stop.store(true, Ordering::Relaxed);
    // deadline: told to stop, it ends after its GETs under way, each bounded by PATIENCE
    reader.join().unwrap();
    let missed = missed.lock().unwrap();
    assert!(
        missed.is_empty(),
        "{} pages missing while the book was rebuilt, first {:?}",
        missed.len(),
        missed.first()
    );
    let (status, page) = get(server.port, "/zh-CN/01-demo.html");
    assert_eq!(
        status, 200,
        "the last good book is gone after a failed rebuild: {page}"
    );
    assert!(page.contains("展示"), "{page}");
    assert!(
        page.contains("Saved once."),
        "the good rebuild was not served: {page}"
    );
}

#[test]
fn ctrl_c_ends_the_book_server() {
    let course = Course::new();
    let mut server = BookServer::start(&course);
    server.wait_for("Ctrl-C to stop");
    let pid = server.child.id().to_string();
    let mut kill = std::process::Command::new("kill");
    kill.args(["-INT", &pid]);
    let sent = testkit::output_within("`kill -INT` of `book`", &mut kill, testkit::PATIENCE);
    assert!(sent.status.success(), "{sent:?}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "`book` ended on Ctrl-C with {status}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "`book` was still running 30 s after Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
