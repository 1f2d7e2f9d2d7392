//! A server in a terminal of its own on the lab (`docker compose exec HOST etcd`, chapter
//! 14's): started in the background, watched until it shows the book's lines, and stopped by
//! a `^C` with SIGINT inside its host, as Ctrl-C in that terminal would.

use std::convert::Infallible;
use std::fs;
use std::process::Stdio;
use std::time::Duration;

use tokio::process::Child;

use super::super::TIME_LIMIT;
use super::super::compare::{look_until, shows};
use super::super::reader::Reader;
use super::{ChapterLab, LabRun, compose};

/// A server the chapter started in a terminal of its own, in one of the lab's hosts.
pub(super) struct Terminal {
    host: String,
    program: String,
    pub(super) child: Child,
}

impl ChapterLab {
    /// Starts a server in a terminal of its own; returns once it has printed what the book
    /// shows under it, or has ended, or the lab's patience has passed.
    pub(super) async fn start_terminal(
        &mut self,
        reader: &Reader<'_>,
        line: usize,
        script: &str,
        host: &str,
        program: &str,
        book: &[&str],
    ) -> Result<LabRun, String> {
        let log = self.logs.join(format!("terminal-{line}.log"));
        let file = fs::File::create(&log)
            .and_then(|file| Ok((file.try_clone()?, file)))
            .map_err(|err| format!("cannot write its output: {err}"))?;
        // Not `exec`: `docker compose` is a function of the shell's (see COMPOSE_FUNCTION).
        let mut shell = reader.shell(script);
        shell.stdout(file.0).stderr(file.1);
        let mut child = shell
            .spawn()
            .map_err(|err| format!("cannot start bash: {err}"))?;
        let mut start_of_log: Vec<&str> = book.to_vec();
        start_of_log.push("...");
        let terminal = async || {
            let ended = matches!(child.try_wait(), Ok(Some(_)));
            let raw = fs::read(&log).unwrap_or_default();
            Ok::<_, Infallible>((self.as_in_book(&reader.as_in_book(&raw)), ended))
        };
        let every = Duration::from_millis(100);
        let patience = self.kind.facts().patience;
        let done = |(printed, ended): &(String, bool)| *ended || shows(&start_of_log, printed);
        let Ok((printed, ended)) = look_until(patience, every, terminal, done).await;
        if !ended {
            self.terminals.push(Terminal {
                host: host.to_string(),
                program: program.to_string(),
                child,
            });
        }
        Ok(LabRun {
            printed,
            running: !ended,
        })
    }

    /// Whether a server runs in a terminal of its own, for a `^C` to stop.
    pub(in super::super) fn has_a_terminal(&mut self) -> bool {
        self.terminals
            .retain_mut(|terminal| matches!(terminal.child.try_wait(), Ok(None)));
        !self.terminals.is_empty()
    }

    /// Ctrl-C in the terminal of the last server still running: SIGINT to it in its host.
    /// A terminal whose program has ended in its host (its `docker compose exec` may still
    /// be on its way out) is passed over for the one started before it.
    pub(in super::super) async fn interrupt(&mut self, reader: &Reader<'_>) -> Result<(), String> {
        while let Some(mut terminal) = self.terminals.pop() {
            let signal = compose::interrupt(self, &terminal.host, &terminal.program);
            let mut shell = reader.shell(&signal);
            shell.stdout(Stdio::null()).stderr(Stdio::null());
            let signalled = shell.status().await.is_ok_and(|status| status.success());
            match tokio::time::timeout(TIME_LIMIT, terminal.child.wait()).await {
                Ok(_) if signalled => return Ok(()),
                Ok(_) => continue,
                Err(_) => {
                    let _ = terminal.child.kill().await;
                    return Err(format!(
                        "{} on {} did not stop within {} s of Ctrl-C",
                        terminal.program,
                        terminal.host,
                        TIME_LIMIT.as_secs()
                    ));
                }
            }
        }
        Err("Ctrl-C, but no server is running".into())
    }
}
