//! The roster's changes, as kept: a learner removed (with their verdicts), renamed, merged
//! into another row (their verdicts become the other's, and their token sends as the
//! other's), let join again; joining closed or opened; a new code. Each is one transaction
//! of the writer's, alone.

use anyhow::Result;
use rusqlite::{OptionalExtension, params};
use workbook_core::class::{self, Gone};

use super::Writing;

/// A change the teacher makes to the roster; learners are named as the page shows them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Change {
    /// Gone, with every verdict (a script's row, a learner who left).
    Remove {
        name: String,
    },
    Rename {
        name: String,
        to: String,
    },
    /// One learner in two rows (a second clone): `name`'s verdicts become `into`'s.
    Merge {
        name: String,
        into: String,
    },
    /// `name` may join again once, under their name, from a new clone or machine.
    Rejoin {
        name: String,
    },
    /// Joins taken, or refused.
    Joining {
        open: bool,
    },
    /// A new class code (the old one was seen where it should not be).
    Code {
        #[serde(skip)]
        code: String,
    },
}

impl Change {
    /// The learners it names.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        let (first, second) = match self {
            Change::Remove { name } | Change::Rename { name, .. } | Change::Rejoin { name } => {
                (Some(name.as_str()), None)
            }
            Change::Merge { name, into } => (Some(name.as_str()), Some(into.as_str())),
            Change::Joining { .. } | Change::Code { .. } => (None, None),
        };
        first.into_iter().chain(second)
    }
}

/// How a change went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    Done,
    /// The new name is another learner's.
    NameTaken,
}

/// A change named a learner the class does not have.
#[derive(Debug)]
pub struct NoSuchLearner(pub String);

impl std::fmt::Display for NoSuchLearner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "no learner is called {}", self.0)
    }
}

impl std::error::Error for NoSuchLearner {}

impl Writing<'_> {
    /// The learner `id` leaves: their token, and those of rows merged into theirs, are
    /// kept as removed, for their runners to be told so.
    fn removed(&self, id: i64) -> Result<()> {
        let mut statement = self.connection.prepare(
            "SELECT token FROM learner WHERE id = ?1
             UNION ALL SELECT token FROM merged_token WHERE learner = ?1",
        )?;
        let tokens: Vec<String> = statement
            .query_map(params![id], |row| row.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for token in tokens {
            self.token_gone(&token, Gone::Removed)?;
        }
        self.connection
            .execute("DELETE FROM merged_token WHERE learner = ?1", params![id])?;
        Ok(())
    }

    /// Makes a change to the roster.
    pub fn roster(&self, change: &Change) -> Result<Changed> {
        let id_of = |name: &str| -> Result<Option<i64>> {
            Ok(self
                .connection
                .query_row(
                    "SELECT id FROM learner WHERE name_key = ?1",
                    params![class::name_key(name)],
                    |row| row.get(0),
                )
                .optional()?)
        };
        let learner = |name: &str| -> Result<i64> {
            id_of(name)?.ok_or_else(|| anyhow::Error::new(NoSuchLearner(name.to_string())))
        };
        match change {
            Change::Remove { name } => {
                let id = learner(name)?;
                self.removed(id)?;
                self.connection
                    .execute("DELETE FROM verdict WHERE learner = ?1", params![id])?;
                self.connection
                    .execute("DELETE FROM learner WHERE id = ?1", params![id])?;
            }
            Change::Rename { name, to } => {
                let id = learner(name)?;
                if id_of(to)?.is_some_and(|other| other != id) {
                    return Ok(Changed::NameTaken);
                }
                self.connection.execute(
                    "UPDATE learner SET name = ?1, name_key = ?2 WHERE id = ?3",
                    params![to, class::name_key(to), id],
                )?;
            }
            Change::Merge { name, into } => {
                let (from, into) = (learner(name)?, learner(into)?);
                if from == into {
                    return Ok(Changed::Done);
                }
                // Their token, and those merged into their row before, send as the other
                // row's learner from now on: the copies holding them carry on.
                self.connection.execute(
                    "INSERT INTO merged_token (token, learner)
                     SELECT token, ?1 FROM learner WHERE id = ?2
                     ON CONFLICT (token) DO UPDATE SET learner = excluded.learner",
                    params![into, from],
                )?;
                self.connection.execute(
                    "UPDATE merged_token SET learner = ?1 WHERE learner = ?2",
                    params![into, from],
                )?;
                // Their verdicts become the other's; a number both used is the other's.
                self.connection.execute(
                    "UPDATE OR IGNORE verdict SET learner = ?1 WHERE learner = ?2",
                    params![into, from],
                )?;
                self.connection
                    .execute("DELETE FROM verdict WHERE learner = ?1", params![from])?;
                self.connection
                    .execute("DELETE FROM learner WHERE id = ?1", params![from])?;
            }
            Change::Rejoin { name } => {
                let id = learner(name)?;
                self.connection
                    .execute("UPDATE learner SET rejoin = 1 WHERE id = ?1", params![id])?;
            }
            Change::Joining { open } => {
                self.connection
                    .execute("UPDATE class SET joining = ?1 WHERE id = 1", params![open])?;
            }
            Change::Code { code } => {
                self.connection
                    .execute("UPDATE class SET code = ?1 WHERE id = 1", params![code])?;
            }
        }
        Ok(Changed::Done)
    }
}
