//! consul-ext's tests: address normalisation and the health calls consulrs lacks, against an
//! embedded agent.
//!
//! `consul_address_env.rs` is its own test binary because it changes the process environment.

mod address;
mod answers;
mod bad_entries;
mod healthy_instances;
