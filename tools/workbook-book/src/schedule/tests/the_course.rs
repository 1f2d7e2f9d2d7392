//! The course itself: timed, planned, every chapter with teacher notes, and a first day
//! that fits a class day.

use super::*;

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
