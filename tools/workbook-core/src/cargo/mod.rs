//! Building test executables with cargo.
//!
//! The runner never calls `cargo test` to run tests. It asks cargo once to build the test
//! targets it needs (`cargo test --no-run --message-format=json…`), and reads from cargo's
//! JSON messages where each test executable landed and what the compiler said. The
//! executables then run directly (see `testrun`). That keeps one cargo invocation per
//! check and lets the runner show only the diagnostics that matter.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;

use anyhow::{Context, Result};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::Command;
use tokio::sync::watch;

use crate::environment::{self, Package};
use crate::testrun::TestJob;
use crate::ui;

mod messages;

use messages::read_message;
pub use messages::{Diagnostic, Location, clip_keeping_help, strip_ansi};

/// What to build: test targets of some packages, with some features.
#[derive(Debug, Default, Clone)]
pub struct BuildRequest {
    pub packages: Vec<String>,
    /// Select the whole workspace (`--workspace`) instead of `packages`. Cargo picks the
    /// features of dependencies for the packages it selects, so this builds exactly what
    /// `cargo test --workspace` builds, and reuses those builds.
    pub workspace: bool,
    /// Integration test targets (`--test NAME`); empty means all of the packages' tests.
    pub tests: Vec<String>,
    /// `package/feature` pairs, passed as one `--features` list.
    pub features: Vec<String>,
    /// Leave out the selected packages' default features (`--no-default-features`): a
    /// lesson's program needs its default feature `program`, and tests that do not run it
    /// need not wait for it (`Lesson::test_runs_the_program`).
    pub without_programs: bool,
    /// Build every target that can be built when one fails (`cargo build --keep-going`,
    /// which makes the same test executables as `cargo test --no-run`; that one stops at
    /// the first package that does not compile). Name the `tests`: a bare `cargo build`
    /// builds none.
    pub keep_going: bool,
    /// Show no progress line: the build runs behind something else on the screen (the
    /// session building the book's server while a learner works).
    pub quiet: bool,
    /// Build at the lowest priority ([`environment::cargo_low_priority`]): nobody waits for
    /// it yet (the session building the next lesson while the learner reads).
    pub low_priority: bool,
    /// Where to say how far the build is, as cargo's bar counts it ([`Progress`]), whether
    /// or not a progress line is shown: the session's page for the book on its way.
    pub progress: Option<Arc<watch::Sender<Option<Progress>>>>,
}

/// How far a build is: cargo's units done and to do, as its bar shows them (`45/210`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
}

impl Progress {
    /// The count in cargo's bar, `Building [=====>    ] 45/210: tokio, serde`.
    pub fn of_bar(status: &str) -> Option<Progress> {
        let rest = status.strip_prefix("Building")?;
        let counts = rest.rsplit_once(']')?.1.trim_start();
        let counts = counts.split(':').next()?.trim();
        let (done, total) = counts.split_once('/')?;
        Some(Progress {
            done: done.trim().parse().ok()?,
            total: total.trim().parse().ok()?,
        })
    }
}

/// What a build produced.
#[derive(Debug, Default)]
pub struct Build {
    pub success: bool,
    /// (package manifest dir, test target name) → test executable.
    pub executables: HashMap<(PathBuf, String), PathBuf>,
    pub diagnostics: Vec<Diagnostic>,
    /// What cargo itself said that was not a progress line (e.g. "no test target named").
    pub cargo_errors: String,
    /// The packages cargo built something of, by folder.
    pub packages: HashMap<PathBuf, Package>,
}

impl Build {
    /// The job that runs test `test` of the package in `package_dir`, as `cargo test`
    /// would run it; `None` if cargo built no such test.
    pub fn test_job(
        &self,
        package_dir: &Path,
        test: &str,
        filter: Option<&str>,
    ) -> Option<TestJob> {
        let executable = self
            .executables
            .get(&(package_dir.to_path_buf(), test.to_string()))?;
        let package = self
            .packages
            .get(package_dir)
            .cloned()
            .unwrap_or_else(|| Package {
                dir: package_dir.to_path_buf(),
                ..Package::default()
            });
        Some(TestJob {
            executable: executable.clone(),
            package_dir: package_dir.to_path_buf(),
            filter: filter.map(String::from),
            env: environment::for_test(&package, executable),
        })
    }

