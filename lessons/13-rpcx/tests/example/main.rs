//! The worked example's tests, in one binary (one link instead of four): the frames against
//! rpcx's own bytes (`wire.rs`), bad input (`bad_input.rs`), the registry from outside
//! (`registry.rs`) and the fail modes against a killed server (`failover.rs`).

#[path = "../support/mod.rs"]
mod support;

mod bad_input;
mod failover;
mod registry;
mod wire;
