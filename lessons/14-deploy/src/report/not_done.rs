//! When the table's exercise is not done: the report runs `deploy.availability` under
//! `catch_unwind`, so that a stub's `todo!()` (or a panic in a learner's answer in the
//! making) costs one line in the table's place and not the rest of the report.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The lesson's exercises and their files, for the line that names one not done yet.
const LESSON: &str = include_str!("../../lesson.toml");

/// A panic, as the report tells it: its message, and the exercise whose stub it is, if it
/// is a `todo!()` of one (the exercise's id and its file).
pub struct Panic {
    pub message: String,
    pub unfinished: Option<(String, String)>,
}

/// What the report says in the table's place when the exercise panicked: for a stub's
/// `todo!()`, the line every lesson's program says (the exercise, how to check it, and this
/// command with the answers — or, for the report of a history, `report` of it with the
/// answers, rather than a new load); for a panic of a learner's answer in the making, that.
pub fn not_done(panic: &Panic, history: Option<&Path>) -> String {
    match (&panic.unfinished, history) {
        (Some((id, file)), Some(history)) => format!(
            "the table of each window: exercise {id} is not done yet ({file}): check yours with \
             `cargo run -p workbook -- check {id}`, or read this history again with the \
             answers: `cargo run{release} -p {package} --features solution -- report {}`",
            history.display(),
            release = if cfg!(debug_assertions) {
                ""
            } else {
                " --release"
            },
            package = env!("CARGO_PKG_NAME"),
        ),
        (Some((id, file)), None) => format!(
            "the table of each window: {}",
            shared::program::unfinished_line(env!("CARGO_PKG_NAME"), id, file)
        ),
        (None, _) => format!(
            "the table of each window is the exercise deploy.availability, which panicked \
             ({}): `cargo run -p workbook -- check deploy.availability` shows where",
            panic.message
        ),
    }
}

/// Runs `work`; a panic comes back as a [`Panic`], without the panic hook's report (the
/// report says it in one line of its own, and goes on).
pub fn without_a_panic_message<T>(work: impl FnOnce() -> T) -> Result<T, Panic> {
    let seen: Arc<Mutex<Option<Panic>>> = Arc::default();
    let hook = std::panic::take_hook();
    let record = Arc::clone(&seen);
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| {
                info.payload()
                    .downcast_ref::<&str>()
                    .map(|text| text.to_string())
            })
            .unwrap_or_else(|| "a panic".to_string());
        let unfinished = shared::program::unfinished_exercise(LESSON, info);
        if let Ok(mut seen) = record.lock() {
            *seen = Some(Panic {
                message,
                unfinished,
            });
        }
    }));
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    std::panic::set_hook(hook);
    result.map_err(|_| {
        let seen = seen.lock().ok().and_then(|mut seen| seen.take());
        seen.unwrap_or(Panic {
            message: "a panic".to_string(),
            unfinished: None,
        })
    })
}
