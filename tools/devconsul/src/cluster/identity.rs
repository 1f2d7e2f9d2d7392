//! Who an agent is to the others: the identity its gossip carries.
//!
//! SWIM knows members by address, but a cluster needs more to act on a member: its node
//! name, its datacenter, whether it is a server and where its API answers. All of that
//! rides in the identity, so a member that joins is fully known the moment it is seen.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Id {
    /// The node name (`-node`); empty for an address known only from `-join`.
    pub node: String,
    /// Where its gossip answers (`-bind` and the Serf LAN port, UDP).
    pub gossip: SocketAddr,
    pub datacenter: String,
    pub server: bool,
    /// A server's API for the other agents (Consul's server RPC port, 8300).
    pub server_port: u16,
    /// Orders the identities one address has had: a restarted agent, or one that comes
    /// back after the others declared it failed, takes a higher one and wins.
    pub bump: u64,
}

impl Id {
    /// What `-join ADDR` knows of a member before it answers: its address.
    pub fn placeholder(gossip: SocketAddr) -> Id {
        Id {
            node: String::new(),
            gossip,
            datacenter: String::new(),
            server: false,
            server_port: 0,
            bump: 0,
        }
    }

    /// Where a server's API answers the other agents.
    pub fn server_api(&self) -> SocketAddr {
        SocketAddr::new(self.gossip.ip(), self.server_port)
    }
}

impl foca::Identity for Id {
    type Addr = SocketAddr;

    /// Declared failed while still running (a partition that healed): come back at once
    /// under a newer identity, as Serf's refutation does.
    fn renew(&self) -> Option<Self> {
        Some(Id {
            bump: self.bump.wrapping_add(1),
            ..self.clone()
        })
    }

    fn addr(&self) -> SocketAddr {
        self.gossip
    }

    fn win_addr_conflict(&self, adversary: &Self) -> bool {
        self.bump > adversary.bump
    }
}
