//! The runner's integration tests, as one test binary (one link, not one per file).
//!
//! Most run the runner against tiny courses of their own (`fixture`): a lesson or two,
//! exercises whose stubs fail and whose solutions pass, a one-chapter book. One runs it
//! against the real course, to prove that its checks and a learner's own cargo commands
//! share every build (`real_course`); one starts and stops the system of lessons 09–12 in
//! it (`system`), and one counts a check with its audit (`up_audit`); one writes its
//! handout (`handout`); two clones with base ports of their
//! own run side by side (`base_port`), NATS among their services (`nats_service`).

mod ahead;
mod base_port;
mod book_server;
mod chinese_everywhere;
mod class;
mod fixture;
mod handout;
mod i18n;
mod lang;
mod learner;
mod live_class;
mod nats_service;
mod output;
mod path;
mod real_course;
mod schedule;
mod system;
mod up_audit;
mod up_failure;
mod wire;
mod wire_chapters;

/// The program `fixture::Course::command` runs: the learner's runner.
const RUNNER: &str = env!("CARGO_BIN_EXE_workbook-full");
