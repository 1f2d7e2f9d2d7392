//! Which file a panic came from, so that a stub's `todo!()` answers with the file to write.
//!
//! Until the learner writes them, the gateway's routes are `todo!()`s: each request panics,
//! and `routes` answers 500 with errno 4500. The panic's message alone does not say which
//! exercise to open; its location does. A panic hook sees the location, on the thread that
//! panics, just before the stack unwinds to `routes`'s `catch_unwind` on that same thread:
//! the hook keeps it in a thread-local, and the catcher reads it back. Which exercise a
//! file is comes from the lesson's own lesson.toml, as [`shared::program`] reads it.

use std::cell::RefCell;
use std::sync::Once;

/// The lesson's lesson.toml: which file is which exercise.
const LESSON_TOML: &str = include_str!("../lesson.toml");

thread_local! {
    /// Where the last panic on this thread happened: `(file, line)`.
    static LAST_PANIC: RefCell<Option<(String, u32)>> = const { RefCell::new(None) };
}

/// Installs, once per process, a panic hook that notes where each panic happened and then
/// does what the hook before it did (print the panic to stderr, usually) — except for a
/// stub's `todo!()`, which `routes` answers and logs in one line of its own.
pub fn note_panic_places() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let place = info.location().map(|at| (at.file().to_string(), at.line()));
            LAST_PANIC.with(|last| *last.borrow_mut() = place);
            if shared::program::unfinished_exercise(LESSON_TOML, info).is_none() {
                previous(info);
            }
        }));
    });
}

/// Where the last panic on this thread happened, taken (the next call answers `None`
/// until another panic).
pub fn last_panic_place() -> Option<(String, u32)> {
    LAST_PANIC.with(|last| last.borrow_mut().take())
}

/// What a 500 tells the learner about a panic at `place` with `message`: for an exercise's
/// `todo!()`, the file to write and how to get a hint; for another panic in an exercise
/// file, where it was. `None` for a panic elsewhere (the log has it).
pub fn reason(place: Option<&(String, u32)>, message: &str) -> Option<String> {
    let (file, line) = place?;
    let id = shared::program::exercise_at(LESSON_TOML, file)?;
    if message.starts_with("not yet implemented") {
        Some(format!(
            "not written yet: {file} (cargo run -p workbook -- hint {id})"
        ))
    } else {
        Some(format!(
            "exercise {id} panicked at {file}:{line} (see the log)"
        ))
    }
}

/// The log's line for a panic at `place` with `message` when it is a stub's `todo!()`: the
/// exercise not done yet, how to check it, and how to run the gateway with the answers.
pub fn not_done(place: Option<&(String, u32)>, message: &str) -> Option<String> {
    let (file, _) = place?;
    let id = shared::program::exercise_at(LESSON_TOML, file)?;
    message
        .starts_with("not yet implemented")
        .then(|| shared::program::unfinished_line(env!("CARGO_PKG_NAME"), &id, file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_todo_in_an_exercise_names_its_file_and_hint() {
        let place = ("lessons/10-gateway/src/exercises/image.rs".to_string(), 20);
        assert_eq!(
            reason(
                Some(&place),
                "not yet implemented: answer the captcha image"
            )
            .as_deref(),
            Some(
                "not written yet: lessons/10-gateway/src/exercises/image.rs \
                 (cargo run -p workbook -- hint gateway.image)"
            )
        );
        assert_eq!(
            reason(Some(&place), "called `Option::unwrap()` on a `None` value").as_deref(),
            Some(
                "exercise gateway.image panicked at \
                 lessons/10-gateway/src/exercises/image.rs:20 (see the log)"
            )
        );
    }

    #[test]
    fn a_panic_elsewhere_gets_no_reason() {
        let place = ("lessons/10-gateway/src/routes.rs".to_string(), 1);
        assert_eq!(reason(Some(&place), "not yet implemented"), None);
        assert_eq!(reason(None, "not yet implemented"), None);
    }

    #[test]
    fn the_hook_notes_where_a_panic_happened() {
        note_panic_places();
        let line = line!() + 1;
        let caught = std::panic::catch_unwind(|| -> u8 { todo!("a stub") });
        assert!(caught.is_err());
        let (file, at) = last_panic_place().expect("the hook noted the panic");
        assert!(file.ends_with("unwritten.rs"), "{file}");
        assert_eq!(at, line);
        assert_eq!(last_panic_place(), None, "taken once");
    }
}
