//! The course model that every room of the runner stands on: the course as the runner
//! reads it (`lesson.toml`, exercises), building with cargo and running test executables,
//! the environment of the programs it starts, the ports a copy of the course uses, noticing saved files, how it prints, and the
//! language it speaks with every sentence in each (`language/`).
//!
//! Nothing here is a command, and nothing here knows the rooms: the learner's `workbook`
//! (tools/workbook: learner, book, system, teacher, wire) and the maintainers'
//! `workbook-dev` both call it. A crate of its own, so that the compiler keeps that wall.

pub mod cargo;
pub mod course;
pub mod environment;
pub mod language;
pub mod ports;
pub mod problem;
pub mod suggest;
pub mod testrun;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod ui;
pub mod watch;
