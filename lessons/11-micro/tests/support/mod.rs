//! What this lesson's tests share. Unique names, Greeter nodes on free ports, a dead
//! address, nodes that misbehave and go-micro's records are the framework's test helpers,
//! with their one home beside its tests (`micro/tests/support/`): they come in from there.
//! What only this lesson's tests need is here: go-micro's mDNS messages, and a network
//! namespace to speak mDNS in. Nothing here runs the lesson's program (that is `program/`),
//! so that a test of the library alone is checked without waiting for the program's build.
#![allow(dead_code, unused_imports)] // each test file uses only some of these

#[path = "../../../../micro/tests/support/mod.rs"]
mod framework;

pub use framework::*;

pub mod go_micro_mdns;
pub mod netns;
