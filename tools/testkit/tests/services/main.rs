//! testkit's tests: the Consul agent, the Redis and NATS servers it hands out, and that nothing is left
//! running afterwards.
//!
//! `consul_binary.rs` is its own test binary because it changes the process environment.

mod consul;
mod nats;
mod redis;
