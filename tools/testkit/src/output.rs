//! A program run to its end, with a deadline: what `Command::output` does, bounded.
//!
//! `Command::output()` and `Child::wait_with_output()` wait for the program to exit and
//! for its output to close, however long that takes: a program that hangs (a build on a
//! loaded machine, a server that was asked to exit and did not, a prompt waiting for an
//! answer) holds the test until the test runner's own deadline ends it, and then nobody
//! learns what the program had printed. [`output_within`] and [`child_output_within`] read
//! the output as it comes, on threads of their own, and wait for the program for at most
//! `patience`: past it, the program is killed and the test fails with what it printed so
//! far. While they wait, the wait and the program are listed for [`hang`](crate::hang)'s
//! report. [`interrupt_within`] does the same for a program the test ends as a person
//! would, with Ctrl-C.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::hang;

/// Runs `command` to its end, as `Command::output` does (nothing on its standard input,
/// its stdout and stderr captured), for at most `patience`; past it, kills the program and
/// panics with what it printed so far. `what` names the run in that failure and in a hang's
/// report ("`cargo build` of the fixture course").
pub fn output_within(what: &str, command: &mut Command, patience: Duration) -> Output {
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| {
            panic!(
                "cannot start {what} (`{}`): {error}",
                hang::command_line(command)
            )
        });
    child_output_within(what, child, patience)
}

/// Waits for `child` to end and reads its output to its end, as
/// `Child::wait_with_output` does (its stdout and stderr piped, or they are read as empty),
/// for at most `patience`; past it, kills the program and panics with what it printed so
/// far. For a program given something on its standard input first.
pub fn child_output_within(what: &str, mut child: Child, patience: Duration) -> Output {
    let _waiting = hang::waiting_for(what);
    hang::started(child.id(), what);
    let deadline = Instant::now() + patience;
    let stdout = Collected::start(child.stdout.take());
    let stderr = Collected::start(child.stderr.take());
    let pid = child.id();
    let (exited, exit) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = exited.send(child.wait());
    });
    let so_far = |stdout: &Collected, stderr: &Collected| {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&stdout.so_far()),
            String::from_utf8_lossy(&stderr.so_far())
        )
    };
    let status: ExitStatus = match exit.recv_timeout(patience) {
        Ok(status) => status.unwrap_or_else(|error| panic!("cannot wait for {what}: {error}")),
        Err(_) => {
            // SAFETY: `kill` only sends a signal; the waiting thread reaps the process.
            unsafe {
                libc::kill(pid as libc::pid_t, libc::SIGKILL);
            }
            // Killed, it ends at once (its reaping is bounded all the same).
            let _ = exit.recv_timeout(Duration::from_secs(5));
            hang::reaped(pid);
            panic!(
                "{what} was still running after {patience:?}, and was killed; it printed \
                 so far:\n{}",
                so_far(&stdout, &stderr)
            );
        }
    };
    hang::reaped(pid);
    // Its output closes when it exits, unless a program it started still holds it.
    let left = deadline.saturating_duration_since(Instant::now()) + Duration::from_secs(1);
    let (Some(out), Some(err)) = (stdout.finish(left), stderr.finish(left)) else {
        panic!(
            "{what} exited ({status}), but its output stayed open (a program it started \
             holds it); it printed so far:\n{}",
            so_far(&stdout, &stderr)
        );
    };
    Output {
        status,
        stdout: out,
        stderr: err,
    }
}

/// Ends `child` as Ctrl-C at its terminal does (SIGINT), then waits for it to end and reads
/// its output as [`child_output_within`] does, for at most `patience`. For a program whose
/// way out is Ctrl-C, and whose test reads what it did on its way out: a load that writes
/// down its last calls and exits once its drain is done. `what` names the program.
pub fn interrupt_within(what: &str, child: Child, patience: Duration) -> Output {
    let pid = child.id();
    // SAFETY: `kill` only sends a signal, to a child this function owns and nobody has
    // waited for: its pid is still its own, not reused.
    if unsafe { libc::kill(pid as libc::pid_t, libc::SIGINT) } != 0 {
        panic!(
            "cannot send Ctrl-C (SIGINT) to {what} (pid {pid}): {}",
            std::io::Error::last_os_error()
        );
    }
    child_output_within(&format!("{what} after Ctrl-C"), child, patience)
}

/// [`output_within`] for an async test: the wait blocks one of the runtime's threads for
/// blocking work, not the one the test runs on.
pub async fn output_within_async(what: &str, mut command: Command, patience: Duration) -> Output {
    let what = what.to_string();
    tokio::task::spawn_blocking(move || output_within(&what, &mut command, patience))
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

/// [`child_output_within`] for an async test, as [`output_within_async`].
pub async fn child_output_within_async(what: &str, child: Child, patience: Duration) -> Output {
    let what = what.to_string();
    tokio::task::spawn_blocking(move || child_output_within(&what, child, patience))
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}

/// One of a program's outputs, read to its end on a thread of its own.
struct Collected {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: mpsc::Receiver<()>,
}

impl Collected {
    fn start(pipe: Option<impl Read + Send + 'static>) -> Collected {
        let bytes = Arc::new(Mutex::new(Vec::new()));
        let (finished, done) = mpsc::channel();
        let into = Arc::clone(&bytes);
        std::thread::spawn(move || {
            if let Some(mut pipe) = pipe {
                let mut chunk = [0; 8192];
                loop {
                    match pipe.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => into
                            .lock()
                            .unwrap_or_else(|poisoned| poisoned.into_inner())
                            .extend_from_slice(&chunk[..n]),
                    }
                }
            }
            let _ = finished.send(());
        });
        Collected { bytes, done }
    }

    fn so_far(&self) -> Vec<u8> {
        self.bytes
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Everything read, once the output has closed within `patience`.
    fn finish(&self, patience: Duration) -> Option<Vec<u8>> {
        self.done.recv_timeout(patience).ok()?;
        Some(self.so_far())
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;

    #[test]
    fn ctrl_c_ends_a_program_as_at_its_terminal() {
        let sleeping = Command::new("sleep")
            .arg("60")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start `sleep 60`");
        let ended = interrupt_within("`sleep 60`", sleeping, crate::deadline::STEP);
        assert_eq!(
            ended.status.signal(),
            Some(libc::SIGINT),
            "`sleep 60` ended by {}",
            ended.status
        );
    }
}