    /// Every error worth showing ([`Diagnostic::is_error`]), of any package, for when a
    /// build fails before reaching a lesson.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error()).collect()
    }

    /// The files the compiler's errors point at (full paths), each once with the line of
    /// its first error, in the order the compiler reported them. Any package's: the file
    /// that broke a build may not be the one being checked.
    pub fn broken_files(&self, root: &Path) -> Vec<Location> {
        let mut files: Vec<Location> = Vec::new();
        for error in self.errors() {
            if let Some(file) = error.path(root)
                && !files.iter().any(|known| known.file == file)
            {
                files.push(Location {
                    file,
                    line: error.line,
                });
            }
        }
        files
    }
}

/// The command line a person would type for the same build, for messages. (Leaving the
/// programs out changes how long it takes, not what it says: it is not written.)
pub fn describe(request: &BuildRequest) -> String {
    let mut words = vec!["cargo test".to_string()];
    words.extend(selection(request));
    words.join(" ")
}

/// The arguments that say what to build: the packages, their test targets, the features.
fn selection(request: &BuildRequest) -> Vec<String> {
    let mut args = Vec::new();
    if request.workspace {
        args.push("--workspace".to_string());
    } else {
        for package in &request.packages {
            args.extend(["-p".to_string(), package.clone()]);
        }
    }
    for test in &request.tests {
        args.extend(["--test".to_string(), test.clone()]);
    }
    if !request.features.is_empty() {
        args.extend(["--features".to_string(), request.features.join(",")]);
    }
    args
}

/// Lines of cargo's stderr that only report progress.
fn is_progress_line(line: &str) -> bool {
    const VERBS: [&str; 16] = [
        "Compiling",
        "Checking",
        "Finished",
        "Blocking",
        "Building",
        "Running",
        "Fresh",
        "Downloaded",
        "Downloading",
        "Updating",
        "Locking",
        "Adding",
        "Executable",
        "Documenting",
        "Packaging",
        "Removed",
    ];
    let trimmed = line.trim_start();
    VERBS.iter().any(|verb| trimmed.starts_with(verb)) || trimmed.is_empty()
}

/// Builds the requested test targets in one cargo invocation.
///
/// On a terminal, cargo's progress bar is shown (and then wiped) so that a long first
/// build visibly moves and says how far along it is: `Building [=====>   ] 45/210: tokio`.
pub async fn build_tests(root: &Path, request: &BuildRequest) -> Result<Build> {
    let terminal = ui::terminal();
    let show_progress = terminal.is_tty && !request.quiet;
    let cargo = if request.low_priority {
        environment::cargo_low_priority()
    } else {
        environment::cargo()
    };
    let mut command = Command::from(cargo);
    command
        .current_dir(root)
        .args(if request.keep_going {
            ["build", "--keep-going"]
        } else {
            ["test", "--no-run"]
        })
        .arg(if terminal.colour {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        })
        .arg("--color")
        .arg(if terminal.colour { "always" } else { "never" });
    if show_progress || request.progress.is_some() {
        // Cargo draws its bar only on a terminal of its own; asked to, it draws it into
        // the pipe too, a line ended by `\r` at each step, as wide as we say.
        command
            .env("CARGO_TERM_PROGRESS_WHEN", "always")
            .env("CARGO_TERM_PROGRESS_WIDTH", progress_width().to_string());
    }
    command.args(selection(request));
    if request.without_programs {
        command.arg("--no-default-features");
    }
    command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    let mut child = command
        .spawn()
        .context("starting cargo (is it installed and on PATH?)")?;

    let stderr = child.stderr.take().expect("stderr is piped");
    let stderr_task = tokio::spawn(read_cargo_stderr(
        stderr,
        show_progress,
        request.progress.clone(),
    ));

    let stdout = child.stdout.take().expect("stdout is piped");
    let mut build = Build::default();
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await.context("reading cargo's output")? {
        read_message(&line, &mut build);
    }
    let status = child.wait().await.context("waiting for cargo")?;
    build.cargo_errors = stderr_task.await.unwrap_or_default();
    build.success = build.success && status.success();
    Ok(build)
}

/// Builds `package`'s program (`cargo build -p PACKAGE`, nothing when it is up to date)
/// and says where it is.
pub async fn build_program(root: &Path, package: &str, quiet: bool) -> Result<PathBuf> {
    let request = BuildRequest {
        quiet,
        ..BuildRequest::default()
    };
    build_program_with(root, package, request).await
}

