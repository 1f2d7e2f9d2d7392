//! The learner's side of a class: `class join`, `class status`, `class leave`, and every
//! verdict of `check` and `watch` sent to the teacher's class server in the background.
//!
//! Joining keeps the class's address, the learner's name, the token the server gave and
//! their re-join code (with which they join again under their name from a new clone or
//! machine) in `.workbook/class/class.toml`, which only they can read. From then on each verdict is queued (`outbox.rs`) and a
//! sender process takes the queue to the server (`send.rs`) over a few lines of HTTP/1.1
//! (`http.rs`): a check queues a file and starts a process, and that is all it waits for,
//! whether the server answers, is slow or is gone. What is sent is said once, at join:
//! an exercise's id, passed or failed, the first failing test and its one-line message,
//! the hints read and the time; never the learner's code.
//!
//! The server is the teacher's (`workbook class serve`, tools/workbook-full); the shapes
//! both speak are `workbook_core::class`.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use workbook_core::class::{self, Join, Joined, Refused, Verdict};
use workbook_core::course::STATE_DIR;
use workbook_core::course::{Course, Exercise};
use workbook_core::language::messages::{ClassMsg, say, tell};
use workbook_core::ui;

pub mod http;
pub mod outbox;
pub mod send;

use http::{Limits, Server};
use outbox::Outbox;

/// Where a class's files are kept: `.workbook/class/`.
pub fn class_dir(root: &Path) -> PathBuf {
    root.join(STATE_DIR).join("class")
}

fn outbox_of(root: &Path) -> Outbox {
    Outbox::new(class_dir(root).join("outbox"))
}

/// The class this copy of the course has joined.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Membership {
    pub url: String,
    pub class: String,
    pub name: String,
    pub token: String,
    /// The code that lets this learner join again under their name from a new clone or
    /// machine, without the teacher (printed at join, and by `class status`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejoin: Option<String>,
}

impl Membership {
    fn path(root: &Path) -> PathBuf {
        class_dir(root).join("class.toml")
    }

    pub fn load(root: &Path) -> Option<Membership> {
        let text = fs::read_to_string(Membership::path(root)).ok()?;
        toml::from_str(&text).ok()
    }

    fn save(&self, root: &Path) -> Result<()> {
        let dir = class_dir(root);
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let text = toml::to_string(self).context("serialising the class")?;
        let temporary = dir.join("class.toml.tmp");
        let _ = fs::remove_file(&temporary);
        write_private(&temporary, &text)
            .with_context(|| format!("writing {}", temporary.display()))?;
        fs::rename(&temporary, Membership::path(root))
            .with_context(|| format!("writing {}", Membership::path(root).display()))
    }
}

/// Writes a new file only its owner can read: the learner's token is theirs alone, even
/// on a machine the class shares.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

/// What a check found, as the class is told it.
pub struct Told<'a> {
    pub exercise: &'a Exercise,
    pub passed: bool,
    pub test: Option<String>,
    pub message: Option<String>,
    pub hints: usize,
    /// Checked alone: the exercise the learner is on (see [`Verdict::current`]).
    pub current: bool,
    /// Its file is the stub, untouched (see [`Verdict::untouched`]).
    pub untouched: bool,
}

/// Whether this copy of the course has joined a class: one file looked for.
pub fn joined(root: &Path) -> bool {
    Membership::path(root).is_file()
}

/// Queues a verdict for the class, if this copy has joined one (`true`); does nothing
/// (one file looked for) if it has not. Never fails the check: a verdict that cannot be
/// queued is lost to the class, not to the learner. [`send_in_background`] sends it.
pub fn tell_the_class(root: &Path, told: Told) -> bool {
    if !joined(root) {
        return false;
    }
    let verdict = Verdict {
        seq: class::now_ms(),
        exercise: told.exercise.id.clone(),
        passed: told.passed,
        test: told
            .test
            .map(|t| class::one_line(&t, class::MAX_TEST_CHARS)),
        message: told
            .message
            .map(|m| class::one_line(&m, class::MAX_MESSAGE_CHARS)),
        hints: u32::try_from(told.hints).unwrap_or(u32::MAX),
        at_ms: class::now_ms(),
        current: told.current,
        untouched: told.untouched,
    };
    if let Ok(dropped) = outbox_of(root).push(verdict)
        && dropped > 0
    {
        // Said once a run: the queue stays full while the server stays away.
        static SAID: AtomicBool = AtomicBool::new(false);
        if !SAID.swap(true, Ordering::Relaxed) {
            println!(
                "{}",
                ui::yellow(&say(ClassMsg::Dropped, &[("kept", &outbox::LIMIT)]))
            );
        }
    }
    true
}

