//! The worked example's tests, in one binary (one link instead of six): the frames against
//! rpcx's own bytes (`wire.rs`), bad input (`bad_input.rs`, `bad_calls.rs`), the registry from outside
//! (`registry.rs`), the fail modes against a killed server (`failover.rs`), and a call on
//! every server at once (`all.rs`).

#[path = "../support/mod.rs"]
mod support;

mod all;
mod bad_calls;
mod bad_input;
mod failover;
mod registry;
mod wire;
