//! The book's chapters as text, before any renderer sees them: the listings a chapter pulls
//! in with `{{#include}}` (`includes.rs`) and the teacher notes it keeps between two comments
//! (`notes.rs`); and a chapter as plain HTML, for the runner (`html.rs`).
//!
//! Three programs read chapters this way: the book's server (tools/workbook-book, whose
//! mdBook preprocessors and schedule stand on it), the runner, which shows a chapter while
//! the book's server is still being built (tools/workbook, `preview`), and `verify`, which
//! checks that every include resolves. Here, so that the runner reads them without building
//! mdBook.

pub mod html;
pub mod includes;
pub mod notes;

/// The folders of the repository that chapters link to (`../../lessons/01-tcp/src/…`, which
/// a browser reads as `/lessons/01-tcp/src/…`): whatever serves the book serves them beside it.
pub const SOURCE_FOLDERS: [&str; 5] = ["lessons", "shared", "micro", "tools", "proto"];
