//! The book: built with mdBook as a library, its diagrams drawn on the way, and served on
//! loopback, rebuilt when its sources change; opening a lesson's chapter builds ahead for
//! it when no session does (`reading.rs`).
//!
//! Called by `main` for `book`, by the learner's session (which serves it beside the
//! exercises, through `book --for-session`), by `workbook-dev verify` (which checks its pages) and by `doctor` (which
//! tells our book server from a stranger on its port).

pub mod diagrams;
pub mod i18n;
pub mod includes;
pub mod notes;
mod publish;
mod reading;
pub mod schedule;
mod session;
mod site;

pub use session::serve_for_session;
pub use site::{
    SIGNATURE, bind, build, build_into, build_languages, build_languages_to, run, serve, url,
};
