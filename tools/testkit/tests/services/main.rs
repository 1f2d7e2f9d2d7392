//! testkit's tests: the Consul agent and the Redis server it hands out, and that nothing is left
//! running afterwards.
//!
//! `consul_binary.rs` is its own test binary because it changes the process environment.

mod consul;
mod redis;
