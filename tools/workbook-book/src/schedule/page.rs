//! The schedule page, in the edition's language: the model with its numbers, every
//! lesson's minutes and the course's, the whole course day by day, what a three-day class
//! holds, and each lesson part by part.

use std::fmt::{Display, Write};

use super::plan::{self, Day, Item, Plan, TimelineWords, cell, clock_time};
use super::{Model, TestSize, Timing, duration_in};
use workbook_core::course::{Course, Lesson};
use workbook_core::language::Lang;
use workbook_core::language::messages::{Page, say_in};

/// The whole page that replaces the schedule marker, in the class's model.
pub fn schedule_page(course: &Course, lang: Lang) -> String {
    page_in_model(&Model::CLASS, course, lang)
}

/// The page in `model`.
pub fn page_in_model(model: &Model, course: &Course, lang: Lang) -> String {
    let writer = Writer {
        model,
        course,
        lang,
    };
    let mut page = String::new();
    let missing: Vec<&str> = course
        .lessons
        .iter()
        .filter(|lesson| lesson.minutes.is_none())
        .map(|lesson| lesson.folder.as_str())
        .collect();
    if !missing.is_empty() {
        let lessons = missing.join(", ");
        let text = writer.say(Page::NotTimedYet, &[("lessons", &lessons)]);
        let _ = writeln!(page, "{text}\n");
    }
    page.push_str(&writer.model_table());
    page.push_str(&writer.totals_table());

    let whole = plan::whole_course(model, course);
    let (days, day) = (whole.days.len(), writer.duration(model.day));
    let text = writer.say(Page::WholeCourseText, &[("days", &days), ("day", &day)]);
    let title = writer.say(Page::WholeCourse, &[]);
    let _ = write!(page, "\n{title}\n\n{text}\n");
    page.push_str(&writer.days(&whole));

    let short = plan::short_plan(model, course);
    let count = model.short_plan_days;
    let title = writer.say(Page::ShortPlan, &[("days", &count)]);
    let text = writer.say(Page::ShortPlanText, &[("days", &count)]);
    let _ = write!(page, "\n{title}\n\n{text}\n");
    page.push_str(&writer.days(&short));
    if !short.left_out.is_empty() {
        let names: Vec<String> = short
            .left_out
            .iter()
            .map(|&l| lesson_name(&course.lessons[l]))
            .collect();
        let minutes: u32 = plan::course_parts(model, course, plan::InClass::First)
            .iter()
            .filter(|part| {
                part.item
                    .lesson()
                    .is_some_and(|l| short.left_out.contains(&l))
            })
            .map(|part| part.minutes)
            .sum();
        let (time, lessons) = (
            writer.duration(minutes),
            names.join(&writer.say(Page::PartsJoin, &[])),
        );
        let text = writer.say(
            Page::LeftForLater,
            &[("time", &time), ("lessons", &lessons)],
        );
        let _ = writeln!(page, "\n{text}");
    }

    let _ = writeln!(page, "\n{}", writer.say(Page::LessonByLesson, &[]));
    for lesson in &course.lessons {
        page.push_str(&writer.lesson_table(lesson));
    }
    page
}

/// What the page is written from, and in which language.
struct Writer<'a> {
    model: &'a Model,
    course: &'a Course,
    lang: Lang,
}

