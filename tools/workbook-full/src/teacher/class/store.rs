//! The class's database: SQLite, one file in the class's folder, every verdict an event
//! kept as it came.
//!
//! Everything the server keeps goes through this one small interface, in plain SQL (no
//! SQLite-only statement but the `PRAGMA`s of [`Store::open`]): a school that wants one
//! shared server for many rooms could put the same tables in Postgres and write this file
//! again for its client, and nothing else would change.
//!
//! Durability: the database runs in WAL mode with `synchronous = FULL`, so a transaction
//! is on disk when its commit returns. The server answers a learner only after that
//! (`writer.rs`), so a verdict it acknowledged survives a crash, a `kill -9` or a power
//! cut, and a verdict is a row written in one transaction: never half of one.
//!
//! A stopped class is one file, and a running one is copied whole (`store/file.rs`).
//!
//! The schema grows by migrations (`migrations/NNNN_*.sql`), each applied once, in order,
//! in a transaction of its own, counted in SQLite's `user_version`.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::{Connection, OptionalExtension, params};
use workbook_core::class::{self, Gone};

use super::guard;

mod file;
mod roster;

pub use roster::{Change, Changed};

/// The migrations, in order: the database's `user_version` is how many have run.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_class.sql"),
    include_str!("migrations/0002_current.sql"),
    include_str!("migrations/0003_roster.sql"),
    include_str!("migrations/0004_rejoin_code.sql"),
    include_str!("migrations/0005_untouched.sql"),
    include_str!("migrations/0006_gone_token.sql"),
    include_str!("migrations/0007_merged_token.sql"),
];

/// The class itself: its name, its code and the teacher's token, and whether it takes
/// joins now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassRow {
    pub name: String,
    pub code: String,
    pub teacher_token: String,
    pub joining: bool,
}

/// A learner who joined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnerRow {
    pub id: i64,
    pub name: String,
    pub token: String,
    pub joined_ms: u64,
    /// The teacher let them join again under their name, and they have not yet.
    pub may_rejoin: bool,
}

/// One verdict as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub learner: i64,
    pub seq: u64,
    pub exercise: String,
    pub passed: bool,
    pub test: Option<String>,
    pub message: Option<String>,
    pub hints: u32,
    /// When it was made, on the server's clock (unix milliseconds).
    pub at_ms: u64,
    pub received_ms: u64,
    /// Of the exercise the learner is on (`workbook_core::class::Verdict::current`).
    pub current: bool,
    /// Its stub untouched (`workbook_core::class::Verdict::untouched`).
    pub untouched: bool,
}

/// One open database. Only the writer (`writer.rs`) writes; it holds the only `Store`
/// once the server runs.
pub struct Store {
    connection: Connection,
}

impl Store {
    /// Opens (or makes) the database at `path` and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store> {
        let mut connection =
            Connection::open(path).with_context(|| format!("opening {}", path.display()))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA busy_timeout = 5000;",
            )
            .context("setting up the database")?;
        migrate(&mut connection).with_context(|| format!("migrating {}", path.display()))?;
        key_old_names(&connection).with_context(|| format!("migrating {}", path.display()))?;
        Ok(Store { connection })
    }

    /// The class, if it was made.
    pub fn class(&self) -> Result<Option<ClassRow>> {
        self.connection
            .query_row(
                "SELECT name, code, teacher_token, joining FROM class WHERE id = 1",
                [],
                |row| {
                    Ok(ClassRow {
                        name: row.get(0)?,
                        code: row.get(1)?,
                        teacher_token: row.get(2)?,
                        joining: row.get(3)?,
                    })
                },
            )
            .optional()
            .context("reading the class")
    }

    /// Makes the class, once.
    pub fn create_class(&self, class: &ClassRow, now_ms: u64) -> Result<()> {
        self.connection
            .execute(
                "INSERT INTO class (id, name, code, teacher_token, created_ms) VALUES (1, ?1, ?2, ?3, ?4)",
                params![class.name, class.code, class.teacher_token, now_ms as i64],
            )
            .context("making the class")?;
        Ok(())
    }

    /// Every learner, in the order they joined.
    pub fn learners(&self) -> Result<Vec<LearnerRow>> {
        let mut statement = self
            .connection
            .prepare("SELECT id, name, token, joined_ms, rejoin FROM learner ORDER BY id")?;
        let rows = statement.query_map([], |row| {
            Ok(LearnerRow {
                id: row.get(0)?,
                name: row.get(1)?,
                token: row.get(2)?,
                joined_ms: row.get::<_, i64>(3)? as u64,
                may_rejoin: row.get(4)?,
            })
        })?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the learners")
    }

    /// The tokens of rows merged into another, each with the learner it sends as now.
    pub fn merged_tokens(&self) -> Result<Vec<(String, i64)>> {
        let mut statement = self
            .connection
            .prepare("SELECT token, learner FROM merged_token")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()
            .context("reading the merged tokens")
    }

    /// The tokens that no longer work, each with why.
    pub fn gone_tokens(&self) -> Result<Vec<(String, Gone)>> {
        let mut statement = self
            .connection
            .prepare("SELECT token, why FROM gone_token")?;
        let rows = statement.query_map([], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
        })?;
        let mut gone = Vec::new();
        for row in rows {
            let (token, why) = row?;
            if let Some(why) = Gone::parse(&why) {
                gone.push((token, why));
            }
        }
        Ok(gone)
    }

    /// Every learner and every verdict, as the board is built from them.
    pub fn everything(&self) -> Result<(Vec<LearnerRow>, Vec<Event>)> {
        let mut events = Vec::new();
        self.events(|event| events.push(event))?;
        Ok((self.learners()?, events))
    }

    /// Every verdict, oldest first, each given to `each`.
    pub fn events(&self, mut each: impl FnMut(Event)) -> Result<()> {
        let mut statement = self.connection.prepare(
            "SELECT learner, seq, exercise, passed, test, message, hints, at_ms, received_ms,
                    current, untouched
             FROM verdict ORDER BY at_ms, learner, seq",
        )?;
        let mut rows = statement.query([])?;
        while let Some(row) = rows.next()? {
            each(Event {
                learner: row.get(0)?,
                seq: row.get::<_, i64>(1)? as u64,
                exercise: row.get(2)?,
                passed: row.get(3)?,
                test: row.get(4)?,
                message: row.get(5)?,
                hints: row.get(6)?,
                at_ms: row.get::<_, i64>(7)? as u64,
                received_ms: row.get::<_, i64>(8)? as u64,
                current: row.get(9)?,
                untouched: row.get(10)?,
            });
        }
        Ok(())
    }

    /// How many verdicts are kept.
    #[cfg(test)]
    pub fn count(&self) -> Result<u64> {
        let count: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM verdict", [], |row| row.get(0))?;
        Ok(count as u64)
    }

    /// Runs `work` in one transaction, committed (and on disk) when it returns `Ok`,
    /// rolled back otherwise.
    pub fn transaction<T>(&mut self, work: impl FnOnce(&Writing) -> Result<T>) -> Result<T> {
        let transaction = self.connection.transaction()?;
        let done = work(&Writing {
            connection: &transaction,
        })?;
        transaction.commit().context("committing")?;
        Ok(done)
    }
}

