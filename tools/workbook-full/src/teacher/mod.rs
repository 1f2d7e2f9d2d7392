//! For a teacher: `report` turns a learner's progress into a block to read or a JSON file
//! to hand in, and `report --class` reads many of those into one table; `book --pdf`
//! prints the book, and `bundle` writes the handout (book, PDF, solutions) to a folder.
//!
//! Called by `main` for `report`, `book --pdf` and `bundle`; it reads what `learner` keeps.

pub mod bundle;
pub mod class;
pub mod pdf;
pub mod report;
