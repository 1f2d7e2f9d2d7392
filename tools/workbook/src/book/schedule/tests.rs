use std::path::Path;

use workbook_core::language::Lang;

use super::model::{ChapterSize, Model, TestSize};
use super::plan::{self, Item, Part, TimelineWords, pack, short_plan, timeline, whole_course};
use super::*;
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

#[test]
fn a_chapter_is_counted_by_its_words_and_the_lines_of_its_listings() {
    let fx = Fixture::empty();
    fx.write(
        "lessons/x.rs",
        "// ANCHOR: part\nfn a() {}\nfn b() {}\n// ANCHOR_END: part\nfn c() {}\n",
    );
    let chapter = format!(
        "# Title here\n\n{}\n\n| a | b |\n|---|---|\n\n```rust\n{}\n```\n\n~~~text\nout\n~~~\n\n<!-- teacher-notes -->\n{}\n<!-- /teacher-notes -->\n",
        words(896),
        "{{#include ../../lessons/x.rs:part}}\nfn more() {}",
        words(1000)
    );
    fx.write("book/src/SUMMARY.md", "");
    let size = ChapterSize::measure(&chapter, &fx.path().join("book/src"));
    // Two words of title, 896 of prose, a and b; the notes are not presented.
    assert_eq!(size.words, 900);
    // Two lines included from the anchor, one typed, one of output.
    assert_eq!(size.listing_lines, 4);
    let model = Model::CLASS;
    assert_eq!(model.words_per_minute, 90);
    assert_eq!(model.seconds_per_listing_line, 3);
    // 900 words at 90 a minute, 4 lines at 3 s each (rounded up to a minute).
    assert_eq!(model.reading(size), 10 + 1);
    let long = ChapterSize {
        words: 2000,
        listing_lines: 300,
    };
    // 2000 / 90 = 22.2, up to 23; 300 × 3 s = 15 min.
    assert_eq!(model.reading(long), 23 + 15);
}

#[test]
fn an_exercise_is_counted_by_its_tests_with_a_floor() {
    let model = Model::CLASS;
    let source = test_file(3, 60);
    let size = TestSize::measure(&source, None);
    assert_eq!(
        size,
        TestSize {
            tests: 3,
            lines: 60
        }
    );
    // 5 + 3 × 3 + 60 / 20.
    assert_eq!(model.exercise(size), 17);
    let big = TestSize {
        tests: 8,
        lines: 222,
    };
    assert_eq!(model.exercise(big), 5 + 24 + 12);
    assert_eq!(model.exercise(TestSize::default()), model.exercise_floor);
    assert_eq!(
        model.exercise(TestSize {
            tests: 1,
            lines: 20
        }),
        15
    );
    // A filter keeps its tests, and that share of the file.
    let named = "#[test]\nfn frame_a() {}\n#[test]\nfn frame_b() {}\n#[test]\nfn call_a() {}\n//\n//\n//\n//\n//\n//\n";
    assert_eq!(
        TestSize::measure(named, Some("frame")),
        TestSize { tests: 2, lines: 8 }
    );
}

#[test]
fn the_chapter_opens_with_its_minutes() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let chapter = time_chapter(&course, Some("02-rpc.md"), "# RPC\n\nText.\n", Lang::En);
    assert_eq!(
        chapter,
        "# RPC\n\n<p class=\"lesson-time\">About 48 min: reading 2, running 10, exercises 30, going over the solutions 6.</p>\n\n\nText.\n"
    );
    // Another page, or a lesson without timing, is left as it was.
    assert_eq!(
        time_chapter(&course, Some("introduction.md"), "# I\n", Lang::En),
        "# I\n"
    );
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP\"\n",
    );
    let course = Course::load(fx.path()).unwrap();
    assert_eq!(
        time_chapter(&course, Some("01-tcp.md"), "# TCP\n", Lang::En),
        "# TCP\n"
    );
}

#[test]
fn the_page_shows_the_model_the_totals_and_the_days() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let page = time_chapter(
        &course,
        Some("schedule.md"),
        "# Schedule\n\n<!-- schedule -->\n",
        Lang::En,
    );
    assert!(!page.contains(MARKER), "{page}");
    for line in [
        "| A chapter's prose, presented and talked through (teacher notes left out) | 90 words a minute |",
        "| A chapter's listings, walked through line by line | 3 seconds a line |",
        "| An exercise, until `check` passes | 5 min, 3 min more for each of its tests, 1 more for every 20 lines of its test file; at least 15 min |",
        "| [01 · TCP sockets](01-tcp.md) | 2 | 5 | 17 | 3 | 27 min |",
        "| [02 · RPC](02-rpc.md) | 2 | 10 | 30 | 6 | 48 min |",
        "| Setup, the introduction, 0 recaps | | | | | 1 h 15 min |",
        "| **The course** | 4 min | 15 min | 47 min | 9 min | **2 h 30 min** |",
        "### Day 1: 2 h 30 min of teaching",
        "| 09:00 | Setup: the tools, the course built, `doctor` | 45 |",
        "### 02 · RPC — 48 min",
        "| Presenting the chapter (180 words, 0 lines of listings) | 2 |",
        "| `tcp.echo`: Echo (3 tests, 60 lines) | 17 |",
        "| `rpc.call`: Calls (0 tests, 0 lines) | 15 |",
        "| Going over the solutions | 6 |",
    ] {
        assert!(page.contains(line), "no {line}\n{page}");
    }
    assert_eq!(super::plan::cell("a|b"), "a\\|b", "a | would end the cell");
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

