//! For a teacher: `report` turns a learner's progress into a block to read or a JSON file
//! to hand in, and `report --class` reads many of those into one table.
//!
//! Called by `main` for `report`; it reads what `learner` keeps.

pub mod report;
