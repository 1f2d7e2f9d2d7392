//! The one writer of the class's database: a thread of its own that takes what the HTTP
//! handlers ask to keep, writes it, and answers each handler once it is on disk.
//!
//! SQLite writes one transaction at a time, and each commit waits for the disk (`fsync`).
//! One commit per request would make 150 requests a second wait in line for 150 fsyncs.
//! So the writer commits in groups: it takes every request that is waiting, writes them
//! all in one transaction, commits once, then answers them all. A request never waits
//! for more than the commit before its own and its own; under load, the groups grow and
//! the fsyncs do not.

use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::{mpsc, oneshot};
use workbook_core::class::Gone;

use super::store::{Added, Change, Changed, Event, LearnerRow, NewLearner, Store};

/// The most requests in one transaction.
const GROUP: usize = 256;

/// What a handler asks the writer for.
pub enum Job {
    /// Adds a learner, unless the name is taken or the class holds `most` already.
    Join {
        new: NewLearner,
        answer: oneshot::Sender<Result<Added, String>>,
    },
    /// Keeps verdicts: answered with those that were new, and how long that took.
    Keep {
        events: Vec<Event>,
        asked: Instant,
        answer: oneshot::Sender<Result<(Vec<Event>, Waited), String>>,
    },
    /// Changes the roster, in a transaction of its own: answered with how it went and
    /// the whole class as it now is, to build the board again from.
    Roster {
        change: Change,
        answer: oneshot::Sender<Result<Roster, String>>,
    },
    /// The server stops: the write-ahead log is emptied into the database's file, which
    /// alone holds the class from then on, and the writer ends.
    Close {
        answer: oneshot::Sender<Result<(), String>>,
    },
}

/// How long a request to keep verdicts waited for the writer: in line (the group before
/// its own being written), then its own group's transaction and commit, which waits for
/// the disk; and how many requests that group held. The class server says it in each
/// answer's `Server-Timing` header, where the room's bench reads it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Waited {
    pub queued: Duration,
    pub written: Duration,
    pub group: usize,
}

/// The class after a change to its roster.
pub struct Roster {
    pub changed: Changed,
    pub learners: Vec<LearnerRow>,
    pub events: Vec<Event>,
    pub gone: Vec<(String, Gone)>,
    /// The tokens of rows merged into another, each with the learner it sends as.
    pub merged: Vec<(String, i64)>,
}

/// A handle on the writer.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer's thread, which owns `store` from now on.
    pub fn start(store: Store) -> Writer {
        let (jobs, receiver) = mpsc::channel(4 * GROUP);
        std::thread::Builder::new()
            .name("class-writer".into())
            .spawn(move || write_in_groups(store, receiver))
            .expect("starting the class's writer");
        Writer { jobs }
    }

    /// Adds a learner, once it is on disk, unless the class holds `most` already.
    pub async fn join(&self, new: NewLearner) -> Result<Added> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Join { new, answer }).await?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the writer stopped"))?
            .map_err(anyhow::Error::msg)
    }

    /// Keeps verdicts, once they are on disk: returns those that were new, and how long
    /// the writer took.
    pub async fn keep(&self, events: Vec<Event>) -> Result<(Vec<Event>, Waited)> {
        let (answer, answered) = oneshot::channel();
        let asked = Instant::now();
        self.send(Job::Keep {
            events,
            asked,
            answer,
        })
        .await?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the writer stopped"))?
            .map_err(anyhow::Error::msg)
    }

    /// Changes the roster, once it is on disk.
    pub async fn roster(&self, change: Change) -> Result<Roster> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Roster { change, answer }).await?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the writer stopped"))?
            .map_err(anyhow::Error::msg)
    }

    /// Closes the database once what was asked before is written: the class is in
    /// `class.sqlite` alone (no `-wal` beside it). Nothing is written after.
    pub async fn close(&self) -> Result<()> {
        let (answer, answered) = oneshot::channel();
        self.send(Job::Close { answer }).await?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the writer stopped"))?
            .map_err(anyhow::Error::msg)
    }

    async fn send(&self, job: Job) -> Result<()> {
        self.jobs
            .send(job)
            .await
            .map_err(|_| anyhow::anyhow!("the writer stopped"))
    }
}

fn write_in_groups(mut store: Store, mut jobs: mpsc::Receiver<Job>) {
    // A change to the roster (or the close) met while gathering a group: done after it,
    // alone.
    let mut next: Option<Job> = None;
    while let Some(first) = next.take().or_else(|| jobs.blocking_recv()) {
        let first = match first {
            Job::Roster { change, answer } => {
                let changed = change_roster(&mut store, &change);
                let _ = answer.send(changed.map_err(|err| format!("{err:#}")));
                continue;
            }
            Job::Close { answer } => {
                let closed = store.close();
                let _ = answer.send(closed.map_err(|err| format!("{err:#}")));
                return;
            }
            first => first,
        };
        let began = Instant::now();
        let mut group = vec![first];
        while group.len() < GROUP {
            match jobs.try_recv() {
                Ok(job @ (Job::Roster { .. } | Job::Close { .. })) => {
                    next = Some(job);
                    break;
                }
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        // Each job's result, decided inside the transaction, sent once it committed.
        let written = store.transaction(|writing| {
            group
                .iter()
                .map(|job| match job {
                    Job::Join { new, .. } => writing.add_learner(new).map(Done::Joined),
                    Job::Roster { .. } | Job::Close { .. } => {
                        unreachable!("a roster change or a close is never grouped")
                    }
                    Job::Keep { events, .. } => {
                        let mut new = Vec::new();
                        for event in events {
                            if writing.keep(event)? {
                                new.push(event.clone());
                            }
                        }
                        Ok(Done::Kept(new))
                    }
                })
                .collect::<Result<Vec<Done>>>()
        });
        let written_in = began.elapsed();
        let size = group.len();
        match written {
            Ok(done) => {
                for (job, done) in group.into_iter().zip(done) {
                    match (job, done) {
                        (Job::Join { answer, .. }, Done::Joined(id)) => {
                            let _ = answer.send(Ok(id));
                        }
                        (Job::Keep { answer, asked, .. }, Done::Kept(new)) => {
                            let waited = Waited {
                                queued: began.saturating_duration_since(asked),
                                written: written_in,
                                group: size,
                            };
                            let _ = answer.send(Ok((new, waited)));
                        }
                        _ => unreachable!("one result per job, in order"),
                    }
                }
            }
            Err(err) => {
                let why = format!("{err:#}");
                for job in group {
                    match job {
                        Job::Join { answer, .. } => {
                            let _ = answer.send(Err(why.clone()));
                        }
                        Job::Keep { answer, .. } => {
                            let _ = answer.send(Err(why.clone()));
                        }
                        Job::Roster { .. } | Job::Close { .. } => {
                            unreachable!("a roster change or a close is never grouped")
                        }
                    }
                }
            }
        }
    }
}

enum Done {
    Joined(Added),
    Kept(Vec<Event>),
}

fn change_roster(store: &mut Store, change: &Change) -> Result<Roster> {
    let changed = store.transaction(|writing| writing.roster(change))?;
    let (learners, events) = store.everything()?;
    Ok(Roster {
        changed,
        learners,
        events,
        gone: store.gone_tokens()?,
        merged: store.merged_tokens()?,
    })
}
