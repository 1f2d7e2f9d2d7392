//! The steps of a block, followed: a command (the lab's, a server, a client, a job's
//! `kill`), and a Ctrl-C in a server's terminal.

use std::ops::ControlFlow;
use std::time::Duration;

use super::super::compare::{compare, look_until, short_diff, shows, tidy};
use super::super::parse::{
    Kind, LessonRun, cargo_commands, exports, kill_job, reads_a_file, reads_the_registry,
    starts_redis,
};
use super::super::{Problem, TIME_LIMIT, services};
use super::{BlockRun, Follow};

impl Follow<'_> {
    /// `$ text`, with the lines the book shows under it. Breaks when the rest of the block
    /// cannot be followed: it reads a log that no server of the check wrote.
    pub(super) async fn command<'b>(
        &mut self,
        run: &mut BlockRun<'b>,
        line: usize,
        text: &'b str,
        output: &'b [String],
    ) -> ControlFlow<()> {
        run.client_in_foreground = false;
        if let Some(book_port) = starts_redis(text) {
            // The chapter's own `redis-server --port N &`: the check's Redis stands in for it,
            // on the port the book gives from now on.
            self.reader.background_job(text);
            if let Some(real) = self.services.ports.get(&services::REDIS_BOOK_PORT) {
                self.reader.ports.real.retain(|_, used| used != real);
                self.reader.ports.real.insert(book_port, *real);
            }
            return ControlFlow::Continue(());
        }
        if let Some(variables) = exports(text) {
            self.reader.export(variables);
            if let Some(lab) = &self.lab {
                lab.pin(&mut self.reader.env);
            }
            return ControlFlow::Continue(());
        }
        if self.lab.as_ref().is_some_and(|lab| lab.takes(text)) {
            self.lab_command(run, line, text, output).await;
            return ControlFlow::Continue(());
        }
        let unwritten = reads_a_file(text)
            && text
                .split_ascii_whitespace()
                .last()
                .is_some_and(|file| !self.reader.scratch.join(file).is_file());
        if unwritten {
            if run.compared() {
                self.chapter.compared -= 1;
                self.chapter.not_lessons += 1;
            }
            return ControlFlow::Break(());
        }
        if let Some((signal, job)) = kill_job(text) {
            if let Err(message) = self.reader.kill_job(&signal, job).await {
                self.problem(line, Some(text), &message);
            }
            return ControlFlow::Continue(());
        }
        let lesson_runs = cargo_commands(text, &self.packages);
        let is_server = lesson_runs.iter().flatten().any(LessonRun::is_server);
        run.client_in_foreground = !is_server
            && lesson_runs.iter().any(Option::is_some)
            && !text.trim_end().ends_with('&');
        if is_server {
            // Started in the background, as in the reader's first terminal; what its terminal
            // shows, the first lines of its log, is compared at the end of the block.
            match self.reader.start_server(line, text).await {
                Err(failed) => self.chapter.problems.push(Problem {
                    location: format!("{}:{line}", self.shown),
                    ..failed
                }),
                Ok(()) if run.compared() && !tidy(output.iter().map(String::as_str)).is_empty() => {
                    run.server_logs.push((line, text, output));
                }
                Ok(()) => {}
            }
        } else if run.compared() {
            self.client(line, text, output).await;
        }
        ControlFlow::Continue(())
    }

    /// A command run to its end, and what it printed compared with the book. One that only
    /// looks (`cat`, `tail -n N`: a background server's log; `etcdctl get`: the registry) is
    /// run again until it prints what the book shows, for up to [`TIME_LIMIT`]: a server
    /// listens before it has registered and logged everything, and on a busy machine the
    /// reader's next command can come first.
    async fn client(&mut self, line: usize, text: &str, output: &[String]) {
        let book = tidy(output.iter().map(String::as_str));
        let patience = if reads_a_file(text) || reads_the_registry(text) {
            TIME_LIMIT
        } else {
            Duration::ZERO
        };
        let reader = &mut self.reader;
        let command = async || reader.run(text).await;
        let every = Duration::from_millis(100);
        match look_until(patience, every, command, |printed| shows(&book, printed)).await {
            Ok(printed) => {
                if let Err(mismatch) = compare(&book, &tidy(printed.lines())) {
                    self.differs(line, text, "prints", &mismatch);
                }
            }
            // A binary that is not built is said once.
            Err(message) if self.chapter.problems.iter().any(|p| p.message == message) => {}
            Err(message) => self.problem(line, Some(text), &message),
        }
    }

    /// A command the lab takes: Compose, or the lab's program.
    async fn lab_command(
        &mut self,
        run: &BlockRun<'_>,
        line: usize,
        text: &str,
        output: &[String],
    ) {
        // An abridged block's faults and loads are not made again.
        if run.kind == Kind::Abridged {
            return;
        }
        let Some(lab) = self.lab.as_mut() else {
            return;
        };
        let book = tidy(output.iter().map(String::as_str));
        match lab.run(&mut self.reader, line, text, &book).await {
            Ok(Some(ran)) if run.compared() => {
                // A server still running in its terminal: the start of its log.
                let mut expected = book.clone();
                if ran.running {
                    expected.push("...");
                }
                if let Err(mismatch) = compare(&expected, &tidy(ran.printed.lines())) {
                    self.differs(line, text, "prints", &mismatch);
                }
            }
            Ok(_) => {}
            Err(message) => self.problem(line, Some(text), &message),
        }
    }

    /// Ctrl-C in a server's terminal (`before`: what the block shows it printed meanwhile;
    /// `log`: what it logs as it stops). Its log is compared once it has stopped: whole, if
    /// this block started it; its end, if an earlier block did.
    pub(super) async fn ctrl_c(
        &mut self,
        run: &mut BlockRun<'_>,
        line: usize,
        before: &[String],
        log: &[String],
    ) {
        let compared = run.compared();
        // What the one server shown in this block logs, from its start to its end.
        let whole_log = match run.server_logs.as_slice() {
            [_] if compared => run.server_logs.pop(),
            _ => None,
        };
        // A server whose start an earlier block showed, alone in its terminal: what this
        // block shows is the end of its log.
        let foreground: Vec<usize> = self
            .reader
            .servers
            .iter()
            .filter(|server| server.job.is_none())
            .map(|server| server.line)
            .collect();
        let end_of_log = match foreground.as_slice() {
            [started] if compared && whole_log.is_none() && run.server_logs.is_empty() => {
                Some(*started)
            }
            _ => None,
        };
        let shows_a_log = !(log.is_empty() && before.is_empty());
        if compared && whole_log.is_none() && end_of_log.is_none() && shows_a_log {
            self.problem(
                line,
                None,
                "what a server logs on Ctrl-C is compared for one server in the foreground: else say in the lead-in that it is abridged",
            );
        }
        if self
            .reader
            .servers
            .iter()
            .all(|server| server.job.is_some())
        {
            self.problem(line, None, "Ctrl-C, but no server is running");
        }
        // The book shows what each server logged before the signal: wait for it.
        if let Some((started, _, output)) = &whole_log {
            let before: Vec<&str> = tidy(output.iter().map(String::as_str));
            self.reader.until_server_has_logged(*started, &before).await;
        }
        if let Some(started) = end_of_log {
            let lines = before.iter().map(String::as_str);
            let before: Vec<&str> = tidy(std::iter::once("...").chain(lines));
            self.reader.until_server_has_logged(started, &before).await;
        }
        for started in self.reader.interrupt().await {
            let message = format!(
                "the server started on line {started} did not stop within {} s of Ctrl-C",
                TIME_LIMIT.as_secs()
            );
            self.problem(line, None, &message);
        }
        if let Some(started) = end_of_log
            && shows_a_log
        {
            // Whatever it logged before: `...`; then exactly what the block shows.
            let lines = before.iter().chain(log).map(String::as_str);
            let book: Vec<&str> = tidy(std::iter::once("...").chain(lines));
            if let Err(mismatch) = self.reader.server_log_matches(started, &book).await {
                self.chapter.problems.push(Problem {
                    location: format!("{}:{line}", self.shown),
                    command: None,
                    message: format!("the server started on line {started} ends its log otherwise (- the book, + the run):"),
                    details: short_diff(&mismatch.diff, 12),
                });
            }
        }
        if let Some((started, text, output)) = whole_log {
            let book: Vec<&str> = tidy(output.iter().chain(log).map(String::as_str));
            if let Err(mismatch) = self.reader.server_log_matches(started, &book).await {
                self.differs(started, text, "the server logs", &mismatch);
            }
        }
    }
}
