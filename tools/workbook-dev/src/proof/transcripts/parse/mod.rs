//! Reading a chapter: its ```console blocks, the steps in them, the lesson runs in a
//! command line, and the loopback options in a lesson binary's `--help`.

use super::{ABRIDGED, LOOPBACK};

mod commands;
mod ports;

pub(super) use commands::*;
pub(super) use ports::*;

/// One ```console block of a chapter.
#[derive(Debug, Default)]
pub(super) struct Block {
    /// Its lead-in paragraph says "abridged".
    pub(super) abridged: bool,
    pub(super) steps: Vec<Step>,
}

/// A line of a block that does something, in the order the reader meets them.
#[derive(Debug, PartialEq)]
pub(super) enum Step {
    /// `$ text` (line numbers from 1), and the lines shown under it.
    Command {
        line: usize,
        text: String,
        output: Vec<String>,
    },
    /// A line starting with `^C`: Ctrl-C in the server's terminal. The rest of the line
    /// and the lines after it, up to the next command, are what the server logs then;
    /// `before`, the lines above it when the block starts with them (the reader back in a
    /// server's terminal, which printed them meanwhile).
    CtrlC {
        line: usize,
        before: Vec<String>,
        log: Vec<String>,
    },
    /// Lines before any command: a log.
    Log { line: usize, lines: Vec<String> },
}

/// What the check does with a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    /// Its commands run and their output is compared.
    Compared,
    /// Marked abridged: its servers start and its `^C` stops them; nothing is compared.
    Abridged,
    /// Commands to type, no output shown: its servers start, and in a lab chapter the lab's
    /// commands run (each must succeed); nothing else runs.
    CommandsOnly,
    /// It runs something other than lessons: not run at all.
    NotLesson,
}

/// The ```console blocks of a chapter.
pub(super) fn console_blocks(markdown: &str) -> Vec<Block> {
    let lines: Vec<&str> = markdown.lines().collect();
    let is_fence = |line: &str| line.trim_start().starts_with("```");
    let mut blocks = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        if !is_fence(lines[index]) {
            index += 1;
            continue;
        }
        let fence = index;
        let is_console = lines[fence].trim().trim_start_matches('`') == "console";
        index += 1;
        while index < lines.len() && !is_fence(lines[index]) {
            index += 1;
        }
        if is_console {
            // The paragraph above the block, which introduces it.
            let lead_in = lines[..fence]
                .iter()
                .rev()
                .skip_while(|line| line.trim().is_empty())
                .take_while(|line| !line.trim().is_empty() && !is_fence(line));
            let mut block = Block {
                abridged: lead_in.into_iter().any(|line| line.contains(ABRIDGED)),
                steps: Vec::new(),
            };
            // A block in a list item is indented as deep as its fence.
            let indent = lines[fence].len() - lines[fence].trim_start().len();
            for (offset, text) in lines[fence + 1..index].iter().enumerate() {
                let unindented = text
                    .get(indent..)
                    .filter(|_| text[..indent].trim().is_empty());
                // `fence` counts from 0; line numbers count from 1.
                block.read_line(fence + 2 + offset, unindented.unwrap_or(text.trim_start()));
            }
            blocks.push(block);
        }
        index += 1;
    }
    blocks
}

impl Block {
    pub(super) fn read_line(&mut self, line: usize, text: &str) {
        // The lines of a here-document (`cat > file <<'EOF'` … `EOF`) are the command's.
        if let Some(Step::Command {
            text: command,
            output,
            ..
        }) = self.steps.last_mut()
            && output.is_empty()
            && let Some(end) = open_heredoc(command)
        {
            command.push('\n');
            command.push_str(text);
            if text.trim() == end {
                // Closed: a marker that the here-document is complete.
                command.push('\n');
            }
            return;
        }
        if let Some(command) = text.strip_prefix("$ ") {
            self.steps.push(Step::Command {
                line,
                text: command.trim().to_string(),
                output: Vec::new(),
            });
        } else if let Some(rest) = text.strip_prefix("^C") {
            let log = Vec::from_iter((!rest.trim().is_empty()).then(|| rest.to_string()));
            // A block that opens with a server's lines and then its Ctrl-C: those lines are
            // the end of its log, before what it logs on Ctrl-C.
            let before = match self.steps.as_slice() {
                [Step::Log { lines, .. }] => {
                    let lines = lines.clone();
                    self.steps.clear();
                    lines
                }
                _ => Vec::new(),
            };
            self.steps.push(Step::CtrlC { line, before, log });
        } else {
            match self.steps.last_mut() {
                Some(Step::Command { output, .. }) => output.push(text.to_string()),
                Some(Step::CtrlC { log, .. }) => log.push(text.to_string()),
                Some(Step::Log { lines, .. }) => lines.push(text.to_string()),
                None => self.steps.push(Step::Log {
                    line,
                    lines: vec![text.to_string()],
                }),
            }
        }
    }

    pub(super) fn commands(&self) -> impl Iterator<Item = &str> {
        self.steps.iter().filter_map(|step| match step {
            Step::Command { text, .. } => Some(text.as_str()),
            _ => None,
        })
    }

    /// What the check does with the block; `lab_takes`: the commands a lab of the chapter's
    /// runs (none where it has no lab).
    pub(super) fn kind(&self, packages: &[String], lab_takes: impl Fn(&str) -> bool) -> Kind {
        let runs: Vec<Option<LessonRun>> = self
            .commands()
            .filter(|command| !lab_takes(command))
            .flat_map(|command| cargo_commands(command, packages))
            .collect();
        let has_commands = self.commands().next().is_some();
        // Commands that only stop a server, read a log the chapter's servers wrote or ask
        // them with curl, jq, etcdctl or redis-cli need no lesson run of their own.
        let only_shell = self.commands().all(|command| {
            kill_job(command).is_some()
                || reads_a_file(command)
                || exports(command).is_some()
                || !tools(command).is_empty()
                || starts_redis(command).is_some()
                || lab_takes(command)
        });
        if has_commands && (runs.is_empty() && !only_shell || runs.iter().any(Option::is_none)) {
            return Kind::NotLesson;
        }
        if self.abridged {
            return Kind::Abridged;
        }
        let shows_output = self.steps.iter().any(|step| match step {
            Step::Command { output, .. } => output.iter().any(|line| !line.trim().is_empty()),
            _ => true,
        });
        if shows_output {
            Kind::Compared
        } else {
            Kind::CommandsOnly
        }
    }
}

/// The end marker of a here-document the command opens and has not closed yet.
fn open_heredoc(command: &str) -> Option<String> {
    if command.ends_with('\n') {
        return None;
    }
    let first = command.lines().next()?;
    let (_, marker) = first.rsplit_once("<<")?;
    let marker = marker.trim().trim_matches(['\'', '"']).to_string();
    (!marker.is_empty()
        && marker
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_'))
    .then_some(marker)
}

#[cfg(test)]
mod tests;
