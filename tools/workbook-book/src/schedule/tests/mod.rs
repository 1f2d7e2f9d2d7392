//! The schedule's tests, by subject: how chapters and exercises are measured (`sizes`),
//! how days are packed (`days`), what the chapters and the schedule page show (`pages`),
//! and the course itself, timed and planned (`the_course`). The fixture course and the
//! checks every plan must pass live here.

mod days;
mod pages;
mod sizes;
mod the_course;

use std::path::Path;

use workbook_core::language::Lang;

use super::plan::{self, Item, Part, TimelineWords, pack, short_plan, timeline, whole_course};
use super::*;
use super::{ChapterSize, Model, TestSize};
use crate::testutil::Fixture;

/// `n` words of prose.
fn words(n: usize) -> String {
    vec!["word"; n].join(" ")
}

/// A test file of `tests` tests in `lines` lines.
fn test_file(tests: usize, lines: usize) -> String {
    let mut text: Vec<String> = (0..tests)
        .flat_map(|n| {
            [
                "#[tokio::test]".to_string(),
                format!("async fn test_{n}() {{}}"),
            ]
        })
        .collect();
    text.resize(lines, "// setting up".to_string());
    text.join("\n")
}

/// The fixture course, timed: tcp runs 5 and has 90 words and a 20-line listing (2 min of
/// reading) and `tcp.echo` (3 tests in 60 lines: 17 min); rpc runs 10, has 180 words
/// (2 min), `rpc.frame` and `rpc.call` without test files (15 min each, the floor).
fn timed() -> Fixture {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP sockets\"\nminutes = { run = 5 }\n\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"Echo\"\nfile = \"src/exercises/echo.rs\"\ntest = \"echo\"\n",
    );
    fx.write("lessons/01-tcp/tests/echo.rs", &test_file(3, 60));
    fx.write(
        "lessons/02-rpc/lesson.toml",
        "id = \"rpc\"\ntitle = \"RPC\"\nminutes = { run = 10 }\n\n[[exercise]]\nid = \"rpc.frame\"\ntitle = \"Frames\"\nfile = \"src/f.rs\"\ntest = \"frame\"\n\n[[exercise]]\nid = \"rpc.call\"\ntitle = \"Calls\"\nfile = \"src/c.rs\"\ntest = \"call\"\n",
    );
    let listing = vec!["let x = 1;"; 20].join("\n");
    fx.write(
        "book/src/01-tcp.md",
        &format!(
            "# TCP\n\n{}\n\n```rust\n{listing}\n```\n\n<!-- teacher-notes -->\n{}\n<!-- /teacher-notes -->\n",
            words(89),
            words(500)
        ),
    );
    fx.write(
        "book/src/02-rpc.md",
        &format!(
            "# RPC\n\n{}\n\n<!-- teacher-notes -->\ny\n<!-- /teacher-notes -->\n",
            words(179)
        ),
    );
    fx
}

/// Every lesson's parts, and every exercise, once in `plan` (in class or as homework).
fn assert_placed_once(course: &Course, parts: &[Part], homework: &[(usize, usize)]) {
    for (l, lesson) in course.lessons.iter().enumerate() {
        for e in 0..lesson.exercises.len() {
            let in_class = parts
                .iter()
                .filter(|p| {
                    p.item
                        == Item::Exercise {
                            lesson: l,
                            exercise: e,
                        }
                })
                .count();
            let home = homework.iter().filter(|h| **h == (l, e)).count();
            assert_eq!(in_class + home, 1, "{} exercise {e}", lesson.folder);
        }
        let presenting: Vec<u32> = parts
            .iter()
            .filter_map(|p| match p.item {
                Item::Presenting { lesson, piece, .. } if lesson == l => Some(piece),
                _ => None,
            })
            .collect();
        let pieces = presenting.len() as u32;
        assert!(pieces > 0, "{} is never presented", lesson.folder);
        assert_eq!(
            presenting,
            (1..=pieces).collect::<Vec<_>>(),
            "{}",
            lesson.folder
        );
        let solutions = parts
            .iter()
            .filter(|p| p.item == Item::Solutions { lesson: l });
        assert_eq!(solutions.count(), 1, "{}", lesson.folder);
    }
}

/// The days of a plan hold no more than the model's day, day 1 opens with the setup and the
/// introduction, and every later day with a recap.
fn assert_days_fit(model: &Model, days: &[plan::Day]) {
    for (number, day) in days.iter().enumerate() {
        assert!(
            day.minutes() <= model.day,
            "day {} holds {} min: {day:?}",
            number + 1,
            day.minutes()
        );
        if number > 0 {
            let first = day.parts.first().map(|p| p.item);
            assert_eq!(first, Some(Item::Recap), "day {}", number + 1);
        }
    }
    let items: Vec<Item> = days
        .iter()
        .flat_map(|d| &d.parts)
        .map(|p| p.item)
        .filter(|item| *item != Item::Recap)
        .take(2)
        .collect();
    assert_eq!(items, [Item::Setup, Item::Introduction]);
    let recaps = days
        .iter()
        .flat_map(|d| &d.parts)
        .filter(|p| p.item == Item::Recap);
    assert_eq!(recaps.count(), days.len().saturating_sub(1));
}
