//! `doctor`: is this machine ready for the course, and if not, the command that fixes it.
//!
//! Required: a Rust toolchain new enough for the workspace, `redis-server`, `python3`
//! (one lesson's test drives a Python client), and OpenSSL's headers when a dependency
//! links OpenSSL; for lesson 11, etcd, `etcdctl` and protoc; for lesson 12, `nats-server`.
//! Optional: a real Consul (the embedded agent stands in), headless Chromium and a CJK font
//! for the browser checks, and free ports (the book's, those of `up`'s system, and NATS's,
//! which `services up` starts for lesson 12).

use std::net::SocketAddr;
use std::path::Path;
use std::process::Command;

use anyhow::{Result, bail};
use programs::find_on_path;

use crate::book;
use crate::common::language::messages::{Cmd, Msg, say};
use crate::common::ui;
use crate::system::ports::Layout;
use crate::system::probe;
use crate::system::services::{self, Service};
use crate::system::up;

/// The oldest rustc the workspace builds with (`rust-version` in the root Cargo.toml).
const MINIMUM_RUST: (u32, u32) = (1, 88);

const RUSTUP: &str = "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh";

enum Finding {
    Fine(String),
    /// Worth knowing, but the course works.
    Note(String),
    /// Something the course needs, with what fixes it.
    Problem {
        what: String,
        fix: Fix,
    },
}

/// What fixes a problem: packages to install, or a command to run.
enum Fix {
    /// (Debian name, Homebrew name) of each package.
    Install(Vec<(&'static str, &'static str)>),
    Run(String),
}

impl Fix {
    fn install(debian: &'static str, homebrew: &'static str) -> Fix {
        Fix::Install(vec![(debian, homebrew)])
    }

    fn command(&self) -> String {
        match self {
            Fix::Install(packages) => install_command(packages),
            Fix::Run(command) => command.clone(),
        }
    }
}

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

/// The package's name for dnf or pacman, from its Debian name.
fn rename(debian: &str, manager: &str) -> String {
    let renamed = match (manager, debian) {
        ("dnf", "libssl-dev") => "openssl-devel",
        ("dnf", "pkg-config") => "pkgconf-pkg-config",
        ("pacman", "libssl-dev") => "openssl",
        ("pacman", "pkg-config") => "pkgconf",
        ("pacman", "python3") => "python",
        (_, "redis-server") => "redis",
        (_, "etcd-server") => "etcd",
        (_, "etcd-client") => "etcd",
        ("dnf", "fonts-noto-cjk") => "google-noto-sans-cjk-fonts",
        ("pacman", "fonts-noto-cjk") => "noto-fonts-cjk",
        ("pacman", "protobuf-compiler") => "protobuf",
        (_, other) => other,
    };
    renamed.to_string()
}

/// The one command that installs `packages` (Debian name, Homebrew name) with this
/// system's package manager.
pub fn install_command(packages: &[(&str, &str)]) -> String {
    let has = |program: &str| find_on_path(program).is_some();
    let debian: Vec<&str> = packages.iter().map(|(d, _)| *d).collect();
    if cfg!(target_os = "macos") || (has("brew") && !has("apt-get")) {
        let brew: Vec<&str> = packages.iter().map(|(_, b)| *b).collect();
        return format!("brew install {}", brew.join(" "));
    }
    let sudo = if is_root() { "" } else { "sudo " };
    let renamed = |manager: &str| {
        let names: Vec<String> = debian.iter().map(|d| rename(d, manager)).collect();
        names.join(" ")
    };
    if has("apt-get") {
        format!("{sudo}apt-get install -y {}", debian.join(" "))
    } else if has("dnf") {
        format!("{sudo}dnf install -y {}", renamed("dnf"))
    } else if has("pacman") {
        format!("{sudo}pacman -S {}", renamed("pacman"))
    } else {
        say(Cmd::DoctorInstallWith, &[("packages", &debian.join(" "))])
    }
}

fn is_root() -> bool {
    std::env::var("USER").is_ok_and(|u| u == "root")
        || first_line("id", &["-u"]).is_some_and(|id| id == "0")
}

