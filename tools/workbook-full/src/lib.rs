//! The course runner's other program, `workbook-full`: every command but the learner's loop,
//! one room for each audience. `workbook` (tools/workbook) builds it the first time one of
//! these commands is asked for and hands it the command line; the maintainers' checks
//! (`workbook-dev`, tools/workbook-dev) use its rooms too.
//!
//! - `book`: the book, built and served, and its translations' catalogs: the crate
//!   `workbook-book` (tools/workbook-book), which serves it alone for the course session;
//!   here it is served with the trace view (`book`);
//! - `system/`: `services`, `up`, `status`, `down`, `ports` and `doctor`;
//! - `teacher/`: `report`, `book --pdf` and `bundle`;
//! - `wire/`: `wire`, the live view of the messages between a learner's client and server;
//! - `traces/`: the OTLP receiver and `/traces`, the live view of the spans the course's
//!   services send (lesson 15), added to the book this program serves.
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
//!   system ──► wire, traces ──► book (the crate workbook_book)
//!                                ▲
//!   teacher ─────────────────────┴──► workbook::learner
//!
//!   all of them ──► workbook::cli, workbook_core
//! ```
//!
//! What two rooms both need moves down into `workbook_core`, not across.

pub use workbook_book as book;
pub mod system;
pub mod teacher;
#[cfg(any(test, feature = "testutil"))]
pub use workbook_book::testutil;
pub mod traces;
pub mod wire;