/// [`build_program`], with what `request` says of how (quietly, where to say how far):
/// its packages are `package`'s alone.
pub async fn build_program_with(
    root: &Path,
    package: &str,
    request: BuildRequest,
) -> Result<PathBuf> {
    let request = BuildRequest {
        packages: vec![package.to_string()],
        keep_going: true,
        ..request
    };
    let build = build_tests(root, &request).await?;
    let program = build
        .packages
        .values()
        .filter(|built| built.name == package)
        .flat_map(|built| &built.binaries)
        .find(|(name, _)| name == package)
        .map(|(_, path)| path.clone());
    match program {
        Some(path) if build.success => Ok(path),
        _ => {
            let mut why: Vec<String> = build.errors().iter().map(|d| d.rendered.clone()).collect();
            why.push(build.cargo_errors.trim().to_string());
            anyhow::bail!(
                "`cargo build -p {package}` failed:\n{}",
                why.join("\n").trim()
            )
        }
    }
}

/// How wide cargo may draw its bar: the terminal's width, less the indent it is shown at.
fn progress_width() -> usize {
    match crossterm::terminal::size() {
        Ok((columns, _)) if columns >= 20 => usize::from(columns) - 4,
        _ => 76,
    }
}

/// Reads cargo's standard error to its end: progress is shown on one line that is wiped
/// afterwards (its bar when cargo draws one, else the unit it is working on), and what is
/// not progress is kept and returned.
async fn read_cargo_stderr(
    stderr: impl AsyncRead + Unpin,
    show_progress: bool,
    progress: Option<Arc<watch::Sender<Option<Progress>>>>,
) -> String {
    let mut reader = BufReader::new(stderr);
    let mut kept = String::new();
    let mut shown = false;
    let mut has_bar = false;
    let mut bytes = Vec::new();
    // The bar ends each of its steps with `\r`, not a new line: a piece ends at either.
    while read_piece(&mut reader, &mut bytes)
        .await
        .is_ok_and(|read| read > 0)
    {
        for piece in String::from_utf8_lossy(&bytes).split(['\r', '\n']) {
            let plain = strip_ansi(piece);
            if !is_progress_line(&plain) {
                kept.push_str(piece);
                kept.push('\n');
                continue;
            }
            let status = plain.trim();
            let is_bar = status.starts_with("Building");
            has_bar |= is_bar;
            if let (Some(progress), Some(counted)) = (&progress, Progress::of_bar(status)) {
                progress.send_replace(Some(counted));
            }
            if show_progress && !status.is_empty() && (is_bar || !has_bar) {
                let status: String = status.chars().take(progress_width()).collect();
                print!("\r\x1b[2K  {}", ui::dim(&status));
                let _ = std::io::stdout().flush();
                shown = true;
            }
        }
        bytes.clear();
    }
    if shown {
        print!("\r\x1b[2K");
        let _ = std::io::stdout().flush();
    }
    kept
}

/// Reads into `bytes` up to the next `\r` or `\n` (included), or to the end; returns how
/// many bytes it read. A piece is at most 64 KiB: a longer line is cut into pieces.
async fn read_piece(
    reader: &mut (impl AsyncBufRead + Unpin),
    bytes: &mut Vec<u8>,
) -> std::io::Result<usize> {
    const LONGEST: usize = 64 * 1024;
    let mut read = 0;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(read);
        }
        let end = available.iter().position(|&b| b == b'\r' || b == b'\n');
        let take = end.map_or(available.len(), |at| at + 1);
        bytes.extend_from_slice(&available[..take]);
        reader.consume(take);
        read += take;
        if end.is_some() || bytes.len() >= LONGEST {
            return Ok(read);
        }
    }
}

/// A package's name and version from cargo's package id: `path+file:///w/l#l01-tcp@0.1.0`,
/// `path+file:///w/l01-tcp#0.1.0` (the folder's name is the package's), or the older
/// `l01-tcp 0.1.0 (path+file:///w/l)`.
fn name_and_version(package_id: &str) -> (String, String) {
    if let Some((url, fragment)) = package_id.split_once('#') {
        return match fragment.rsplit_once('@') {
            Some((name, version)) => (name.to_string(), version.to_string()),
            None => {
                let folder = url
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or_default();
                (folder.to_string(), fragment.to_string())
            }
        };
    }
    let mut words = package_id.split_whitespace();
    let name = words.next().unwrap_or_default().to_string();
    let version = words.next().unwrap_or_default().to_string();
    (name, version)
}

#[cfg(test)]
mod tests;
