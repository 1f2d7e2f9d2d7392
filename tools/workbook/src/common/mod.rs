//! What every room of the runner stands on: the course as the runner reads it, building
//! with cargo, the environment of the programs it starts, finding the programs it needs,
//! running test executables,
//! noticing saved files, how it prints, and the language it speaks (`language/`).
//!
//! Nothing here is a command. `learner`, `book`, `system`, `teacher` and `wire` call it, and
//! so do the maintainers' checks (`tools/workbook-dev`).

pub mod cargo;
pub mod course;
pub mod environment;
pub mod language;
pub mod problem;
pub mod suggest;
pub mod testrun;
#[cfg(any(test, feature = "testutil"))]
pub mod testutil;
pub mod ui;
pub mod watch;
