//! Waiting for the swarm to get somewhere: every wait has a deadline, asks again every half
//! second, and when the deadline passes says what it saw last, so that a lab that does not
//! come up says why. A stop (Ctrl-C, [`super::commands`]) ends every wait at once.

use std::time::{Duration, Instant};

use anyhow::bail;

use super::commands::Stopped;

/// How often a wait asks again.
const EVERY: Duration = Duration::from_millis(500);

/// Asks `look` until it answers `Ok(Some(value))`, for at most `patience`. `look` says what
/// it saw when not yet (`Ok(None)` keeps the last thing it said, `Err` says it); past the
/// deadline, the error names `what` was awaited and what was seen last. A `look` cut off by
/// a stop ends the wait with its error.
pub fn until<T>(
    what: &str,
    patience: Duration,
    mut look: impl FnMut(&mut String) -> anyhow::Result<Option<T>>,
) -> anyhow::Result<T> {
    let deadline = Instant::now() + patience;
    let mut seen = String::from("nothing yet");
    loop {
        match look(&mut seen) {
            Ok(Some(value)) => return Ok(value),
            Ok(None) => {}
            Err(error) if error.is::<Stopped>() => return Err(error),
            Err(error) => seen = format!("{error:#}"),
        }
        if Instant::now() >= deadline {
            bail!("{what}: not within {patience:?}; last seen:\n{seen}")
        }
        std::thread::sleep(EVERY);
    }
}