#[test]
fn short_days_hold_no_more_than_their_length_and_every_part_once() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    // Days of 50 min: setup alone fills day 1.
    let model = Model {
        day: 50,
        ..Model::CLASS
    };
    let whole = whole_course(&model, &course);
    assert_days_fit(&model, &whole.days);
    let parts: Vec<Part> = whole.days.iter().flat_map(|d| d.parts.clone()).collect();
    assert_placed_once(&course, &parts, &[]);
    let items: Vec<Item> = whole.days[1].parts.iter().map(|p| p.item).collect();
    assert_eq!(items, [Item::Recap, Item::Introduction]);

    // The short plan: two days of 50 min hold the setup and the introduction only.
    let model = Model {
        short_plan_days: 2,
        ..model
    };
    let short = short_plan(&model, &course);
    assert_eq!(short.days.len(), 2);
    assert_eq!(short.left_out, [0, 1]);
    // Days of 2 h hold both lessons with their first exercises; the rest is homework.
    let model = Model {
        day: 120,
        ..Model::CLASS
    };
    let short = short_plan(&model, &course);
    assert!(short.left_out.is_empty(), "{short:?}");
    assert_days_fit(&model, &short.days);
    let parts: Vec<Part> = short.days.iter().flat_map(|d| d.parts.clone()).collect();
    let homework: Vec<(usize, usize)> =
        short.days.iter().flat_map(|d| d.homework.clone()).collect();
    assert_eq!(homework, [(1, 1)], "rpc.call is homework");
    assert_placed_once(&course, &parts, &homework);
}

#[test]
fn a_long_chapter_is_presented_in_pieces() {
    let fx = timed();
    fx.write(
        "book/src/02-rpc.md",
        &format!("# RPC\n\n{}\n", words(90 * 100)),
    );
    let course = Course::load(fx.path()).unwrap();
    let model = Model::CLASS;
    let parts = plan::course_parts(&model, &course, plan::InClass::All);
    // 101 min of reading and 10 of running: 111 min in two pieces of 56 and 55.
    let rpc: Vec<(Item, u32)> = parts
        .iter()
        .filter(|p| matches!(p.item, Item::Presenting { lesson: 1, .. }))
        .map(|p| (p.item, p.minutes))
        .collect();
    assert_eq!(
        rpc,
        [
            (
                Item::Presenting {
                    lesson: 1,
                    piece: 1,
                    pieces: 2
                },
                56
            ),
            (
                Item::Presenting {
                    lesson: 1,
                    piece: 2,
                    pieces: 2
                },
                55
            ),
        ]
    );
    assert!(
        parts
            .iter()
            .all(|p| p.minutes <= model.longest_part.max(model.setup))
    );
}

#[test]
fn a_part_that_does_not_fit_starts_the_next_day_with_a_recap() {
    let model = Model {
        day: 100,
        ..Model::CLASS
    };
    let part = |minutes| Part {
        item: Item::Introduction,
        minutes,
    };
    let days = pack(&model, &[part(60), part(40), part(50), part(40)]);
    let minutes: Vec<Vec<u32>> = days
        .iter()
        .map(|d| d.parts.iter().map(|p| p.minutes).collect())
        .collect();
    assert_eq!(minutes, [vec![60, 40], vec![15, 50], vec![15, 40]]);
}

#[test]
fn a_day_has_breaks_and_lunch_in_the_gaps() {
    let parts: Vec<(String, u32)> = (0..6).map(|n| (format!("p{n}"), 50)).collect();
    let words = TimelineWords {
        header: "| Time | | Minutes |".into(),
        pause: "*Break*".into(),
        lunch: "*Lunch*".into(),
        end: "*End*".into(),
    };
    let day = timeline(&Model::CLASS, &parts, &words);
    let rows: Vec<&str> = day.lines().skip(2).collect();
    assert_eq!(
        rows,
        [
            "| 09:00 | p0 | 50 |",
            "| 09:50 | p1 | 50 |",
            "| 10:40 | *Break* | 15 |",
            "| 10:55 | p2 | 50 |",
            "| 11:45 | p3 | 50 |",
            "| 12:35 | *Lunch* | 60 |",
            "| 13:35 | p4 | 50 |",
            "| 14:25 | p5 | 50 |",
            "| 15:15 | *End* | |",
        ]
    );
}

