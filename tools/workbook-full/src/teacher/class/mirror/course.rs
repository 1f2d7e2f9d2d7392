//! The course and its book, as files a plain client reads: the repository over git's
//! "dumb" HTTP protocol, and the book as the served commit builds it.
//!
//! Git clones over plain HTTP from a bare repository served as files, once `git
//! update-server-info` has written the two lists a client starts from (`info/refs`, the
//! branches and tags; `objects/info/packs`, the packs). The server needs no git of its own
//! then.
//!
//! What the room is served is one branch: the one checked out in the teacher's repository
//! when the server starts, its commits and nothing else. A teacher's repository holds more
//! than the course (a branch of answers for the exam, tags and notes of their own, a stash,
//! files not committed), and a clone of it would hand all of it to the room. So the bare
//! repository is not a copy of the teacher's: it is made anew at each start, empty, and
//! only that branch is fetched into it. A fetch carries what the ref reaches and nothing
//! more; without `--no-tags` it would carry the tags that point into the branch too, which
//! the room is not given either: a tag is a name the teacher gave a commit, for
//! themselves, and the course needs none. The repository is then packed whole, so a clone
//! is a few large requests rather than thousands of small ones.
//!
//! With no branch checked out (a detached HEAD), nothing is served, and the teacher is told
//! why: the room clones a branch, and a name made up here would be one the teacher never
//! chose.
//!
//! The book is `workbook-book`'s static site, both editions, built once at start: a
//! learner reads it at once, and builds it only to change it. It is built from the served
//! commit, checked out on its own (a clone of the served repository), not from the
//! teacher's folder: a file the teacher has not committed (an answer written into an
//! exercise, a page not finished) is no more in the book than in the clone. It is built by
//! a process of its own (this program again, `class book-site`): rendering two editions
//! and their search indexes holds a few hundred megabytes at its peak, which would
//! otherwise stay the server's high-water mark for the whole class, where the server
//! itself needs a tenth.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use workbook_core::language::messages::{ClassMsg, say};

/// The bare repository's folder in the class's folder, and its path on the server.
pub const REPOSITORY: &str = "course.git";

/// The book's folder in the class's folder, and its path on the server.
pub const BOOK: &str = "book";

/// The served commit, checked out for the book's build, in the class's folder.
const BOOK_SOURCE: &str = "book-source";

/// The course as the room clones it.
#[derive(Debug, Clone)]
pub struct Served {
    /// The bare repository.
    pub path: PathBuf,
    /// The branch it holds, the teacher's checked out one.
    pub branch: String,
    /// The commit that branch is at, abbreviated.
    pub commit: String,
}

/// Makes `dir/course.git` a bare repository of the branch checked out at `root` alone,
/// packed and ready for dumb HTTP. What was there before is replaced.
pub fn repository(root: &Path, dir: &Path) -> Result<Served> {
    let (branch, commit) = checked_out(root)?;
    let bare = dir.join(REPOSITORY);
    let fresh = dir.join(format!("{REPOSITORY}.new"));
    remove(&fresh)?;
    // An empty template: none of the teacher's own (`init.templateDir`, hooks of theirs).
    git(
        dir,
        &[
            "init".as_ref(),
            "--quiet".as_ref(),
            "--bare".as_ref(),
            "--template=".as_ref(),
            fresh.as_os_str(),
        ],
    )?;
    let refspec = format!("+refs/heads/{branch}:refs/heads/{branch}");
    git(
        &fresh,
        &[
            "fetch".as_ref(),
            "--quiet".as_ref(),
            "--no-tags".as_ref(),
            root.as_os_str(),
            refspec.as_ref(),
        ],
    )?;
    // The fetch's note of where it fetched from names the teacher's folder.
    let _ = std::fs::remove_file(fresh.join("FETCH_HEAD"));
    let head = format!("refs/heads/{branch}");
    git(
        &fresh,
        &["symbolic-ref".as_ref(), "HEAD".as_ref(), head.as_ref()],
    )?;
    git(
        &fresh,
        &[
            "repack".as_ref(),
            "-a".as_ref(),
            "-d".as_ref(),
            "-q".as_ref(),
        ],
    )?;
    git(&fresh, &["update-server-info".as_ref()])?;
    remove(&bare)?;
    std::fs::rename(&fresh, &bare)
        .with_context(|| format!("renaming {} to {}", fresh.display(), bare.display()))?;
    Ok(Served {
        path: bare,
        branch,
        commit,
    })
}

/// The branch checked out at `root` and its commit (abbreviated), or why there is none to
/// serve.
fn checked_out(root: &Path) -> Result<(String, String)> {
    // A course folder inside another repository (a home folder kept in git, say) is not
    // that repository: its branch would be the other's.
    let prefix = git(root, &["rev-parse".as_ref(), "--show-prefix".as_ref()])?;
    if !prefix.is_empty() {
        let top = git(root, &["rev-parse".as_ref(), "--show-toplevel".as_ref()])?;
        let path = root.display().to_string();
        bail!(say(
            ClassMsg::MirrorNotTop,
            &[("path", &path), ("top", &top)]
        ));
    }
    let commit = git(
        root,
        &[
            "rev-parse".as_ref(),
            "--short".as_ref(),
            "--verify".as_ref(),
            "HEAD^{commit}".as_ref(),
        ],
    )?;
    let head = Command::new("git")
        .args(["symbolic-ref", "--quiet", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .context("running git (is it installed?)")?;
    let branch = String::from_utf8_lossy(&head.stdout).trim().to_string();
    if !head.status.success() || branch.is_empty() {
        bail!(say(ClassMsg::MirrorDetached, &[("commit", &commit)]));
    }
    Ok((branch, commit))
}

/// Builds the book, both editions, into `dir/book`, from the commit the course is served
/// from: that commit checked out from the served repository `served`, and `class
/// book-site` (this program, in a process of its own) run there.
pub fn book(served: &Path, dir: &Path) -> Result<PathBuf> {
    let source = dir.join(BOOK_SOURCE);
    remove(&source)?;
    git(
        dir,
        &[
            "clone".as_ref(),
            "--quiet".as_ref(),
            served.as_os_str(),
            source.as_os_str(),
        ],
    )?;
    let built = site(&source, &dir.join(BOOK));
    // Whether it built or not: the checkout has served its purpose.
    remove(&source)?;
    built
}

/// `class book-site --dir site`, run in `source`.
fn site(source: &Path, site: &Path) -> Result<PathBuf> {
    let program = std::env::current_exe().context("finding this program")?;
    let output = Command::new(program)
        .args(["class", "book-site", "--dir"])
        .arg(site)
        .current_dir(source)
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
    // A book is announced only once it is there: a build that put its site elsewhere
    // would otherwise be a start line naming a /book/ that answers 404.
    if !site.join("index.html").is_file() {
        bail!("the book's build wrote no site in {}", site.display());
    }
    Ok(site.to_path_buf())
}

fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_dir_all(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("removing {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Runs git in `dir`: what it printed, trimmed, or its error in one line.
fn git(dir: &Path, args: &[&OsStr]) -> Result<String> {
    if !dir.is_dir() {
        bail!("running git in {}: no such folder", dir.display());
    }
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .context("running git (is it installed?)")?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        let said = said.lines().find(|line| !line.trim().is_empty());
        bail!(
            "git {} failed: {}",
            args.iter()
                .map(|arg| arg.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            said.unwrap_or("it said nothing").trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}
