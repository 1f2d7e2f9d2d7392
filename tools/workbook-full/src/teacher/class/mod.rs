//! `class serve`: the teacher's class server. Learners who ran `class join` send every
//! verdict of their checks here (tools/workbook/src/learner/class/); the teacher watches
//! the room on a page that updates as they come: who is stuck, on which test, and what
//! half the room gets wrong right now.
//!
//! - `store.rs`: the class's SQLite database in its folder, every verdict an event;
//! - `writer.rs`: the one thread that writes it, a commit for each group of requests;
//! - `board.rs`: what the page shows, in memory, rebuilt from the events at start;
//! - `http.rs`: the routes (join, verdicts, the page, its stream, the exports; the
//!   learners' and the teacher's in `http/`), with `guard.rs` (the code, the tokens, the
//!   rates);
//! - `door.rs`: the connections (how many, from whom, how long), through `shared::door`;
//! - `roster.rs`: the teacher's changes to who is in the class (page and `class roster`);
//! - `page.rs` and `page.html`: the dashboard, in the teacher's language;
//! - `export.rs`: CSV, and the JSON that `report --class` reads;
//! - `mirror/`: the room's mirror (`--mirror`): the course's crates as a cargo registry,
//!   the course over git's HTTP, the book.
//!
//! A verdict is answered once it is on disk, then shown: the page never shows what a
//! restart would lose.

use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use anyhow::{Context, Result};
use serde_json::json;
use tokio::sync::broadcast;
use workbook_core::class::{self, DEFAULT_PORT};
use workbook_core::course::Course;
use workbook_core::language::messages::{ClassMsg, io_error, say, tell};
use workbook_core::language::{self, Lang};
use workbook_core::ui;

mod board;
mod door;
mod export;
mod guard;
mod http;
pub mod mirror;
mod page;
mod roster;
mod store;
mod writer;

use board::Board;
use store::{ClassRow, Event, Store};
use writer::Writer;

/// The database's file in the class's folder.
pub const DATABASE: &str = "class.sqlite";

/// The file in the class's folder that says where its server listens, for `class roster`.
pub(crate) const ADDRESS: &str = "address";

/// How long a stop waits for requests in flight.
const GRACE: Duration = Duration::from_secs(5);

/// A running class: what every handler shares.
pub struct Class {
    course: Course,
    /// The class as it started (its name and the teacher's token never change).
    row: ClassRow,
    /// Its code and whether it takes joins: the teacher's to change while it runs.
    admission: Mutex<Admission>,
    lang: Lang,
    writer: Writer,
    /// The course's exercise ids: a verdict names one of them.
    exercises: HashSet<String>,
    board: Mutex<Board>,
    /// Learner token → whose verdicts it sends.
    tokens: Mutex<HashMap<String, Bearer>>,
    /// The tokens that no longer work → why (a learner removed, or joined from elsewhere).
    gone: Mutex<HashMap<String, class::Gone>>,
    limits: guard::Limits,
    /// The most learners who may join.
    most: usize,
    /// How long a learner fails the exercise they are on before the page says stuck.
    stuck_after: Duration,
    /// What the pages are sent: each changed row, as a JSON message.
    updates: broadcast::Sender<Arc<str>>,
    /// `true` once the server stops: the pages' streams end then, not after the grace.
    stopping: tokio::sync::watch::Sender<bool>,
    /// The room's mirror, when the teacher serves one.
    mirror: Option<Arc<mirror::Mirror>>,
    /// The line a learner starts with when there is a mirror, known once the server has an
    /// address: the page shows it, to be projected.
    learners_line: OnceLock<String>,
}

/// Whose verdicts a learner's token sends: their own row's, or, once the teacher merged
/// their row into another (one learner who joined from two copies), that one's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bearer {
    learner: i64,
    merged: bool,
}

