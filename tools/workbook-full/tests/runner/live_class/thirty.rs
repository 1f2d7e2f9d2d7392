//! A room of thirty, as a teacher of this course sees one: fifty minutes into lesson 05
//! (gRPC), its learners spread over the lesson's six exercises. The wall's tests and the
//! instructor guide's pictures are taken of it, so it is the course's own: the server runs
//! in this workspace (its lessons are the page's columns), each learner has a name of the
//! teacher's language, and the stuck learners fail the lesson's real tests with the
//! messages their runner would send, made with its own words and as long (up to 300
//! characters).
//!
//! It is the same every time (names, exercises, minutes), so that the pictures can be
//! taken again and differ only where the page does.

use serde_json::{Value, json};

use super::{Class, Running};
use crate::fixture::{Course, runner_in};
use crate::real_course::course_root;

mod seats;

use Now::{LessonCheck, Nothing, Writing};
pub use seats::{Now, ROOM, Seat, names};

/// The lesson the room is on, its exercises in the order the lesson sets them.
pub const EXERCISES: [&str; 6] = [
    "grpc.say-hello",
    "grpc.invalid-argument",
    "grpc.deadline",
    "grpc.stream",
    "grpc.health",
    "grpc.request-id",
];

/// The class's name, in the teacher's language: the name of its folder.
fn class_name(lang: &str) -> &'static str {
    match lang {
        "zh-CN" => "Rust 微服务 第 3 周",
        _ => "Microservices, week 3",
    }
}

/// The room of thirty on a server of this course with `options`, its teacher (and every
/// learner) speaking `lang`: each learner joined, and their checks sent as their runner
/// sends them, dated when they were made.
pub fn room_of_thirty(lang: &str, options: &[&str]) -> Class {
    // A folder of its own for the class (and for what a test makes of it); the server runs
    // in the course itself, whose lessons it reads and never writes.
    let course = Course::new();
    let command = runner_in(&course_root(), &["--lang", lang, "class", "serve", "--dir"]);
    let dir = course.path(class_name(lang));
    let server = Running::spawn(command, &dir, "127.0.0.1:0", options, None);
    let tokens: Vec<String> = names(lang).iter().map(|name| server.join(name)).collect();
    for ((n, seat), token) in ROOM.iter().enumerate().zip(&tokens) {
        let verdicts = verdicts(n, seat, lang);
        if verdicts.is_empty() {
            continue;
        }
        let body = json!({
            "sent_ms": workbook_core::class::now_ms(),
            "verdicts": verdicts,
        });
        let answer = server.post("/api/verdicts", Some(token), &body.to_string());
        assert_eq!(answer.status, 200, "{}", answer.body);
    }
    Class {
        server,
        course,
        tokens,
    }
}

/// A minute, in milliseconds.
const MINUTE: u64 = 60_000;

/// The verdicts of `seat`, the `n`th to join, in the order they were made. The lesson
/// began 50 minutes ago; a learner passes an exercise every five to seven minutes, each
/// after a failing try; the hints they read vary from learner to learner.
fn verdicts(n: usize, seat: &Seat, lang: &str) -> Vec<Value> {
    let now = workbook_core::class::now_ms();
    let verdict =
        |seq: usize, exercise: &str, ago: u64, passed: bool, current: bool, hints: u64| {
            json!({
                "seq": seq, "exercise": exercise, "passed": passed,
                "hints": hints, "at_ms": now - ago, "current": current,
            })
        };
    let mut made = Vec::new();
    match seat.now {
        LessonCheck => {
            for exercise in EXERCISES {
                made.push(verdict(
                    made.len() + 1,
                    exercise,
                    40 * MINUTE,
                    false,
                    false,
                    0,
                ));
            }
        }
        Nothing => {}
        Writing | Now::Failing { .. } => {
            let pace = 5 + (n as u64 % 3);
            let mut ago = 50 * MINUTE;
            for (i, exercise) in EXERCISES.iter().take(seat.passed).enumerate() {
                let hints = (n as u64 + i as u64) % 3;
                made.push(verdict(
                    made.len() + 1,
                    exercise,
                    ago - 2 * MINUTE,
                    false,
                    true,
                    hints,
                ));
                ago -= pace * MINUTE;
                made.push(verdict(made.len() + 1, exercise, ago, true, true, hints));
            }
            if let Now::Failing {
                minutes,
                test,
                en,
                zh,
            } = seat.now
            {
                let exercise = EXERCISES[seat.passed];
                let since = minutes * MINUTE + MINUTE / 2;
                assert!(
                    since < ago,
                    "{} fails {exercise} before passing the one before",
                    seat.en
                );
                let hints = (minutes / 5).min(4);
                // The first failure, and the last: the page counts from the first.
                let words = if lang == "zh-CN" { zh } else { en };
                for at in [since, since / 3] {
                    let mut failed = verdict(made.len() + 1, exercise, at, false, true, hints);
                    failed["test"] = json!(test);
                    failed["message"] = json!(runner_message(lang, exercise, words));
                    made.push(failed);
                }
            }
        }
    }
    made
}

/// What the runner sends the class for a failure told in `words`: the first two lines of
/// what `check` shows the learner, on one line of at most 300 characters (its
/// `check/mod.rs`). The first is the runner's own heading (the test's assertion, at the
/// line of the lesson's test it stands on), unless `words` is one already (a stub's
/// `todo!()`, a test that gave up); the second, the values the assertion compared, as
/// long as tonic's errors make them.
fn runner_message(lang: &str, exercise: &str, words: &str) -> String {
    use workbook_core::class::{MAX_MESSAGE_CHARS, one_line};
    use workbook_core::language::Lang;
    use workbook_core::language::messages::{Msg, say_in};
    let lang = if lang == "zh-CN" {
        Lang::ZhCn
    } else {
        Lang::En
    };
    let headed = ["your code", "你的代码", "the test gave up", "测试等了"]
        .iter()
        .any(|heading| words.starts_with(heading));
    let heading = if headed {
        words.to_string()
    } else {
        let test = exercise.trim_start_matches("grpc.").replace('-', "_");
        let at = format!("lessons/05-grpc/tests/{test}.rs:41");
        say_in(
            lang,
            Msg::TestAssertion,
            &[("at", &at), ("message", &words)],
        )
    };
    let values = "left: Status { code: Unavailable, message: \"tcp connect error\", source: \
        Some(tonic::transport::Error(Transport, ConnectError(ConnectError(\"tcp connect error\", \
        Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" })))) }";
    one_line(&format!("{heading} {values}"), MAX_MESSAGE_CHARS)
}
