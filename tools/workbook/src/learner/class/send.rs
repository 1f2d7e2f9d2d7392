//! The sender: a process of its own that takes the queued verdicts to the class server,
//! so that no check ever waits for the network.
//!
//! A check queues its verdict (`outbox.rs`) and starts `workbook class send` in the
//! background: the same program, detached from the terminal, not waited for. The sender
//! sends what waits, oldest first, in batches, and removes each batch once the server has
//! answered that it kept it (the server keeps a verdict sent twice once). When the server
//! does not answer, is slow or is gone, the sender gives up after its time limits; the
//! verdicts wait for the next sender: the next command's, or the `watch` session's, which
//! tries again every few seconds ([`keep_sending`]). Whatever happens is written down in
//! `delivery.toml` for `class status`.
//!
//! One sender at a time, and no request to send ever lost. A sender first leaves the mark
//! `again` ("send after now"), then tries to lock the file `sending` (a lock the system
//! lets go of when its process ends, however it ends). Who gets the lock removes the mark
//! and sends; who does not leaves at once. The holder, once it has let go of the lock,
//! looks for the mark and starts over if it is there. Whoever left did so after leaving
//! the mark and while the lock was held, so the holder finds the mark after it lets go, or
//! someone who took the lock since removed it and sends after it: a verdict queued before
//! any sender started is always taken by a sender that started after it was queued.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use workbook_core::class::{self, Accepted, Batch, Refused};

use super::http::{self, Limits, Server};
use super::{Membership, class_dir, outbox_of};
use crate::lock::Lock;

/// How long a request may take: a slow server costs the sender this, never a check.
pub const LIMITS: Limits = Limits {
    connect: Duration::from_secs(3),
    io: Duration::from_secs(10),
};

/// How long the `watch` session waits before it tries again, at first and at most: a
/// verdict queued while the server was away reaches it a few seconds after it is back.
const RETRY_FIRST: Duration = Duration::from_secs(1);
const RETRY_MOST: Duration = Duration::from_secs(5);

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
    /// Why, when the server said: removed by the teacher, or this name joined from
    /// another copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gone: Option<class::Gone>,
    /// What the teacher changed of this learner's row, heard from the server and not yet
    /// said to the learner: the next check says it, once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed: Option<RowChange>,
}

/// The teacher renamed the learner, or merged their row into another's: who they were,
/// who they are now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowChange {
    pub was: String,
    pub name: String,
    /// Merged into `name`'s row (the same learner, joined from another copy).
    #[serde(default)]
    pub merged: bool,
}

impl Delivery {
    pub fn load(root: &Path) -> Delivery {
        fs::read_to_string(class_dir(root).join("delivery.toml"))
            .ok()
            .and_then(|text| toml::from_str(&text).ok())
            .unwrap_or_default()
    }

