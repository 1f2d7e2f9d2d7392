//! The course and its book, as files a plain client reads: the repository over git's
//! "dumb" HTTP protocol, and the book as the teacher built it.
//!
//! Git clones over plain HTTP from a bare repository served as files, once `git
//! update-server-info` has written the two lists a client starts from (`info/refs`, the
//! branches and tags; `objects/info/packs`, the packs). The server needs no git of its own
//! then. The bare repository is made anew at each start from the teacher's (what is
//! committed: the room clones what the teacher's branch holds), packed whole, so a clone
//! is a few large requests rather than thousands of small ones.
//!
//! The book is `workbook-book`'s static site, both editions, built once at start: a
//! learner reads it at once, and builds it only to change it. It is built by a process of
//! its own (this program again, `class book-site`): rendering two editions and their search
//! indexes holds a few hundred megabytes at its peak, which would otherwise stay the
//! server's high-water mark for the whole class, where the server itself needs a tenth.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The bare repository's folder in the class's folder, and its path on the server.
pub const REPOSITORY: &str = "course.git";

/// The book's folder in the class's folder, and its path on the server.
pub const BOOK: &str = "book";

/// Makes `dir/course.git` a bare copy of the repository at `root`, packed and ready for
/// dumb HTTP. What was there before is replaced.
pub fn repository(root: &Path, dir: &Path) -> Result<PathBuf> {
    let bare = dir.join(REPOSITORY);
    let fresh = dir.join(format!("{REPOSITORY}.new"));
    remove(&fresh)?;
    // `--no-local` copies through git's pack protocol: one pack, none of the teacher's
    // loose objects or hard links; `--bare` keeps no work tree.
    git(
        dir,
        &[
            "clone".as_ref(),
            "--quiet".as_ref(),
            "--bare".as_ref(),
            "--no-local".as_ref(),
            root.as_os_str(),
            fresh.as_os_str(),
        ],
    )?;
    // The teacher's folder is nothing a learner needs to know.
    git(
        &fresh,
        &["remote".as_ref(), "remove".as_ref(), "origin".as_ref()],
    )?;
    git(&fresh, &["update-server-info".as_ref()])?;
    remove(&bare)?;
    std::fs::rename(&fresh, &bare)
        .with_context(|| format!("renaming {} to {}", fresh.display(), bare.display()))?;
    Ok(bare)
}

/// Builds the book, both editions, into `dir/book`, in a process of its own: this program,
/// `class book-site`, in the course's folder.
pub fn book(root: &Path, dir: &Path) -> Result<PathBuf> {
    let site = dir.join(BOOK);
    let program = std::env::current_exe().context("finding this program")?;
    let output = Command::new(program)
        .args(["class", "book-site", "--dir"])
        .arg(&site)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .context("starting the book's build")?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let last = said.lines().rev().find(|line| !line.trim().is_empty());
        bail!(
            "the book's build failed ({}): {}",
            output.status,
            last.unwrap_or("it said nothing").trim()
        );
    }
    Ok(site)
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

fn git(dir: &Path, args: &[&std::ffi::OsStr]) -> Result<()> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .context("running git (is it installed?)")?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        bail!(
            "git {} failed: {}",
            args.iter()
                .map(|arg| arg.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            said.trim()
        );
    }
    Ok(())
}