/// A join, as the writer keeps it.
#[derive(Debug, Clone)]
pub struct NewLearner {
    pub name: String,
    /// Their token from now on.
    pub token: String,
    /// Their re-join code from now on.
    pub rejoin_code: String,
    /// The re-join code they presented, if any (a learner joining again without the
    /// teacher: their runner kept it, or they wrote it down).
    pub presented: Option<String>,
    /// The token their copy holds in this class already, if it joined before.
    pub held: Option<String>,
    pub joined_ms: u64,
    /// The most learners the class takes.
    pub most: usize,
    /// Whether the class takes new learners now: closed, only its own come back in.
    pub open: bool,
}

/// How a join went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    Learner(i64),
    /// A learner joined again from a new copy (the teacher let them, or they presented
    /// their re-join code), under `name`, their row's: the new token is theirs, and `old`,
    /// their last copy's, no one's.
    Again {
        id: i64,
        old: String,
        name: String,
    },
    /// The copy that joined is in the class already under this name: its token and
    /// re-join code stay as they are.
    Already {
        id: i64,
        rejoin: Option<String>,
    },
    /// The copy that joined is in the class under the name `was`: its row is called by
    /// the new name now, its verdicts kept, its token and re-join code as they were.
    Moved {
        id: i64,
        was: String,
        rejoin: Option<String>,
    },
    /// The name (as a room reads it: any case, any width) is someone's already.
    Taken,
    /// The class holds its most learners.
    Full,
    /// The class takes no new learners now.
    Closed,
}

/// What can be written inside a transaction.
pub struct Writing<'a> {
    connection: &'a Connection,
}

/// A learner as a join finds them: id, name, token, whether the teacher lets them join
/// again, their re-join code.
type Known = (i64, String, String, bool, Option<String>);

