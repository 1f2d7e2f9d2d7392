//! The development agent's contract tests, one module per part of the contract
//! (`tools/devconsul/CONTRACT.md`).
//!
//! They are one test binary rather than one per file: each binary links the whole agent,
//! tonic and reqwest, and one link is faster to build and lighter on disk than fourteen.

// `bad_input` builds large `json!` literals.
#![recursion_limit = "256"]

mod common;
mod consulrs_support;

mod bad_input;
mod binary;
mod blocking;
mod checks;
mod cluster;
mod cluster_refusals;
mod config_files;
mod consulrs_catalog;
mod consulrs_check;
mod consulrs_kv;
mod consulrs_service;
mod health_catalog;
mod kv;
mod properties;
mod python_py_consul;
mod services;
mod ui;
