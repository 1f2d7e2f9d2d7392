//! The class server's HTTP routes: a learner's join and verdicts, the teacher's page, its
//! live stream and the exports. Every refusal is a 4xx with its reason in one line of
//! JSON (`workbook_core::class::Refused`), in the teacher's language.

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event as SseEvent, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use workbook_core::class::{
    self, Accepted, BadName, Batch, HELLO_PATH, JOIN_PATH, Join, Joined, Refused, VERDICTS_PATH,
};
use workbook_core::language::messages::{ClassMsg, say_in};

use super::guard::{self, MAX_LEARNERS};
use super::store::Event;
use super::{Class, export, page};

/// The largest join request read.
const MAX_JOIN_BYTES: usize = 4 * 1024;

pub fn routes(class: Arc<Class>) -> Router {
    Router::new()
        .route("/", get(dashboard))
        .route(JOIN_PATH, post(join))
        .route(VERDICTS_PATH, post(verdicts))
        .route(
            HELLO_PATH,
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
        .route("/api/stream", get(stream))
        .route("/export.csv", get(export_csv))
        .route("/export.json", get(export_json))
        .with_state(class)
}

/// A refusal: `status`, and why.
fn refuse(status: StatusCode, why: String) -> Response {
    (status, axum::Json(Refused { error: why })).into_response()
}

impl Class {
    fn say(&self, msg: ClassMsg, args: &[(&str, &dyn std::fmt::Display)]) -> String {
        say_in(self.lang, msg, args)
    }
}

/// Reads a body of at most `max` bytes as JSON of type `T`.
async fn read_json<T: serde::de::DeserializeOwned>(
    class: &Class,
    body: Body,
    max: usize,
) -> Result<T, Response> {
    let bytes: Bytes = axum::body::to_bytes(body, max).await.map_err(|_| {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            class.say(ClassMsg::RefuseTooLarge, &[("max", &max)]),
        )
    })?;
    serde_json::from_slice(&bytes).map_err(|err| {
        refuse(
            StatusCode::BAD_REQUEST,
            class.say(ClassMsg::RefuseJson, &[("why", &err)]),
        )
    })
}

