//! How the course counts minutes (the book's schedule, a learner's `list`): one model, its numbers named here and printed on the
//! schedule page, so that a teacher can check each of them and change the ones that do not
//! fit their class.
//!
//! Nothing is guessed per lesson except the minutes of running the worked example (`run`
//! in `lesson.toml`): presenting a chapter is counted from its words and the lines of its
//! listings, an exercise from the size of its tests, and the class's own items (setup, the
//! introduction, recaps, going over the solutions, breaks) are fixed minutes.

use crate::course::{Exercise, Lesson};
use crate::language::messages::{Page, say_in};
use crate::language::{self, Lang};

/// The numbers of the model. [`Model::CLASS`] is the one the book is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Model {
    /// Prose presented in class, read and talked through with the class: words a minute.
    /// A reader alone reads 200 or more; a class that stops at each new idea, far fewer.
    pub words_per_minute: u32,
    /// A listing walked through line by line: seconds a line.
    pub seconds_per_listing_line: u32,
    /// An exercise: minutes for reading its task and its file before the first test...
    pub exercise_base: u32,
    /// ...and for each test it has to pass (each is one behaviour to get right)...
    pub minutes_per_test: u32,
    /// ...and one more for this many lines of its test file (what the tests set up to check).
    pub test_lines_per_minute: u32,
    /// No exercise is shorter than this, however small its tests.
    pub exercise_floor: u32,
    /// Going over the solutions after a lesson's exercises: minutes per exercise.
    pub solutions_per_exercise: u32,
    /// The first morning: installing the tools, building the course, `doctor`.
    pub setup: u32,
    /// The introduction chapter, presented once, after the setup.
    pub introduction: u32,
    /// The recap at the start of each day but the first.
    pub recap: u32,
    /// Minutes of teaching in a class day, breaks and lunch apart.
    pub day: u32,
    /// The day starts at this clock time (minutes after midnight).
    pub day_starts: u32,
    /// The longest stretch of class without a break: a break comes before a part that
    /// would take the class past it.
    pub longest_stretch: u32,
    /// A chapter that takes longer than this to present is presented in pieces.
    pub longest_part: u32,
    /// A learner's sitting, alone: reading a chapter, running its example and doing the
    /// exercises of that stretch. A chapter longer than this marks places to stop.
    pub longest_sitting: u32,
    /// A break between two parts.
    pub pause: u32,
    /// Lunch: at the first gap at or after `lunch_from`, this long.
    pub lunch_from: u32,
    pub lunch: u32,
    /// The days of the short plan.
    pub short_plan_days: usize,
}

impl Model {
    pub const CLASS: Model = Model {
        words_per_minute: 90,
        seconds_per_listing_line: 3,
        exercise_base: 5,
        minutes_per_test: 3,
        test_lines_per_minute: 20,
        exercise_floor: 15,
        solutions_per_exercise: 3,
        setup: 45,
        introduction: 30,
        recap: 15,
        day: 6 * 60,
        day_starts: 9 * 60,
        longest_stretch: 100,
        longest_part: 60,
        longest_sitting: 180,
        pause: 15,
        lunch_from: 12 * 60,
        lunch: 60,
        short_plan_days: 3,
    };

    /// Minutes to present a chapter of this size, rounded up.
    pub fn reading(&self, chapter: ChapterSize) -> u32 {
        let prose = chapter.words.div_ceil(self.words_per_minute);
        let listings = (chapter.listing_lines * self.seconds_per_listing_line).div_ceil(60);
        prose + listings
    }

    /// Minutes for an exercise whose tests are this size.
    pub fn exercise(&self, tests: TestSize) -> u32 {
        let minutes = self.exercise_base
            + self.minutes_per_test * tests.tests
            + tests.lines.div_ceil(self.test_lines_per_minute);
        minutes.max(self.exercise_floor)
    }

    /// Minutes for going over the solutions of `exercises` exercises.
    pub fn solutions(&self, exercises: usize) -> u32 {
        self.solutions_per_exercise * exercises as u32
    }
}

/// What presenting a chapter takes: its words of prose, and the lines of its listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ChapterSize {
    pub words: u32,
    pub listing_lines: u32,
}

/// What an exercise's tests ask: how many tests, and how many lines their file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TestSize {
    pub tests: u32,
    pub lines: u32,
}

impl TestSize {
    /// The tests of `exercise`: `tests/<test>.rs` in its lesson with the files it includes by
    /// `#[path]`, the tests whose names hold its
    /// `filter` if it has one (and that share of the file's lines). No file: no tests.
    pub fn of(lesson: &Lesson, exercise: &Exercise) -> TestSize {
        let source = lesson.test_source(&exercise.test).unwrap_or_default();
        TestSize::measure(&source, exercise.filter.as_deref())
    }

    /// The tests in `source` whose names hold `filter` (all without one).
    pub fn measure(source: &str, filter: Option<&str>) -> TestSize {
        let names = test_names(source);
        let kept = names
            .iter()
            .filter(|name| filter.is_none_or(|f| name.contains(f)))
            .count() as u32;
        let lines = source.lines().count() as u32;
        let lines = match names.len() as u32 {
            0 => 0,
            all => lines * kept / all,
        };
        TestSize { tests: kept, lines }
    }
}

/// The names of the `#[test]` and `#[tokio::test]` functions in a test file.
fn test_names(source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut marked = false;
    for line in source.lines().map(str::trim_start) {
        if line.starts_with("#[test]") || line.starts_with("#[tokio::test") {
            marked = true;
        } else if marked && let Some(at) = line.find("fn ") {
            let name: String = line[at + 3..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            names.push(name);
            marked = false;
        }
    }
    names
}

/// An exercise's minutes in `model`, from its tests.
pub fn exercise_minutes(model: &Model, lesson: &Lesson, exercise: &Exercise) -> u32 {
    model.exercise(TestSize::of(lesson, exercise))
}

/// "45 min", "1 h", "2 h 05 min" in the language of this run.
pub fn duration(minutes: u32) -> String {
    duration_in(language::current(), minutes)
}

/// "45 min", "1 h", "2 h 05 min"; "45 分钟", "2 小时 05 分钟".
pub fn duration_in(lang: Lang, minutes: u32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => say_in(lang, Page::Minutes, &[("m", &m)]),
        (h, 0) => say_in(lang, Page::Hours, &[("h", &h)]),
        (h, m) => say_in(
            lang,
            Page::HoursMinutes,
            &[("h", &h), ("m", &format!("{m:02}"))],
        ),
    }
}

/// Minutes of the lesson's exercises not yet done, for `list`.
pub fn minutes_left(lesson: &Lesson, done: impl Fn(&Exercise) -> bool) -> u32 {
    lesson
        .exercises
        .iter()
        .filter(|exercise| !done(exercise))
        .map(|exercise| exercise_minutes(&Model::CLASS, lesson, exercise))
        .sum()
}
