//! The schedule page: every lesson's minutes in a table, the course's totals, and two plans
//! for a class, one day and three days, with the clock time of each part and the breaks.
//!
//! A class day starts at 09:00. After 90 minutes or more without one, the next gap between
//! two parts gets a 15-minute break; the first gap at or after 12:00 gets an hour for lunch.
//! The plans are cut at parts, never inside one, so the clock is what a class would see.

use std::fmt::Write;

use super::{Timing, duration_in};
use crate::common::catalog::{Page, say_in};
use crate::common::course::{Course, Lesson};
use crate::common::lang::Lang;

const DAY_STARTS: u32 = 9 * 60;
const LUNCH_FROM: u32 = 12 * 60;
const LUNCH: u32 = 60;
const BREAK_AFTER: u32 = 90;
const BREAK: u32 = 15;
/// Class time in a day of the short plan, breaks and lunch apart: 6 h 30.
const CLASS_DAY: u32 = 390;
/// How many days the long plan has.
const DAYS: usize = 3;

/// One part of a day in a plan: what is done, for how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    pub what: String,
    pub minutes: u32,
}

/// The whole page that replaces the schedule marker.
pub fn schedule_page(course: &Course, lang: Lang) -> String {
    let say = |page: Page, args: &[(&str, &dyn std::fmt::Display)]| say_in(lang, page, args);
    let duration = |minutes: u32| duration_in(lang, minutes);
    let mut page = String::new();
    let missing: Vec<&str> = course
        .lessons
        .iter()
        .filter(|lesson| Timing::of(lesson).is_none())
        .map(|lesson| lesson.folder.as_str())
        .collect();
    if !missing.is_empty() {
        let lessons = missing.join(", ");
        let _ = writeln!(
            page,
            "{}\n",
            say(Page::NotTimedYet, &[("lessons", &lessons)])
        );
    }
    page.push_str(&totals_table(course, lang));
    let _ = write!(page, "\n{}\n\n", say(Page::OneDay, &[]));
    let tour = one_day(course, lang);
    let in_class: u32 = tour.iter().map(|p| p.minutes).sum();
    let all: u32 = course.lessons.iter().map(|l| timing(l).total()).sum();
    let (class, rest) = (duration(CLASS_DAY), duration(all.saturating_sub(in_class)));
    let text = say(Page::OneDayText, &[("class", &class), ("rest", &rest)]);
    let _ = write!(page, "{text}\n\n");
    page.push_str(&timeline(&tour, lang));
    let _ = write!(page, "\n{}\n\n", say(Page::ThreeDays, &[]));
    let _ = writeln!(page, "{}", say(Page::ThreeDaysText, &[("class", &class)]));
    for (number, day) in three_days(course, lang).iter().enumerate() {
        let title = say(Page::Day, &[("number", &(number + 1))]);
        let _ = write!(page, "\n{title}\n\n");
        page.push_str(&timeline(&day.parts, lang));
        if !day.homework.is_empty() {
            let minutes: u32 = day.homework.iter().map(|p| p.minutes).sum();
            let names: Vec<&str> = day.homework.iter().map(|p| p.what.as_str()).collect();
            let (time, parts) = (duration(minutes), names.join(&say(Page::PartsJoin, &[])));
            let homework = say(Page::Homework, &[("time", &time), ("parts", &parts)]);
            let _ = writeln!(page, "\n{homework}");
        }
    }
    let _ = writeln!(page, "\n{}", say(Page::LessonByLesson, &[]));
    for lesson in &course.lessons {
        page.push_str(&lesson_table(lesson, lang));
    }
    page
}

fn timing(lesson: &Lesson) -> Timing {
    Timing::of(lesson).unwrap_or_default()
}

fn lesson_name(lesson: &Lesson) -> String {
    let number = lesson.folder.split('-').next().unwrap_or_default();
    format!("{number} · {}", lesson.title)
}

