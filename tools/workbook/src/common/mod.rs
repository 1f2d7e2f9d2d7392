//! What every room of the runner stands on: the course as the runner reads it, building
//! with cargo, the environment of the programs it starts, finding the programs it needs,
//! running test executables,
//! noticing saved files, and how it prints.
//!
//! Nothing here is a command. `learner`, `proof`, `book`, `system` and `teacher` call it.

pub mod cargo;
pub mod catalog;
pub mod course;
pub mod environment;
pub mod lang;
pub mod suggest;
pub mod testrun;
#[cfg(test)]
pub mod testutil;
pub mod translated;
pub mod ui;
pub mod watch;
