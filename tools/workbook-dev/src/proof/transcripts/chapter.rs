//! One chapter, followed as a reader would: its console blocks in order, its servers
//! started and stopped, each command's output compared with the book's (see `mod.rs` for
//! how a block is read).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use programs::find_on_path;

use super::agent::ChapterAgent;
use super::compare::{self, compare, short_diff, tidy};
use super::lab::{self, ChapterLab, Lab};
use super::parse::{
    Kind, LessonRun, Step, cargo_commands, console_blocks, exports, kill_job, reads_a_file,
    starts_redis,
};
use super::ports::Ports;
use super::reader::Reader;
use super::services::ChapterServices;
use super::{Chapter, Problem, TIME_LIMIT, parse, services};

/// Reads one chapter and follows its transcripts.
pub(super) async fn check_chapter(
    path: &Path,
    shown: &str,
    binaries: &HashMap<String, PathBuf>,
) -> Chapter {
    let mut chapter = Chapter {
        file: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        ..Chapter::default()
    };
    let Ok(markdown) = fs::read_to_string(path) else {
        return chapter;
    };
    let packages: Vec<String> = binaries.keys().cloned().collect();
    let scratch = std::env::temp_dir().join(format!(
        "workbook-transcripts-{}-{}",
        std::process::id(),
        chapter.file.trim_end_matches(".md")
    ));
    let _ = fs::remove_dir_all(&scratch);
    if let Err(err) = fs::create_dir_all(&scratch) {
        chapter.problems.push(Problem {
            location: shown.to_string(),
            command: None,
            message: format!("cannot make a scratch folder {}: {err}", scratch.display()),
            details: Vec::new(),
        });
        return chapter;
    }
    // What a chapter's commands read from the lesson's folder (definition files).
    copy_lesson_configs(path, &scratch);
    // curl as in a terminal: no progress meter.
    let _ = fs::write(scratch.join(".curlrc"), "no-progress-meter\n");
    let mut reader = Reader {
        binaries,
        scratch: scratch.clone(),
        ports: Ports::default(),
        servers: Vec::new(),
        options: HashMap::new(),
        agent_port: 8500,
        env: Vec::new(),
        jobs: Vec::new(),
    };
    // A reader of the Consul chapters has an agent running on 127.0.0.1:8500; the check
    // gives each chapter a fresh embedded one on a free port, shown as 8500 in the output.
    let agent = ChapterAgent::start().await;
    if let Some(agent) = &agent {
        reader.ports.real.insert(8500, agent.port);
    }
    // Chapters 09–11 also have a Redis and a three-member etcd cluster.
    let services = ChapterServices::start(&markdown).await;
    reader.env.extend(services.env.iter().cloned());
    reader.ports.real.extend(&services.ports);
    chapter.missing.clone_from(&services.missing);
    // Chapter 14 drives a lab of three hosts in Docker.
    let course_root = path.parent().and_then(Path::parent).and_then(Path::parent);
    let lab_start = ChapterLab::start(&markdown, course_root.unwrap_or(path), &scratch, binaries);
    let mut lab_missing = false;
    let mut lab = match lab_start.await {
        Lab::Up(lab) => {
            reader.env.extend(lab.env());
            reader
                .ports
                .real
                .insert(lab::BOOK_GATEWAY_PORT, lab.gateway_port);
            Some(lab)
        }
        Lab::Missing(why) => {
            chapter.missing.push(why);
            lab_missing = true;
            None
        }
        Lab::None => None,
    };
    let lab_takes: fn(&str) -> bool = if lab.is_some() { lab::takes } else { |_| false };
    let problem = |line: usize, command: Option<&str>, message: &str| Problem {
        location: format!("{shown}:{line}"),
        command: command.map(String::from),
        message: message.to_string(),
        details: Vec::new(),
    };

    for block in console_blocks(&markdown) {
        let mut kind = block.kind(&packages, lab_takes);
        // Without its lab, a block that drives it is not run (the row says why).
        if lab_missing && block.commands().any(lab::takes) {
            kind = Kind::NotLesson;
        }
        // A block that needs a tool this machine lacks is not run, and the row says so.
        let lacking: Vec<&str> = block
            .commands()
            .flat_map(parse::tools)
            .filter(|tool| find_on_path(tool).is_none())
            .collect();
        if kind == Kind::Compared && !lacking.is_empty() {
            for tool in lacking {
                if !chapter.missing.iter().any(|m| m == tool) {
                    chapter.missing.push(tool.to_string());
                }
            }
            kind = Kind::NotLesson;
        }
        match kind {
            Kind::Compared => chapter.compared += 1,
            Kind::Abridged => chapter.abridged += 1,
            Kind::CommandsOnly => chapter.commands_only += 1,
            Kind::NotLesson => {
                chapter.not_lessons += 1;
                // Its `… &` commands still hold bash's job numbers.
                for command in block.commands() {
                    reader.background_job(command);
                    if let Some((_, job)) = kill_job(command) {
                        reader.jobs.retain(|running| *running != job);
                    }
                }
                continue;
            }
        }
        let compared = kind == Kind::Compared;
        let mut server_logs = Vec::new();
        // The command above is a lesson's, in the foreground, and no server: a Ctrl-C
        // next stops it (a NATS subscriber), not a server of an earlier block.
        let mut client_in_foreground = false;
        for step in &block.steps {
            match step {
                Step::Command { line, text, output } => {
                    client_in_foreground = false;
                    if let Some(book_port) = starts_redis(text) {
                        // The chapter's own `redis-server --port N &`: the check's Redis
                        // stands in for it.
                        reader.background_job(text);
                        if let Some(real) = services.ports.get(&services::REDIS_BOOK_PORT) {
                            // Its port is the one the run's Redis stands for from now on.
                            reader.ports.real.retain(|_, used| used != real);
                            reader.ports.real.insert(book_port, *real);
                        }
                        continue;
                    }
                    if let Some(variables) = exports(text) {
                        reader.export(variables);
                        if let Some(lab) = &lab {
                            lab.pin(&mut reader.env);
                        }
                        continue;
                    }
                    if let Some(lab) = lab.as_mut()
                        && lab_takes(text)
                    {
                        // An abridged block's faults and loads are not made again.
                        if kind == Kind::Abridged {
                            continue;
                        }
                        let book = tidy(output.iter().map(String::as_str));
                        match lab.run(&mut reader, *line, text, &book).await {
                            Ok(Some(run)) if compared => {
                                // A server still running in its terminal: the start of its log.
                                let mut expected = book.clone();
                                if run.running {
                                    expected.push("...");
                                }
                                if let Err(mismatch) = compare(&expected, &tidy(run.printed.lines())) {
                                    chapter.problems.push(differs(shown, *line, text, "prints", &mismatch));
                                }
                            }
                            Ok(_) => {}
                            Err(message) => {
                                chapter.problems.push(problem(*line, Some(text), &message))
                            }
                        }
                        continue;
                    }
                    // A log is read only when a server the check runs wrote it: else
                    // the rest of the block is not run.
                    let unwritten = reads_a_file(text)
                        && text
                            .split_ascii_whitespace()
                            .last()
                            .is_some_and(|file| !scratch.join(file).is_file());
                    if unwritten {
                        if compared {
                            chapter.compared -= 1;
                            chapter.not_lessons += 1;
                        }
                        break;
                    }
                    if let Some((signal, job)) = kill_job(text) {
                        if let Err(message) = reader.kill_job(&signal, job).await {
                            chapter.problems.push(problem(*line, Some(text), &message));
                        }
                        continue;
                    }
                    let lesson_runs = cargo_commands(text, &packages);
                    let is_server = lesson_runs.iter().flatten().any(LessonRun::is_server);
                    client_in_foreground = !is_server
                        && lesson_runs.iter().any(Option::is_some)
                        && !text.trim_end().ends_with('&');
                    if is_server {
                        match reader.start_server(*line, text).await {
                            Err(mut failed) => {
                                failed.location = format!("{shown}:{line}");
                                chapter.problems.push(failed);
                            }
                            // What the server's terminal shows is compared at the end of
                            // the block: the first lines of its log.
                            Ok(()) if compared && !tidy(output.iter().map(String::as_str)).is_empty() => {
                                server_logs.push((*line, text, output));
                            }
                            Ok(()) => {}
                        }
                    } else if compared {
                        let book = tidy(output.iter().map(String::as_str));
                        match run_until_as_shown(&mut reader, text, &book).await {
                            Ok(printed) => {
                                if let Err(mismatch) = compare(&book, &tidy(printed.lines())) {
                                    chapter.problems.push(differs(shown, *line, text, "prints", &mismatch));
                                }
                            }
                            // A binary that is not built is said once.
                            Err(message)
                                if chapter.problems.iter().any(|p| p.message == message) => {}
                            Err(message) => {
                                chapter.problems.push(problem(*line, Some(text), &message))
                            }
                        }
                    }
                }
                Step::CtrlC { .. } if client_in_foreground => client_in_foreground = false,
                // Back in the terminal of a server on the lab.
                Step::CtrlC { line, .. } if lab.as_mut().is_some_and(ChapterLab::has_a_terminal) => {
                    if let Some(lab) = lab.as_mut()
                        && let Err(message) = lab.interrupt(&reader).await
                    {
                        chapter.problems.push(problem(*line, None, &message));
                    }
                }
                Step::CtrlC { line, before, log } => {
                    // What the one server shown in this block logs, from its start to its
                    // end, is compared once it has stopped.
                    let whole_log = match server_logs.as_slice() {
                        [_] if compared => server_logs.pop(),
                        _ => None,
                    };
                    // A server whose start an earlier block showed, alone in its terminal:
                    // what this block shows is the end of its log.
                    let foreground: Vec<usize> = reader
                        .servers
                        .iter()
                        .filter(|server| server.job.is_none())
                        .map(|server| server.line)
                        .collect();
                    let end_of_log = match foreground.as_slice() {
                        [started] if compared && whole_log.is_none() && server_logs.is_empty() => {
                            Some(*started)
                        }
                        _ => None,
                    };
                    if compared
                        && whole_log.is_none()
                        && end_of_log.is_none()
                        && !(log.is_empty() && before.is_empty())
                    {
                        chapter.problems.push(problem(
                            *line,
                            None,
                            "what a server logs on Ctrl-C is compared for one server in the foreground: else say in the lead-in that it is abridged",
                        ));
                    }
                    if reader.servers.iter().all(|server| server.job.is_some()) {
                        chapter
                            .problems
                            .push(problem(*line, None, "Ctrl-C, but no server is running"));
                    }
                    // The book shows what each server logged before the signal: wait for it.
                    if let Some((started, _, output)) = &whole_log {
                        let before: Vec<&str> = tidy(output.iter().map(String::as_str));
                        reader.until_server_has_logged(*started, &before).await;
                    }
                    if let Some(started) = end_of_log {
                        let lines = before.iter().map(String::as_str);
                        let before: Vec<&str> = tidy(std::iter::once("...").chain(lines));
                        reader.until_server_has_logged(started, &before).await;
                    }
                    for started in reader.interrupt().await {
                        chapter.problems.push(problem(
                            *line,
                            None,
                            &format!(
                                "the server started on line {started} did not stop within {} s of Ctrl-C",
                                TIME_LIMIT.as_secs()
                            ),
                        ));
                    }
                    if let Some(started) = end_of_log
                        && !(log.is_empty() && before.is_empty())
                    {
                        // Whatever it logged before: `...`; then exactly what the block shows.
                        let lines = before.iter().chain(log).map(String::as_str);
                        let book: Vec<&str> = tidy(std::iter::once("...").chain(lines));
                        if let Err(mismatch) = reader.server_log_matches(started, &book).await {
                            chapter.problems.push(Problem {
                                details: short_diff(&mismatch.diff, 12),
                                ..problem(
                                    *line,
                                    None,
                                    &format!("the server started on line {started} ends its log otherwise (- the book, + the run):"),
                                )
                            });
                        }
                    }
                    if let Some((started, text, output)) = whole_log {
                        let book: Vec<&str> = tidy(output.iter().chain(log).map(String::as_str));
                        if let Err(mismatch) = reader.server_log_matches(started, &book).await {
                            chapter
                                .problems
                                .push(differs(shown, started, text, "the server logs", &mismatch));
                        }
                    }
                }
                Step::Log { line, .. } if compared => chapter.problems.push(problem(
                    *line,
                    None,
                    "lines that no command prints (a server's log?): say in the lead-in that they are abridged",
                )),
                Step::Log { .. } => {}
            }
        }
        for (line, text, output) in server_logs {
            let mut book = tidy(output.iter().map(String::as_str));
            book.push("...");
            if let Err(mismatch) = reader.server_log_matches(line, &book).await {
                chapter
                    .problems
                    .push(differs(shown, line, text, "the server logs", &mismatch));
            }
        }
    }
    reader.stop_servers().await;
    if let Some(lab) = lab {
        lab.stop().await;
    }
    if let Some(agent) = agent {
        agent.stop().await;
    }
    services.stop();
    let _ = fs::remove_dir_all(&scratch);
    chapter
}

