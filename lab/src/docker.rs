//! Running `docker` and Docker Compose for the lab, and saying what went wrong in a sentence.
//!
//! The lab is made by other programs: `docker` makes images and runs commands inside the
//! hosts, Compose makes lesson 14's hosts and their network from
//! `lessons/14-deploy/lab/compose.yaml`. Every call is short, so they run one after the other
//! with [`std::process::Command`]. When one fails, its error quotes the command line and the
//! end of what it wrote to stderr: what a person would have seen typing the command, without
//! the screens of progress that came before.
//!
//! Compose comes in two forms: the `docker compose` plugin (Compose v2) and the older
//! `docker-compose` program (v1). Both read the same file and name things the same way
//! (the project's containers carry the label `com.docker.compose.project`, its network is
//! `PROJECT_lab`), so the lab asks once which one this machine has and uses it.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use anyhow::bail;

/// How many lines of a failed command's stderr an error quotes.
const QUOTED_LINES: usize = 8;

/// Docker on this machine, checked: installed, its daemon answering.
pub struct Docker {
    /// The Compose command, found on first use: `docker compose` or `docker-compose`.
    compose: OnceLock<Result<Vec<String>, String>>,
}

impl Docker {
    /// Checks that `docker` is installed and that its daemon answers.
    pub fn connect() -> anyhow::Result<Docker> {
        let mut version = Command::new("docker");
        version.args(["version", "--format", "{{.Server.Version}}"]);
        match output(&mut version) {
            Err(error) if error.kind() == ErrorKind::NotFound => bail!(
                "docker is not installed: install Docker Engine \
                 (`sudo apt-get install docker.io docker-compose` on Debian and Ubuntu, \
                 or see https://docs.docker.com/engine/install/)"
            ),
            Err(error) => bail!("cannot run docker: {error}"),
            Ok(out) if !out.status.success() => {
                let said = last_line(&out.stderr);
                if said.contains("permission denied") {
                    bail!(
                        "the Docker daemon refuses you ({said}): run as root, or join the \
                         docker group (`sudo usermod -aG docker $USER`, then log in again)"
                    )
                }
                bail!(
                    "the Docker daemon does not answer ({said}): start it with \
                     `sudo systemctl start docker` (or `sudo dockerd &` where there is no systemd)"
                )
            }
            Ok(_) => Ok(Docker {
                compose: OnceLock::new(),
            }),
        }
    }

    /// A `docker` command.
    pub fn docker(&self) -> Command {
        Command::new("docker")
    }

    /// A Compose command: `docker compose` where the plugin is installed, else
    /// `docker-compose`.
    pub fn compose(&self) -> anyhow::Result<Command> {
        let found = self.compose.get_or_init(find_compose);
        match found {
            Ok(words) => {
                let mut command = Command::new(&words[0]);
                command.args(&words[1..]);
                Ok(command)
            }
            Err(why) => bail!("{why}"),
        }
    }

    /// Whether image `name` is on this machine.
    pub fn has_image(&self, name: &str) -> bool {
        self.image_id(name).is_some()
    }

    /// The id of image `name` (`sha256:…`), if it is on this machine.
    pub fn image_id(&self, name: &str) -> Option<String> {
        let mut inspect = self.docker();
        inspect.args(["image", "inspect", "--format", "{{.Id}}", name]);
        let id = run(&mut inspect).ok()?;
        Some(id.trim().to_string()).filter(|id| !id.is_empty())
    }
}

/// `docker compose` (v2) when it answers, else `docker-compose` (v1), else why neither.
fn find_compose() -> Result<Vec<String>, String> {
    let candidates: [&[&str]; 2] = [&["docker", "compose"], &["docker-compose"]];
    for words in candidates {
        let mut version = Command::new(words[0]);
        version.args(&words[1..]).arg("version");
        if succeeds(&mut version) {
            return Ok(words.iter().map(|word| word.to_string()).collect());
        }
    }
    Err(
        "Docker Compose is not installed (neither `docker compose` nor `docker-compose` \
         answers): `sudo apt-get install docker-compose`, or Docker's docker-compose-plugin"
            .to_string(),
    )
}

