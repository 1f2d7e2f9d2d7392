//! The course runner, as a learner first builds it: the learner's loop and the command line.
//! `cargo run -p workbook` starts the course session; `check`, `hint`, `solution`, `reset`,
//! `list` and `lang` run here too, and `book` starts here.
//!
//! - `learner/`: the course session, `list`, `check`, `hint`, `solution`, `reset`, `lang`;
//! - `cli/`: the command line, every command of the runner's, in the learner's language;
//! - `book/`: the book's address answered while the book's server is on its way (the
//!   chapters read from their Markdown), and the `book` command;
//! - `handoff.rs`: the other commands (the services, the wire view, the teacher's tools, the
//!   book's PDF) are the program `workbook-full` (tools/workbook-full), built the first time
//!   one is asked for, and handed the command line.
//!
//! Two programs, so that a fresh clone shows its first screen after building little:
//! mdBook, axum, the embedded agent and protobuf reflection are most of the runner's
//! build, and a learner's first minutes need none of them.
//!
//! What both programs stand on (the course, cargo, test runs, printing, the language and
//! every sentence in each, the ports a copy of the course uses, the `.workbook/` folder) is
//! the crate `workbook_core` (tools/workbook-core). The rooms of `workbook-full` use this
//! crate's (a teacher's report reads the learners' progress kept in `learner/state.rs`);
//! nothing here uses theirs.

pub mod book;
pub mod cli;
pub mod handoff;
pub mod learner;
pub mod lock;
pub mod start;