impl Writing<'_> {
    /// Adds a learner, unless the name is taken or the class holds `most` learners
    /// already. A learner of the class joins again, with a new token and re-join code,
    /// when the teacher allowed it or they presented their re-join code (which finds
    /// their row whatever name they give: the teacher may have renamed it). The copy
    /// that joined before is in already, or moves its row to the new name. Counted in the
    /// transaction that adds, by the one writer: exact however many join at once.
    pub fn add_learner(&self, new: &NewLearner) -> Result<Added> {
        let key = class::name_key(&new.name);
        let known =
            |filter: &str, value: &dyn rusqlite::ToSql| -> Result<Option<Known>> {
                Ok(self
                .connection
                .query_row(
                    &format!(
                        "SELECT id, name, token, rejoin, rejoin_code FROM learner WHERE {filter}"
                    ),
                    params![value],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
                )
                .optional()?)
            };
        let by_name = known("name_key = ?1", &key)?;

        // The same copy again: in already, or its row renamed.
        if let Some(held) = &new.held
            && let Some(id) = self.learner_of(held)?
        {
            let (_, was, _, _, rejoin) = known("id = ?1", &id)?.expect("a learner of a token");
            return Ok(match &by_name {
                Some((owner, ..)) if *owner == id => Added::Already { id, rejoin },
                Some((owner, ..)) if *owner != id => Added::Taken,
                _ => {
                    self.connection.execute(
                        "UPDATE learner SET name = ?1, name_key = ?2 WHERE id = ?3",
                        params![new.name, key, id],
                    )?;
                    Added::Moved { id, was, rejoin }
                }
            });
        }

        // A learner of the class from a new copy: by their re-join code, which names their
        // row, or by their name when the teacher let them.
        let presented = new.presented.as_deref().and_then(|given| {
            self.rejoin_codes()
                .ok()?
                .into_iter()
                .find(|(_, kept)| guard::same_secret(given, kept))
                .map(|(id, _)| id)
        });
        let again = match (presented, &by_name) {
            (Some(id), _) => known("id = ?1", &id)?,
            (None, Some(row)) if row.3 => Some(row.clone()),
            (None, Some(_)) => return Ok(Added::Taken),
            (None, None) => None,
        };
        if let Some((id, name, old, _, _)) = again {
            // Once: the new token and code are theirs, the old ones no one's.
            self.connection.execute(
                "UPDATE learner SET token = ?1, rejoin = 0, rejoin_code = ?2 WHERE id = ?3",
                params![new.token, new.rejoin_code, id],
            )?;
            self.token_gone(&old, Gone::JoinedElsewhere)?;
            return Ok(Added::Again { id, old, name });
        }

        if !new.open {
            return Ok(Added::Closed);
        }
        let count: i64 = self
            .connection
            .query_row("SELECT COUNT(*) FROM learner", [], |row| row.get(0))?;
        if count as usize >= new.most {
            return Ok(Added::Full);
        }
        let added = self.connection.execute(
            "INSERT INTO learner (name, name_key, token, joined_ms, rejoin_code)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT DO NOTHING",
            params![
                new.name,
                key,
                new.token,
                new.joined_ms as i64,
                new.rejoin_code
            ],
        )?;
        Ok(if added == 1 {
            Added::Learner(self.connection.last_insert_rowid())
        } else {
            Added::Taken
        })
    }

    /// The learner a token sends as: its own, or a row's merged into theirs.
    fn learner_of(&self, token: &str) -> Result<Option<i64>> {
        Ok(self
            .connection
            .query_row(
                "SELECT id FROM learner WHERE token = ?1
                 UNION ALL SELECT learner FROM merged_token WHERE token = ?1",
                params![token],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Every learner's re-join code: a code presented is compared with each in constant
    /// time, never looked up (a class is a few dozen rows).
    fn rejoin_codes(&self) -> Result<Vec<(i64, String)>> {
        let mut statement = self
            .connection
            .prepare("SELECT id, rejoin_code FROM learner WHERE rejoin_code IS NOT NULL")?;
        let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A learner's token no longer works, for `why`.
    pub fn token_gone(&self, token: &str, why: Gone) -> Result<()> {
        self.connection.execute(
            "INSERT OR REPLACE INTO gone_token (token, why) VALUES (?1, ?2)",
            params![token, why.as_str()],
        )?;
        Ok(())
    }

    /// Keeps a verdict; `false` when it was kept before (the same learner and number).
    pub fn keep(&self, event: &Event) -> Result<bool> {
        let mut statement = self.connection.prepare_cached(
            "INSERT INTO verdict
             (learner, seq, exercise, passed, test, message, hints, at_ms, received_ms, current,
              untouched)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT DO NOTHING",
        )?;
        let added = statement.execute(params![
            event.learner,
            event.seq as i64,
            event.exercise,
            event.passed,
            event.test,
            event.message,
            event.hints,
            event.at_ms as i64,
            event.received_ms as i64,
            event.current,
            event.untouched,
        ])?;
        Ok(added == 1)
    }
}

/// Gives each learner who joined before names were compared as a room reads them their
/// name's key; two such names that are now one keep apart by their ids.
fn key_old_names(connection: &Connection) -> Result<()> {
    let mut statement =
        connection.prepare("SELECT id, name FROM learner WHERE name_key IS NULL")?;
    let old: Vec<(i64, String)> = statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, name) in old {
        let key = class::name_key(&name);
        let keyed = connection.execute(
            "UPDATE OR IGNORE learner SET name_key = ?1 WHERE id = ?2",
            params![key, id],
        )?;
        if keyed == 0 {
            connection.execute(
                "UPDATE learner SET name_key = ?1 WHERE id = ?2",
                params![format!("{key}#{id}"), id],
            )?;
        }
    }
    Ok(())
}

/// Applies the migrations the database has not had yet.
fn migrate(connection: &mut Connection) -> Result<()> {
    let applied: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", (index + 1) as i64)?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
