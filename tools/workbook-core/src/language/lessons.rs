//! A lesson's titles and hints in another language: `lessons/NN-topic/lesson.zh-CN.toml`
//! beside `lesson.toml`, with the lesson's `title` and an `[[exercise]]` table per
//! translated exercise (`id`, `title`, `hints`).
//!
//! Its `[tests]` table translates the messages the lesson's tests print: each key is a
//! format string as a test wrote it (`"sent {sent:?}, got {got:?}"`), each value the same
//! with the words translated (`language::format` moves the values across). `workbook-dev
//! verify` holds the table to the tests: every message has its translation, and every
//! translation a message.
//!
//! The file is optional, and so is each exercise in it: what it lacks stays English. A
//! translation that cannot be read is named on stderr and the English shown, so that a
//! broken translation never stops a learner.

use std::collections::BTreeMap;
use std::fs;

use serde::Deserialize;

use crate::course::{Course, Lesson};
use crate::language::Lang;

#[derive(Deserialize)]
struct LessonText {
    title: Option<String>,
    #[serde(default, rename = "exercise")]
    exercises: Vec<ExerciseText>,
    #[serde(default)]
    tests: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ExerciseText {
    id: String,
    title: Option<String>,
    #[serde(default)]
    hints: Vec<String>,
}

impl Course {
    /// Shows every title and hint that has a translation into `lang` in that language.
    pub fn speak(&mut self, lang: Lang) {
        if lang == Lang::En {
            return;
        }
        for lesson in &mut self.lessons {
            if let Err(problem) = translate(lesson, lang) {
                eprintln!("warning: {problem}; lesson {} stays English", lesson.id);
            }
        }
    }
}

fn translate(lesson: &mut Lesson, lang: Lang) -> Result<(), String> {
    let name = format!("lessons/{}/lesson.{}.toml", lesson.folder, lang.code());
    let text = match fs::read_to_string(lesson.dir.join(format!("lesson.{}.toml", lang.code()))) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => return Err(format!("reading {name}: {err}")),
    };
    let parsed: LessonText = toml::from_str(&text).map_err(|err| format!("{name}: {err}"))?;
    if let Some(title) = parsed.title.filter(|t| !t.trim().is_empty()) {
        lesson.title = title;
    }
    lesson.test_messages = parsed.tests.into_iter().collect();
    for translated in parsed.exercises {
        let Some(exercise) = lesson.exercises.iter_mut().find(|e| e.id == translated.id) else {
            eprintln!(
                "warning: {name} translates `{}`, which lesson.toml does not have",
                translated.id
            );
            continue;
        };
        if let Some(title) = translated.title.filter(|t| !t.trim().is_empty()) {
            exercise.title = title;
        }
        if !translated.hints.is_empty() {
            exercise.hints = translated.hints;
        }
    }
    Ok(())
}

/// `message`, printed by one of a lesson's tests, in the language of `table` (the lesson's
/// `test_messages`, read by [`Course::speak`]); `None` when no translation wrote it. A
/// message that goes on after the words a test gave (`expect("the reply")` prints `the
/// reply: Os { … }`) has those words translated and the rest kept.
pub fn test_message(table: &[(String, String)], message: &str) -> Option<String> {
    let whole = |message: &str| {
        table
            .iter()
            .filter_map(|(english, translation)| {
                // A format of holes alone (`"{}"`) prints anything: it translates nothing.
                let words = super::format::words(english);
                let said = super::format::translate(english, translation, message)?;
                (words > 0).then_some((words, said))
            })
            .max_by_key(|(words, _)| *words)
            .map(|(_, said)| said)
    };
    // Where the words end and an error begins: the first few `: ` are tried, no more.
    whole(message).or_else(|| {
        message.match_indices(": ").take(4).find_map(|(at, _)| {
            whole(&message[..at]).map(|said| format!("{said}{}", &message[at..]))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testutil::Fixture;

    #[test]
    fn shows_what_is_translated_and_keeps_the_rest_english() {
        let fx = Fixture::course();
        fx.write(
            "lessons/02-rpc/lesson.zh-CN.toml",
            "title = \"远程过程调用\"\n[[exercise]]\nid = \"rpc.frame\"\ntitle = \"分帧\"\nhints = [\"先写长度前缀。\"]\n",
        );
        let mut course = Course::load(fx.path()).unwrap();
        let english = course.clone();
        course.speak(Lang::ZhCn);
        let (rpc, tcp) = (&course.lessons[1], &course.lessons[0]);
        assert_eq!(rpc.title, "远程过程调用");
        assert_eq!(rpc.exercises[0].title, "分帧");
        assert_eq!(rpc.exercises[0].hints, ["先写长度前缀。"]);
        // rpc.call has no table, lesson tcp no file: both stay English.
        assert_eq!(
            rpc.exercises[1].title,
            english.lessons[1].exercises[1].title
        );
        assert_eq!(tcp.title, english.lessons[0].title);

        let mut again = english.clone();
        again.speak(Lang::En);
        assert_eq!(again.lessons[1].title, english.lessons[1].title);
    }

    #[test]
    fn a_test_s_message_is_shown_translated_with_its_values() {
        let fx = Fixture::course();
        fx.write(
            "lessons/01-tcp/lesson.zh-CN.toml",
            "[tests]\n\"the echo\" = \"回显\"\n\"sent {sent:?}, got {}\" = \"收到 {}，发送了 {sent:?}\"\n\"{}\" = \"{}\"\n",
        );
        let mut course = Course::load(fx.path()).unwrap();
        course.speak(Lang::ZhCn);
        let tcp = &course.lessons[0];
        assert_eq!(
            test_message(&tcp.test_messages, "sent \"a, b\", got 3").as_deref(),
            Some("收到 3，发送了 \"a, b\"")
        );
        assert_eq!(
            test_message(&tcp.test_messages, "the echo: Connection reset").as_deref(),
            Some("回显: Connection reset")
        );
        // A format that is only holes prints anything; the one with words wins.
        assert_eq!(
            test_message(&tcp.test_messages, "the echo").as_deref(),
            Some("回显")
        );
        assert_eq!(
            test_message(&course.lessons[1].test_messages, "the echo"),
            None
        );
    }

    #[test]
    fn a_broken_translation_leaves_the_lesson_english() {
        let fx = Fixture::course();
        fx.write("lessons/01-tcp/lesson.zh-CN.toml", "title = [\n");
        let mut course = Course::load(fx.path()).unwrap();
        let title = course.lessons[0].title.clone();
        assert!(
            translate(&mut course.lessons[0], Lang::ZhCn)
                .unwrap_err()
                .contains("lessons/01-tcp/lesson.zh-CN.toml")
        );
        course.speak(Lang::ZhCn);
        assert_eq!(course.lessons[0].title, title);
    }
}