/// Reading, running, exercises and total for each lesson, and for the course.
pub fn totals_table(course: &Course, lang: Lang) -> String {
    let duration = |minutes: u32| duration_in(lang, minutes);
    let header = say_in(lang, Page::TotalsHeader, &[]);
    let mut table = format!("{header}\n|---|--:|--:|--:|--:|\n");
    let mut sum = Timing::default();
    for lesson in &course.lessons {
        let t = timing(lesson);
        sum.reading += t.reading;
        sum.run += t.run;
        sum.exercises += t.exercises;
        let _ = writeln!(
            table,
            "| [{}]({}) | {} | {} | {} | {} |",
            lesson_name(lesson),
            lesson.chapter_file(),
            t.reading,
            t.run,
            t.exercises,
            duration(t.total())
        );
    }
    let _ = writeln!(
        table,
        "| {} | {} | {} | {} | **{}** |",
        say_in(lang, Page::TheCourse, &[]),
        duration(sum.reading),
        duration(sum.run),
        duration(sum.exercises),
        duration(sum.total())
    );
    table
}

/// One lesson's parts and their minutes.
fn lesson_table(lesson: &Lesson, lang: Lang) -> String {
    let t = timing(lesson);
    let say = |page: Page| say_in(lang, page, &[]);
    let mut table = format!(
        "\n### {} — {}\n\n{}\n|---|--:|\n| {} | {} |\n| {} | {} |\n",
        lesson_name(lesson),
        duration_in(lang, t.total()),
        say(Page::PartsHeader),
        say(Page::ReadingTheChapter),
        t.reading,
        say(Page::RunningTheExample),
        t.run
    );
    for exercise in &lesson.exercises {
        let minutes = exercise.minutes.map_or("—".into(), |m| m.to_string());
        let what = cell(&say_in(
            lang,
            Page::ExercisePart,
            &[("id", &exercise.id), ("title", &exercise.title)],
        ));
        let _ = writeln!(table, "| {what} | {minutes} |");
    }
    let _ = writeln!(table, "| {} | **{}** |", say(Page::TotalRow), t.total());
    table
}

/// A lesson's chapter and example as one part.
fn presenting(lesson: &Lesson, lang: Lang) -> Part {
    let t = timing(lesson);
    Part {
        what: say_in(lang, Page::Presenting, &[("lesson", &lesson_name(lesson))]),
        minutes: t.reading + t.run,
    }
}

/// The tour: every lesson's chapter and example, one part per lesson; then, lesson by lesson,
/// its first exercise as long as the day's class time has room for it. The rest is homework.
pub fn one_day(course: &Course, lang: Lang) -> Vec<Part> {
    let mut parts: Vec<Part> = course
        .lessons
        .iter()
        .map(|lesson| presenting(lesson, lang))
        .collect();
    let mut spare = CLASS_DAY.saturating_sub(parts.iter().map(|p| p.minutes).sum());
    for (part, lesson) in parts.iter_mut().zip(&course.lessons) {
        let Some(first) = lesson.exercises.first() else {
            continue;
        };
        let minutes = first.minutes.unwrap_or(0);
        if minutes <= spare {
            spare -= minutes;
            part.what = say_in(
                lang,
                Page::PresentingAndFirst,
                &[("lesson", &lesson_name(lesson)), ("id", &first.id)],
            );
            part.minutes += minutes;
        }
    }
    parts
}

/// A day of the long plan: the parts done in class, and the exercises left for homework.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Day {
    pub parts: Vec<Part>,
    pub homework: Vec<Part>,
}

