//! Waiting for the swarm to get somewhere: every wait has a deadline, asks again every half
//! second, and when the deadline passes says what it saw last, so that a lab that does not
//! come up says why. A stop (Ctrl-C, [`super::commands`]) ends every wait at once.

use std::time::{Duration, Instant};

use anyhow::bail;

use super::commands::Stopped;
use super::folded;

/// How often a wait asks again.
const EVERY: Duration = Duration::from_millis(500);

/// Asks `look` until it answers `Ok(Some(value))`, for at most `patience`. `look` says what
/// it saw when not yet (`Ok(None)` keeps the last thing it said, `Err` says it); past the
/// deadline, the error names `what` was awaited and what was seen last, on one line. A
/// `look` cut off by a stop ends the wait with its error.
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
            bail!(
                "{what}: not within {patience:?}; last seen: {}",
                folded(&seen)
            )
        }
        std::thread::sleep(EVERY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_that_runs_out_says_what_it_saw_in_one_line() {
        let error = until("every node Ready", Duration::ZERO, |seen| {
            *seen = "manager-1   Ready\nworker-1    Down\n".to_string();
            Ok(None::<()>)
        })
        .unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "every node Ready: not within 0ns; last seen: manager-1   Ready; worker-1    Down"
        );
    }
}
