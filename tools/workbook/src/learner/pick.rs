//! The session's `l` key: every lesson and exercise with its state and a short number,
//! and then a line to type where to go (`06`, `6.2`, `register`, `tcp.echo`).
//!
//! Lessons keep the numbers of their folders, and an exercise is its lesson's number, a
//! dot and its place in the lesson, so a number read off the list is enough to pick it.

use anyhow::{Result, bail};

use crate::learner::map;
use crate::learner::next;
use crate::learner::state::State;
use workbook_core::course::{Course, Exercise, Lesson};
use workbook_core::language::messages::{Msg, say};
use workbook_core::ui;

/// The list to pick from; `current` (the session's exercise) is pointed at.
pub fn print_choices(course: &Course, state: &State, current: Option<&str>) {
    for lesson in &course.lessons {
        let (done, total) = state.progress(&lesson.exercises);
        println!(
            "{:>3}  {}  {}  {}",
            lesson.number(),
            ui::bold(&lesson.id),
            ui::dim(&lesson.title),
            ui::progress(done, total, 10)
        );
        for (place, exercise) in lesson.exercises.iter().enumerate() {
            let pointer = if current == Some(exercise.id.as_str()) {
                ui::cyan(&say(Msg::NowPointer, &[]))
            } else {
                String::new()
            };
            println!(
                "     {:>5} {} {:<26} {}{pointer}",
                short_number(lesson, place),
                map::status_mark(state, exercise),
                exercise.id,
                exercise.title
            );
        }
    }
    let go_to = say(
        Msg::GoTo,
        &[("lesson", &ui::bold("06")), ("exercise", &ui::bold("6.2"))],
    );
    println!("{go_to}");
}

/// `6.2` for the second exercise of lesson `06-register` (`place` counts from 0).
fn short_number(lesson: &Lesson, place: usize) -> String {
    let number = lesson.number().trim_start_matches('0');
    format!("{number}.{}", place + 1)
}

/// Where what the learner typed leads: `6.2`, or anything [`next::start_at`] takes.
pub fn resolve<'c>(
    course: &'c Course,
    state: &State,
    typed: &str,
) -> Result<(&'c Lesson, &'c Exercise)> {
    let typed = typed.trim();
    if let Some((lesson_number, place)) = typed.split_once('.')
        && let Ok(place) = place.parse::<usize>()
        && let Ok((lesson, _)) = next::start_at(course, state, lesson_number)
    {
        return match place.checked_sub(1).and_then(|i| lesson.exercises.get(i)) {
            Some(exercise) => Ok((lesson, exercise)),
            None => bail!(say(
                Msg::NotAnExerciseOf,
                &[
                    ("lesson", &lesson.number()),
                    ("count", &lesson.exercises.len()),
                    ("typed", &typed),
                ],
            )),
        };
    }
    next::start_at(course, state, typed)
}

/// The line being typed after `l`, echoed as it comes (the session reads raw keys).
#[derive(Debug, Default)]
pub struct Typing {
    pub text: String,
}

/// What one key did to the line.
#[derive(Debug, PartialEq, Eq)]
pub enum Typed {
    /// Still typing.
    More,
    /// Enter: the line is done (empty: go nowhere).
    Done(String),
}

impl Typing {
    /// Takes one key: Enter ends the line, backspace takes a character back.
    pub fn key(&mut self, key: char) -> Typed {
        match key {
            '\n' => Typed::Done(std::mem::take(&mut self.text)),
            '\x08' => {
                if self.text.pop().is_some() {
                    print!("\x08 \x08");
                }
                Typed::More
            }
            c if !c.is_control() => {
                self.text.push(c);
                print!("{c}");
                Typed::More
            }
            _ => Typed::More,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use workbook_core::testutil::Fixture;

    #[test]
    fn an_exercise_is_picked_by_its_short_number_or_its_id() {
        let fx = Fixture::course();
        let course = Course::load(fx.path()).unwrap();
        let state = State::default();
        let picked = |typed: &str| {
            resolve(&course, &state, typed)
                .map(|(_, e)| e.id.clone())
                .map_err(|e| e.to_string())
        };
        assert_eq!(picked("2.2").unwrap(), "rpc.call");
        assert_eq!(picked("02").unwrap(), "rpc.frame");
        assert_eq!(picked(" rpc.call ").unwrap(), "rpc.call");
        assert_eq!(picked("tcp").unwrap(), "tcp.echo");
        assert!(picked("2.3").unwrap_err().contains("has 2 exercises"));
        assert!(picked("9.1").is_err());
    }

    #[test]
    fn typing_ends_at_enter_and_takes_back_a_character() {
        let mut line = Typing::default();
        for key in ['6', '.', '3', '\x08', '2'] {
            assert_eq!(line.key(key), Typed::More);
        }
        assert_eq!(line.key('\n'), Typed::Done("6.2".into()));
        assert_eq!(line.key('\n'), Typed::Done(String::new()));
    }
}