async fn join(State(class): State<Arc<Class>>, body: Body) -> Response {
    if !class.limits.join() {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            class.say(ClassMsg::RefuseBusy, &[]),
        );
    }
    let request: Join = match read_json(&class, body, MAX_JOIN_BYTES).await {
        Ok(request) => request,
        Err(refused) => return refused,
    };
    if !guard::same_secret(&request.code.trim().to_uppercase(), &class.row.code) {
        return refuse(StatusCode::FORBIDDEN, class.say(ClassMsg::RefuseCode, &[]));
    }
    let name = match class::check_name(&request.name) {
        Ok(name) => name,
        Err(bad) => {
            let why = match bad {
                BadName::Empty => ClassMsg::NameEmpty,
                BadName::TooLong => ClassMsg::NameTooLong,
                BadName::ControlCharacter => ClassMsg::NameControl,
            };
            let why = class.say(why, &[("max", &class::MAX_NAME_CHARS)]);
            return refuse(
                StatusCode::UNPROCESSABLE_ENTITY,
                class.say(ClassMsg::RefuseName, &[("why", &why)]),
            );
        }
    };
    if class.learner_count() >= MAX_LEARNERS {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            class.say(ClassMsg::RefuseFull, &[("max", &MAX_LEARNERS)]),
        );
    }
    let token = guard::token(16);
    let joined_ms = class::now_ms();
    match class
        .writer
        .join(name.clone(), token.clone(), joined_ms)
        .await
    {
        Ok(Some(id)) => {
            class.joined(id, &name, &token, joined_ms);
            axum::Json(Joined {
                token,
                class: class.row.name.clone(),
            })
            .into_response()
        }
        Ok(None) => refuse(
            StatusCode::CONFLICT,
            class.say(ClassMsg::RefuseNameTaken, &[]),
        ),
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// The bearer token of a request.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

async fn verdicts(State(class): State<Arc<Class>>, headers: HeaderMap, body: Body) -> Response {
    let Some(learner) = bearer(&headers).and_then(|token| class.learner_of(token)) else {
        return refuse(
            StatusCode::UNAUTHORIZED,
            class.say(ClassMsg::RefuseToken, &[]),
        );
    };
    if !class.limits.learner(learner) {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            class.say(ClassMsg::RefuseBusy, &[]),
        );
    }
    let batch: Batch = match read_json(&class, body, class::MAX_BODY_BYTES).await {
        Ok(batch) => batch,
        Err(refused) => return refused,
    };
    let events = match events_of(&class, learner, batch) {
        Ok(events) => events,
        Err(why) => return refuse(StatusCode::BAD_REQUEST, why),
    };
    match class.writer.keep(events).await {
        Ok(new) => {
            let kept = new.len();
            class.kept(&new);
            axum::Json(Accepted { kept }).into_response()
        }
        Err(err) => refuse(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
    }
}

/// A batch's verdicts as events, checked, with times on the server's clock; or why not.
fn events_of(class: &Class, learner: i64, batch: Batch) -> Result<Vec<Event>, String> {
    if batch.verdicts.is_empty() || batch.verdicts.len() > class::MAX_BATCH {
        return Err(class.say(ClassMsg::RefuseBatch, &[("max", &class::MAX_BATCH)]));
    }
    let now = class::now_ms();
    let too_long = |field: &str, max: usize| {
        class.say(ClassMsg::RefuseTooLong, &[("field", &field), ("max", &max)])
    };
    let mut events = Vec::with_capacity(batch.verdicts.len());
    for verdict in batch.verdicts {
        if verdict.exercise.chars().count() > class::MAX_EXERCISE_CHARS {
            return Err(too_long("exercise", class::MAX_EXERCISE_CHARS));
        }
        if !class.exercises.contains(&verdict.exercise) {
            return Err(class.say(ClassMsg::RefuseExercise, &[("id", &verdict.exercise)]));
        }
        if verdict
            .test
            .as_ref()
            .is_some_and(|t| t.chars().count() > class::MAX_TEST_CHARS)
        {
            return Err(too_long("test", class::MAX_TEST_CHARS));
        }
        if verdict
            .message
            .as_ref()
            .is_some_and(|m| m.chars().count() > class::MAX_MESSAGE_CHARS)
        {
            return Err(too_long("message", class::MAX_MESSAGE_CHARS));
        }
        // How long before sending it was made, by the learner's clock, taken from now.
        let age = batch.sent_ms.saturating_sub(verdict.at_ms);
        events.push(Event {
            learner,
            seq: verdict.seq.min(i64::MAX as u64),
            exercise: verdict.exercise,
            passed: verdict.passed,
            test: verdict
                .test
                .map(|t| class::one_line(&t, class::MAX_TEST_CHARS)),
            message: verdict
                .message
                .map(|m| class::one_line(&m, class::MAX_MESSAGE_CHARS)),
            hints: verdict.hints,
            at_ms: now.saturating_sub(age),
            received_ms: now,
        });
    }
    Ok(events)
}

#[derive(Debug, Deserialize)]
struct TeacherQuery {
    token: Option<String>,
}

/// Whether a request carries the teacher's token (`?token=` or `Authorization: Bearer`).
fn is_teacher(class: &Class, query: &TeacherQuery, headers: &HeaderMap) -> bool {
    query
        .token
        .as_deref()
        .or_else(|| bearer(headers))
        .is_some_and(|token| guard::same_secret(token, &class.row.teacher_token))
}

fn not_the_teacher(class: &Class) -> Response {
    refuse(
        StatusCode::FORBIDDEN,
        class.say(ClassMsg::RefuseTeacher, &[]),
    )
}

/// The page: nothing of the class is in it; it reads the stream with the token it was
/// opened with.
async fn dashboard(State(class): State<Arc<Class>>) -> Html<String> {
    Html(page::page(class.lang, &class.row.name))
}

async fn stream(
    State(class): State<Arc<Class>>,
    Query(query): Query<TeacherQuery>,
    headers: HeaderMap,
) -> Response {
    if !is_teacher(&class, &query, &headers) {
        return not_the_teacher(&class);
    }
    let mut updates = class.updates.subscribe();
    let first = class.snapshot();
    let events = async_stream(move |sender| async move {
        if sender.send(first).await.is_err() {
            return;
        }
        loop {
            let next = match updates.recv().await {
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

async fn export_csv(
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

async fn export_json(
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

/// The learners whose rows `events` changed, once each.
pub fn learners_of(events: &[Event]) -> BTreeSet<i64> {
    events.iter().map(|event| event.learner).collect()
}
