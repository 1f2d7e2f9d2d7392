//! What the labs of lessons 14 and 17 share: a load through their gateways, its history, the
//! picture of it, `docker` run with its failures said in a sentence, and the base image
//! both build on.
//!
//! Lesson 14 deploys the course's services on three Docker hosts and breaks the network
//! between them; lesson 17 runs them on a swarm of Docker Engines and breaks the swarm. Both
//! measure a fault the same way: a steady load through the gateways, every call written
//! down, the faults journaled beside it, and a timeline drawn from the two. A lesson never
//! depends on another lesson's package (that would compile the other lesson's exercise
//! files), so what both use lives here, in a crate that holds no exercise file, and
//! lesson 14 names these modules where they used to be (`lessons/14-deploy/src/lib.rs`).
//!
//! - [`load`]: calls through the gateways at a steady rate, every one written down, each
//!   gateway chosen in turn by the [`balancer`];
//! - [`history`]: those calls and the faults, as records a report and a test can read;
//! - [`brief`]: the failed calls of a history grouped by kind, for a person to read;
//! - [`timeline`]: a history as a picture;
//! - [`docker`]: `docker` and Docker Compose run, and what went wrong said in a sentence;
//! - [`base`]: the Debian both labs' images build on, made here when it is missing.

pub mod balancer;
pub mod base;
pub mod brief;
pub mod docker;
pub mod history;
pub mod load;
pub mod timeline;
