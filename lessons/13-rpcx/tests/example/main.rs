//! The worked example's tests, in one binary (one link instead of seven): the frames against
//! rpcx's own bytes (`wire.rs`), bad input (`bad_input.rs`, `bad_calls.rs`), the registry from outside
//! (`registry.rs`), the fail modes against a killed server (`failover.rs`), a call on
//! every server at once (`all.rs`), and the client as a script runs it (`cli.rs`).

#[path = "../support/mod.rs"]
mod support;

mod all;
mod bad_calls;
mod bad_input;
mod cli;
mod failover;
mod registry;
mod wire;