/// The whole course in three runs of whole lessons as even as they can be. Where a day has
/// more than its class time, exercises go to homework, each time the last one still in
/// class of the lesson with the most exercise minutes in class, never a lesson's first.
pub fn three_days(course: &Course, lang: Lang) -> Vec<Day> {
    let totals: Vec<u32> = course.lessons.iter().map(|l| timing(l).total()).collect();
    let mut days = Vec::new();
    let mut start = 0;
    for end in split_evenly(&totals, DAYS) {
        let lessons = &course.lessons[start..end];
        // For each lesson of the day: how many of its exercises stay in class.
        let mut kept: Vec<usize> = lessons.iter().map(|l| l.exercises.len()).collect();
        let minutes = |lesson: &Lesson, kept: usize| -> u32 {
            lesson.exercises[..kept]
                .iter()
                .map(|e| e.minutes.unwrap_or(0))
                .sum()
        };
        loop {
            let day: u32 = lessons
                .iter()
                .zip(&kept)
                .map(|(lesson, &kept)| presenting(lesson, lang).minutes + minutes(lesson, kept))
                .sum();
            let fullest = (0..lessons.len())
                .filter(|&i| kept[i] > 1)
                .max_by_key(|&i| (minutes(&lessons[i], kept[i]), std::cmp::Reverse(i)));
            match fullest {
                Some(i) if day > CLASS_DAY => kept[i] -= 1,
                _ => break,
            }
        }
        let mut day = Day::default();
        for (lesson, kept) in lessons.iter().zip(kept) {
            day.parts.push(presenting(lesson, lang));
            for (index, exercise) in lesson.exercises.iter().enumerate() {
                let part = Part {
                    what: say_in(
                        lang,
                        Page::ExercisePart,
                        &[("id", &exercise.id), ("title", &exercise.title)],
                    ),
                    minutes: exercise.minutes.unwrap_or(0),
                };
                if index < kept {
                    day.parts.push(part);
                } else {
                    day.homework.push(part);
                }
            }
        }
        days.push(day);
        start = end;
    }
    days
}

/// Where to cut `lengths` into at most `groups` runs so that the longest run is shortest:
/// the end of each run. Tries every cut; a course has a dozen lessons.
pub fn split_evenly(lengths: &[u32], groups: usize) -> Vec<usize> {
    if lengths.is_empty() {
        return Vec::new();
    }
    if groups <= 1 || lengths.len() == 1 {
        return vec![lengths.len()];
    }
    let mut best: Option<(u32, Vec<usize>)> = None;
    for first in 1..lengths.len() {
        let head: u32 = lengths[..first].iter().sum();
        let rest = split_evenly(&lengths[first..], groups - 1);
        let longest = rest
            .iter()
            .scan(first, |start, &end| {
                let run: u32 = lengths[*start..first + end].iter().sum();
                *start = first + end;
                Some(run)
            })
            .fold(head, u32::max);
        if best.as_ref().is_none_or(|(b, _)| longest < *b) {
            let cuts = std::iter::once(first).chain(rest.iter().map(|e| first + e));
            best = Some((longest, cuts.collect()));
        }
    }
    best.map(|(_, cuts)| cuts).unwrap_or_default()
}

/// A day's parts with the clock: a table from 09:00, breaks and lunch put in the gaps.
pub fn timeline(parts: &[Part], lang: Lang) -> String {
    let header = say_in(lang, Page::TimelineHeader, &[]);
    let mut table = format!("{header}\n|---|---|--:|\n");
    let mut clock = DAY_STARTS;
    let mut since_break = 0;
    let mut lunched = false;
    for (index, part) in parts.iter().enumerate() {
        if index > 0 {
            let pause = if !lunched && clock >= LUNCH_FROM {
                lunched = true;
                Some((Page::Lunch, LUNCH))
            } else if since_break >= BREAK_AFTER {
                Some((Page::Break, BREAK))
            } else {
                None
            };
            if let Some((what, minutes)) = pause {
                let what = say_in(lang, what, &[]);
                let _ = writeln!(table, "| {} | {what} | {minutes} |", clock_time(clock));
                clock += minutes;
                since_break = 0;
            }
        }
        let _ = writeln!(
            table,
            "| {} | {} | {} |",
            clock_time(clock),
            cell(&part.what),
            part.minutes
        );
        clock += part.minutes;
        since_break += part.minutes;
    }
    let end = say_in(lang, Page::EndOfDay, &[]);
    let _ = writeln!(table, "| {} | {end} | |", clock_time(clock));
    table
}

/// Text for a table cell: a `|` would end the cell, even inside backticks.
pub fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn clock_time(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
