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

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

use crate::ui;

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
}

/// One thing the compiler said, with the file it points at.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub level: String,
    pub rendered: String,
    /// The file of the primary span, as the compiler names it (relative to the package).
    pub file: Option<PathBuf>,
    /// The `Cargo.toml` of the package being compiled.
    pub manifest: PathBuf,
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
}

impl Build {
    pub fn executable(&self, package_dir: &Path, test: &str) -> Option<&PathBuf> {
        self.executables
            .get(&(package_dir.to_path_buf(), test.to_string()))
    }

    /// The compiler errors for one package, rendered as rustc prints them.
    pub fn errors_in(&self, package_dir: &Path) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.level == "error" && d.manifest.parent() == Some(package_dir))
            .collect()
    }

    /// Every error, of any package, for when a build fails before reaching a lesson.
    pub fn errors(&self) -> Vec<&Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.level == "error")
            .collect()
    }
}

/// The cargo that started us (`cargo run` sets `CARGO`), or the one on PATH.
pub fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// The command line a person would type for the same build, for messages.
pub fn describe(request: &BuildRequest) -> String {
    let mut words = vec!["cargo test".to_string()];
    if request.workspace {
        words.push("--workspace".to_string());
    } else {
        for package in &request.packages {
            words.push(format!("-p {package}"));
        }
    }
    for test in &request.tests {
        words.push(format!("--test {test}"));
    }
    if !request.features.is_empty() {
        words.push(format!("--features {}", request.features.join(",")));
    }
    words.join(" ")
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
/// On a terminal, the line cargo is working on is shown (and then wiped) so that a long
/// first build visibly moves.
pub async fn build_tests(root: &Path, request: &BuildRequest) -> Result<Build> {
    let terminal = ui::terminal();
    let mut command = Command::new(cargo_program());
    command
        .current_dir(root)
        .args(["test", "--no-run"])
        .arg(if terminal.colour {
            "--message-format=json-diagnostic-rendered-ansi"
        } else {
            "--message-format=json"
        })
        .arg("--color")
        .arg(if terminal.colour { "always" } else { "never" });
    if request.workspace {
        command.arg("--workspace");
    } else {
        for package in &request.packages {
            command.args(["-p", package]);
        }
    }
    for test in &request.tests {
        command.args(["--test", test]);
    }
    if !request.features.is_empty() {
        command.args(["--features", &request.features.join(",")]);
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
    let show_progress = terminal.is_tty;
    let stderr_task = tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        let mut kept = String::new();
        let mut shown = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if is_progress_line(&strip_ansi(&line)) {
                if show_progress {
                    let width = match crossterm::terminal::size() {
                        Ok((columns, _)) if columns >= 20 => usize::from(columns),
                        _ => 80,
                    };
                    let status: String = strip_ansi(&line)
                        .trim()
                        .chars()
                        .take(width.saturating_sub(4))
                        .collect();
                    print!("\r\x1b[2K  {}", ui::dim(&status));
                    let _ = std::io::stdout().flush();
                    shown = true;
                }
            } else {
                kept.push_str(&line);
                kept.push('\n');
            }
        }
        if shown {
            print!("\r\x1b[2K");
            let _ = std::io::stdout().flush();
        }
        kept
    });

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

/// Folds one line of cargo's JSON output into `build`.
fn read_message(line: &str, build: &mut Build) {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return;
    };
    let manifest = PathBuf::from(message["manifest_path"].as_str().unwrap_or_default());
    match message["reason"].as_str() {
        Some("compiler-artifact") => {
            let is_test = message["profile"]["test"].as_bool().unwrap_or(false);
            let kinds = message["target"]["kind"].as_array();
            let is_integration_test =
                kinds.is_some_and(|k| k.iter().any(|kind| kind.as_str() == Some("test")));
            if let (true, true, Some(executable), Some(name)) = (
                is_test,
                is_integration_test,
                message["executable"].as_str(),
                message["target"]["name"].as_str(),
            ) {
                let dir = manifest.parent().map(Path::to_path_buf).unwrap_or_default();
                build
                    .executables
                    .insert((dir, name.to_string()), PathBuf::from(executable));
            }
        }
        Some("compiler-message") => {
            let inner = &message["message"];
            let primary_file = inner["spans"].as_array().and_then(|spans| {
                spans
                    .iter()
                    .find(|s| s["is_primary"].as_bool() == Some(true))
                    .and_then(|s| s["file_name"].as_str())
                    .map(PathBuf::from)
            });
            build.diagnostics.push(Diagnostic {
                level: inner["level"].as_str().unwrap_or_default().to_string(),
                rendered: inner["rendered"].as_str().unwrap_or_default().to_string(),
                file: primary_file,
                manifest,
            });
        }
        Some("build-finished") => {
            build.success = message["success"].as_bool().unwrap_or(false);
        }
        _ => {}
    }
}

/// Removes ANSI escape sequences, for matching on what a line says.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_build_messages() {
        let mut build = Build::default();
        read_message(
            r#"{"reason":"compiler-artifact","manifest_path":"/w/lessons/01-tcp/Cargo.toml","target":{"kind":["test"],"name":"echo"},"profile":{"test":true},"executable":"/w/target/debug/deps/echo-1"}"#,
            &mut build,
        );
        read_message(
            r#"{"reason":"compiler-artifact","manifest_path":"/w/lessons/01-tcp/Cargo.toml","target":{"kind":["bin"],"name":"l01-tcp"},"profile":{"test":false},"executable":"/w/target/debug/l01-tcp"}"#,
            &mut build,
        );
        read_message(
            r#"{"reason":"compiler-message","manifest_path":"/w/lessons/01-tcp/Cargo.toml","message":{"level":"error","rendered":"error[E0308]: mismatched types","spans":[{"file_name":"src/exercises/echo.rs","is_primary":true}]}}"#,
            &mut build,
        );
        read_message(r#"{"reason":"build-finished","success":false}"#, &mut build);
        read_message("not json", &mut build);

        let dir = Path::new("/w/lessons/01-tcp");
        assert_eq!(build.executables.len(), 1);
        assert_eq!(
            build.executable(dir, "echo").unwrap(),
            Path::new("/w/target/debug/deps/echo-1")
        );
        assert!(!build.success);
        let errors = build.errors_in(dir);
        assert_eq!(errors.len(), 1);
        assert_eq!(
            errors[0].file.as_deref(),
            Some(Path::new("src/exercises/echo.rs"))
        );
    }

    #[test]
    fn strips_colour_codes() {
        assert_eq!(
            strip_ansi("\x1b[1m\x1b[32m   Compiling\x1b[0m x"),
            "   Compiling x"
        );
        assert!(is_progress_line("   Compiling tokio v1.0"));
        assert!(!is_progress_line("error: no test target named `x`"));
    }
}
