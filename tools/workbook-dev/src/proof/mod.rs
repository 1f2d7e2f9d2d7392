//! The course proves itself, for maintainers and CI: `verify` (every stub fails, every
//! solution passes), lessons that stand alone, the book's includes and transcripts, and
//! its pages in a real browser.
//!
//! Called by `main` for `verify`, which `scripts/test.sh` runs. A learner never needs it.

pub mod answers;
pub mod bookcheck;
pub mod browsercheck;
pub mod catalog;
pub mod fences;
pub mod isolation;
pub mod junit;
pub mod pathcheck;
pub mod terms;
pub mod test_messages;
pub mod titles;
pub mod transcripts;
pub mod unfinished;
pub mod verify;
pub mod waitcheck;
pub mod workspace;
