//! How the runner prints: colour and progress bars on a terminal, plain text elsewhere.
//!
//! Colour is on when stdout is a terminal, `NO_COLOR` is unset (or empty) and `TERM` is
//! not `dumb`. Progress bars need a terminal too; redirected output gets plain counts, so
//! logs and CI stay readable.

use std::io::IsTerminal;

use crate::language::messages::{Cmd, say, tell};
use std::sync::OnceLock;

#[derive(Debug, Clone, Copy)]
pub struct Terminal {
    pub is_tty: bool,
    pub colour: bool,
}

/// What stdout is, decided once per run.
pub fn terminal() -> Terminal {
    static TERMINAL: OnceLock<Terminal> = OnceLock::new();
    *TERMINAL.get_or_init(|| {
        let is_tty = std::io::stdout().is_terminal();
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        Terminal {
            is_tty,
            colour: is_tty && !no_colour && !dumb,
        }
    })
}

fn paint(code: &str, text: &str) -> String {
    if terminal().colour {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

pub fn green(text: &str) -> String {
    paint("32", text)
}
pub fn red(text: &str) -> String {
    paint("31", text)
}
pub fn yellow(text: &str) -> String {
    paint("33", text)
}
pub fn cyan(text: &str) -> String {
    paint("36", text)
}
pub fn bold(text: &str) -> String {
    paint("1", text)
}
pub fn dim(text: &str) -> String {
    paint("2", text)
}

/// The mark for something that worked / did not / has not been tried.
pub fn pass_mark() -> String {
    green("✓")
}
pub fn fail_mark() -> String {
    red("✗")
}
pub fn todo_mark() -> String {
    dim("·")
}

/// `[██████░░░░] 3/5` on a terminal, `3/5` otherwise.
pub fn progress(done: usize, total: usize, width: usize) -> String {
    let count = format!("{done}/{total}");
    if !terminal().is_tty || total == 0 {
        return count;
    }
    let filled = (done * width).div_ceil(total).min(width);
    let filled = if done < total {
        filled.min(width - 1)
    } else {
        filled
    };
    let bar = format!("{}{}", "█".repeat(filled), "░".repeat(width - filled));
    let bar = if done == total {
        green(&bar)
    } else {
        cyan(&bar)
    };
    format!("{bar} {count}")
}

/// How the learner started the runner, so that every suggested command can be pasted:
/// `cargo run -p workbook --` under cargo (the package cargo ran), a program's bare name
/// when the shell found it on PATH (an installed `workbook`). Never a path into `target/`:
/// a binary there is stale after the next `git pull`, and `cargo run` rebuilds it first.
/// A language asked for with `--lang` is kept: the command then speaks as this one does.
pub fn command(args: &str) -> String {
    suggested(prefix(), crate::language::flag(), args)
}

/// A command for someone else to type (a learner, from the teacher's projector): as
/// [`command`], without this run's `--lang`, so that it runs in their language.
pub fn command_for_others(args: &str) -> String {
    suggested(prefix(), None, args)
}

/// How this runner was started, as a suggested command begins (`cargo run -p workbook --`).
fn prefix() -> &'static str {
    static PREFIX: OnceLock<String> = OnceLock::new();
    PREFIX.get_or_init(|| {
        let invoked = std::env::args().next().unwrap_or_default();
        prefix_for(std::env::var("CARGO_PKG_NAME").ok().as_deref(), &invoked)
    })
}

/// A suggested command: `prefix`, `--lang` if this run was given one, and `args`.
fn suggested(prefix: &str, flag: Option<crate::language::Lang>, args: &str) -> String {
    match flag {
        Some(lang) => format!("{prefix} --lang {} {args}", lang.code()),
        None => format!("{prefix} {args}"),
    }
}

/// The start of a suggested command, for a runner that cargo ran as `package` (if it did)
/// and that was invoked as `invoked` (its `argv[0]`).
fn prefix_for(package: Option<&str>, invoked: &str) -> String {
    match package {
        Some(package) if !package.is_empty() => format!("cargo run -p {package} --"),
        _ if !invoked.is_empty() && !invoked.contains(std::path::MAIN_SEPARATOR) => {
            invoked.to_string()
        }
        _ => "cargo run -p workbook --".to_string(),
    }
}

/// A command as it should stand out in a sentence.
pub fn cmd(args: &str) -> String {
    cyan(&command(args))
}

/// Cuts `text` to at most `max` lines, saying how many were left out.
pub fn clip_lines(text: &str, max: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= max {
        return lines.join("\n");
    }
    let mut out = lines[..max].join("\n");
    let count = lines.len() - max;
    out.push('\n');
    out.push_str(&say(Cmd::MoreLines, &[("count", &count)]));
    out
}

/// A time in seconds as the runner shows it: `2.5 s`, `2.5 秒`.
pub fn seconds(secs: f64) -> String {
    say(Cmd::Seconds, &[("value", &format!("{secs:.1}"))])
}

/// Indents every line of `text` by `prefix`.
pub fn indent(text: &str, prefix: &str) -> String {
    text.lines()
        .map(|line| {
            if line.trim().is_empty() {
                String::new()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `1 lesson`, `2 lessons`.
pub fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// How the learner asks the runner for something: by typing a command, or in the course
/// session by pressing a key. Messages that suggest a next step say it the way that works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asking {
    Command,
    Key,
}

/// The next step, as `cargo run -p workbook -- hint tcp.echo` or as `press h`.
pub fn ask(asking: Asking, key: char, args: &str) -> String {
    match asking {
        Asking::Command => cmd(args),
        Asking::Key => crate::language::messages::say(
            crate::language::messages::Msg::PressKey,
            &[("key", &bold(&key.to_string()))],
        ),
    }
}

/// Opens `url` in the default browser, if the system has a way to.
pub fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let started = std::process::Command::new(opener)
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if started.is_err() {
        tell(Cmd::OpenYourself, &[("opener", &opener), ("url", &url)]);
    }
}

/// `workbook list | head -3`: once `head` has its three lines it closes the pipe, and the
/// next `println!` panics with "failed printing to stdout: Broken pipe". That is no error:
/// the reader has what it wanted. From then on the runner ends quietly with success, as
/// `ls` or `cat` do, whichever command and thread was printing. (Rust ignores the SIGPIPE
/// signal that would end a C program here, and the runner keeps it so: a book reader who
/// closes the browser mid-page must not end the session.)
pub fn end_quietly_when_output_is_cut() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if is_cut_output(message) {
            std::process::exit(0);
        }
        default_hook(info);
    }));
}

