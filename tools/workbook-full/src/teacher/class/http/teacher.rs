//! The teacher's routes: the dashboard (a page with nothing of the class in it), its live
//! stream of the board, and the exports, each behind the teacher's token.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use tokio::sync::broadcast::error::RecvError;
use workbook_core::class;

use super::super::{Class, export, page};
use super::request::{TeacherQuery, is_teacher, not_the_teacher};

/// The page: nothing of the class is in it; it reads the stream with the token it was
/// opened with.
pub(super) async fn dashboard(State(class): State<Arc<Class>>) -> Html<String> {
    Html(page::page(class.lang, &class.row.name))
}

pub(super) async fn stream(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let mut updates = class.updates.subscribe();
    let mut stopping = class.stopping.subscribe();
    let first = class.snapshot();
    let events = async_stream(move |sender| async move {
        if sender.send(first).await.is_err() {
            return;
        }
        loop {
            let update = tokio::select! {
                update = updates.recv() => update,
                // The server stops: the stream ends, and the page reconnects to the next.
                _ = stopping.wait_for(|stop| *stop) => return,
            };
            let next = match update {
                Ok(update) => update.to_string(),
                // Too far behind to catch up message by message: the whole board again.
                Err(RecvError::Lagged(_)) => class.snapshot(),
                Err(RecvError::Closed) => return,
            };
            if sender.send(next).await.is_err() {
                return;
            }
        }
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// A stream of SSE events fed by `produce` through a small channel.
fn async_stream<F, Fut>(
    produce: F,
) -> impl tokio_stream::Stream<Item = Result<SseEvent, Infallible>>
where
    F: FnOnce(tokio::sync::mpsc::Sender<String>) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    use tokio_stream::StreamExt;
    let (sender, receiver) = tokio::sync::mpsc::channel(64);
    tokio::spawn(produce(sender));
    tokio_stream::wrappers::ReceiverStream::new(receiver)
        .map(|data| Ok(SseEvent::default().data(data)))
}

pub(super) async fn export_csv(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let text = {
        let board = class.board();
        export::csv(&class.course, &board, class::now_ms())
    };
    attachment(
        "text/csv; charset=utf-8",
        &format!("{}.csv", class.row.name),
        text,
    )
}

pub(super) async fn export_json(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let reports = {
        let board = class.board();
        export::reports(&class.course, &board, class::now_ms())
    };
    let text = serde_json::to_string_pretty(&reports).unwrap_or_default();
    attachment(
        "application/json",
        &format!("{}.json", class.row.name),
        text,
    )
}

/// A file to save, named `name` (only the characters a file name keeps everywhere).
fn attachment(kind: &'static str, name: &str, text: String) -> Response {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}
