//! No code: this crate exists for its dependencies' features (its Cargo.toml says why), so
//! that the runner's build and lesson 01's first check share one build of tokio instead of
//! building it twice.
