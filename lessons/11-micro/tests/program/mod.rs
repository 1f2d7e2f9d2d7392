//! The lesson's program, run as a process: where it is, and the helpers that start it (the
//! API gateway, a server on mDNS, `new`'s scaffold). Only a test that declares
//! `mod program;` runs it, and so only such a test makes `workbook check` build it.
#![allow(dead_code)] // each test file uses only some of these

/// The lesson's binary.
pub const BINARY: &str = env!("CARGO_BIN_EXE_l11-micro");

pub mod api;
pub mod mdns;
pub mod scaffold;