/// Every token that sends: the learners' own, and those of rows merged into another.
fn bearers(own: HashMap<String, i64>, merged: Vec<(String, i64)>) -> HashMap<String, Bearer> {
    let own = own.into_iter().map(|(token, learner)| {
        let bearer = Bearer {
            learner,
            merged: false,
        };
        (token, bearer)
    });
    let merged = merged.into_iter().map(|(token, learner)| {
        let bearer = Bearer {
            learner,
            merged: true,
        };
        (token, bearer)
    });
    own.chain(merged).collect()
}

/// Who may join now.
#[derive(Debug, Clone)]
struct Admission {
    code: String,
    joining: bool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Class {
    /// Opens the class kept in `dir` (made, with a new code and token, the first time).
    pub fn open(
        course: Course,
        dir: &Path,
        lang: Lang,
        most: usize,
        stuck_after: Duration,
    ) -> Result<Class> {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let store = Store::open(&dir.join(DATABASE))?;
        let row = match store.class()? {
            Some(row) => row,
            None => {
                let name = dir
                    .canonicalize()
                    .ok()
                    .and_then(|dir| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "class".to_string());
                let row = ClassRow {
                    name: class::one_line(&name, 60),
                    code: guard::class_code(),
                    teacher_token: guard::token(16),
                    joining: true,
                };
                store.create_class(&row, class::now_ms())?;
                row
            }
        };
        let (learners, events) = store.everything()?;
        let (board, tokens) = board::build(learners, &events);
        let tokens = bearers(tokens, store.merged_tokens()?);
        let gone = store.gone_tokens()?.into_iter().collect();
        let exercises = course
            .exercises()
            .map(|(_, exercise)| exercise.id.clone())
            .collect();
        Ok(Class {
            course,
            admission: Mutex::new(Admission {
                code: row.code.clone(),
                joining: row.joining,
            }),
            row,
            lang,
            writer: Writer::start(store),
            exercises,
            board: Mutex::new(board),
            tokens: Mutex::new(tokens),
            gone: Mutex::new(gone),
            limits: guard::Limits::default(),
            most,
            stuck_after,
            updates: broadcast::channel(1024).0,
            stopping: tokio::sync::watch::channel(false).0,
            mirror: None,
            learners_line: OnceLock::new(),
        })
    }

    fn board(&self) -> MutexGuard<'_, Board> {
        lock(&self.board)
    }

    fn admission(&self) -> Admission {
        lock(&self.admission).clone()
    }

    /// The roster changed (and is on disk): the board and the tokens again, from the
    /// class as it now is, and every page sent it whole.
    fn rebuilt(&self, roster: writer::Roster) {
        let (board, tokens) = board::build(roster.learners, &roster.events);
        *self.board() = board;
        *lock(&self.tokens) = bearers(tokens, roster.merged);
        *lock(&self.gone) = roster.gone.into_iter().collect();
        self.publish_snapshot();
    }

    fn publish_snapshot(&self) {
        let _ = self.updates.send(Arc::from(self.snapshot()));
    }

    /// A learner joined again under their name: their old token is no one's now, and
    /// the teacher's leave to (if it was that) is used.
    fn joined_again(&self, id: i64, old: &str, token: &str) {
        {
            let mut tokens = lock(&self.tokens);
            tokens.remove(old);
            let bearer = Bearer {
                learner: id,
                merged: false,
            };
            tokens.insert(token.to_string(), bearer);
        }
        lock(&self.gone).insert(old.to_string(), class::Gone::JoinedElsewhere);
        if let Some(row) = self.board().may_rejoin(id, false) {
            self.publish(json!({"type": "row", "now": class::now_ms(), "row": row}));
        }
    }

    /// Why a token no longer works, if it was a learner's.
    fn gone(&self, token: &str) -> Option<class::Gone> {
        lock(&self.gone).get(token).copied()
    }

    /// Whether a learner is called `name`, as a room reads it.
    fn has_learner(&self, name: &str) -> bool {
        let key = class::name_key(name);
        self.board()
            .rows()
            .any(|row| class::name_key(&row.name) == key)
    }

    fn bearer(&self, token: &str) -> Option<Bearer> {
        lock(&self.tokens).get(token).copied()
    }

