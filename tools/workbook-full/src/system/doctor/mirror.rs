//! Whether cargo is pointed at the room's mirror (`class serve --mirror`), and if it is,
//! whether the mirror answers: a learner who left the room with the mirror's configuration
//! still in place sees every build fail to fetch, and is told here which file to remove.
//!
//! Cargo reads `.cargo/config.toml` in the folder it runs in and in every folder above it,
//! then in its home; the mirror's line saves one in the course's parent folder.

use std::net::ToSocketAddrs;
use std::path::{Path, PathBuf};

use workbook_core::language::messages::{Msg, say};

use super::{Finding, Fix};
use crate::system::probe;

/// The mirror cargo is pointed at from `root`, if any: the file that says so and the
/// registry's URL (`sparse+http://HOST:PORT/index/`).
fn pointed_at(root: &Path) -> Option<(PathBuf, String)> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let files = root
        .ancestors()
        .map(|dir| dir.join(".cargo/config.toml"))
        .chain(home.map(|home| home.join("config.toml")));
    files.into_iter().find_map(|file| {
        let text = std::fs::read_to_string(&file).ok()?;
        let config: toml::Table = toml::from_str(&text).ok()?;
        let sources = config.get("source")?.as_table()?;
        let replacement = sources.get("crates-io")?.get("replace-with")?.as_str()?;
        let registry = sources.get(replacement)?.get("registry")?.as_str()?;
        registry
            .starts_with("sparse+http://")
            .then(|| (file.clone(), registry.to_string()))
    })
}

/// A finding when cargo is pointed at a room's mirror; nothing otherwise.
pub(super) fn mirror(root: &Path) -> Option<Finding> {
    let (file, registry) = pointed_at(root)?;
    let url = registry.trim_start_matches("sparse+");
    let file_shown = file.display().to_string();
    let args: [(&str, &dyn std::fmt::Display); 2] = [("url", &url), ("file", &file_shown)];
    let answers = url
        .strip_prefix("http://")
        .and_then(|rest| rest.split_once('/'))
        .and_then(|(host, path)| {
            let addr = host.to_socket_addrs().ok()?.next()?;
            let (status, _) = probe::http_get(addr, &format!("/{path}config.json"))?;
            (status == 200).then_some(())
        })
        .is_some();
    Some(if answers {
        Finding::Fine(say(Msg::DoctorMirrorAnswers, &args))
    } else {
        Finding::Problem {
            what: say(Msg::DoctorMirrorSilent, &args),
            fix: Fix::Run(format!("rm {file_shown}")),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The learner's line's file, as the mirror serves it, in the course's parent folder.
    fn course_below_a_mirror(url_host: &str) -> (tempfile::TempDir, PathBuf) {
        let room = tempfile::tempdir().unwrap();
        let course = room.path().join("course");
        std::fs::create_dir_all(room.path().join(".cargo")).unwrap();
        std::fs::create_dir_all(&course).unwrap();
        let config = crate::teacher::class::mirror::cargo_config(url_host);
        std::fs::write(room.path().join(".cargo/config.toml"), config).unwrap();
        (room, course)
    }

    #[test]
    fn finds_the_mirror_the_learners_line_points_cargo_at() {
        let (room, course) = course_below_a_mirror("192.0.2.1:7800");
        let (file, registry) = pointed_at(&course).expect("pointed at the mirror");
        assert_eq!(file, room.path().join(".cargo/config.toml"));
        assert_eq!(registry, "sparse+http://192.0.2.1:7800/index/");
    }

    #[test]
    fn a_mirror_that_does_not_answer_is_a_problem_whose_fix_removes_the_file() {
        // A port no one listens on, and no one can take while the test holds it.
        let port = testkit::ReservedPort::new();
        let (room, course) = course_below_a_mirror(&port.addr().to_string());
        match mirror(&course) {
            Some(Finding::Problem { fix, .. }) => {
                let file = room.path().join(".cargo/config.toml");
                assert_eq!(fix.command(), format!("rm {}", file.display()));
            }
            _ => panic!("a mirror that does not answer is a problem"),
        }
    }

    #[test]
    fn a_mirror_that_answers_is_fine() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        // deadline: the server answers the one request doctor sends, which has its own
        // timeouts (`probe::http_get`); the thread ends with it.
        let server = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut stream, _) = listener.accept().unwrap();
            // The whole request read (it may come in pieces) before the answer: a socket
            // closed with unread bytes resets the connection, and the answer with it.
            let mut request = Vec::new();
            let mut piece = [0; 1024];
            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                let read = stream.read(&mut piece).unwrap();
                assert!(read > 0, "the request ended early: {request:?}");
                request.extend_from_slice(&piece[..read]);
            }
            let asked = String::from_utf8_lossy(&request).into_owned();
            stream
                .write_all(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                .unwrap();
            asked
        });
        let (_room, course) = course_below_a_mirror(&addr.to_string());
        assert!(matches!(mirror(&course), Some(Finding::Fine(_))));
        let asked = server.join().unwrap();
        assert!(asked.starts_with("GET /index/config.json "), "{asked}");
    }
}
