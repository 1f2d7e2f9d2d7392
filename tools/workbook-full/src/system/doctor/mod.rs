//! `doctor`: is this machine ready for the course, and if not, the command that fixes it.
//!
//! Required: a Rust toolchain new enough for the workspace, `redis-server`, `python3`
//! (one lesson's test drives a Python client), and OpenSSL's headers when a dependency
//! links OpenSSL; for lessons 11 and 13, etcd, `etcdctl` and protoc; for lesson 12, `nats-server`.
//! Optional: a real Consul (the embedded agent stands in), headless Chromium and a CJK font
//! for the browser checks, and free ports (the book's, those of `up`'s system, and NATS's,
//! which `services up` starts for lesson 12). Where cargo is pointed at the room's mirror
//! (`class serve --mirror`), whether it answers.

use std::net::SocketAddr;
use std::path::Path;

use anyhow::{Result, bail};

use crate::book;
use crate::system::install::install_command;
use crate::system::ports::Layout;
use crate::system::probe;
use crate::system::services::{self, Service};
use crate::system::up;
use workbook_core::language::messages::{Cmd, Msg, say, tell};
use workbook_core::ui;

mod mirror;
mod tools;

use tools::{
    chromium, cjk_font, consul, docker, etcd, etcdctl, nats, openssl, protoc, python, redis,
    toolchain,
};

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

impl Finding {
    /// A program not found: `what` says so, and its package (Debian's, Homebrew's) fixes it.
    fn not_installed(what: Msg, debian: &'static str, homebrew: &'static str) -> Finding {
        let what = say(what, &[]);
        let fix = Fix::install(debian, homebrew);
        Finding::Problem { what, fix }
    }
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
    let sections: Vec<(Msg, Vec<Finding>)> = vec![
        (
            Msg::DoctorToolchain,
            toolchain()
                .into_iter()
                .chain(mirror::mirror(root))
                .collect(),
        ),
        (Msg::DoctorServices, vec![redis(), consul()]),
        (Msg::DoctorEtcd, vec![etcd(), etcdctl(), protoc()]),
        (Msg::DoctorNats, vec![nats()]),
        (Msg::DoctorDockerLab, vec![docker()]),
        (
            Msg::DoctorBuild,
            vec![openssl(root), python(), chromium(), cjk_font()],
        ),
        (
            Msg::DoctorPorts,
            vec![
                port(root, layout, layout.book(), &say(Cmd::PortTheBook, &[])),
                port(root, layout, layout.consul().port(), "Consul"),
                port(root, layout, layout.redis().port(), "Redis"),
                port(root, layout, layout.nats().port(), "NATS"),
                port(
                    root,
                    layout,
                    layout.captchas()[0].port(),
                    &say(Cmd::PortLesson09Captcha, &[]),
                ),
                port(
                    root,
                    layout,
                    layout.captchas()[1].port(),
                    &say(Cmd::PortSecondCaptcha, &[]),
                ),
                port(
                    root,
                    layout,
                    layout.gateway().port(),
                    &say(Cmd::PortLesson10Gateway, &[]),
                ),
                port(
                    root,
                    layout,
                    layout.prometheus().port(),
                    &say(Cmd::PortUpPrometheus, &[]),
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
                    tell(Msg::DoctorFix, &[("command", &command)]);
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
    tell(Msg::DoctorFixAll, &[]);
    if !packages.is_empty() {
        println!("  {}", ui::cyan(&install_command(&packages)));
    }
    for command in &commands {
        println!("  {}", ui::cyan(command));
    }
    bail!(say(Msg::DoctorMissing, &[("count", &problems)]))
}
