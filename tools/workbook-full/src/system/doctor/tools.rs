//! Each program the course needs, asked whether it is here and new enough: one function
//! per program, each a [`Finding`] with the command that fixes what is missing.

use std::path::Path;
use std::process::Command;

use programs::find_on_path;

use super::{Finding, Fix};
use crate::system::install::install_command;
use crate::system::probe;
use workbook_core::language::messages::{Cmd, Msg, say};

/// The oldest rustc the workspace builds with (`rust-version` in the root Cargo.toml).
const MINIMUM_RUST: (u32, u32) = (1, 88);

const RUSTUP: &str = "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh";

/// The first line a program prints for `args`, if it runs.
fn first_line(program: &str, args: &[&str]) -> Option<String> {
    first_line_of(Command::new(program).args(args))
}

/// The first line a command prints, if it runs.
fn first_line_of(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    if !output.status.success() {
        return None;
    }
    let text = if output.stdout.is_empty() {
        output.stderr
    } else {
        output.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

fn parse_rust_version(line: &str) -> Option<(u32, u32)> {
    let version = line.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

pub(super) fn toolchain() -> Vec<Finding> {
    let cargo = first_line_of(workbook_core::environment::cargo().arg("--version"));
    let rustc = first_line("rustc", &["--version"]);
    let mut findings = Vec::new();
    match cargo {
        Some(version) => findings.push(Finding::Fine(version)),
        None => findings.push(Finding::Problem {
            what: say(Msg::DoctorNoCargo, &[]),
            fix: Fix::Run(RUSTUP.into()),
        }),
    }
    match rustc {
        Some(version) => match parse_rust_version(&version) {
            Some(found) if found < MINIMUM_RUST => findings.push(Finding::Problem {
                what: say(
                    Cmd::DoctorRustOld,
                    &[
                        ("version", &version),
                        ("needed", &format!("{}.{}", MINIMUM_RUST.0, MINIMUM_RUST.1)),
                    ],
                ),
                fix: Fix::Run("rustup update stable".into()),
            }),
            _ => findings.push(Finding::Fine(version)),
        },
        None => findings.push(Finding::Problem {
            what: say(Msg::DoctorNoRustc, &[]),
            fix: Fix::Run(RUSTUP.into()),
        }),
    }
    findings
}

/// etcd, lesson 11's second registry and lesson 13's: their tests start private clusters.
pub(super) fn etcd() -> Finding {
    match first_line("etcd", &["--version"]) {
        Some(version) => Finding::Fine(version.replace("etcd Version: ", "etcd ")),
        None => Finding::not_installed(Msg::DoctorNoEtcd, "etcd-server", "etcd"),
    }
}

/// etcdctl: chapters 11 and 13 look at the cluster with it, as an operator would.
pub(super) fn etcdctl() -> Finding {
    // `version` for the v3 API; `--version` where ETCDCTL_API=2 is set.
    let version =
        first_line("etcdctl", &["version"]).or_else(|| first_line("etcdctl", &["--version"]));
    match version {
        Some(version) => Finding::Fine(say(
            Msg::DoctorEtcdctlFound,
            &[("version", &version.replace("etcdctl version: ", "etcdctl "))],
        )),
        None => Finding::not_installed(Msg::DoctorNoEtcdctl, "etcd-client", "etcd"),
    }
}

/// nats-server, lesson 12's broker: its tests start a private one with JetStream on.
/// Debian installs it in /usr/sbin, off a user's PATH: the `programs` finder looks there too.
pub(super) fn nats() -> Finding {
    let version = programs::find_nats_server()
        .and_then(|program| first_line_of(Command::new(program).arg("--version")));
    match version {
        Some(version) => Finding::Fine(version.replace("nats-server: v", "nats-server ")),
        None => Finding::not_installed(Msg::DoctorNoNats, "nats-server", "nats-server"),
    }
}

/// Docker and Compose: lesson 14's lab of three hosts. Nothing else needs them, and the lab's
/// test says why it is skipped where they are missing, so each is a note, not a problem.
pub(super) fn docker() -> Finding {
    if first_line("docker", &["--version"]).is_none() {
        return Finding::Note(say(Cmd::DoctorNoDocker, &[]));
    }
    let Some(engine) = first_line("docker", &["info", "--format", "{{.ServerVersion}}"]) else {
        return Finding::Note(say(Cmd::DoctorDockerNotRunning, &[]));
    };
    // Compose v2 is a plugin of the docker command; v1 a program of its own.
    let compose = first_line("docker", &["compose", "version", "--short"])
        .or_else(|| first_line("docker-compose", &["version", "--short"]));
    match compose {
        Some(compose) => Finding::Fine(say(
            Cmd::DoctorDocker,
            &[("engine", &engine), ("compose", &compose)],
        )),
        None => Finding::Note(say(Cmd::DoctorNoCompose, &[])),
    }
}

/// A font with Chinese characters: the book quotes the Go course's messages in Chinese,
/// and without one the pages (and their browser check) show boxes. macOS has one.
pub(super) fn cjk_font() -> Finding {
    if cfg!(target_os = "macos") {
        return Finding::Fine(say(Cmd::DoctorCjkFontMac, &[]));
    }
    let fonts = Command::new("fc-list")
        .arg(":lang=zh")
        .arg("family")
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default();
    match fonts.lines().find(|line| !line.trim().is_empty()) {
        Some(family) => {
            let font = family.split(',').next().unwrap_or(family).trim();
            Finding::Fine(say(Cmd::DoctorCjkFont, &[("font", &font)]))
        }
        None => {
            let command = install_command(&[("fonts-noto-cjk", "--cask font-noto-sans-cjk")]);
            Finding::Note(say(Cmd::DoctorNoCjkFont, &[("command", &command)]))
        }
    }
}

/// protoc: lesson 11's etcd client (the etcd-client crate) compiles etcd's protos with it
/// when it is built. Lessons 01–10 never need it.
pub(super) fn protoc() -> Finding {
    match first_line("protoc", &["--version"]) {
        Some(version) => Finding::Fine(say(Msg::DoctorProtocFound, &[("version", &version)])),
        None => Finding::not_installed(Msg::DoctorNoProtoc, "protobuf-compiler", "protobuf"),
    }
}

pub(super) fn redis() -> Finding {
    match first_line("redis-server", &["--version"]) {
        Some(version) => {
            let short = version
                .split_whitespace()
                .find_map(|w| w.strip_prefix("v="))
                .map(|v| format!("redis-server {v}"))
                .unwrap_or(version);
            Finding::Fine(short)
        }
        None => Finding::not_installed(Msg::DoctorNoRedis, "redis-server", "redis"),
    }
}

pub(super) fn consul() -> Finding {
    if let Some(value) = probe::consul_from_env() {
        return Finding::Fine(say(Msg::DoctorConsulFromEnv, &[("value", &value)]));
    }
    if find_on_path("consul").is_some() {
        let version = first_line("consul", &["version"]).unwrap_or_else(|| "consul".into());
        return Finding::Fine(say(Msg::DoctorConsulFound, &[("version", &version)]));
    }
    Finding::Note(say(Msg::DoctorNoConsul, &[]))
}

/// Headless Chromium and its WebDriver: `verify` checks the book's pages in them, the
/// gateway's page (lesson 10) is tested in them, and `book --pdf` and `bundle` print the book
/// with them. Without them those checks are skipped; a pair that starts but cannot print (a
/// chromedriver of another version, a browser build that prints nothing) is found by
/// printing a one-line page, as the book is printed.
pub(super) fn chromium() -> Finding {
    let driver = find_on_path("chromedriver");
    let browser = programs::CHROMIUM_NAMES
        .into_iter()
        .find(|name| find_on_path(name).is_some());
    let (Some(browser), Some(_)) = (browser, driver) else {
        let command = install_command(&[
            ("chromium", "--cask chromium"),
            ("chromium-driver", "chromedriver"),
        ]);
        return Finding::Note(say(Cmd::DoctorNoChromium, &[("command", &command)]));
    };
    let version = first_line(browser, &["--version"]);
    let version = version
        .as_deref()
        .and_then(|version| version.split(" built").next())
        .unwrap_or(browser);
    match prints() {
        Ok(()) => Finding::Fine(say(Cmd::DoctorChromium, &[("version", &version)])),
        Err(why) => Finding::Note(say(
            Cmd::DoctorChromiumCannotPrint,
            &[("version", &version), ("why", &why)],
        )),
    }
}

/// Whether `book --pdf` works here: its probe, on a runtime of its own (doctor's checks
/// are plain functions, and may be called from within another runtime).
fn prints() -> Result<(), String> {
    match probe::on_own_runtime(crate::teacher::pdf::probe()) {
        Some(printed) => printed.map_err(|error| error.to_string()),
        None => Err("the print probe did not run to its end".into()),
    }
}

pub(super) fn python() -> Finding {
    match first_line("python3", &["--version"]) {
        Some(version) => Finding::Fine(version),
        None => Finding::not_installed(Msg::DoctorNoPython, "python3", "python"),
    }
}

pub(super) fn openssl(root: &Path) -> Finding {
    let needed = std::fs::read_to_string(root.join("Cargo.lock"))
        .map(|lock| lock.contains("name = \"openssl-sys\""))
        .unwrap_or(true);
    let has_pkg_config = find_on_path("pkg-config").is_some();
    let found = has_pkg_config
        && Command::new("pkg-config")
            .args(["--exists", "openssl"])
            .status()
            .is_ok_and(|s| s.success());
    match (found, needed) {
        (true, _) => {
            let version =
                first_line("pkg-config", &["--modversion", "openssl"]).unwrap_or_default();
            Finding::Fine(say(Cmd::DoctorOpenSsl, &[("version", &version)]))
        }
        (false, false) => Finding::Note(say(Cmd::DoctorNoOpenSslNeeded, &[])),
        (false, true) if !has_pkg_config => Finding::Problem {
            what: say(Cmd::DoctorNoPkgConfig, &[]),
            fix: Fix::Install(vec![
                ("pkg-config", "pkg-config"),
                ("libssl-dev", "openssl"),
            ]),
        },
        (false, true) => Finding::Problem {
            what: say(Cmd::DoctorNoOpenSsl, &[]),
            fix: Fix::install("libssl-dev", "openssl"),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_rustc_version() {
        assert_eq!(
            parse_rust_version("rustc 1.95.0 (59807616e 2026-04-14)"),
            Some((1, 95))
        );
        assert_eq!(parse_rust_version("nonsense"), None);
    }
}
