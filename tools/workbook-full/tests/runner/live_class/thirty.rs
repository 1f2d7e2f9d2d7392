//! A room of thirty, as a teacher of this course sees one: fifty minutes into lesson 05
//! (gRPC), its learners spread over the lesson's six exercises. The wall's tests and the
//! instructor guide's pictures are taken of it, so it is the course's own: the server runs
//! in this workspace (its lessons are the page's columns), each learner has a name of the
//! teacher's language, and the stuck learners fail the lesson's real tests: each failure
//! as libtest prints it at the line of the lesson's test where it stands (or a stub's
//! `todo!()`, testkit giving up, the compiler's error), made into the message the runner
//! sends by the runner's own code, in the learner's language, as long as it makes them (up
//! to 300 characters).
//!
//! It is the same every time (names, exercises, minutes), so that the pictures can be
//! taken again and differ only where the page does.

use serde_json::{Value, json};

use super::{Class, Running};
use crate::fixture::{Course, runner_in};
use crate::real_course::course_root;

mod seats;

use Now::{LessonCheck, Nothing, Writing};
pub use seats::{Failure, Now, ROOM, Seat, names};

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
                failure,
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
                let message = runner_message(lang, exercise, test, failure);
                for at in [since, since / 3] {
                    let mut failed = verdict(made.len() + 1, exercise, at, false, true, hints);
                    failed["test"] = json!(test);
                    failed["message"] = json!(message);
                    made.push(failed);
                }
            }
        }
    }
    made
}

/// What the runner sends the class for `failure` of `test`, in the learner's `lang`: made
/// by the runner's own code (`failure::in_one_line`, as `check` calls it) from the failure
/// as libtest prints it, with the course's own files and its lesson's translations; the
/// compiler's first line with its place as `check` makes it.
pub fn runner_message(lang: &str, exercise: &str, test: &str, failure: Failure) -> String {
    use workbook::learner::failure::{Context, in_one_line};
    use workbook_core::class::{MAX_MESSAGE_CHARS, one_line};
    use workbook_core::language::Lang;
    let lang = if lang == "zh-CN" {
        Lang::ZhCn
    } else {
        Lang::En
    };
    let mut course = workbook_core::course::Course::load(&course_root()).expect("the course");
    course.speak(lang);
    let (lesson, exercise) = course.exercise(exercise).expect("the lesson's exercise");
    let context = Context {
        lang,
        ..Context::of(&course, lesson, exercise)
    };
    let folder = course.relative(&lesson.dir).display().to_string();
    let said = match failure {
        Failure::GaveUp { what } => {
            let text = format!(
                "thread '{test}' (7) panicked at tools/testkit/src/lib.rs:93:19:\n\
                 gave up after 20s waiting for {what}"
            );
            in_one_line(&text, &context)
        }
        Failure::Panic {
            file,
            find,
            message,
        } => {
            let line = line_of(&lesson.dir.join(file), find);
            let text =
                format!("thread '{test}' (7) panicked at {folder}/{file}:{line}:5:\n{message}");
            in_one_line(&text, &context)
        }
        Failure::Compiler { error, file, find } => {
            let line = line_of(&lesson.dir.join(file), find);
            format!("{error} ({file}:{line})")
        }
    };
    one_line(&said, MAX_MESSAGE_CHARS)
}

/// The line (from 1) where the call holding `find` in `file` begins: Rust names a call of
/// several lines by the line of its macro (`assert_eq!(`, `panic!(`, `todo!(`).
fn line_of(file: &std::path::Path, find: &str) -> usize {
    let source =
        std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let lines: Vec<&str> = source.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.contains(find))
        .unwrap_or_else(|| panic!("{} has no line with {find}", file.display()));
    let starts = |line: &&str| {
        ["assert", "panic!(", "todo!("]
            .iter()
            .any(|call| line.contains(call))
    };
    (0..=at).rev().find(|i| starts(&lines[*i])).unwrap_or(at) + 1
}
