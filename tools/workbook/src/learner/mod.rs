//! The learner's loop: the course session (`workbook` with no command), `list`, `check`,
//! `hint`, `solution` and `reset`, and the progress they keep in `.workbook/`.
//!
//! Called by `main` for a learner's command. `teacher` reads the progress kept here, and
//! `verify` runs tests with the same time limit as `check`.

pub mod ahead;
pub mod check;
pub mod class;
pub mod exercise;
pub mod failure;
pub mod lang;
pub mod map;
pub mod next;
pub mod pick;
pub mod session;
pub mod state;
