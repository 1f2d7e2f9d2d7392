//! Building ahead while the book is read without a session: a learner who opens a lesson's
//! chapter (`/14-deploy.html`, or `/zh-CN/14-deploy.html`) in `book`'s server will check
//! its exercises soon, so what they need is built while the chapter is read, as the
//! session does (`workbook::learner::ahead`, the one home of building ahead). While a
//! session is open, it builds ahead, and the server leaves it to it.

use std::sync::Mutex;

use workbook::learner::ahead::Ahead;
use workbook_core::course::Course;

/// The course being read, and what is built ahead for it.
pub struct Reading {
    course: Course,
    ahead: Mutex<Ahead>,
}

impl Reading {
    pub fn new(course: Course) -> Reading {
        let ahead = Mutex::new(Ahead::for_reader(&course));
        Reading { course, ahead }
    }

    /// A page at `path` was asked for: a lesson's chapter starts the build ahead for that
    /// lesson, and its line is printed. Call it within the server's runtime.
    pub fn opened(&self, path: &str) {
        let Some(lesson) = self.lesson_of(path) else {
            return;
        };
        let note = self
            .ahead
            .lock()
            .ok()
            .and_then(|mut ahead| ahead.opened(&self.course, lesson));
        if let Some(note) = note {
            println!("{note}");
        }
    }

    /// The lesson whose chapter is at `path`: the page is named as the lesson's folder.
    fn lesson_of(&self, path: &str) -> Option<&str> {
        let page = path.rsplit('/').next()?.strip_suffix(".html")?;
        let lesson = self.course.lessons.iter().find(|l| l.folder == page)?;
        Some(&lesson.id)
    }
}
