use crate::common::lang::Lang;

use super::plan::{Part, one_day, split_evenly, three_days, timeline, totals_table};
use super::*;
use crate::common::testutil::Fixture;

/// The fixture course, timed: tcp 10 + 5 + 20; rpc 15 + 10 + 25 + 30.
fn timed() -> Fixture {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP sockets\"\n[minutes]\nreading = 10\nrun = 5\n\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"Echo\"\nfile = \"src/exercises/echo.rs\"\ntest = \"echo\"\nminutes = 20\n",
    );
    fx.write(
        "lessons/02-rpc/lesson.toml",
        "id = \"rpc\"\ntitle = \"RPC\"\nminutes = { reading = 15, run = 10 }\n\n[[exercise]]\nid = \"rpc.frame\"\ntitle = \"Frames\"\nfile = \"src/f.rs\"\ntest = \"frame\"\nminutes = 25\n\n[[exercise]]\nid = \"rpc.call\"\ntitle = \"Calls\"\nfile = \"src/c.rs\"\ntest = \"call\"\nminutes = 30\n",
    );
    fx.write(
        "book/src/01-tcp.md",
        "# TCP\n\nText.\n\n<!-- teacher-notes -->\nx\n<!-- /teacher-notes -->\n",
    );
    fx.write(
        "book/src/02-rpc.md",
        "# RPC\n\n<!-- teacher-notes -->\ny\n<!-- /teacher-notes -->\n",
    );
    fx
}

#[test]
fn the_chapter_opens_with_its_minutes() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let chapter = time_chapter(&course, Some("02-rpc.md"), "# RPC\n\nText.\n", Lang::En);
    assert_eq!(
        chapter,
        "# RPC\n\n<p class=\"lesson-time\">About 80 min: reading 15, running 10, exercises 55.</p>\n\n\nText.\n"
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
fn the_schedule_table_adds_up() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let table = totals_table(&course, Lang::En);
    assert!(
        table.contains("| [01 · TCP sockets](01-tcp.md) | 10 | 5 | 20 | 35 min |"),
        "{table}"
    );
    assert!(
        table.contains("| [02 · RPC](02-rpc.md) | 15 | 10 | 55 | 1 h 20 min |"),
        "{table}"
    );
    assert!(
        table.contains("| **The course** | 25 min | 15 min | 1 h 15 min | **1 h 55 min** |"),
        "{table}"
    );
    let page = time_chapter(
        &course,
        Some("schedule.md"),
        "# Schedule\n\n<!-- schedule -->\n",
        Lang::En,
    );
    assert!(!page.contains(MARKER), "{page}");
    assert!(page.contains("### 02 · RPC — 1 h 20 min"), "{page}");
    assert!(page.contains("| `rpc.call`: Calls | 30 |"), "{page}");
    assert_eq!(super::plan::cell("a|b"), "a\\|b", "a | would end the cell");
    assert!(page.contains("### Day 2"), "{page}");
}

#[test]
fn the_plans_hold_every_part_once() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let tour = one_day(&course, Lang::En);
    assert_eq!(tour.iter().map(|p| p.minutes).collect::<Vec<_>>(), [35, 50]);
    assert!(tour[1].what.ends_with("`rpc.frame`"), "{tour:?}");
    let days = three_days(&course, Lang::En);
    assert_eq!(days.len(), 2, "two lessons make two days at most");
    let minutes: u32 = days
        .iter()
        .flat_map(|day| day.parts.iter().chain(&day.homework))
        .map(|p| p.minutes)
        .sum();
    assert_eq!(minutes, 35 + 80);
    assert!(days.iter().all(|day| day.homework.is_empty()), "{days:?}");
}

#[test]
fn a_day_too_long_sends_exercises_to_homework() {
    let fx = timed();
    // rpc's exercises now take 200 + 300 minutes: one day, more than 6 h 30 of class.
    let toml = fx.path().join("lessons/02-rpc/lesson.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    let text = text
        .replace("minutes = 25", "minutes = 200")
        .replace("minutes = 30", "minutes = 300");
    fx.write("lessons/02-rpc/lesson.toml", &text);
    let course = Course::load(fx.path()).unwrap();
    let days = three_days(&course, Lang::En);
    let rpc = &days[1];
    assert_eq!(rpc.homework.len(), 1, "{rpc:?}");
    assert!(rpc.homework[0].what.starts_with("`rpc.call`"), "{rpc:?}");
    assert!(
        rpc.parts.iter().any(|p| p.what.starts_with("`rpc.frame`")),
        "the first stays"
    );
    // The tour leaves out a first exercise that does not fit.
    fx.write(
        "lessons/01-tcp/lesson.toml",
        &std::fs::read_to_string(fx.path().join("lessons/01-tcp/lesson.toml"))
            .unwrap()
            .replace("minutes = 20", "minutes = 400"),
    );
    let course = Course::load(fx.path()).unwrap();
    let tour = one_day(&course, Lang::En);
    assert_eq!(tour[0].minutes, 15, "{tour:?}");
}

#[test]
fn days_are_cut_evenly_at_lessons() {
    assert_eq!(split_evenly(&[60, 60, 60, 60, 60, 60], 3), [2, 4, 6]);
    assert_eq!(split_evenly(&[200, 10, 10, 10, 200], 3), [1, 4, 5]);
    assert_eq!(split_evenly(&[5], 3), [1]);
    assert_eq!(split_evenly(&[], 3), Vec::<usize>::new());
}

#[test]
fn a_day_has_breaks_and_lunch_in_the_gaps() {
    let parts: Vec<Part> = (0..6)
        .map(|n| Part {
            what: format!("p{n}"),
            minutes: 50,
        })
        .collect();
    let day = timeline(&parts, Lang::En);
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
            "| 15:15 | *End of the day* | |",
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
            "lessons/02-rpc/lesson.toml has no timing: add `[minutes]` with `reading = N` and `run = N`",
            "lessons/02-rpc/lesson.toml exercise `rpc.frame` has no `minutes = N`",
        ]
    );
    assert!(Timing::of(&course.lessons[1]).is_none());
    let page = time_chapter(&course, None, "<!-- schedule -->\n", Lang::En);
    assert!(page.contains("**Not timed yet:** 02-rpc"), "{page}");
}

#[test]
fn minutes_left_counts_what_is_not_done() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let exercises = &course.lessons[1].exercises;
    assert_eq!(minutes_left(exercises, |_| false), 55);
    assert_eq!(minutes_left(exercises, |e| e.id == "rpc.frame"), 30);
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
        "## 一天：概览",
        "### 第 1 天",
        "| 课 | 阅读 |",
        "当天结束",
        "分钟",
    ] {
        assert!(page.contains(chinese), "no {chinese}:\n{page}");
    }
    for english in [
        "Day", "Lesson", "Reading", "Minutes", "Total", "homework", " min",
    ] {
        assert!(!page.contains(english), "{english}:\n{page}");
    }
}

#[test]
fn the_course_is_timed_and_every_chapter_has_notes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let course = Course::load(&root).unwrap();
    assert_eq!(problems(&course), []);
    for lesson in &course.lessons {
        let timing = Timing::of(lesson).unwrap();
        assert!(timing.reading > 0 && timing.run > 0, "{}", lesson.folder);
        assert!(
            lesson.exercises.iter().all(|e| e.minutes > Some(0)),
            "{}",
            lesson.folder
        );
    }
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
