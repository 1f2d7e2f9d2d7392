//! Lesson 12's part of the system: the NATS the captcha instances publish every check on,
//! and what the audit that counts them has counted.
//!
//! The system runs without it, too: with no `nats-server`, with lesson 12 not in the
//! workspace yet, or with `--mine` (the learner's own lesson 09, which publishes nothing),
//! the captcha instances are lesson 09's service and `up` says in one line why there is no
//! audit. The audit prints a line for every check it counts (`l12-events audit`); the last
//! such line in its log is what `status` shows.

use std::fs;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::plan::{AUDIT_SUBSCRIBED, Events, System, events_exist};
use super::processes::{START_PATIENCE, block_until, start};
use super::record::Record;
use super::{passed, say};
use crate::system::install;
use crate::system::probe::nats_answers;
use crate::system::services;
use workbook_core::language::messages::{self, Cmd};
use workbook_core::ui;

/// How much of the end of the audit's log `status` reads: the last count is near the end.
const LOG_TAIL_BYTES: u64 = 64 * 1024;

/// Whether the captcha instances will publish their checks, and on which NATS: the one
/// `up` started before, else one that answers on the system's NATS port, else a new
/// `nats-server` (with JetStream, as `services up` starts it). Says why not when they
/// will not.
pub(super) fn events_up(
    root: &Path,
    system: &System,
    record: &mut Record,
    solution: bool,
) -> anyhow::Result<Events> {
    let events = nats_up(root, system, record, solution)?;
    if !matches!(events, Events::OnNats(_)) {
        say(ui::yellow("!"), "audit", &why_no_audit(&events));
    }
    Ok(events)
}

fn nats_up(
    root: &Path,
    system: &System,
    record: &mut Record,
    solution: bool,
) -> anyhow::Result<Events> {
    if !events_exist(root) {
        return Ok(Events::NoLesson12);
    }
    if !solution {
        return Ok(Events::Mine);
    }
    let addr = system.layout.nats();
    let url = format!("nats://{addr}");
    if let Some(started) = record.running("nats") {
        let args: [(&str, &dyn std::fmt::Display); 2] = [("addr", &addr), ("pid", &started.pid)];
        passed("nats", Cmd::AlreadyRunningOn, &args);
        return Ok(Events::OnNats(url));
    }
    if nats_answers(addr) {
        let which = messages::say(Cmd::DoctorANats, &[]);
        let args: [(&str, &dyn std::fmt::Display); 2] = [("which", &which), ("addr", &addr)];
        let text = messages::say(Cmd::AlreadyAnswersUsingIt, &args);
        say(ui::pass_mark(), "nats", &text);
        return Ok(Events::OnNats(url));
    }
    // A `NATS_SERVER` that names no file is no nats-server either.
    let Some(program) = programs::find_nats_server().filter(|path| path.is_file()) else {
        return Ok(Events::NoNatsServer);
    };
    let store = system.dir.join("nats");
    // No monitoring port: `up`'s NATS carries the captchas' events, and is watched
    // through the gateway; chapter 12 reads `services up`'s.
    let command = services::nats_server(&program, addr, None, &store)?;
    let mut child = start(system, record, "nats", command, "nats-server")?;
    let log = system.log_path("nats");
    block_until(&mut child, "nats", &log, START_PATIENCE, || {
        nats_answers(addr)
    })?;
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("addr", &addr),
        ("pid", &child.id()),
        ("store", &store.display()),
    ];
    passed("nats", Cmd::StartedNats, &args);
    Ok(Events::OnNats(url))
}

/// Why the captcha instances publish nothing, and so no audit runs.
pub(super) fn why_no_audit(events: &Events) -> String {
    match events {
        Events::OnNats(_) => String::new(),
        Events::NoLesson12 => messages::say(Cmd::NoAuditNoLesson12, &[]),
        Events::NoNatsServer => {
            let command = install::install_command(&[("nats-server", "nats-server")]);
            messages::say(Cmd::NoAuditNoNats, &[("command", &command)])
        }
        Events::Mine => messages::say(Cmd::NoAuditMine, &[]),
    }
}

/// What the audit has counted so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Counts {
    pub(super) right: u64,
    pub(super) wrong: u64,
}

impl Counts {
    /// `3 checked: 2 right, 1 wrong`, as the audit itself says it.
    pub(super) fn say(self) -> String {
        let checked = self.right + self.wrong;
        let args: [(&str, &dyn std::fmt::Display); 3] = [
            ("checked", &checked),
            ("right", &self.right),
            ("wrong", &self.wrong),
        ];
        messages::say(Cmd::AuditCounts, &args)
    }
}

/// The counts in the audit's log: its last `UUID: right (3 checked: 2 right, 1 wrong)`
/// line, or none yet once it says it subscribed; `None` before that.
pub(super) fn audit_counts(log: &Path) -> Option<Counts> {
    let text = log_end(log)?;
    let last_count = text.lines().rev().find_map(counts_in);
    last_count.or_else(|| {
        text.contains(AUDIT_SUBSCRIBED)
            .then_some(Counts { right: 0, wrong: 0 })
    })
}

/// The counts in one line of the audit's, if it is one of its counting lines.
fn counts_in(line: &str) -> Option<Counts> {
    let (_, inside) = line.trim_end().rsplit_once(" (")?;
    let inside = inside.strip_suffix(" wrong)")?;
    let (checked, rest) = inside.split_once(" checked: ")?;
    let (right, wrong) = rest.split_once(" right, ")?;
    let counts = Counts {
        right: right.parse().ok()?,
        wrong: wrong.parse().ok()?,
    };
    (checked.parse::<u64>().ok()? == counts.right + counts.wrong).then_some(counts)
}

/// The last [`LOG_TAIL_BYTES`] of a log (a busy audit's log grows without end).
fn log_end(log: &Path) -> Option<String> {
    let mut file = fs::File::open(log).ok()?;
    let length = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(length.saturating_sub(LOG_TAIL_BYTES)))
        .ok()?;
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_counting_line_of_the_audits_log_gives_its_counts() {
        let dir = std::env::temp_dir().join(format!("audit-log-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let log = dir.join("audit.log");

        assert_eq!(audit_counts(&log), None, "no log yet");
        fs::write(
            &log,
            "2026-11-23T17:16:24Z  INFO async_nats: event: connected\n",
        )
        .unwrap();
        assert_eq!(audit_counts(&log), None, "not subscribed yet");
        fs::write(&log, "subscribed to captcha.verified\n").unwrap();
        assert_eq!(audit_counts(&log), Some(Counts { right: 0, wrong: 0 }));
        fs::write(
            &log,
            "subscribed to captcha.verified\n\
             0b7a3c1e: right (1 checked: 1 right, 0 wrong)\n\
             d2b25954: wrong (2 checked: 1 right, 1 wrong)\n\
             2026-11-23T17:16:30Z  WARN async_nats: event: disconnected (for a while)\n",
        )
        .unwrap();
        assert_eq!(audit_counts(&log), Some(Counts { right: 1, wrong: 1 }));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_line_that_only_looks_like_a_count_is_none() {
        assert_eq!(counts_in("x: wrong (3 checked: 1 right, 1 wrong)"), None);
        assert_eq!(counts_in("x: wrong (two checked: 1 right, 1 wrong)"), None);
        assert_eq!(counts_in("subscribed to captcha.verified"), None);
    }
}