/// Says, in one line, what the teacher changed of this learner's row since the runner
/// last said it (heard by a sender from the server's answers): renamed, or merged into
/// another row. Said once; nothing (one file looked for) when nothing changed.
pub fn tell_what_changed(root: &Path) {
    let mut delivery = send::Delivery::load(root);
    let Some(changed) = delivery.changed.take() else {
        return;
    };
    let class = Membership::load(root)
        .map(|member| member.class)
        .unwrap_or_default();
    let (was, name) = (ui::bold(&changed.was), ui::bold(&changed.name));
    let args: [(&str, &dyn std::fmt::Display); 4] = [
        ("class", &class),
        ("was", &was),
        ("name", &name),
        ("command", &ui::cmd("class status")),
    ];
    let what = if changed.merged {
        ClassMsg::MergedByTeacher
    } else {
        ClassMsg::RenamedByTeacher
    };
    println!("{}", ui::yellow(&say(what, &args)));
    delivery.save(root);
}

/// Starts a sender for what waits, in the background, not waited for: once a check has
/// queued its verdicts.
pub fn send_in_background(root: &Path) {
    send::start(root);
}

/// Starts a sender if verdicts wait (from a check while the server was away): at every
/// command, so that they do not wait for the next check. One file looked for if this copy
/// is in no class.
pub fn send_what_waits(root: &Path) {
    if Membership::path(root).is_file() && !outbox_of(root).is_empty() {
        send::start(root);
    }
}

/// While the `watch` session runs: sends what waits every few seconds, the learner idle
/// or not (`send::keep_sending`).
pub fn keep_sending(root: &Path) {
    if Membership::path(root).is_file() {
        send::keep_sending(root.to_path_buf());
    }
}

/// How long joining may wait for the server: the learner is waiting, once.
const JOIN_LIMITS: Limits = Limits {
    connect: std::time::Duration::from_secs(5),
    io: std::time::Duration::from_secs(10),
};

/// `class join URL CODE --name NAME [--rejoin REJOIN_CODE]`: with a re-join code, under a
/// name that is the learner's already (their copy lost, or another machine).
pub fn join(
    course: &Course,
    url: &str,
    code: &str,
    name: &str,
    rejoin: Option<&str>,
) -> Result<bool> {
    let Some(server) = Server::parse(url) else {
        bail!(say(ClassMsg::BadUrl, &[("url", &url)]));
    };
    let name = class::check_name(name)
        .map_err(|bad| anyhow::anyhow!(say(bad.message(), &[("max", &class::MAX_NAME_CHARS)])))?;
    let url = server.url();
    // This copy's membership of this class, if it has joined it already: the server
    // knows the copy by its token.
    let before = Membership::load(&course.root).filter(|member| member.url == url);
    let body = serde_json::to_string(&Join {
        code: code.trim().to_string(),
        name: name.clone(),
        rejoin: rejoin.map(class::typed_code),
        token: before.as_ref().map(|member| member.token.clone()),
    })?;
    let answer = http::request(
        &server,
        "POST",
        class::JOIN_PATH,
        None,
        Some(&body),
        JOIN_LIMITS,
    )
    .map_err(|err| anyhow::anyhow!(say(ClassMsg::Unreachable, &[("url", &url), ("why", &err)])))?;
    let reason = || {
        serde_json::from_str::<Refused>(&answer.body)
            .map(|refused| refused.error)
            .unwrap_or_else(|_| class::one_line(&answer.body, 200))
    };
    match answer.status {
        200 => {}
        403 => bail!(say(ClassMsg::WrongCode, &[("url", &url), ("code", &code)])),
        409 if rejoin.is_some() => bail!(say(ClassMsg::RejoinRefused, &[("name", &name)])),
        409 => bail!(say(
            ClassMsg::NameTaken,
            &[("name", &name), ("command", &ui::cmd("class status"))]
        )),
        _ => bail!(say(
            ClassMsg::JoinRefused,
            &[("url", &url), ("why", &reason())]
        )),
    }
    let joined: Joined = serde_json::from_str(&answer.body).map_err(|_| {
        anyhow::anyhow!(say(
            ClassMsg::JoinRefused,
            &[("url", &url), ("why", &reason())]
        ))
    })?;
    let member = Membership {
        url: url.clone(),
        class: class::one_line(&joined.class, 80),
        // The class's name for them: the teacher's, when their re-join code found their
        // row under it.
        name: joined
            .name
            .as_deref()
            .and_then(|name| class::check_name(name).ok())
            .unwrap_or(name),
        token: joined.token,
        rejoin: joined.rejoin.map(|code| class::one_line(&code, 40)),
    };
    // The same copy again: in already (nothing to do), or its row moved to the new name;
    // its queue is the same class's and goes on.
    if before.is_some_and(|before| before.token == member.token) {
        let said = match &joined.was {
            Some(was) => say(
                ClassMsg::Moved,
                &[("was", &ui::bold(was)), ("name", &ui::bold(&member.name))],
            ),
            None => say(ClassMsg::AlreadyIn, &[("name", &ui::bold(&member.name))]),
        };
        member.save(&course.root)?;
        println!("{} {said}", ui::pass_mark());
        tell_the_rejoin_code(&member);
        return Ok(true);
    }
    // A new class starts with nothing of the last one's waiting.
    let _ = fs::remove_dir_all(class_dir(&course.root));
    member.save(&course.root)?;
    println!(
        "{} {}",
        ui::pass_mark(),
        say(
            ClassMsg::Joined,
            &[
                ("class", &ui::bold(&member.class)),
                ("url", &url),
                ("name", &ui::bold(&member.name)),
            ]
        )
    );
    tell(ClassMsg::WhatIsSent, &[]);
    tell(
        ClassMsg::HowToLeave,
        &[("command", &ui::cmd("class leave"))],
    );
    tell_the_rejoin_code(&member);
    Ok(true)
}