fn parse_rust_version(line: &str) -> Option<(u32, u32)> {
    let version = line.split_whitespace().nth(1)?;
    let mut parts = version.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn toolchain() -> Vec<Finding> {
    let cargo = first_line_of(crate::common::environment::cargo().arg("--version"));
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

/// etcd, lesson 11's second registry: its tests start a private three-member cluster.
fn etcd() -> Finding {
    match first_line("etcd", &["--version"]) {
        Some(version) => Finding::Fine(version.replace("etcd Version: ", "etcd ")),
        None => Finding::Problem {
            what: say(Msg::DoctorNoEtcd, &[]),
            fix: Fix::install("etcd-server", "etcd"),
        },
    }
}

/// etcdctl: chapter 11 looks at the cluster with it, as an operator would.
fn etcdctl() -> Finding {
    // `version` for the v3 API; `--version` where ETCDCTL_API=2 is set.
    let version =
        first_line("etcdctl", &["version"]).or_else(|| first_line("etcdctl", &["--version"]));
    match version {
        Some(version) => Finding::Fine(say(
            Msg::DoctorEtcdctlFound,
            &[("version", &version.replace("etcdctl version: ", "etcdctl "))],
        )),
        None => Finding::Problem {
            what: say(Msg::DoctorNoEtcdctl, &[]),
            fix: Fix::install("etcd-client", "etcd"),
        },
    }
}

/// nats-server, lesson 12's broker: its tests start a private one with JetStream on.
/// Debian installs it in /usr/sbin, off a user's PATH: the `programs` finder looks there too.
fn nats() -> Finding {
    let version = programs::find_nats_server()
        .and_then(|program| first_line_of(Command::new(program).arg("--version")));
    match version {
        Some(version) => Finding::Fine(version.replace("nats-server: v", "nats-server ")),
        None => Finding::Problem {
            what: say(Msg::DoctorNoNats, &[]),
            fix: Fix::install("nats-server", "nats-server"),
        },
    }
}

/// A font with Chinese characters: the book quotes the Go course's messages in Chinese,
/// and without one the pages (and their browser check) show boxes. macOS has one.
fn cjk_font() -> Finding {
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
fn protoc() -> Finding {
    match first_line("protoc", &["--version"]) {
        Some(version) => Finding::Fine(say(Msg::DoctorProtocFound, &[("version", &version)])),
        None => Finding::Problem {
            what: say(Msg::DoctorNoProtoc, &[]),
            fix: Fix::install("protobuf-compiler", "protobuf"),
        },
    }
}

fn redis() -> Finding {
    match first_line("redis-server", &["--version"]) {
        Some(version) => {
            let short = version
                .split_whitespace()
                .find_map(|w| w.strip_prefix("v="))
                .map(|v| format!("redis-server {v}"))
                .unwrap_or(version);
            Finding::Fine(short)
        }
        None => Finding::Problem {
            what: say(Msg::DoctorNoRedis, &[]),
            fix: Fix::install("redis-server", "redis"),
        },
    }
}

fn consul() -> Finding {
    if let Some(value) = probe::consul_from_env() {
        return Finding::Fine(say(Msg::DoctorConsulFromEnv, &[("value", &value)]));
    }
    if find_on_path("consul").is_some() {
        let version = first_line("consul", &["version"]).unwrap_or_else(|| "consul".into());
        return Finding::Fine(say(Msg::DoctorConsulFound, &[("version", &version)]));
    }
    Finding::Note(say(Msg::DoctorNoConsul, &[]))
}

/// Headless Chromium and its WebDriver: `verify` checks the book's pages in them, and the
/// gateway's page (lesson 10) is tested in them. Without them those checks are skipped.
fn chromium() -> Finding {
    let driver = find_on_path("chromedriver");
    let browser = programs::CHROMIUM_NAMES
        .into_iter()
        .find(|name| find_on_path(name).is_some());
    match (browser, driver) {
        (Some(browser), Some(_)) => {
            let version = first_line(browser, &["--version"]);
            let version = version
                .as_deref()
                .and_then(|version| version.split(" built").next())
                .unwrap_or(browser);
            Finding::Fine(say(Cmd::DoctorChromium, &[("version", &version)]))
        }
        _ => {
            let command = install_command(&[
                ("chromium", "--cask chromium"),
                ("chromium-driver", "chromedriver"),
            ]);
            Finding::Note(say(Cmd::DoctorNoChromium, &[("command", &command)]))
        }
    }
}

fn python() -> Finding {
    match first_line("python3", &["--version"]) {
        Some(version) => Finding::Fine(version),
        None => Finding::Problem {
            what: say(Msg::DoctorNoPython, &[]),
            fix: Fix::install("python3", "python"),
        },
    }
}

fn openssl(root: &Path) -> Finding {
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

/// Who holds a port of `layout`, as far as we can tell.
fn port(root: &Path, layout: Layout, port: u16, usual: &str) -> Finding {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    if std::net::TcpListener::bind(addr).is_ok() {
        return Finding::Fine(say(
            Cmd::DoctorPortFree,
            &[("port", &port), ("usual", &usual)],
        ));
    }
    let who = if port == layout.book() {
        match probe::http_get(addr, "/__workbook") {
            Some((200, body)) if body.trim() == book::SIGNATURE => {
                Some(say(Cmd::DoctorOurBookServer, &[]))
            }
            _ => None,
        }
    } else if port == layout.consul().port() && probe::consul_leader(addr).is_some() {
        Some(
            match services::running_pid_on(root, Service::Consul, addr) {
                Some(pid) => say(Cmd::DoctorOurAgent, &[("pid", &pid)]),
                None if probe::is_embedded_agent(addr) => say(Cmd::AnEmbeddedAgent, &[]),
                None => say(Cmd::AConsulAgent, &[]),
            },
        )
    } else if port == layout.redis().port() && probe::redis_pings(addr) {
        Some(match services::running_pid_on(root, Service::Redis, addr) {
            Some(pid) => say(Cmd::DoctorOurRedis, &[("pid", &pid)]),
            None => say(Cmd::DoctorARedis, &[]),
        })
    } else if port == layout.nats().port() && probe::nats_answers(addr) {
        Some(match services::running_pid_on(root, Service::Nats, addr) {
            Some(pid) => say(Cmd::DoctorOurNats, &[("pid", &pid)]),
            None => say(Cmd::DoctorANats, &[]),
        })
    } else {
        up::plan::started_on(root, layout, port)
    };
    match who {
        Some(who) => Finding::Fine(say(
            Cmd::DoctorPortUsedBy,
            &[("port", &port), ("who", &who)],
        )),
        None => Finding::Note(say(
            Cmd::DoctorPortBusy,
            &[("port", &port), ("usual", &usual)],
        )),
    }
}

/// The `doctor` command. Fails when something required is missing.
pub fn run(root: &Path) -> Result<()> {
    let layout = Layout::of(root, None)?;
    let system = layout.system();
    let sections: Vec<(Msg, Vec<Finding>)> = vec![
        (Msg::DoctorToolchain, toolchain()),
        (Msg::DoctorServices, vec![redis(), consul()]),
        (Msg::DoctorEtcd, vec![etcd(), etcdctl(), protoc()]),
        (Msg::DoctorNats, vec![nats()]),
        (
            Msg::DoctorBuild,
            vec![openssl(root), python(), chromium(), cjk_font()],
        ),
        (
            Msg::DoctorPorts,
            vec![
                port(root, layout, layout.book(), &say(Cmd::PortTheBook, &[])),
                port(root, layout, system.consul, "Consul"),
                port(root, layout, system.redis, "Redis"),
                port(root, layout, layout.nats().port(), "NATS"),
                port(
                    root,
                    layout,
                    system.captchas[0],
                    &say(Cmd::PortLesson09Captcha, &[]),
                ),
                port(
                    root,
                    layout,
                    system.captchas[1],
                    &say(Cmd::PortSecondCaptcha, &[]),
                ),
                port(
                    root,
                    layout,
                    system.gateway,
                    &say(Cmd::PortLesson10Gateway, &[]),
                ),
            ],
        ),
    ];

    let mut packages = Vec::new();
    let mut commands = Vec::new();
    for (title, findings) in &sections {
        println!("{}", ui::bold(&say(*title, &[])));
        for finding in findings {
            match finding {
                Finding::Fine(text) => println!("  {} {text}", ui::pass_mark()),
                Finding::Note(text) => println!("  {} {text}", ui::yellow("!")),
                Finding::Problem { what, fix } => {
                    println!("  {} {what}", ui::fail_mark());
                    let command = ui::cyan(&fix.command());
                    println!("{}", say(Msg::DoctorFix, &[("command", &command)]));
                    match fix {
                        Fix::Install(needed) => packages.extend(needed.iter().copied()),
                        Fix::Run(command) => commands.push(command.clone()),
                    }
                }
            }
        }
    }
    println!();
    let problems = sections
        .iter()
        .flat_map(|(_, findings)| findings)
        .filter(|f| matches!(f, Finding::Problem { .. }))
        .count();
    if problems == 0 {
        let ready = say(
            Msg::DoctorReady,
            &[
                ("mark", &ui::pass_mark()),
                ("services", &ui::cmd("services up")),
                ("up", &ui::cmd("up")),
            ],
        );
        println!("{ready}");
        return Ok(());
    }
    println!("{}", say(Msg::DoctorFixAll, &[]));
    if !packages.is_empty() {
        println!("  {}", ui::cyan(&install_command(&packages)));
    }
    for command in &commands {
        println!("  {}", ui::cyan(command));
    }
    bail!("{}", say(Msg::DoctorMissing, &[("count", &problems)]))
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

    #[test]
    fn names_etcdctl_and_the_cjk_font_for_each_package_manager() {
        assert_eq!(rename("etcd-client", "dnf"), "etcd");
        assert_eq!(rename("etcd-client", "pacman"), "etcd");
        assert_eq!(rename("fonts-noto-cjk", "pacman"), "noto-fonts-cjk");
        assert_eq!(rename("fonts-noto-cjk", "apt-get"), "fonts-noto-cjk");
    }
}