/// Runs `command` and returns what it printed on stdout; a failure quotes the command line
/// and the end of its stderr.
pub fn run(command: &mut Command) -> anyhow::Result<String> {
    let out = match output(command) {
        Ok(out) => out,
        Err(error) => bail!("cannot run `{}`: {error}", describe(command)),
    };
    if !out.status.success() {
        bail!("{}", failure(command, &out));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Runs `command` and says whether it succeeded (its output is dropped).
pub fn succeeds(command: &mut Command) -> bool {
    output(command).is_ok_and(|out| out.status.success())
}

/// Runs `command` with nothing on its stdin and its stdout and stderr kept.
pub fn output(command: &mut Command) -> std::io::Result<Output> {
    command.stdin(Stdio::null()).output()
}

/// "`docker exec … etcdctl …` failed (exit status: 1): Error: …; …", on one line: the
/// command, how it ended, and the last lines of its stderr (or of its stdout, for a program
/// that writes its errors there), joined by `; `. An error for a person is one line.
pub fn failure(command: &Command, out: &Output) -> String {
    let said = if out.stderr.iter().all(u8::is_ascii_whitespace) {
        &out.stdout
    } else {
        &out.stderr
    };
    let said = tail(&String::from_utf8_lossy(said), QUOTED_LINES);
    let said: Vec<&str> = said.lines().map(str::trim).collect();
    let status = out.status;
    if said.is_empty() {
        format!("`{}` failed ({status})", describe(command))
    } else {
        format!(
            "`{}` failed ({status}): {}",
            describe(command),
            said.join("; ")
        )
    }
}

/// The command line as a person would type it: words with spaces or quotes quoted.
pub fn describe(command: &Command) -> String {
    std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(quote)
        .collect::<Vec<_>>()
        .join(" ")
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+{}".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// What newer Dockers print on every `docker build` without BuildKit, three lines that
/// say nothing of the build: left out of a quoted error.
const BUILDER_NOTICE: [&str; 3] = [
    "legacy builder is deprecated",
    "Install the buildx component",
    "docs.docker.com/go/buildx",
];

/// The last `lines` non-empty lines of `text`, each indented for quoting in an error.
pub fn tail(text: &str, lines: usize) -> String {
    let kept: Vec<&str> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter(|line| !BUILDER_NOTICE.iter().any(|notice| line.contains(notice)))
        .collect();
    kept[kept.len().saturating_sub(lines)..]
        .iter()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn last_line(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text
        .lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("no answer");
    line.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_line_is_quoted_as_a_shell_would_need() {
        let mut command = Command::new("docker");
        command.args([
            "exec",
            "l14-host-a-1",
            "sh",
            "-c",
            "exec \"$@\" >>/var/log/x",
        ]);
        assert_eq!(
            describe(&command),
            r#"docker exec l14-host-a-1 sh -c 'exec "$@" >>/var/log/x'"#
        );
    }

    #[test]
    fn a_failure_is_said_in_one_line() {
        let mut failing = Command::new("sh");
        failing.args(["-c", "echo one >&2; echo >&2; echo '  two' >&2; exit 3"]);
        let error = run(&mut failing).unwrap_err();
        assert_eq!(
            format!("{error:#}"),
            "`sh -c 'echo one >&2; echo >&2; echo '\\''  two'\\'' >&2; exit 3'` failed (exit \
             status: 3): one; two"
        );
        let mut quiet = Command::new("false");
        assert_eq!(
            format!("{:#}", run(&mut quiet).unwrap_err()),
            "`false` failed (exit status: 1)"
        );
    }

    #[test]
    fn the_tail_keeps_the_last_lines_that_say_something() {
        assert_eq!(tail("a\n\nb\nc\n\n", 2), "    b\n    c");
        let build = "Step 1/4 : FROM x\nDEPRECATED: The legacy builder is deprecated and will be \
                     removed in a future release.\n            Install the buildx component to \
                     build images with BuildKit:\n            \
                     https://docs.docker.com/go/buildx/\n\nerror: no such image";
        assert_eq!(
            tail(build, 3),
            "    Step 1/4 : FROM x\n    error: no such image"
        );
        assert_eq!(tail("", 2), "");
    }
}
