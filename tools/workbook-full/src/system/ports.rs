//! `workbook ports`: this copy's base port, kept or forgotten, and every port it uses.
//! The layout itself (which port is what, counted from a base) is
//! `workbook_core::ports`, which every room of the runner reads.

use std::fs;
use std::net::SocketAddr;
use std::path::Path;

use anyhow::Result;
use unicode_width::UnicodeWidthStr;
use walkdir::WalkDir;

use crate::book;
use workbook_core::course::{Course, STATE_DIR};
use workbook_core::language::messages::{Cmd, say, tell};
pub use workbook_core::ports::{BASE_PORT_VAR, BLOCK, Layout, keep_base, lesson_number};

/// What `ports` does: keep a base, forget it, or only show the layout.
pub enum Change {
    Keep(u16),
    Clear,
    Show,
}

/// `ports [--base B | --clear]`: keeps or forgets this clone's base port, then prints
/// every port this copy uses and the lines that point a shell at its services.
pub fn command(course: &Course, change: Change) -> Result<()> {
    let root = &course.root;
    match change {
        Change::Keep(base) => keep_base(root, Some(base))?,
        Change::Clear => keep_base(root, None)?,
        Change::Show => {}
    }
    let layout = Layout::of(root, None)?;
    match layout.base() {
        Some(base) => {
            let var_set = std::env::var(BASE_PORT_VAR).is_ok_and(|v| !v.trim().is_empty());
            let from = if var_set {
                BASE_PORT_VAR.to_string()
            } else {
                format!("{STATE_DIR}/ports.toml")
            };
            let last = base + (BLOCK - 1);
            let args: [(&str, &dyn std::fmt::Display); 3] =
                [("base", &base), ("last", &last), ("from", &from)];
            tell(Cmd::PortsBlock, &args);
        }
        None => println!("{}", say(Cmd::PortsStandard, &[])),
    }
    let [captcha_1, captcha_2] = layout.captchas().map(|addr| addr.port());
    let rows: [(String, String); 8] = [
        ("Consul".into(), layout.consul().to_string()),
        ("Redis".into(), layout.redis().to_string()),
        ("NATS".into(), layout.nats().to_string()),
        (say(Cmd::PortTheBook, &[]), book::url(layout.book())),
        (
            say(Cmd::PortTheTraces, &[]),
            format!("http://{}", layout.otlp()),
        ),
        (
            say(Cmd::PortsUpSystem, &[]),
            say(
                Cmd::PortsUpParts,
                &[
                    ("one", &captcha_1),
                    ("two", &captcha_2),
                    ("gateway", &layout.gateway().port()),
                    ("prometheus", &layout.prometheus().port()),
                ],
            ),
        ),
        (
            say(Cmd::PortsLessonServers, &[]),
            lesson_range(course, layout),
        ),
        (say(Cmd::PortsLab, &[]), lab_ports()),
    ];
    let width = rows.iter().map(|(what, _)| what.width()).max().unwrap_or(0);
    for (what, place) in rows {
        let pad = " ".repeat(width - what.width());
        println!("  {what}{pad}  {place}");
    }
    if layout.base().is_some() {
        println!();
        tell(Cmd::PortsYourShell, &[]);
        println!("  {}", layout.env_lines());
        let servers: Vec<(&str, SocketAddr, SocketAddr)> = course
            .lessons
            .iter()
            .filter_map(|lesson| {
                let number = lesson_number(&lesson.folder)?;
                let usual = Layout::STANDARD.lesson(number);
                has_server_on(&lesson.dir.join("src"), usual)
                    .then(|| (lesson.package.as_str(), usual, layout.lesson(number)))
            })
            .collect();
        let width = servers.iter().map(|(package, ..)| package.len()).max();
        for (package, usual, addr) in &servers {
            let pad = " ".repeat(width.unwrap_or(0) - package.len());
            println!("  {package}{pad}  {usual} → --addr {addr}");
        }
    }
    Ok(())
}

/// Where lesson 14's lab publishes its hosts' gateways and its Prometheus: four ports in a
/// row from `L14_API_PORT` (8080, as the chapter shows), which no base port moves.
fn lab_ports() -> String {
    const VARIABLE: &str = "L14_API_PORT";
    const BOOK: u16 = 8080;
    let first = std::env::var(VARIABLE)
        .ok()
        .and_then(|port| port.trim().parse::<u16>().ok())
        .filter(|port| port.checked_add(3).is_some())
        .unwrap_or(BOOK);
    say(
        Cmd::PortsLabParts,
        &[
            ("a", &first),
            ("b", &(first + 1)),
            ("c", &(first + 2)),
            ("prometheus", &(first + 3)),
            ("var", &VARIABLE),
        ],
    )
}

/// `127.0.0.1:7001 … 7011`: the first and last lesson's server.
fn lesson_range(course: &Course, layout: Layout) -> String {
    let numbers: Vec<u16> = course
        .lessons
        .iter()
        .filter_map(|lesson| lesson_number(&lesson.folder))
        .collect();
    match (numbers.iter().min(), numbers.iter().max()) {
        (Some(&first), Some(&last)) => {
            format!("{} … {}", layout.lesson(first), layout.lesson(last).port())
        }
        _ => "-".to_string(),
    }
}

/// Whether the sources in `dir` (a lesson's `src/`, a few folders deep) name `addr`: the
/// lesson has a server there by default, and the learner needs another `--addr`.
fn has_server_on(dir: &Path, addr: SocketAddr) -> bool {
    let needle = addr.to_string();
    // The files in `dir` and in its folders, three deep.
    let sources = WalkDir::new(dir).max_depth(4).follow_links(true);
    sources.into_iter().flatten().any(|entry| {
        let path = entry.path();
        !entry.file_type().is_dir()
            && path.extension().is_some_and(|ext| ext == "rs")
            && fs::read_to_string(path).is_ok_and(|text| text.contains(&needle))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_labs_published_ports_are_listed() {
        // The chapter's ports, unless this shell moves them.
        if std::env::var_os("L14_API_PORT").is_some() {
            return;
        }
        let line = lab_ports();
        assert!(
            line.contains("8080, 8081, 8082") && line.contains("Prometheus 8083"),
            "{line}"
        );
    }
}