/// What the command on `line` printed (`who`: "prints"), or the log of the server it
/// started ("the server logs"), differs from what the book shows under it.
fn differs(
    shown: &str,
    line: usize,
    command: &str,
    who: &str,
    mismatch: &compare::Mismatch,
) -> Problem {
    Problem {
        location: format!("{shown}:{line}"),
        command: Some(command.to_string()),
        message: format!(
            "{who} something else from line {} on (- the book, + the run):",
            line + 1 + mismatch.at
        ),
        details: short_diff(&mismatch.diff, 12),
    }
}

/// Copies `lessons/NN-…/config/` of the chapter's lesson into the scratch folder, at the
/// same relative path, so that `-config-dir lessons/06-register/config` finds its files
/// and the files a chapter adds there stay out of the course.
fn copy_lesson_configs(chapter: &Path, scratch: &Path) {
    let (Some(stem), Some(src)) = (chapter.file_stem(), chapter.parent()) else {
        return;
    };
    let Some(root) = src.parent().and_then(Path::parent) else {
        return;
    };
    let relative = Path::new("lessons").join(stem).join("config");
    let Ok(entries) = fs::read_dir(root.join(&relative)) else {
        return;
    };
    if fs::create_dir_all(scratch.join(&relative)).is_err() {
        return;
    }
    for entry in entries.flatten() {
        let _ = fs::copy(
            entry.path(),
            scratch.join(&relative).join(entry.file_name()),
        );
    }
}

/// Runs `command` and returns what it printed. A command that only reads a file (`cat`,
/// `tail`: a background server's log) is run again until it prints what `book` shows, for
/// up to [`TIME_LIMIT`]: a server listens before it has logged everything (registering
/// comes in between), and on a busy machine the reader's next command can come first.
async fn run_until_as_shown(
    reader: &mut Reader<'_>,
    command: &str,
    book: &[&str],
) -> Result<String, String> {
    let reads_a_file = ["cat ", "tail "]
        .iter()
        .any(|reader| command.trim_start().starts_with(reader));
    let deadline = std::time::Instant::now() + TIME_LIMIT;
    loop {
        let printed = reader.run(command).await?;
        let as_shown = compare(book, &tidy(printed.lines())).is_ok();
        if as_shown || !reads_a_file || std::time::Instant::now() > deadline {
            return Ok(printed);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
