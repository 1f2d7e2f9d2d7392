//! What the live views' pages share: `/wire` (the messages a relay sees, `wire_page.rs`) and
//! `/traces` (the spans services send, `workbook-full`'s trace view). Each is one HTML page, in the reader's language,
//! with one stylesheet, fed by server-sent events that the page reads with `EventSource`:
//! no script library, no build step, and an update is on the page as soon as it happens.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use tokio::sync::mpsc;
use workbook_core::language::Lang;
use workbook_core::language::messages::{Message, Page};

/// The style both pages share, put in where a page says `/* view.css */`.
const STYLE: &str = include_str!("view.css");

/// The script both pages share (a table's cells, a row's details), put in where a page's
/// script says `/* view.js */`.
const SCRIPT: &str = include_str!("view.js");

/// The page `template` in `lang`: the shared style and script put in, its `<html lang>`
/// set, and each English fragment of `fragments` replaced by the catalog's words for it, as
/// the book's theme is.
pub fn localised(template: &str, fragments: &[Page], lang: Lang) -> String {
    let page = template
        .replace("/* view.css */", STYLE)
        .replace("/* view.js */", SCRIPT)
        .replace(
            r#"<html lang="en">"#,
            &format!(r#"<html lang="{}">"#, lang.code()),
        );
    fragments.iter().fold(page, |page, fragment| {
        page.replace(fragment.template(Lang::En), fragment.template(lang))
    })
}

/// How many events wait for a slow page before its feeder waits too.
const WAITING: usize = 256;

/// A stream of server-sent events, written by `feed` until the page goes (its sender then
/// fails, and `feed` should end).
pub fn events<F>(feed: impl FnOnce(mpsc::Sender<Event>) -> F) -> impl IntoResponse
where
    F: Future<Output = ()> + Send + 'static,
{
    let (sender, receiver) = mpsc::channel(WAITING);
    tokio::spawn(feed(sender));
    Sse::new(Events(receiver)).keep_alive(KeepAlive::default())
}

/// The events a feed writes, as the stream [`Sse`] sends: each one as it comes, until the
/// feed ends.
struct Events(mpsc::Receiver<Event>);

impl futures_core::Stream for Events {
    type Item = Result<Event, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.0.poll_recv(cx).map(|event| event.map(Ok))
    }
}

#[cfg(any(test, feature = "testutil"))]
pub mod tests {
    use super::*;

    /// Every fragment of `fragments` is on the page `template`, and the Chinese page has
    /// none of their English left.
    pub fn every_fragment_is_translated(template: &str, fragments: &[Page]) {
        for fragment in fragments {
            let english = fragment.template(Lang::En);
            assert!(
                template.contains(english),
                "the page no longer says {english:?}"
            );
        }
        let chinese = localised(template, fragments, Lang::ZhCn);
        for fragment in fragments {
            let english = fragment.template(Lang::En);
            assert!(!chinese.contains(english), "{english:?} is left");
            assert!(chinese.contains(fragment.template(Lang::ZhCn)));
        }
        assert!(chinese.contains(r#"<html lang="zh-CN">"#));
        assert!(chinese.contains(STYLE));
        assert!(chinese.contains(SCRIPT));
    }
}
