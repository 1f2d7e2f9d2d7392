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
//! sentence in each, the ports a copy of the course uses, the `.workbook/` folder) is the
//! crate `workbook_core` (tools/workbook-core).
//!
//! The rooms point one way: an arrow is a `use crate::…` of the room it points at, and no
//! room points back at one that points at it, so each can be read without the ones above.
//!
//! ```text
//!   cli ──────────► system ──► book ──► wire
//!    │                          ▲
//!    └──► wire      learner ────┤
//!                     ▲         │
//!         teacher ────┴─────────┘
//!
//!   all of them ──► workbook_core
//! ```
//!
//! What two rooms both need moves down into `workbook_core`, not across.
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
