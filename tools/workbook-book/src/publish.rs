//! Rebuilding the book while someone reads it.
//!
//! mdBook empties its build folder before it writes a page, so a book rebuilt in place is
//! missing for as long as the build takes, and gone for good if the build then fails. Each
//! rebuild is written instead to a folder of its own beside the one being served, and swapped
//! in whole once it has built: a reader sees the old book or the new one, never half of one,
//! and a rebuild that fails leaves the last good book where it was.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context, Result};
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use tokio::sync::RwLock;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use crate::{i18n, site};

/// The built book being served, and the lock that keeps a swap out of a page being read.
#[derive(Clone)]
pub struct Published {
    live: PathBuf,
    swapping: Arc<RwLock<()>>,
}

impl Published {
    /// The book already built into `live`.
    pub fn new(live: PathBuf) -> Published {
        Published {
            live,
            swapping: Arc::new(RwLock::new(())),
        }
    }

    /// Rebuilds every edition (or only `lang`'s) into a staging folder, then swaps it in.
    /// Blocks: call it from a thread of its own.
    pub fn rebuild(&self, root: &Path, lang: Option<&str>) -> Result<()> {
        let staged = self.beside("next");
        remove(&staged)?;
        let live = match lang.filter(|lang| *lang != i18n::ENGLISH) {
            Some(lang) => {
                i18n::build_edition_beside(root, lang, &self.live, &staged)?;
                self.live.join(lang)
            }
            None => {
                let (_, editions) = site::build_languages_to(root, lang, Some(&staged))?;
                editions?;
                self.live.clone()
            }
        };
        let old = self.beside("old");
        remove(&old)?;
        {
            let _no_reader = self.swapping.blocking_write();
            if live.exists() {
                std::fs::rename(&live, &old)
                    .with_context(|| format!("moving {} aside", live.display()))?;
            }
            std::fs::rename(&staged, &live)
                .with_context(|| format!("moving the new book to {}", live.display()))?;
        }
        remove(&old)
    }

    /// Answers a request for a page, from the book as it is between swaps.
    pub async fn page(&self, request: Request) -> Response {
        let _reading = self.swapping.read().await;
        // The file is open once the response is made; a swap after that cannot take it away.
        let files = ServeDir::new(&self.live).append_index_html_on_directories(true);
        match files.oneshot(request).await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        }
    }

    /// A folder beside the book's own (`book/build.next`), on the same disk, so that
    /// moving it into place is a rename.
    fn beside(&self, what: &str) -> PathBuf {
        let name = self.live.file_name().unwrap_or_default().to_string_lossy();
        self.live.with_file_name(format!("{name}.{what}"))
    }
}

fn remove(dir: &Path) -> Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    Ok(())
}