/// Whether a panic message is `print!`'s on a closed pipe.
fn is_cut_output(panic_message: &str) -> bool {
    let message = panic_message.to_ascii_lowercase();
    message.starts_with("failed printing to stdout")
        && (message.contains("broken pipe")
            // Windows says it in its own words.
            || message.contains("pipe is being closed")
            || message.contains("pipe has been ended"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_the_next_step_as_the_learner_asks_for_it() {
        // Tests print to a pipe: no colour.
        assert_eq!(ask(Asking::Key, 'h', "hint tcp.echo"), "press h");
        assert!(ask(Asking::Command, 'h', "hint tcp.echo").ends_with(" hint tcp.echo"));
    }

    #[test]
    fn a_suggested_command_is_never_a_path_into_target() {
        assert_eq!(
            prefix_for(Some("workbook"), "target/debug/workbook"),
            "cargo run -p workbook --"
        );
        assert_eq!(prefix_for(None, "workbook"), "workbook");
        assert_eq!(
            prefix_for(None, "/course/target/debug/workbook"),
            "cargo run -p workbook --"
        );
        assert_eq!(prefix_for(Some(""), ""), "cargo run -p workbook --");
    }

    #[test]
    fn a_suggested_command_keeps_the_language_asked_for() {
        use crate::language::Lang;
        let prefix = "cargo run -p workbook --";
        assert_eq!(
            suggested(prefix, Some(Lang::ZhCn), "check deploy.advertise"),
            "cargo run -p workbook -- --lang zh-CN check deploy.advertise"
        );
        assert_eq!(
            suggested(prefix, None, "check deploy.advertise"),
            "cargo run -p workbook -- check deploy.advertise"
        );
    }

    #[test]
    fn knows_a_closed_pipe_from_other_failures() {
        assert!(is_cut_output(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_cut_output(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_cut_output(
            "called `Option::unwrap()` on a `None` value"
        ));
    }
}
