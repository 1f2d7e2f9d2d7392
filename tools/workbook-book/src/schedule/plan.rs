//! The class days: the course's parts in order, put together into days of the model's
//! length, and the clock of each day with its breaks and lunch.
//!
//! A day is filled part by part and never past its minutes of teaching: a part that does
//! not fit starts the next day, which opens with a recap. A chapter longer than the
//! model's `longest_part` is presented in pieces, so that every part fits in a day. The breaks come on top of the teaching, in the gaps between parts (`timeline`).

use std::fmt::Write;

use super::{Model, Timing, exercise_minutes};
use workbook_core::course::Course;

/// What a part of a class day is. Lessons and exercises are indices into the course.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Setup,
    Introduction,
    Recap,
    /// Presenting a lesson's chapter and running its example: piece `piece` of `pieces`.
    Presenting {
        lesson: usize,
        piece: u32,
        pieces: u32,
    },
    Exercise {
        lesson: usize,
        exercise: usize,
    },
    Solutions {
        lesson: usize,
    },
}

impl Item {
    /// The lesson the part belongs to, if it belongs to one.
    pub fn lesson(self) -> Option<usize> {
        match self {
            Item::Presenting { lesson, .. }
            | Item::Exercise { lesson, .. }
            | Item::Solutions { lesson } => Some(lesson),
            Item::Setup | Item::Introduction | Item::Recap => None,
        }
    }
}

/// One part of a day: what is done, for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub item: Item,
    pub minutes: u32,
}

/// A class day: its parts, and the exercises (lesson, exercise) left for that evening.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Day {
    pub parts: Vec<Part>,
    pub homework: Vec<(usize, usize)>,
}

impl Day {
    /// Minutes of teaching, breaks apart.
    pub fn minutes(&self) -> u32 {
        self.parts.iter().map(|p| p.minutes).sum()
    }
}

/// A plan: its days, and the lessons it leaves for later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub days: Vec<Day>,
    pub left_out: Vec<usize>,
}

/// Which of a lesson's exercises are done in class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InClass {
    All,
    /// The first; the others are homework.
    First,
}

/// The course's parts in order: setup, the introduction, then each lesson's chapter and
/// example (in pieces of at most `longest_part`), its exercises in class, and going over
/// their solutions.
pub fn course_parts(model: &Model, course: &Course, in_class: InClass) -> Vec<Part> {
    let mut parts = vec![
        Part {
            item: Item::Setup,
            minutes: model.setup,
        },
        Part {
            item: Item::Introduction,
            minutes: model.introduction,
        },
    ];
    for (index, lesson) in course.lessons.iter().enumerate() {
        let timing = Timing::in_model(model, &course.root, lesson).unwrap_or_default();
        let presenting = timing.reading + timing.run;
        let pieces = presenting.div_ceil(model.longest_part).max(1);
        for piece in 1..=pieces {
            // Even pieces; the first ones take what does not divide.
            let minutes = presenting / pieces + u32::from(piece <= presenting % pieces);
            parts.push(Part {
                item: Item::Presenting {
                    lesson: index,
                    piece,
                    pieces,
                },
                minutes,
            });
        }
        let kept = match in_class {
            InClass::All => lesson.exercises.len(),
            InClass::First => lesson.exercises.len().min(1),
        };
        for (number, exercise) in lesson.exercises.iter().enumerate().take(kept) {
            parts.push(Part {
                item: Item::Exercise {
                    lesson: index,
                    exercise: number,
                },
                minutes: exercise_minutes(model, lesson, exercise),
            });
        }
        if kept > 0 {
            parts.push(Part {
                item: Item::Solutions { lesson: index },
                minutes: model.solutions(kept),
            });
        }
    }
    parts
}

/// `parts` in days of `model.day` minutes of teaching: each day as full as the next part
/// lets it be, every day after the first opened by a recap.
pub fn pack(model: &Model, parts: &[Part]) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for &part in parts {
        let fits = days
            .last()
            .is_some_and(|day| day.minutes() + part.minutes <= model.day);
        if !fits {
            let mut day = Day::default();
            if !days.is_empty() {
                day.parts.push(Part {
                    item: Item::Recap,
                    minutes: model.recap,
                });
            }
            days.push(day);
        }
        if let Some(day) = days.last_mut() {
            day.parts.push(part);
        }
    }
    days
}

/// The whole course in class, every exercise included: as many days as it takes.
pub fn whole_course(model: &Model, course: &Course) -> Plan {
    Plan {
        days: pack(model, &course_parts(model, course, InClass::All)),
        left_out: Vec::new(),
    }
}

/// What `model.short_plan_days` days hold: each lesson's chapter, example and first
/// exercise in class, its other exercises homework on the day its part in class ends. The
/// lessons that do not end within those days are left for later, whole.
pub fn short_plan(model: &Model, course: &Course) -> Plan {
    let mut days = pack(model, &course_parts(model, course, InClass::First));
    let mut left_out = Vec::new();
    if days.len() > model.short_plan_days {
        let after: Vec<Day> = days.split_off(model.short_plan_days);
        left_out = after
            .iter()
            .flat_map(|day| &day.parts)
            .filter_map(|part| part.item.lesson())
            .collect();
        left_out.dedup();
        for day in &mut days {
            day.parts
                .retain(|part| part.item.lesson().is_none_or(|l| !left_out.contains(&l)));
        }
    }
    for day in &mut days {
        let ended: Vec<usize> = day
            .parts
            .iter()
            .filter_map(|part| match part.item {
                Item::Solutions { lesson } => Some(lesson),
                _ => None,
            })
            .collect();
        for lesson in ended {
            let count = course.lessons[lesson].exercises.len();
            day.homework
                .extend((1..count).map(|exercise| (lesson, exercise)));
        }
    }
    Plan { days, left_out }
}

/// A day's parts with the clock: a table from the model's start, with a break before a
/// part that would take the class past `longest_stretch` minutes without one, and lunch
/// in the first gap at or after `lunch_from`. `parts` are each part's name and minutes,
/// `words` the table's own words in the edition's language.
pub fn timeline(model: &Model, parts: &[(String, u32)], words: &TimelineWords) -> String {
    let mut table = format!("{}\n|---|---|--:|\n", words.header);
    let mut clock = model.day_starts;
    let mut since_break = 0;
    let mut lunched = false;
    for (index, (what, minutes)) in parts.iter().enumerate() {
        if index > 0 {
            let pause = if !lunched && clock >= model.lunch_from {
                lunched = true;
                Some((&words.lunch, model.lunch))
            } else if since_break + minutes > model.longest_stretch {
                Some((&words.pause, model.pause))
            } else {
                None
            };
            if let Some((name, length)) = pause {
                let _ = writeln!(table, "| {} | {name} | {length} |", clock_time(clock));
                clock += length;
                since_break = 0;
            }
        }
        let _ = writeln!(
            table,
            "| {} | {} | {minutes} |",
            clock_time(clock),
            cell(what)
        );
        clock += minutes;
        since_break += minutes;
    }
    let _ = writeln!(table, "| {} | {} | |", clock_time(clock), words.end);
    table
}

/// The words of a day's table, in the edition's language.
pub struct TimelineWords {
    pub header: String,
    pub pause: String,
    pub lunch: String,
    pub end: String,
}

/// Text for a table cell: a `|` would end the cell, even inside backticks.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// "09:05" for 545 minutes after midnight.
pub fn clock_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
