//! The runner's other program. `workbook` holds the learner's loop; the book server and its
//! editions, the wire view, the services, `up`, `doctor` and the teacher's tools are
//! `workbook-full` (tools/workbook-full), which needs mdBook, axum, the embedded agent and
//! protobuf reflection: most of the runner's build, and nothing a learner's first minutes
//! need.
//!
//! So `workbook` builds `workbook-full` the first time one of its commands is asked for
//! (cargo's progress shown, as a check shows its build; afterwards cargo finds it up to
//! date at once) and hands it the command line whole: the same arguments, the same
//! environment, the same terminal. The book is served by `workbook-book`, the book alone,
//! and with the trace view by this program: the session's from lesson 15 on
//! (learner/session/book.rs), `book`'s once this program is built or with `--traces`
//! (book/command.rs).
//!
//! Where `workbook-full` comes from: under cargo (`cargo run -p workbook`), cargo builds
//! it in the course's own target folder; an installed `workbook` uses the `workbook-full`
//! installed beside it, else builds one the same way.
//!
//! The book's server is handed one thing more: the listening socket already bound to the
//! book's port ([`hand_over_listener`]), by `book` as it becomes the server and by the
//! session as it starts it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use tokio::net::TcpListener;
use workbook_core::course::Course;
use workbook_core::language::messages::{Msg, say};
use workbook_core::ports::BOOK_LISTENER_VAR;
use workbook_core::{cargo, environment, ui};

/// The package, and the program, that runs every command but the learner's.
pub const FULL: &str = "workbook-full";

/// The package, and the program, that serves the book alone (tools/workbook-book).
pub const BOOK: &str = "workbook-book";

/// Where `workbook-full` is, built first if it is not up to date. `quiet` builds without
/// a progress line (the session, whose screen is the learner's).
pub async fn full_program(root: &Path, quiet: bool) -> Result<PathBuf> {
    if !environment::started_by_cargo()
        && let Some(beside) = installed_beside(FULL)
    {
        return Ok(beside);
    }
    cargo::build_program(root, FULL, quiet).await
}

/// Whether `workbook-full` is built already: installed beside this program, or in the
/// course's target folder (a build of it may still have to bring it up to date).
pub fn full_is_built(course: &Course) -> bool {
    let in_target = course
        .target_dir()
        .join("debug")
        .join(format!("{FULL}{}", std::env::consts::EXE_SUFFIX));
    (!environment::started_by_cargo() && installed_beside(FULL).is_some()) || in_target.is_file()
}

/// `program` installed in the same folder as this program, if it is.
pub fn installed_beside(program: &str) -> Option<PathBuf> {
    let this = std::env::current_exe().ok()?;
    let beside = this.with_file_name(format!("{program}{}", std::env::consts::EXE_SUFFIX));
    beside.is_file().then_some(beside)
}

/// Runs this command line with `workbook-full`: its output, its exit code and the signals
/// sent to it are the command's.
pub async fn hand_on() -> ExitCode {
    let program = match find_course_and_build().await {
        Ok(program) => program,
        Err(err) => return crate::start::exit_code(Err(err)),
    };
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    run_in_place(&program, &args)
}

async fn find_course_and_build() -> Result<PathBuf> {
    let course = Course::discover()?;
    full_program(&course.root, false).await.with_context(|| {
        say(
            Msg::FullDoesNotBuild,
            &[("mark", &ui::fail_mark()), ("program", &FULL)],
        )
    })
}

/// Becomes `program` (the same process, so Ctrl-C and `kill` reach it as they would
/// have reached this one). It keeps this program's name as typed (`argv[0]`), from which
/// the commands it suggests are written (`workbook_core::ui::command`).
fn run_in_place(program: &Path, args: &[OsString]) -> ExitCode {
    let mut command = std::process::Command::new(program);
    command.args(args);
    become_program(command, program)
}

/// Becomes the program `command` runs, `program`, as [`run_in_place`] does; returns only
/// when it could not.
#[cfg(unix)]
pub(crate) fn become_program(mut command: std::process::Command, program: &Path) -> ExitCode {
    use std::os::unix::process::CommandExt;
    let typed = std::env::args_os().next().unwrap_or_else(|| FULL.into());
    let err = command.arg0(typed).exec();
    crate::start::exit_code(Err(
        anyhow::Error::new(err).context(format!("starting {}", program.display()))
    ))
}

/// Runs `command`'s program, `program`, and exits as it exits.
#[cfg(not(unix))]
pub(crate) fn become_program(mut command: std::process::Command, program: &Path) -> ExitCode {
    match command.status() {
        Ok(status) => ExitCode::from(status.code().unwrap_or(1) as u8),
        Err(err) => crate::start::exit_code(Err(
            anyhow::Error::new(err).context(format!("starting {}", program.display()))
        )),
    }
}

/// Lets the program `command` starts inherit the listening socket `listener`, and tells it
/// which descriptor it is ([`BOOK_LISTENER_VAR`], read by `workbook_book::listener`). A
/// tokio `Command` is handed over through its `as_std_mut()`.
#[cfg(unix)]
pub(crate) fn hand_over_listener(command: &mut std::process::Command, listener: &TcpListener) {
    use std::os::fd::AsRawFd;
    use std::os::unix::process::CommandExt;
    let fd = listener.as_raw_fd();
    command.env(BOOK_LISTENER_VAR, fd.to_string());
    // SAFETY: between fork and exec only fcntl runs, which is async-signal-safe and touches
    // no memory: the descriptor, open in the child as in the parent, loses its close-on-exec
    // flag, so that the program started has it.
    unsafe {
        command.pre_exec(move || {
            if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Without Unix's descriptors there is nothing to hand over: the server binds the port
/// itself, once the caller has let it go.
#[cfg(not(unix))]
pub(crate) fn hand_over_listener(_: &mut std::process::Command, _: &TcpListener) {}
