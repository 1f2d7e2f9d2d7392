//! The programs the lab runs (`docker …` here, and through `docker exec` on the nodes), and
//! how they are stopped, with what they started, when a person stops `up`.
//!
//! A person stops a program with Ctrl-C (SIGINT); anything else stops it with SIGTERM; both
//! take the same graceful path, and a second one ends the program at once
//! (`shared::signal`). A program that runs others must stop those too: a child outlives its
//! parent, and `up`'s children are long ones (`docker push` of the course's image, a
//! node's engine waited for). Worse, what `docker exec` started inside a node runs on even when the `docker
//! exec` here is killed: Docker passes no signal from the client to the process it started.
//! So a stop is three things, in this order:
//!
//! - no command starts any more;
//! - each one running is sent SIGTERM, to its process group. Once [`Commands::arm`]ed, each
//!   starts in a group of its own, so that a terminal's Ctrl-C reaches the lab's program
//!   alone, which stops them itself rather than learn of it from their failures;
//! - what they started inside the nodes ends with the nodes, which the stopped command
//!   removes (`up`: everything it made, as `down` does).
//!
//! A command cut off by the stop ends with [`Stopped`], which every wait gives up on at once
//! ([`super::wait`]). A command that fails says so in one line: its command line and the end
//! of what it wrote to stderr, as `lab::docker::failure` quotes it.

use std::process::{Child, Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use anyhow::{Context, bail};
use lab::docker::{describe, failure};

/// What a command cut off by a stop ends with.
#[derive(Debug, thiserror::Error)]
#[error("stopped by a signal")]
pub struct Stopped;

/// The commands running now, and whether a stop has begun.
#[derive(Default)]
pub struct Commands {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Each command in a process group of its own (a stop is expected).
    armed: bool,
    /// A stop began: no command starts any more.
    stopping: bool,
    /// The pid of each command running, its process group's id once armed.
    running: Vec<u32>,
}

impl Commands {
    /// From now on each command starts in a process group of its own, and a stop may come
    /// ([`Commands::stop`]): the caller listens for the signals.
    pub fn arm(&self) {
        self.state().armed = true;
    }

    /// Runs `command` and returns what it printed on stdout; a failure quotes the command
    /// line and the end of its stderr ([`failure`]). [`Stopped`] if a stop began before it
    /// started or while it ran.
    pub fn run(&self, command: &mut Command) -> anyhow::Result<String> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let out = self.spawn(command)?.wait_with_output()?;
        // A command a stop ended may say it succeeded (`docker` does, on SIGTERM).
        self.stopped()?;
        if !out.status.success() {
            bail!("{}", failure(command, &out));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// [`Commands::run`], given up after `patience`: for a question a frozen engine would
    /// never answer (`docker` on a node whose engine `quorum-loss` stopped waits for ever).
    /// The command is then sent SIGTERM, and the error says it did not answer in time.
    pub fn run_within(&self, command: &mut Command, patience: Duration) -> anyhow::Result<String> {
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let running = self.spawn(command)?;
        let pid = running.child.id();
        let (ended, end) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                let _ = ended.send(running.wait_with_output());
            });
            let out = match end.recv_timeout(patience) {
                Ok(out) => out?,
                Err(_) => {
                    let mut kill = Command::new("kill");
                    kill.args(["-TERM", "--", &pid.to_string()]);
                    let _ = lab::docker::output(&mut kill);
                    bail!("`{}` did not answer within {patience:?}", describe(command))
                }
            };
            self.stopped()?;
            if !out.status.success() {
                bail!("{}", failure(command, &out));
            }
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        })
    }

    /// Starts `command`, unless a stop began: for a caller that wants its pipes.
    pub fn spawn(&self, command: &mut Command) -> anyhow::Result<Running<'_>> {
        let mut state = self.state();
        if state.stopping {
            return Err(Stopped.into());
        }
        #[cfg(unix)]
        if state.armed {
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let child = command
            .spawn()
            .with_context(|| format!("cannot run `{}`", describe(command)))?;
        state.running.push(child.id());
        Ok(Running {
            commands: self,
            child,
        })
    }

    /// Begins the stop: no command starts any more, and each one running is sent SIGTERM
    /// (its whole process group, once armed).
    pub fn stop(&self) {
        let mut state = self.state();
        state.stopping = true;
        for pid in &state.running {
            let target = if state.armed {
                format!("-{pid}")
            } else {
                pid.to_string()
            };
            let mut kill = Command::new("kill");
            kill.args(["-TERM", "--", &target]);
            // One that ended meanwhile is not there to stop.
            let _ = lab::docker::output(&mut kill);
        }
    }

    /// [`Stopped`] once a stop began: what a command said then is not to be trusted.
    pub fn stopped(&self) -> anyhow::Result<()> {
        if self.state().stopping {
            return Err(Stopped.into());
        }
        Ok(())
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn forget(&self, pid: u32) {
        self.state().running.retain(|running| *running != pid);
    }
}

/// Runs `command`, which no stop ends (`down`'s, or a command of a lab's that is not being
/// made), and returns what it printed on stdout; a failure as [`Commands::run`]'s.
pub fn run(command: &mut Command) -> anyhow::Result<String> {
    Commands::default().run(command)
}

/// A command started by [`Commands::spawn`], forgotten by them once it has ended.
pub struct Running<'a> {
    commands: &'a Commands,
    child: Child,
}

impl Running<'_> {
    /// The child, for its pipes.
    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Waits for it to end, collecting what it printed (as [`Child::wait_with_output`]).
    pub fn wait_with_output(self) -> std::io::Result<Output> {
        let pid = self.child.id();
        let out = self.child.wait_with_output();
        self.commands.forget(pid);
        out
    }

    /// Waits for it to end.
    pub fn wait(mut self) -> std::io::Result<std::process::ExitStatus> {
        let status = self.child.wait();
        self.commands.forget(self.child.id());
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_that_does_not_answer_in_time_is_ended_and_said_so() {
        let commands = Commands::default();
        let started = std::time::Instant::now();
        let error = commands
            .run_within(Command::new("sleep").arg("30"), Duration::from_millis(200))
            .unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "`sleep 30` did not answer within 200ms"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(
            commands
                .run_within(Command::new("echo").arg("soon"), Duration::from_secs(60))
                .unwrap(),
            "soon\n"
        );
    }

    #[test]
    fn once_stopped_no_command_starts() {
        let commands = Commands::default();
        assert_eq!(
            commands.run(Command::new("echo").arg("before")).unwrap(),
            "before\n"
        );
        commands.stop();
        let error = commands.run(&mut Command::new("true")).unwrap_err();
        assert!(error.is::<Stopped>(), "{error:#}");
        assert!(commands.stopped().is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_stop_ends_each_command_with_what_it_started() {
        use std::os::unix::process::ExitStatusExt;

        let commands = Commands::default();
        commands.arm();
        // A shell that started a program of its own, both holding the shell's stdout.
        let mut shell = Command::new("sh");
        shell
            .args(["-c", "sleep 600 & wait"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        let running = commands.spawn(&mut shell).unwrap();
        commands.stop();
        // deadline: the stop above killed both. The output ends when every program that
        // holds the pipe has ended, the shell's `sleep` too: the stop reached its group.
        let out = running.wait_with_output().unwrap();
        assert_eq!(out.status.signal(), Some(15), "{:?}", out.status);
        assert!(commands.state().running.is_empty());
    }
}
