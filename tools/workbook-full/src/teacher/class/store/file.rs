//! A class is one file. A clean stop ([`Store::close`]) empties the write-ahead log into
//! `class.sqlite` and removes it, so that the database's file alone, copied anywhere,
//! holds the class. While the class runs, the latest verdicts may still be in the log:
//! `class backup` copies it whole with SQLite's online backup ([`Store::backup`]), which
//! reads one consistent state while the writer goes on.

use std::path::Path;

use anyhow::{Context, Result};
use rusqlite::Connection;

use super::Store;

impl Store {
    /// Empties the write-ahead log into the database's file and closes it: the file alone
    /// holds the class.
    pub fn close(self) -> Result<()> {
        self.connection
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .context("writing the log into the database")?;
        // The last connection closed removes the log.
        self.connection
            .close()
            .map_err(|(_, err)| err)
            .context("closing the database")
    }

    /// Copies the class whole into the new database `file`, in one step: SQLite's online
    /// backup, which reads one consistent state of it however much is written meanwhile.
    pub fn backup(&self, file: &Path) -> Result<()> {
        let mut copy =
            Connection::open(file).with_context(|| format!("opening {}", file.display()))?;
        let backup = rusqlite::backup::Backup::new(&self.connection, &mut copy)
            .context("starting the copy")?;
        // Every page at once (-1): a copy made in steps would start again each time the
        // server writes. Busy is a moment of the writer's: tried again, for 10 s at most.
        let mut tries = 0;
        while backup.step(-1).context("copying")? != rusqlite::backup::StepResult::Done {
            tries += 1;
            if tries == 200 {
                anyhow::bail!("the database stayed busy for 10 s");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        drop(backup);
        copy.close()
            .map_err(|(_, err)| err)
            .with_context(|| format!("closing {}", file.display()))
    }
}
