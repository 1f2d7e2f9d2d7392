//! The course runner's other program, `workbook-full`: every command but the learner's loop,
//! one room for each audience. `workbook` (tools/workbook) builds it the first time one of
//! these commands is asked for and hands it the command line; the maintainers' checks
//! (`workbook-dev`, tools/workbook-dev) use its rooms too.
//!
//! - `book/`: building and serving the book (`book`), and its translations' catalogs;
//! - `system/`: `services`, `up`, `status`, `down`, `ports` and `doctor`;
//! - `teacher/`: `report`, `book --pdf` and `bundle`;
//! - `wire/`: `wire`, the live view of the messages between a learner's client and server;
//! - `traces/`: the book server's OTLP receiver and `/traces`, the live view of the spans
//!   the course's services send (lesson 15);
//! - `view.rs`: what the two live views' pages share.
//!
//! The learner's room and the command line are the `workbook` crate's; what every room
//! stands on (the course, cargo, test runs, printing, the language and every sentence in
//! each, the ports a copy of the course uses, the `.workbook/` folder) is `workbook_core`
//! (tools/workbook-core).
//!
//! The rooms point one way: an arrow is a `use` of the room it points at, and no room
//! points back at one that points at it, so each can be read without the ones above.
//!
//! ```text
//!   system ──► book ──► wire, traces ──► view
//!               ▲
//!   teacher ────┴────► workbook::learner
//!
//!   all of them ──► workbook::cli, workbook_core
//! ```
//!
//! What two rooms both need moves down into `workbook_core`, not across.

pub mod book;
pub mod system;
pub mod teacher;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod traces;
pub mod view;
pub mod wire;
