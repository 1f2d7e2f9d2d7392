//! The translated edition on a small book: catalogs read and written, a bad one reported,
//! the zh-CN pages built with their switch, their notes and their Chinese search.
//!
//! By subject: catalogs read, written and merged (`catalogs`), the editions built from them
//! (`editions`), what coverage reports (`reports`), and search in Chinese (`search`).

mod catalogs;
mod editions;
mod reports;
mod search;