#[test]
fn a_missing_timing_is_a_problem() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    assert_eq!(problems(&course), []);

    fx.write(
        "lessons/02-rpc/lesson.toml",
        "id = \"rpc\"\ntitle = \"RPC\"\n\n[[exercise]]\nid = \"rpc.frame\"\ntitle = \"F\"\nfile = \"src/f.rs\"\ntest = \"frame\"\n",
    );
    fx.write("book/src/01-tcp.md", "# TCP\n");
    let course = Course::load(fx.path()).unwrap();
    let found: Vec<String> = problems(&course)
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .collect();
    assert_eq!(
        found,
        [
            "book/src/01-tcp.md:1 has no teacher notes (`<!-- teacher-notes -->`)",
            "lessons/02-rpc/lesson.toml has no timing: add `minutes = { run = N }`, the minutes of running the worked example in class",
        ]
    );
    assert!(Timing::of(&course.root, &course.lessons[1]).is_none());
    let page = time_chapter(&course, None, "<!-- schedule -->\n", Lang::En);
    assert!(page.contains("**Not timed yet:** 02-rpc"), "{page}");
}

#[test]
fn minutes_left_counts_what_is_not_done() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let rpc = &course.lessons[1];
    assert_eq!(minutes_left(rpc, |_| false), 30);
    assert_eq!(minutes_left(rpc, |e| e.id == "rpc.frame"), 15);
    assert_eq!(minutes_left(&course.lessons[0], |_| false), 17);
    assert_eq!(duration(55), "55 min");
    assert_eq!(duration(120), "2 h");
    assert_eq!(duration(185), "3 h 05 min");
    assert_eq!(duration_in(Lang::ZhCn, 185), "3 小时 05 分钟");
    assert_eq!(duration_in(Lang::ZhCn, 55), "55 分钟");
}

#[test]
fn the_schedule_page_of_the_chinese_edition_is_chinese() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let page = time_chapter(&course, None, "<!-- schedule -->\n", Lang::ZhCn);
    for chinese in [
        "## 时间怎么算",
        "每分钟 90 个词",
        "## 整门课程，逐日安排",
        "### 第 1 天：上课",
        "准备：安装工具",
        "| 课 | 阅读 |",
        "讲解参考答案",
        "当天结束",
        "分钟",
    ] {
        assert!(page.contains(chinese), "no {chinese}:\n{page}");
    }
    for english in [
        "Day",
        "Lesson",
        "Reading",
        "Minutes",
        "Total",
        "homework",
        " min",
        "words",
        "Setup",
        "Recap",
        "solutions",
        "seconds",
        "tests",
    ] {
        assert!(!page.contains(english), "{english}:\n{page}");
    }
}

/// The course's own root, two folders above this package.
fn course_root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The schedule page of the course itself: day 1, as the page shows it, holds the setup and
/// the introduction and no more teaching than a class day.
#[test]
fn day_one_of_the_course_holds_at_most_a_class_day() {
    let course = Course::load(&course_root()).unwrap();
    let page = schedule_page(&course, Lang::En);
    let day_one = page
        .split("### Day 1")
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .expect("the page has a day 1");
    let teaching: u32 = day_one
        .lines()
        .filter(|line| !line.contains("*Break*") && !line.contains("*Lunch*"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            cells.get(3)?.parse::<u32>().ok()
        })
        .sum();
    assert!(
        teaching <= 6 * 60,
        "day 1 holds {teaching} min of teaching, more than 6 h:\n{day_one}"
    );
    assert!(day_one.contains("Setup"), "day 1 has no setup:\n{day_one}");
}

#[test]
fn the_course_is_timed_planned_and_every_chapter_has_notes() {
    let root = course_root();
    let course = Course::load(&root).unwrap();
    assert_eq!(problems(&course), []);
    let model = Model::CLASS;
    for lesson in &course.lessons {
        let timing = Timing::of(&root, lesson).unwrap();
        assert!(timing.reading > 0 && timing.run > 0, "{}", lesson.folder);
        for exercise in &lesson.exercises {
            let tests = TestSize::of(lesson, exercise);
            assert!(tests.tests > 0, "{} has no tests", exercise.id);
        }
    }
    let whole = whole_course(&model, &course);
    assert_days_fit(&model, &whole.days);
    let parts: Vec<Part> = whole.days.iter().flat_map(|d| d.parts.clone()).collect();
    assert_placed_once(&course, &parts, &[]);
    let short = short_plan(&model, &course);
    assert_eq!(short.days.len(), model.short_plan_days);
    assert_days_fit(&model, &short.days);

    let chapters = ["introduction.md", "instructor-guide.md", "schedule.md"]
        .into_iter()
        .map(String::from)
        .chain(course.lessons.iter().map(|l| l.chapter_file()));
    for chapter in chapters {
        let text = std::fs::read_to_string(root.join("book/src").join(&chapter)).unwrap();
        assert!(notes::has_notes(&text), "{chapter} has no teacher notes");
        notes::fold_notes(&text, "Teacher notes").unwrap_or_else(|err| panic!("{chapter}: {err}"));
    }
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).unwrap();
    assert!(summary.contains("(instructor-guide.md)") && summary.contains("(schedule.md)"));
    let schedule = std::fs::read_to_string(root.join("book/src/schedule.md")).unwrap();
    assert!(schedule.lines().any(|line| line.trim() == MARKER));
}