    /// The name learner `id` has in the class now.
    fn name_of(&self, id: i64) -> Option<String> {
        self.board().row(id).map(|row| row.name.clone())
    }

    /// A learner joined (and is on disk): their empty row goes to the pages.
    fn joined(&self, id: i64, name: &str, token: &str, joined_ms: u64) {
        let bearer = Bearer {
            learner: id,
            merged: false,
        };
        lock(&self.tokens).insert(token.to_string(), bearer);
        let mut board = self.board();
        board.add_learner(id, name, joined_ms);
        if let Some(row) = board.rows().find(|row| row.id == id) {
            self.publish(json!({"type": "row", "now": class::now_ms(), "row": row}));
        }
    }

    /// A learner's copy joined again under another name (and it is on disk): their row is
    /// called so now, on every page.
    fn moved(&self, id: i64, name: &str) {
        if let Some(row) = self.board().rename(id, name) {
            self.publish(json!({"type": "row", "now": class::now_ms(), "row": row}));
        }
    }

    /// Verdicts were kept (and are on disk): their learners' new rows go to the pages.
    fn kept(&self, events: &[Event]) {
        let mut board = self.board();
        for event in events {
            board.apply(event);
        }
        for learner in http::learners_of(events) {
            if let Some(row) = board.rows().find(|row| row.id == learner) {
                self.publish(json!({"type": "row", "now": class::now_ms(), "row": row}));
            }
        }
    }

    fn publish(&self, message: serde_json::Value) {
        // No page open is no one to tell.
        let _ = self.updates.send(Arc::from(message.to_string()));
    }

    /// Everything a page needs when it connects: the exercises in course order, every row.
    fn snapshot(&self) -> String {
        let exercises: Vec<_> = self
            .course
            .exercises()
            .map(|(lesson, exercise)| {
                json!({"id": exercise.id, "lesson": lesson.id, "title": exercise.title})
            })
            .collect();
        let admission = self.admission();
        let board = self.board();
        let rows: Vec<_> = board.rows().collect();
        json!({
            "type": "snapshot",
            "now": class::now_ms(),
            "class": self.row.name,
            "code": admission.code,
            "joining": admission.joining,
            // The page tells trying from stuck on the server's clock (`now`): a failing
            // cell's `failing_since_ms` is the server's stamp too.
            "stuck_after_ms": u64::try_from(self.stuck_after.as_millis()).unwrap_or(u64::MAX),
            "exercises": exercises,
            "rows": rows,
            // With the room's mirror, its line for the projector, and how to undo it.
            "room": self.learners_line.get().map(|line| json!({"line": line, "undo": mirror::UNDO})),
        })
        .to_string()
    }
}

/// What `class serve` serves besides the class.
#[derive(Debug, Clone, Copy, Default)]
pub struct Serves {
    /// The room's mirror (`--mirror`).
    pub mirror: bool,
    /// Without the book (`--mirror-no-book`): it takes a while to build.
    pub no_book: bool,
}