/// The learner's re-join code and the command that uses it: what to write down in case
/// this copy is lost.
fn tell_the_rejoin_code(member: &Membership) {
    let Some(code) = &member.rejoin else {
        return;
    };
    let command = format!(
        "class join {} CODE --name \"{}\" --rejoin {code}",
        member.url, member.name
    );
    tell(
        ClassMsg::RejoinCode,
        &[("code", &ui::bold(code)), ("command", &ui::cmd(&command))],
    );
}

/// `class status`: the class joined, what waits, the last delivery, whether the server
/// answers now.
pub fn status(course: &Course) -> Result<bool> {
    tell_what_changed(&course.root);
    let Some(member) = Membership::load(&course.root) else {
        tell(
            ClassMsg::InNoClass,
            &[("command", &ui::cmd("class join URL CODE --name NAME"))],
        );
        return Ok(true);
    };
    tell(
        ClassMsg::InClass,
        &[
            ("class", &ui::bold(&member.class)),
            ("url", &member.url),
            ("name", &ui::bold(&member.name)),
        ],
    );
    tell_the_rejoin_code(&member);
    let waiting = outbox_of(&course.root).len();
    if waiting == 0 {
        tell(ClassMsg::AllSent, &[]);
    } else {
        let waiting_msg = if waiting == 1 {
            ClassMsg::WaitingOne
        } else {
            ClassMsg::Waiting
        };
        tell(waiting_msg, &[("count", &waiting)]);
    }
    let delivery = send::Delivery::load(&course.root);
    if delivery.unknown {
        // What happened, when the server said: else it has forgotten the token.
        let what = match delivery.gone {
            Some(class::Gone::Removed) => ClassMsg::RemovedByTeacher,
            Some(class::Gone::JoinedElsewhere) => ClassMsg::JoinedElsewhere,
            None => ClassMsg::NoLongerKnown,
        };
        tell(
            what,
            &[
                ("name", &ui::bold(&member.name)),
                ("command", &ui::cmd("class join URL CODE --name NAME")),
            ],
        );
    } else if let Some(error) = &delivery.error {
        tell(ClassMsg::LastTryFailed, &[("why", error)]);
    }
    let answers = Server::parse(&member.url).is_some_and(|server| {
        http::request(&server, "GET", class::HELLO_PATH, None, None, JOIN_LIMITS)
            .is_ok_and(|answer| answer.status == 200)
    });
    if answers {
        tell(ClassMsg::ServerAnswers, &[]);
    } else {
        tell(ClassMsg::ServerSilent, &[]);
    }
    if waiting > 0 && answers {
        send::start(&course.root);
    }
    Ok(true)
}

/// `class leave`: nothing more is sent, and what waited is deleted.
pub fn leave(course: &Course) -> Result<bool> {
    let Some(member) = Membership::load(&course.root) else {
        tell(
            ClassMsg::InNoClass,
            &[("command", &ui::cmd("class join URL CODE --name NAME"))],
        );
        return Ok(true);
    };
    let waiting = outbox_of(&course.root).len();
    let dir = class_dir(&course.root);
    remove_while_a_sender_may_write(&dir).with_context(|| format!("removing {}", dir.display()))?;
    let left = if waiting == 1 {
        ClassMsg::LeftOne
    } else {
        ClassMsg::Left
    };
    tell(
        left,
        &[("class", &ui::bold(&member.class)), ("count", &waiting)],
    );
    Ok(true)
}

/// Removes the class's folder, which a sender still running from an earlier check may write
/// into meanwhile (its delivery notes, through a temporary file): a file written after the
/// folder was read leaves it not empty, and reading it again removes that one too. Once
/// the folder is gone the sender can write nothing more, so a few rounds are enough.
fn remove_while_a_sender_may_write(dir: &Path) -> std::io::Result<()> {
    let mut rounds = 0;
    loop {
        match fs::remove_dir_all(dir) {
            Err(error) if error.kind() == std::io::ErrorKind::DirectoryNotEmpty && rounds < 10 => {
                rounds += 1
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            done => return done,
        }
    }
}
