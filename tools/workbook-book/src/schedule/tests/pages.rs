//! What the chapters and the schedule page show, in English and in Chinese, and what is
//! reported when a lesson has no timing.

use super::*;

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

#[test]
fn a_chapter_of_two_sittings_says_so_and_shows_where_to_stop() {
    let fx = timed();
    // rpc: 10 min of running, 179 words on each side of the place to stop (2 min each),
    // `rpc.frame` done in the first sitting and `rpc.call` in the second (15 + 3 min each).
    let chapter = format!(
        "# RPC\n\n## Run it\n\n{}\n\n<!-- sitting: rpc.frame -->\n\n{}\n\n<!-- teacher-notes -->\ny\n<!-- /teacher-notes -->\n",
        words(176),
        words(179)
    );
    fx.write("book/src/02-rpc.md", &chapter);
    let course = Course::load(fx.path()).unwrap();
    let dir = fx.path().join("book/src");
    let found = sittings::sittings(&Model::CLASS, &course.lessons[1], &dir);
    assert_eq!(
        found,
        [
            sittings::Sitting {
                minutes: 2 + 10 + 15 + 3,
                exercises: vec!["rpc.frame".into()]
            },
            sittings::Sitting {
                minutes: 2 + 15 + 3,
                exercises: vec!["rpc.call".into()]
            },
        ]
    );
    let shown = time_chapter(&course, Some("02-rpc.md"), &chapter, Lang::En);
    assert!(
        shown.contains("In 2 sittings (30 + 20 min): the chapter marks where to stop."),
        "{shown}"
    );
    assert!(
        shown.contains("<p class=\"place-to-stop\">⏸ A place to stop: sitting 1 of 2 ends here, about 30 min with its exercises (<code>rpc.frame</code>), which need nothing below. The next sitting is about 20 min.</p>"),
        "{shown}"
    );
    assert!(!shown.contains("<!-- sitting"), "{shown}");
    // A marker the chapter on disk does not have (an edition out of step) shows nothing.
    let extra = format!("{chapter}\n<!-- sitting: rpc.call -->\n");
    let shown_extra = time_chapter(&course, Some("02-rpc.md"), &extra, Lang::En);
    assert_eq!(
        shown_extra.matches("place-to-stop").count(),
        1,
        "{shown_extra}"
    );
    let chinese = time_chapter(&course, Some("02-rpc.md"), &chapter, Lang::ZhCn);
    assert!(chinese.contains("分 2 次学完（30 + 20 分钟）"), "{chinese}");
    assert_eq!(problems(&course), []);
}

#[test]
fn a_sitting_too_long_and_a_place_to_stop_that_names_no_exercise_are_problems() {
    let fx = timed();
    let model = Model {
        longest_sitting: 20,
        ..Model::CLASS
    };
    fx.write(
        "book/src/02-rpc.md",
        "# RPC\n\n<!-- sitting: rpc.frame rpc.nothing -->\n\n<!-- sitting: rpc.frame -->\n\nText.\n",
    );
    let course = Course::load(fx.path()).unwrap();
    let found: Vec<String> = sittings::problems(&course, &model)
        .into_iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    let has = |start: &str| found.iter().any(|problem| problem.starts_with(start));
    assert!(
        has("book/src/02-rpc.md:3: the place to stop names `rpc.nothing`"),
        "{found:#?}"
    );
    assert!(
        has("book/src/02-rpc.md:5: `rpc.frame` is named by an earlier"),
        "{found:#?}"
    );
    // tcp: 2 min of reading, 5 of running, 17 + 3 for tcp.echo, all in one sitting.
    assert!(
        has("book/src/01-tcp.md:1: sitting 1 takes about 27 min, more than a sitting's 20 min"),
        "{found:#?}"
    );
}