    pub(super) fn save(&self, root: &Path) {
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

/// What a sender did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The queue is empty (or this copy is in no class).
    All,
    /// The server did not take a batch: the rest waits.
    Stopped,
    /// Another sender is at work, and will send what this one was started for.
    Another,
}

/// `class send`: sends what waits, until the queue is empty or the server fails to take it;
/// again while another sender asked for it meanwhile (see the module's comment).
pub fn run(root: &Path) -> Sent {
    let Some(member) = Membership::load(root) else {
        return Sent::All;
    };
    let dir = class_dir(root);
    let asked = dir.join("again");
    loop {
        // Asked for: whoever holds the lock now finds this once it lets go.
        if fs::write(&asked, b"").is_err() {
            return Sent::Stopped;
        }
        let Some(lock) = Lock::take(&dir.join("sending")) else {
            return Sent::Another;
        };
        let _ = fs::remove_file(&asked);
        let sent = if deliver(root, &member) {
            Sent::All
        } else {
            Sent::Stopped
        };
        drop(lock);
        if !asked.exists() {
            return sent;
        }
    }
}

/// The `watch` session's sender: a thread that sends what waits every few seconds, sooner
/// after a success, later (up to [`RETRY_MOST`]) while the server stays away.
pub fn keep_sending(root: PathBuf) {
    let spawned = std::thread::Builder::new()
        .name("class-sender".into())
        .spawn(move || {
            let mut wait = RETRY_FIRST;
            loop {
                std::thread::sleep(wait);
                if outbox_of(&root).is_empty() {
                    wait = RETRY_FIRST;
                    continue;
                }
                wait = match run(&root) {
                    Sent::All | Sent::Another => RETRY_FIRST,
                    Sent::Stopped => (wait * 2).min(RETRY_MOST),
                };
            }
        });
    // A session without it still sends at each check.
    drop(spawned);
}

/// Sends batches until the queue is empty (`true`) or the server does not take one.
fn deliver(root: &Path, member: &Membership) -> bool {
    let Some(server) = Server::parse(&member.url) else {
        return false;
    };
    let outbox = outbox_of(root);
    let mut delivery = Delivery::load(root);
    // The learner's name as this copy knows it: each answer says the class's.
    let mut name = member.name.clone();
    // Batches of the most, until one is refused for what is in it: then one at a time,
    // so that only the verdict refused is dropped, never the good ones sent with it.
    let mut size = class::MAX_BATCH;
    loop {
        let verdicts = outbox.first(size);
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
            // Kept, but for the verdicts refused each for its own reason: sending those
            // again would be refused again.
            Ok(answer) if answer.status == 200 => {
                outbox.remove(seqs);
                let accepted = serde_json::from_str::<Accepted>(&answer.body).ok();
                let mut changed = delivery.changed.take();
                if let Some(accepted) = &accepted
                    && let Some(now) = renamed(&name, accepted)
                {
                    changed = Some(heard(root, changed, &name, &now, accepted.merged));
                    name = now;
                }
                let refused = accepted.and_then(|accepted| accepted.refused.into_iter().next());
                delivery = Delivery {
                    sent_ms: Some(class::now_ms()),
                    error: refused.map(|refused| refused.error),
                    changed,
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
                delivery.gone = serde_json::from_str::<Refused>(&answer.body)
                    .ok()
                    .and_then(|refused| refused.gone);
                false
            }
            // Refused for what is in it: one at a time finds which.
            Ok(_) if seqs.len() > 1 => {
                size = 1;
                true
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

/// The name the server keeps this learner's verdicts under, when it is not `name`: the
/// teacher renamed them, or merged their row into another.
fn renamed(name: &str, accepted: &Accepted) -> Option<String> {
    let now = class::check_name(accepted.name.as_deref()?).ok()?;
    (now != name).then_some(now)
}

/// The class calls this learner `now` (they were `was`): their membership says so from
/// now on, and the change waits to be said, added to one heard before and not said yet.
fn heard(root: &Path, before: Option<RowChange>, was: &str, now: &str, merged: bool) -> RowChange {
    if let Some(mut member) = Membership::load(root) {
        member.name = now.to_string();
        if merged {
            // Their row's code is gone with it; the other row's is its copy's.
            member.rejoin = None;
        }
        let _ = member.save(root);
    }
    let (was, merged) = match before {
        Some(before) => (before.was, before.merged || merged),
        None => (was.to_string(), merged),
    };
    RowChange {
        was,
        name: now.to_string(),
        merged,
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::time::Instant;

    use super::*;

    /// The watch session's sender tries again by itself: a verdict queued while the server
    /// failed reaches it once it answers, the learner doing nothing meanwhile.
    #[test]
    fn the_session_sends_what_waits_once_the_server_is_back() {
        let root = tempfile::tempdir().unwrap();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let member = Membership {
            url: format!("http://{}", listener.local_addr().unwrap()),
            class: "c".into(),
            name: "Ada".into(),
            token: "t".into(),
            rejoin: None,
        };
        member.save(root.path()).unwrap();
        let verdict = class::Verdict {
            seq: 1,
            exercise: "demo.add".into(),
            passed: true,
            test: None,
            message: None,
            hints: 0,
            at_ms: 1,
            current: true,
            untouched: false,
        };
        outbox_of(root.path()).push(verdict).unwrap();

        // The server: the first request is closed unanswered (it is away), the next kept.
        let (seen, requests) = mpsc::channel();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().map_while(Result::ok).enumerate() {
                let mut reader = BufReader::new(&stream);
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        break;
                    }
                    if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = value.trim().parse().unwrap_or(0);
                    }
                    if line == "\r\n" {
                        break;
                    }
                }
                let mut body = vec![0; length];
                let _ = reader.read_exact(&mut body);
                let _ = seen.send(Instant::now());
                if n > 0 {
                    let _ = (&stream)
                        .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"kept\":1}");
                }
            }
        });
        keep_sending(root.path().to_path_buf());
        let deadline = Duration::from_secs(60);
        let failed = requests.recv_timeout(deadline).expect("a first try");
        let kept = requests.recv_timeout(deadline).expect("a try again");
        // Tried again after 2 s; the goal is the page within 10 s of the server's return.
        let after = kept - failed;
        assert!(after <= Duration::from_secs(10), "{after:?}");
        let start = Instant::now();
        while !outbox_of(root.path()).is_empty() {
            assert!(start.elapsed() < deadline, "the verdict still waits");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