impl Writer<'_> {
    fn say(&self, page: Page, args: &[(&str, &dyn Display)]) -> String {
        say_in(self.lang, page, args)
    }

    fn duration(&self, minutes: u32) -> String {
        duration_in(self.lang, minutes)
    }

    fn timing(&self, lesson: &Lesson) -> Timing {
        Timing::in_model(self.model, &self.course.root, lesson).unwrap_or_default()
    }

    /// The model's numbers, each with what it counts.
    fn model_table(&self) -> String {
        let m = self.model;
        let d = |minutes: u32| self.duration(minutes);
        let (start, lunch_from) = (clock_time(m.day_starts), clock_time(m.lunch_from));
        let rows = [
            self.say(Page::ModelProse, &[("words", &m.words_per_minute)]),
            self.say(
                Page::ModelListings,
                &[("seconds", &m.seconds_per_listing_line)],
            ),
            self.say(Page::ModelRun, &[]),
            self.say(
                Page::ModelExercise,
                &[
                    ("base", &d(m.exercise_base)),
                    ("per_test", &d(m.minutes_per_test)),
                    ("lines", &m.test_lines_per_minute),
                    ("floor", &d(m.exercise_floor)),
                ],
            ),
            self.say(
                Page::ModelSolutions,
                &[("time", &d(m.solutions_per_exercise))],
            ),
            self.say(Page::ModelSetup, &[("time", &d(m.setup))]),
            self.say(Page::ModelIntroduction, &[("time", &d(m.introduction))]),
            self.say(Page::ModelRecap, &[("time", &d(m.recap))]),
            self.say(
                Page::ModelDay,
                &[
                    ("day", &d(m.day)),
                    ("start", &start),
                    ("part", &d(m.longest_part)),
                ],
            ),
            self.say(Page::ModelSitting, &[("sitting", &d(m.longest_sitting))]),
            self.say(
                Page::ModelBreaks,
                &[
                    ("pause", &d(m.pause)),
                    ("stretch", &d(m.longest_stretch)),
                    ("lunch", &d(m.lunch)),
                    ("lunch_from", &lunch_from),
                ],
            ),
        ];
        let mut table = format!(
            "{}\n\n{}\n\n{}\n|---|---|\n",
            self.say(Page::ModelTitle, &[]),
            self.say(Page::ModelText, &[]),
            self.say(Page::ModelHeader, &[])
        );
        for row in rows {
            let _ = writeln!(table, "{row}");
        }
        table
    }

    /// Reading, running, exercises, solutions and total for each lesson; the class's own
    /// items; the course.
    fn totals_table(&self) -> String {
        let header = self.say(Page::TotalsHeader, &[]);
        let mut table = format!("\n{header}\n|---|--:|--:|--:|--:|--:|\n");
        let mut sum = Timing::default();
        for lesson in &self.course.lessons {
            let t = self.timing(lesson);
            sum.reading += t.reading;
            sum.run += t.run;
            sum.exercises += t.exercises;
            sum.solutions += t.solutions;
            let _ = writeln!(
                table,
                "| [{}]({}) | {} | {} | {} | {} | {} |",
                lesson_name(lesson),
                lesson.chapter_file(),
                t.reading,
                t.run,
                t.exercises,
                t.solutions,
                self.duration(t.total())
            );
        }
        let recaps = plan::whole_course(self.model, self.course)
            .days
            .len()
            .saturating_sub(1) as u32;
        let items = self.model.setup + self.model.introduction + recaps * self.model.recap;
        let what = self.say(Page::ClassItems, &[("recaps", &recaps)]);
        let _ = writeln!(table, "| {what} | | | | | {} |", self.duration(items));
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | {} | **{}** |",
            self.say(Page::TheCourse, &[]),
            self.duration(sum.reading),
            self.duration(sum.run),
            self.duration(sum.exercises),
            self.duration(sum.solutions),
            self.duration(sum.total() + items)
        );
        table
    }

    /// Each day of `plan`: its title, its clock, and its homework.
    fn days(&self, plan: &Plan) -> String {
        let words = TimelineWords {
            header: self.say(Page::TimelineHeader, &[]),
            pause: self.say(Page::Break, &[]),
            lunch: self.say(Page::Lunch, &[]),
            end: self.say(Page::EndOfDay, &[]),
        };
        let mut text = String::new();
        for (number, day) in plan.days.iter().enumerate() {
            let time = self.duration(day.minutes());
            let title = self.say(Page::Day, &[("number", &(number + 1)), ("time", &time)]);
            let parts: Vec<(String, u32)> = day
                .parts
                .iter()
                .map(|part| (self.name(part.item), part.minutes))
                .collect();
            let _ = write!(text, "\n{title}\n\n");
            text.push_str(&plan::timeline(self.model, &parts, &words));
            text.push_str(&self.homework(day));
        }
        text
    }

    /// The line of a day's homework, if it has any.
    fn homework(&self, day: &Day) -> String {
        if day.homework.is_empty() {
            return String::new();
        }
        let mut minutes = 0;
        let mut names = Vec::new();
        for &(l, e) in &day.homework {
            let lesson = &self.course.lessons[l];
            minutes += super::exercise_minutes(self.model, lesson, &lesson.exercises[e]);
            names.push(self.name(Item::Exercise {
                lesson: l,
                exercise: e,
            }));
        }
        let (time, parts) = (
            self.duration(minutes),
            names.join(&self.say(Page::PartsJoin, &[])),
        );
        let line = self.say(Page::Homework, &[("time", &time), ("parts", &parts)]);
        format!("\n{line}\n")
    }

    /// What a part is called in a day's table.
    fn name(&self, item: Item) -> String {
        let lessons = &self.course.lessons;
        match item {
            Item::Setup => self.say(Page::Setup, &[]),
            Item::Introduction => self.say(Page::Introduction, &[]),
            Item::Recap => self.say(Page::Recap, &[]),
            Item::Presenting {
                lesson, pieces: 1, ..
            } => self.say(
                Page::Presenting,
                &[("lesson", &lesson_name(&lessons[lesson]))],
            ),
            Item::Presenting {
                lesson,
                piece,
                pieces,
            } => self.say(
                Page::PresentingPiece,
                &[
                    ("lesson", &lesson_name(&lessons[lesson])),
                    ("piece", &piece),
                    ("pieces", &pieces),
                ],
            ),
            Item::Exercise { lesson, exercise } => {
                let exercise = &lessons[lesson].exercises[exercise];
                self.say(
                    Page::ExercisePart,
                    &[("id", &exercise.id), ("title", &exercise.title)],
                )
            }
            Item::Solutions { lesson } => self.say(
                Page::Solutions,
                &[("lesson", &lesson_name(&lessons[lesson]))],
            ),
        }
    }

    /// One lesson's parts and their minutes, with what each was counted from.
    fn lesson_table(&self, lesson: &Lesson) -> String {
        let t = self.timing(lesson);
        let size = super::chapter_size(&self.course.root, &lesson.chapter_file());
        let reading = self.say(
            Page::ReadingTheChapter,
            &[("words", &size.words), ("lines", &size.listing_lines)],
        );
        let mut table = format!(
            "\n### {} — {}\n\n{}\n|---|--:|\n| {reading} | {} |\n| {} | {} |\n",
            lesson_name(lesson),
            self.duration(t.total()),
            self.say(Page::PartsHeader, &[]),
            t.reading,
            self.say(Page::RunningTheExample, &[]),
            t.run
        );
        for exercise in &lesson.exercises {
            let tests = TestSize::of(lesson, exercise);
            let what = cell(&self.say(
                Page::ExerciseRow,
                &[
                    ("id", &exercise.id),
                    ("title", &exercise.title),
                    ("tests", &tests.tests),
                    ("lines", &tests.lines),
                ],
            ));
            let _ = writeln!(table, "| {what} | {} |", self.model.exercise(tests));
        }
        let solutions = self.say(Page::SolutionsRow, &[]);
        let _ = writeln!(table, "| {solutions} | {} |", t.solutions);
        let total = self.say(Page::TotalRow, &[]);
        let _ = writeln!(table, "| {total} | **{}** |", t.total());
        table
    }
}

fn lesson_name(lesson: &Lesson) -> String {
    format!("{} · {}", lesson.number(), lesson.title)
}
