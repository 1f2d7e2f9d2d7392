//! Every deadline a test sets itself, in one place, beside the test runner's.
//!
//! Two kinds of deadline end a test that waits too long:
//!
//! - **the test runner's**, one for the whole test: nextest ends a test of a group at that
//!   group's deadline (`slow-timeout` in `.config/nextest.toml`: `period` × `terminate-after`),
//!   and [`hang`](crate::hang) then prints what the test was waiting for;
//! - **the test's own**, for one wait: a reply, a port, a line of a log ([`STEP`]), or a
//!   whole piece of work the test started and waits for (a build, a child test, a lab, a
//!   browser run).
//!
//! A wait for one step is short, so that a wrong answer fails fast and says which step it
//! was. A wait for a whole piece of work must never be shorter than the runner's deadline
//! for the same test: on a machine set up today, a build waits for crates to download and
//! for its neighbours' builds, and an own deadline of 80 s under a runner's of six minutes
//! once failed a healthy test, saying nothing. So a test that waits for work takes the
//! deadline of its group from here, and `tests::each_group_s_deadline_is_the_runner_s`
//! holds these figures to `.config/nextest.toml`: change one, and that test says which
//! other to change.

use std::time::Duration;

/// How long a test waits for one step (a reply, a port, a log line) before it calls the
/// step failed. Generous, so that a loaded machine (a build beside the tests, memory and
/// disk busy) does not fail a correct answer: a step that takes milliseconds on a quiet
/// machine was seen to take over 5 s on a loaded one. A test that means "at once" gives the
/// code under test a deadline well beyond this (30 s or more), so that waiting it out can
/// never pass for an answer.
pub const STEP: Duration = Duration::from_secs(20);

/// The runner's deadline for a test of no group of its own: the longest a test's wait for
/// a whole piece of work may take (a program of the course run to its end, a child test).
pub const TEST: Duration = Duration::from_secs(120);

/// The runner's deadline for a test that builds crates with cargo (`micro new`'s crates,
/// a check of the real course, the system `up` builds and starts): group `cargo-builds`,
/// one at a time, so that each build's time is its own and not a neighbour's wait for
/// cargo's lock. Over three minutes for `micro new`'s three crates beside the suite under
/// `flaky.sh --stress` on a slower machine of two cores; ten minutes. The same for the tests
/// that only find programs through cargo (`workbook wire`'s), which wait for its lock while
/// such a build holds it.
pub const TEST_THAT_BUILDS: Duration = Duration::from_secs(600);

/// The runner's deadline for a learner's laptop from nothing: a fresh clone built with
/// an empty cargo home, every crate fetched and the runner and lesson 01 built from the
/// room's mirror (`live_class::mirror_offline`), in a target folder and cargo home of its
/// own: 81 s on a quiet machine with two cores when it built lesson 05 too (48 s of it), five
/// minutes beside the suite, more on a machine loaded as `flaky.sh --stress` loads it, over
/// ten on a slower machine of two cores; half an hour.
pub const A_LAPTOP_FROM_NOTHING: Duration = Duration::from_secs(1800);

/// The runner's deadline for a lab story: Docker hosts built, brought up, faulted and
/// taken down (lesson 14): under a minute and a half on a quiet machine, over three
/// beside the suite on a machine loaded as `flaky.sh --stress` loads it.
pub const LAB_THAT_BUILDS_IMAGES: Duration = Duration::from_secs(600);

/// The runner's deadline for lesson 17's swarm story: five Docker Engines made into a swarm,
/// the course deployed on it, six faults under the load, and down: about five minutes on
/// two cores beside other work, more than that on a machine loaded as `flaky.sh --stress`
/// loads it. Fifteen minutes, over twice its loaded run, so that the flaky profile's half
/// does not end a story that is only slow; the story's waits on the swarm's work take it
/// too.
pub const SWARM_LAB: Duration = Duration::from_secs(900);

/// The runner's deadline for micro's test of its TLS against a Go peer, which builds the
/// peer with Debian's Go first: 9 s on a quiet machine with Go's cache empty, 45 s beside
/// the suite of a fresh clone on a slower machine of two cores; four minutes.
pub const TEST_THAT_BUILDS_GO: Duration = Duration::from_secs(240);

/// The runner's deadline for its test with a browser and the real book: the book built,
/// then printed in Chromium.
pub const RUNNER_WITH_A_BROWSER: Duration = Duration::from_secs(240);

#[cfg(test)]
mod tests;
