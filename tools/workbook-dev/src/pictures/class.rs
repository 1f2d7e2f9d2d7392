//! The instructor guide's pictures of the live class: a room of thirty on the dashboard, at a
//! projector's two sizes, in both languages (`book/src/images/class-*.png`).
//!
//! They are taken by the test that holds them to the page's promises
//! (`live_class::wall::the_guides_pictures_of_a_room_of_thirty_are_the_page` in
//! tools/workbook-full/tests/runner/): it starts a real class server in this course, joins
//! thirty learners, opens the page in headless Chromium and, told `CLASS_PICTURES=write`,
//! writes what it sees into the book. One home for the room and its checks; this runs it.

use std::path::Path;
use std::time::SystemTime;

use anyhow::{Context, Result, bail};
use workbook_core::environment;

/// The test that takes the pictures, by its full name.
const TEST: &str = "live_class::wall::the_guides_pictures_of_a_room_of_thirty_are_the_page";

/// Runs the test with `CLASS_PICTURES=write`, and checks that it wrote every picture: a test
/// that finds no Chromium passes saying why it skipped, and writes nothing.
pub fn take(root: &Path) -> Result<()> {
    let images = root.join("book/src/images");
    let started = SystemTime::now();
    let mut cargo = environment::cargo();
    cargo
        .current_dir(root)
        .args(["test", "-p", "workbook-full", "--all-features", "--test"])
        .args(["runner", "--", "--exact", TEST, "--nocapture"])
        .env("CLASS_PICTURES", "write");
    // deadline: the test bounds each of its waits; the build before it takes what it takes.
    let status = cargo.status().context("running cargo test")?;
    if !status.success() {
        bail!("{TEST} failed: the class pictures were not taken (its output is above)");
    }
    let mut written = Vec::new();
    for entry in std::fs::read_dir(&images).with_context(|| images.display().to_string())? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if !(name.starts_with("class-") && name.ends_with(".png")) {
            continue;
        }
        let modified = path.metadata()?.modified()?;
        if modified < started {
            bail!(
                "{} was not taken again (the test's output above says why)",
                path.display()
            );
        }
        written.push(path);
    }
    if written.is_empty() {
        bail!("no class picture in {}", images.display());
    }
    written.sort();
    for path in written {
        println!("{}", path.display());
    }
    Ok(())
}
