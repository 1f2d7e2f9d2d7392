//! `workbook-book`: the course's book, and nothing else. Built with mdBook as a library, its
//! diagrams drawn on the way, both editions (English and zh-CN, `i18n/`) with their search,
//! served on loopback and rebuilt when its sources change; opening a lesson's chapter builds
//! ahead for it when no session does (`reading.rs`).
//!
//! A crate of its own so that serving the book compiles the book alone: mdBook, its i18n
//! helpers, a static file server. The course session builds this program at once, beside
//! the learner's first check, and hands it the book's port (`listener.rs`). `workbook-full`
//! serves the same book with its trace view added (`site::Views`), and builds the
//! handouts and the PDF from it; `workbook-dev verify` checks its pages; `doctor` tells
//! our book server from a stranger on its port ([`SIGNATURE`]).
//!
//! - `site.rs`: building, and serving (`book`); `session.rs`: serving for the session;
//! - `publish.rs`: a rebuild swapped in whole; `reading.rs`: building ahead for a reader;
//! - `listener.rs`: the port, bound here or handed over;
//! - `static_site.rs`: both editions written out as a site to publish;
//! - `wire_page.rs` and `view.rs`: `/wire`, the page of the wire view (whose relays are
//!   `workbook-full`'s), and what the live views' pages share;
//! - `diagrams/`, `notes.rs`, `schedule/`, `i18n/`: what the book's pages are made of (a
//!   chapter's includes and teacher notes as text are `workbook_core::chapter`'s).
//!
//! The modules point one way: `site` and `session` use the rest, which use
//! `workbook_core` (and `workbook::learner` for building ahead and the language).

pub mod diagrams;
pub mod i18n;
pub mod listener;
pub mod notes;
mod publish;
mod reading;
pub mod schedule;
mod session;
mod site;
pub mod static_site;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod view;
pub mod wire_page;

pub use listener::bind;
pub use session::serve_for_session;
pub use site::{
    SIGNATURE, Views, build, build_into, build_languages, build_languages_to, build_verbosely, run,
    serve, url,
};
