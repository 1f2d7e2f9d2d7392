//! The book before its server is up. The book is served by a program of its own,
//! `workbook-book` (tools/workbook-book: mdBook, both editions, their search), or with the
//! trace view by `workbook-full`; on a fresh clone either takes a minute or two to build, and
//! its pages a few seconds to make. Until it answers, the book's address answers here:
//!
//! - `waiting.rs`: the address answered, on a socket the server is handed afterwards;
//! - `preview.rs`: a chapter read from its Markdown, its listings in place, and the files
//!   it shows;
//! - `command.rs`: the `book` command, which serves the book with `workbook-book` (or with
//!   `workbook-full` once that is built, or asked for with `--traces`), answering at once
//!   while it builds.
//!
//! The course session (`learner/session/book.rs`) and the book's server, while it makes its
//! pages, answer with the same two modules.

pub mod command;
pub mod preview;
pub mod waiting;
