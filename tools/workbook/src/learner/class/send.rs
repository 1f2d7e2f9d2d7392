//! The sender: a process of its own that takes the queued verdicts to the class server,
//! so that no check ever waits for the network.
//!
//! A check queues its verdict (`outbox.rs`) and starts `workbook class send` in the
//! background: the same program, detached from the terminal, not waited for. The sender
//! sends what waits, oldest first, in batches, and removes each batch once the server has
//! answered that it kept it (the server keeps a verdict sent twice once). When the server
//! does not answer, is slow or is gone, the sender gives up after its time limits and the
//! verdicts wait for the next check's sender. Whatever happens is written down in
//! `delivery.toml` for `class status`.
//!
//! One sender at a time: a sender holds the file `sending` while it works. A check that
//! finds it there starts another anyway, which leaves at once; so the first looks at the
//! queue once more after letting go of it, and a verdict queued meanwhile is not left.

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use workbook_core::class::{self, Batch, Refused};

use super::http::{self, Limits, Server};
use super::{Membership, class_dir, outbox_of};

/// How long a request may take: a slow server costs the sender this, never a check.
pub const LIMITS: Limits = Limits {
    connect: Duration::from_secs(3),
    io: Duration::from_secs(10),
};

/// A `sending` file older than this was left by a sender that died: it is taken over.
const STALE: Duration = Duration::from_secs(60);

/// What the last delivery did, for `class status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Delivery {
    /// When the server last kept a batch (unix milliseconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_ms: Option<u64>,
    /// Why the last try failed, unless it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The server no longer knows this learner's token: joining again is the way on.
    #[serde(default)]
    pub unknown: bool,
}

impl Delivery {
    pub fn load(root: &Path) -> Delivery {
        fs::read_to_string(class_dir(root).join("delivery.toml"))
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    fn save(&self, root: &Path) {
        let dir = class_dir(root);
        let temporary = dir.join("delivery.toml.tmp");
        if let Ok(text) = toml::to_string(self)
            && fs::write(&temporary, text).is_ok()
        {
            let _ = fs::rename(&temporary, dir.join("delivery.toml"));
        }
    }
}

/// Starts a sender in the background, not waited for. Nothing it does can hold up or
/// fail the check that started it: a sender that cannot start is one the next check starts.
pub fn start(root: &Path) {
    let Ok(program) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(program);
    command
        .args(["class", "send"])
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // Out of the terminal's process group: a Ctrl-C for the session is not for it.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    if let Ok(mut child) = command.spawn() {
        // Reaped when it ends, so that a long session leaves no zombies behind.
        std::thread::spawn(move || child.wait());
    }
}

/// `class send`: sends what waits, until the queue is empty or the server fails to take it.
pub fn run(root: &Path) {
    let Some(member) = Membership::load(root) else {
        return;
    };
    let marker = class_dir(root).join("sending");
    let outbox = outbox_of(root);
    loop {
        if !take(&marker) {
            return;
        }
        let delivered = deliver(root, &member);
        let _ = fs::remove_file(&marker);
        if !delivered || outbox.is_empty() {
            return;
        }
    }
}

/// Takes the `sending` file, or finds another sender at work.
fn take(marker: &Path) -> bool {
    let create = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(marker)
            .is_ok()
    };
    if create() {
        return true;
    }
    let stale = fs::metadata(marker)
        .and_then(|meta| meta.modified())
        .ok()
        .and_then(|at| SystemTime::now().duration_since(at).ok())
        .is_some_and(|age| age > STALE);
    stale && fs::remove_file(marker).is_ok() && create()
}

/// Sends batches until the queue is empty (`true`) or the server does not take one.
fn deliver(root: &Path, member: &Membership) -> bool {
    let Some(server) = Server::parse(&member.url) else {
        return false;
    };
    let outbox = outbox_of(root);
    let mut delivery = Delivery::load(root);
    loop {
        let verdicts = outbox.first(class::MAX_BATCH);
        if verdicts.is_empty() {
            return true;
        }
        let seqs: Vec<u64> = verdicts.iter().map(|v| v.seq).collect();
        let batch = Batch {
            sent_ms: class::now_ms(),
            verdicts,
        };
        let Ok(body) = serde_json::to_string(&batch) else {
            return false;
        };
        let answer = http::request(
            &server,
            "POST",
            class::VERDICTS_PATH,
            Some(&member.token),
            Some(&body),
            LIMITS,
        );
        let reason = |body: &str| {
            serde_json::from_str::<Refused>(body)
                .map(|refused| refused.error)
                .unwrap_or_else(|_| class::one_line(body, 200))
        };
        let carry_on = match answer {
            Ok(answer) if answer.status == 200 => {
                outbox.remove(seqs);
                delivery = Delivery {
                    sent_ms: Some(class::now_ms()),
                    ..Delivery::default()
                };
                true
            }
            // Too many at once: they wait for the next sender.
            Ok(answer) if answer.status == 429 || answer.status >= 500 => {
                delivery.error = Some(format!("{}: {}", answer.status, reason(&answer.body)));
                false
            }
            Ok(answer) if answer.status == 401 => {
                delivery.error = Some(reason(&answer.body));
                delivery.unknown = true;
                false
            }
            // Refused for what it is: sending it again would be refused again.
            Ok(answer) => {
                outbox.remove(seqs);
                delivery.error = Some(format!("{}: {}", answer.status, reason(&answer.body)));
                true
            }
            Err(err) => {
                delivery.error = Some(err.to_string());
                false
            }
        };
        delivery.save(root);
        if !carry_on {
            return false;
        }
    }
}
