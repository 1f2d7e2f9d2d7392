//! The book the course session serves beside the exercises (`book --for-session`, started
//! by the session in `workbook`, tools/workbook/src/learner/session/book.rs, on the socket
//! it hands over: `listener.rs`).
//!
//! Every edition is built and served, and what a learner should know of it (where it is, a
//! chapter or a translation that does not build, a port another program holds) is one line
//! on standard output, which the session shows as a note between checks. The server stops
//! when its standard input closes: the session holds the other end, so the server never
//! outlives it, however the session ends.

use std::path::Path;

use anyhow::Result;
use axum::Router;
use tokio::io::AsyncReadExt;

use super::listener::{answering_while, take_or_bind};
use super::site::{build_languages, serve};
use workbook::learner::lang;
use workbook_core::language::messages::{Cmd, Msg, tell};
use workbook_core::ui;

/// Builds every edition and serves them, with `views`, on the socket handed over or else on
/// `port`, until standard input closes.
pub async fn serve_for_session(root: &Path, port: u16, views: Router) -> Result<()> {
    let listener = match take_or_bind(port).await {
        Ok(listener) => listener,
        Err(err) => {
            let (mark, why, command) = (ui::yellow("!"), format!("{err:#}"), ui::cmd("doctor"));
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("mark", &mark), ("why", &why), ("command", &command)];
            tell(Cmd::BookNotServed, &args);
            return Ok(());
        }
    };
    let root_to_build = root.to_path_buf();
    let (listener, built) = answering_while(listener, root, move || {
        build_languages(&root_to_build, None)
    })
    .await?;
    let dir = match built {
        Ok((dir, Ok(()))) => dir,
        Ok((dir, Err(translation))) => {
            let (mark, why) = (ui::fail_mark(), format!("{translation:#}"));
            let args: [(&str, &dyn std::fmt::Display); 2] = [("mark", &mark), ("why", &why)];
            tell(Cmd::TranslationDoesNotBuild, &args);
            dir
        }
        Err(err) => {
            let (mark, why) = (ui::fail_mark(), format!("{err:#}"));
            let args: [(&str, &dyn std::fmt::Display); 2] = [("mark", &mark), ("why", &why)];
            tell(Cmd::BookDoesNotBuild, &args);
            return Ok(());
        }
    };
    let url = ui::bold(&lang::book_url(root, port));
    tell(Msg::BookIsAt, &[("mark", &ui::pass_mark()), ("url", &url)]);
    tokio::select! {
        served = serve(listener, dir, root.to_path_buf(), views) => served,
        () = session_ended() => Ok(()),
    }
}

/// Resolves when standard input reaches its end: the session closed it, or is gone.
async fn session_ended() {
    let mut stdin = tokio::io::stdin();
    let mut sink = [0u8; 64];
    while stdin.read(&mut sink).await.is_ok_and(|read| read > 0) {}
}
