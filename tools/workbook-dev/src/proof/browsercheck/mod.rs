//! The book in a real browser. Headless Chromium, driven by chromedriver over WebDriver,
//! loads every chapter from the runner's own book server in a laptop's window (1366 × 900,
//! the sidebar open) and reports what a reader would find broken: an `{{#include` left
//! unresolved, a link or an image that leads nowhere, a listing, a diagram, a table or any
//! other element wider than the column, its right part hidden behind a scrollbar or cut
//! off (`browsercheck.js` looks). Then it loads them again in a phone's window (390 × 844),
//! where a listing or a table may scroll inside its own box but nothing else may pass the
//! column.
//!
//! `verify` runs it on the book it has just built. Where Chromium or chromedriver is
//! missing or does not start, the check is skipped, and says why.
//!
//! A learner never needs it, so its WebDriver client is compiled only with the
//! `browser-check` feature, as `scripts/test.sh` runs `verify`; without it, the check is
//! skipped and says how to run it.

use workbook_core::problem::Problem;

#[cfg(feature = "browser-check")]
pub(crate) mod chromium;

#[cfg(feature = "browser-check")]
pub use chromium::run;

pub enum BrowserCheck {
    /// Every chapter was loaded; what was found wrong, if anything.
    #[cfg_attr(not(feature = "browser-check"), allow(dead_code))]
    Ran {
        pages: usize,
        /// The windows they were loaded in, width × height: a laptop's, then a phone's.
        windows: [(u32, u32); 2],
        problems: Vec<Problem>,
        seconds: f64,
    },
    /// There is no browser to run it in, and why.
    Skipped(String),
}

/// Built without the `browser-check` feature: the check is skipped, and says how to run it.
#[cfg(not(feature = "browser-check"))]
pub async fn run(_root: &std::path::Path, _html_dir: &std::path::Path) -> BrowserCheck {
    BrowserCheck::Skipped(
        "this runner was built without it (`cargo run -p workbook-dev --features browser-check -- \
         verify`)"
            .to_string(),
    )
}
