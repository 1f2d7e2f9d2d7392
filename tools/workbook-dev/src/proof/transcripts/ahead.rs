//! The lab chapters (14's hosts, 17's swarm), started ahead of the rest of verify.
//!
//! A lab chapter takes minutes and spends them waiting for Docker, so verify starts them
//! first, on a thread of their own, beside its builds.

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::Mutex;

use workbook_core::course::Course;

use super::{Chapter, TOOLS_BUILT, binaries, follow, lab_chapters};

/// The lab chapters' transcripts, started ahead of the rest of verify.
pub struct LabsAhead {
    pub(super) rows: tokio::sync::oneshot::Receiver<Vec<Chapter>>,
}

/// Starts the chapters that drive a lab now, where the test script has just built the
/// whole workspace (the solutions' programs are in `target/debug`), or `None`.
///
/// A lab chapter takes over a minute and spends it waiting for Docker: its hosts to come
/// up, a killed one to be seen as failed. Started first, it runs while verify builds the
/// stubs (a minute of both cores) instead of after them. That build puts stub programs of
/// some lessons in `target/debug` (where a test of the stubs runs the program), so the
/// chapter runs its own links to the solutions' programs, made before the build starts:
/// cargo replaces a file of `target/debug` with a new one, and a link keeps the old.
pub fn labs_ahead(course: &Course) -> Option<LabsAhead> {
    std::env::var_os(TOOLS_BUILT)?;
    let src = course.root.join("book/src");
    let (labs, _) = lab_chapters(crate::proof::bookcheck::markdown_files(&src));
    if labs.is_empty() {
        return None;
    }
    // `target/verify-programs/`, two levels under the target folder as `debug/` is: the lab
    // finds what its program keeps (`target/l14-lab/…`) beside the program's folder.
    let kept = course.target_dir().join("verify-programs");
    fs::create_dir_all(&kept).ok()?;
    let binaries: HashMap<String, PathBuf> = binaries(course)
        .into_iter()
        .filter(|(_, built)| built.is_file())
        .filter_map(|(package, built)| {
            let link = kept.join(built.file_name()?);
            let _ = fs::remove_file(&link);
            fs::hard_link(&built, &link)
                .or_else(|_| fs::copy(&built, &link).map(|_| ()))
                .ok()?;
            Some((package, link))
        })
        .collect();
    // On a thread and a runtime of its own: following a chapter borrows its parsed blocks
    // across awaits, a future `tokio::spawn` does not take (it is not `Send` for every
    // lifetime of those borrows).
    let course = course.clone();
    let (done, rows) = tokio::sync::oneshot::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the lab chapters");
        // Two at a time: each lab is its own (a project, a network and images no other
        // uses), and each spends its minutes waiting on Docker, so chapter 14's hosts and
        // chapter 17's swarm come up side by side rather than one after the other.
        let queue = Mutex::new(labs.into_iter());
        let rows = runtime.block_on(async {
            let (mut rows, more) = tokio::join!(
                follow(&queue, &course, &binaries),
                follow(&queue, &course, &binaries)
            );
            rows.extend(more);
            rows
        });
        // The links, which keep the old programs on the disk while they last.
        let _ = fs::remove_dir_all(&kept);
        let _ = done.send(rows);
    });
    Some(LabsAhead { rows })
}
