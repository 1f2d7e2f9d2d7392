//! What consulrs 0.1.0 lacks, written once for the Consul lessons.
//!
//! The lessons talk to Consul through [consulrs](https://docs.rs/consulrs/0.1.0), the client
//! on crates.io. Its 0.1.0 release does most of what they need — register, deregister, TTL
//! updates, the catalog, the KV store — but not all of it:
//!
//! * **The address.** consulrs uses `CONSUL_HTTP_ADDR` verbatim as a base URL, so the form
//!   the Consul CLI accepts, `127.0.0.1:8500` without a scheme, makes every call fail.
//!   [`client`] reads the variable, puts `http://` in front when needed and builds the
//!   [`ConsulClient`](consulrs::client::ConsulClient).
//! * **Health-filtered discovery.** `GET /v1/health/service/:name?passing` — "the instances
//!   that are up right now" — exists only in consulrs' unreleased main branch.
//!   [`healthy_instances`] calls it, and [`watch_healthy_instances`] is its blocking form
//!   (`?index=&wait=`) for watching a service for changes. [`all_instances`] lists every
//!   instance, passing or not, and [`ServiceEntry::worst_check`] says how healthy each is.
//! * **The agent's services**, read with types that survive the trap below:
//!   [`agent_services`], and [`deregister`] whose 404 says "not registered here"; and the
//!   agent itself, for probes that ask whether one is up and which: [`leader`],
//!   [`agent_self`].
//! * **Anything else**, for tests: [`watch`], a blocking query of any read endpoint, and
//!   [`put`], a write consulrs's types cannot express.
//!
//! * **One bad entry.** The agent accepts any integer as a port (`70000`, `-1`), as Consul
//!   does. [`healthy_instances`] skips an entry it cannot read, logs it once, and lists the
//!   good ones: one bad registration never hides a whole service.
//!
//! # Traps in consulrs 0.1.0
//!
//! * **`TaggedAddresses`.** consulrs 0.1.0 types a service's tagged addresses as strings,
//!   but Consul answers with objects (`{"lan_ipv4": {"Address": .., "Port": ..}}`), and it
//!   adds those two entries by itself to every service registered with an IP *literal* as
//!   its address. From then on `service::list`, `service::read`, `service::health` and
//!   `catalog::node` fail to parse the agent's answer — for every caller on that agent.
//!   Register with a host name as the address (`"localhost"`) or with no address at all
//!   (the node's address is used), and never set `tagged_addresses` through consulrs (it
//!   sends strings, which Consul rejects). This crate's own types ([`ServiceEntry`]) read
//!   tagged addresses as the objects they are.
//! * **`service::health_by_id` is broken**: it expects a list and Consul answers one
//!   object, so it fails on every healthy service. Use `service::health` (by name) or
//!   [`healthy_instances`].
//! * **TTL notes are lost.** `check::pass`, `warn` and `fail` send their note in a body
//!   Consul ignores. To set a check's output text, use `check::set_status(client, id,
//!   "passing", Some(TtlCheckUpdateRequest::builder().output("…")))`.
//! * **Unhealthy is an error.** `service::health` answers `Err(APIError { code: 503, .. })`
//!   when an instance is critical (429 for warning): the status code carries the health.
//! * **`kv::set` wants `&'static [u8]`**, so it only stores literals; `kv::set_json` stores
//!   values built at run time (as JSON). `kv::read_json` panics on a key whose value is
//!   empty.
//! * **Check headers and `TLSSkipVerify`** are typed as strings in the request models and
//!   Consul rejects them: leave them unset.

mod address;
mod agent;
mod api;
mod error;
mod health;

pub use address::{DEFAULT_ADDRESS, client, client_for, consul_address, normalise_address};
pub use agent::{agent_self, agent_services, deregister, leader};
pub use api::{Watched, put, watch};
pub use error::Error;
pub use health::{
    AgentAddress, Check, CheckStatus, Instances, Node, Service, ServiceAddress, ServiceEntry,
    Weights, all_instances, healthy_instances, watch_healthy_instances,
};
