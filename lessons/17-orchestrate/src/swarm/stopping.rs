//! Work that Ctrl-C or SIGTERM stops: `up` and `deploy`.
//!
//! A person stops a long command with Ctrl-C, a service manager with SIGTERM, and both must
//! take the same path: the commands the work runs are ended ([`super::commands`]), the work
//! returns, and the caller undoes what it must (`up` removes what it made; `deploy` leaves
//! the stack to the swarm). A second signal ends the program at once, undone or not.

use anyhow::Context;

use super::Swarm;

/// How work run by [`Swarm::stoppable`] ended.
pub enum Ended<T> {
    /// By itself, with its result.
    Done(anyhow::Result<T>),
    /// By a signal: the commands it ran were ended, and it with them.
    Stopped,
}

impl Swarm {
    /// Runs `work` so that Ctrl-C or SIGTERM stops it: the signals are listened for (on a
    /// runtime of their own) and each command `work` runs starts in a process group of its
    /// own, which a terminal's Ctrl-C does not reach. At the first signal this says
    /// `stopping` on stderr, ends the commands running, and waits for `work`, which ends
    /// with [`Stopped`](super::commands::Stopped); what is left to undo is the caller's. A second signal ends the
    /// program at once (`shared::signal`). Work that ended as the signal came is done.
    pub fn stoppable<T: Send>(
        &self,
        stopping: &str,
        work: impl FnOnce() -> anyhow::Result<T> + Send,
    ) -> anyhow::Result<Ended<T>> {
        let runtime = tokio::runtime::Runtime::new().context("cannot start a runtime")?;
        let stop = {
            let _inside = runtime.enter();
            shared::signal::shutdown()
        };
        self.commands.arm();
        let ended = std::thread::scope(|scope| -> anyhow::Result<Ended<T>> {
            let (done, work_ended) = tokio::sync::oneshot::channel();
            let working = scope.spawn(|| {
                let result = work();
                let _ = done.send(());
                result
            });
            let stopped = runtime.block_on(async {
                tokio::select! {
                    biased;
                    _ = work_ended => false,
                    () = stop => true,
                }
            });
            if !stopped {
                return Ok(Ended::Done(
                    working.join().expect("the work does not panic"),
                ));
            }
            eprintln!("{stopping}");
            self.commands.stop();
            // It ends with Stopped, or with what it met on its way out: it was stopped.
            let _ = working.join();
            Ok(Ended::Stopped)
        })?;
        if let Ended::Stopped = ended {
            // The runtime runs what listens for the second signal, which must still end the
            // program at once while the caller undoes the work: it is kept to the end.
            std::mem::forget(runtime);
        }
        Ok(ended)
    }
}
