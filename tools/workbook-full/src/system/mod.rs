//! The running system the later lessons talk to: `services up|down|status` (Consul,
//! Redis and NATS), `up`, `status` and `down` (the whole system of lessons 09–12: Consul,
//! Redis, NATS, two captcha instances, the audit of their checks and the gateway), `ports` (where this copy of the course runs them,
//! so that several learners share a machine) and `doctor` (is this machine ready for it?).
//!
//! Called by `main` for those commands.

pub mod doctor;
pub mod install;
pub mod ports;
pub mod probe;
pub mod services;
pub mod unreachable;
pub mod up;
