//! The course runner's rooms, one for each audience, shared by its two programs:
//! `workbook` (src/main.rs), which learners and teachers run, and `workbook-dev`
//! (tools/workbook-dev), the maintainers' checks of the whole course (`verify`, `i18n`).
//!
//! - `learner/`: the course session, `list`, `check`, `hint`, `solution`, `reset`;
//! - `book/`: building and serving the book (`book`), and its translations' catalogs;
//! - `system/`: `services`, `up`, `status`, `down`, `ports` and `doctor`;
//! - `teacher/`: `report`, `book --pdf` and `bundle`;
//! - `wire/`: `wire`, the live view of the messages between a learner's client and server;
//! - `cli/`: the learner's command line, in the learner's language;
//!
//! What they all stand on (the course, cargo, test runs, printing, the language and every
//! sentence in each) is the crate `workbook_core` (tools/workbook-core).
//!
//! The library never depends on the maintainers' checks: what both programs need lives
//! here, and the checks stay out of the program a learner compiles first.

pub mod book;
pub mod cli;
pub mod learner;
pub mod system;
pub mod teacher;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod wire;
