//! The course model that every room of the runner stands on: the course as the runner
//! reads it (`lesson.toml`, exercises), building with cargo and running test executables,
//! the environment of the programs it starts, the ports a copy of the course uses, noticing
//! saved files, how it prints, the language it speaks with every sentence in each
//! (`language/`), the book's chapters as text (`chapter/`: their includes and teacher notes),
//! its translation catalogs (`po.rs`) and the minutes each part of a lesson takes
//! (`timing.rs`).
//!
//! Nothing here is a command, and nothing here knows the rooms: the learner's `workbook`
//! (tools/workbook), the rest of the runner `workbook-full` (tools/workbook-full) and the
//! maintainers' `workbook-dev` all call it. A crate of its own, so that the compiler keeps
//! that wall, and a small one: it is most of what a fresh clone builds before the first
//! screen.

pub mod cargo;
pub mod chapter;
pub mod class;
pub mod course;
pub mod environment;
pub mod language;
pub mod po;
pub mod ports;
pub mod problem;
pub mod suggest;
pub mod testrun;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod timing;
pub mod ui;
pub mod watch;