/// `class serve --dir DIR [--addr ADDR] [--mirror]`: runs the class until Ctrl-C (or
/// SIGTERM).
pub async fn serve(
    course: Course,
    dir: &Path,
    addr: Option<SocketAddr>,
    most: usize,
    stuck_after: Duration,
    serves: Serves,
) -> Result<bool> {
    let stopping = shared::signal::shutdown();
    let addr = addr.unwrap_or(SocketAddr::new(
        IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        DEFAULT_PORT,
    ));
    let root = course.root.clone();
    let mut class = Class::open(course, dir, language::current(), most, stuck_after)?;
    if serves.mirror {
        let (root, dir) = (root.clone(), dir.to_path_buf());
        let book = !serves.no_book;
        let mirror =
            tokio::task::spawn_blocking(move || mirror::Mirror::prepare(&root, &dir, book))
                .await??;
        // Building the book took memory the server no longer needs.
        shared::door::give_memory_back();
        class.mirror = Some(Arc::new(mirror));
    }
    let class = Arc::new(class);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|err| anyhow::anyhow!("{addr}: {}", io_error(&err)))?;
    let bound = listener.local_addr()?;
    let (reachable, only_here) = advertised(bound);
    let url = format!("http://{reachable}");
    // Where `class roster` finds this server: on this machine, so loopback when it can.
    let here = if bound.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), bound.port())
    } else {
        bound
    };
    std::fs::write(dir.join(ADDRESS), format!("http://{here}\n"))
        .with_context(|| format!("writing {}", dir.join(ADDRESS).display()))?;

    if let Some(line) = class
        .mirror
        .as_ref()
        .and_then(|m| mirror::announce(m, &url))
    {
        let _ = class.learners_line.set(line);
    }
    tell(
        ClassMsg::ServeOpen,
        &[("class", &ui::bold(&class.row.name))],
    );
    let your_name = say(ClassMsg::YourName, &[]);
    println!(
        "\n    {}\n",
        ui::cyan(&ui::command_for_others(&format!(
            "class join {url} {} --name \"{your_name}\"",
            class.admission().code
        )))
    );
    if only_here {
        tell(ClassMsg::ServeLoopback, &[("url", &url)]);
    }
    tell(ClassMsg::ServeDashboard, &[]);
    println!("    {url}/?token={}\n", class.row.teacher_token);
    let kept = dir.join(DATABASE);
    tell(ClassMsg::ServeKept, &[("path", &kept.display())]);

    // One stop, heard twice: by the door (no new connections, and a grace for those in
    // flight) and by the pages' streams, which never end by themselves.
    let door = door::open();
    let stop = class.stopping.clone();
    tokio::spawn(async move {
        stopping.await;
        stop.send_replace(true);
    });
    let mut stopped = class.stopping.subscribe();
    let stop = async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    };
    shared::door::serve(listener, http::routes(class.clone()), door, stop, GRACE).await;
    // Stopped cleanly: the class in `class.sqlite` alone, the file to keep.
    class.writer.close().await?;
    tell(ClassMsg::ServeStopped, &[("path", &kept.display())]);
    Ok(true)
}

/// `class backup --dir DIR FILE`: the class served from `dir` copied whole into the new
/// file `file`, while its server runs or not.
pub fn backup(dir: &Path, file: &Path) -> Result<bool> {
    let database = dir.join(DATABASE);
    if !database.is_file() {
        anyhow::bail!(say(ClassMsg::RosterNoClass, &[("path", &dir.display())]));
    }
    if file.exists() {
        anyhow::bail!(say(ClassMsg::BackupExists, &[("path", &file.display())]));
    }
    // Made beside it under another name, and named once whole: a copy that failed midway
    // is never taken for the class.
    let mut partial = file.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let copied = Store::open(&database).and_then(|store| store.backup(&partial));
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    std::fs::rename(&partial, file).with_context(|| format!("writing {}", file.display()))?;
    println!(
        "{} {}",
        ui::pass_mark(),
        say(ClassMsg::BackupDone, &[("path", &file.display())])
    );
    Ok(true)
}

/// The address learners reach the server at. Bound to every interface (`0.0.0.0`, which
/// no one can connect to), it is this machine's address on the network its default route
/// leaves by, found by "connecting" a UDP socket, which sends nothing. `true` when that is
/// only this machine (no network).
fn advertised(bound: SocketAddr) -> (SocketAddr, bool) {
    if !bound.ip().is_unspecified() {
        return (bound, bound.ip().is_loopback());
    }
    let outward = UdpSocket::bind((Ipv4Addr::UNSPECIFIED, 0))
        .and_then(|socket| {
            // TEST-NET-1 (RFC 5737): routed like any address, never answered.
            socket.connect((Ipv4Addr::new(192, 0, 2, 1), 9))?;
            socket.local_addr()
        })
        .map(|local| local.ip())
        .ok()
        .filter(|ip| !ip.is_unspecified() && !ip.is_loopback());
    match outward {
        Some(ip) => (SocketAddr::new(ip, bound.port()), false),
        None => (
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), bound.port()),
            true,
        ),
    }
}

pub use roster::roster;
