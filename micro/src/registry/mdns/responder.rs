//! The nodes a process registered, answering for themselves: one task listens on the
//! group's port and answers each question about them, straight to whoever asked, as a
//! go-micro node does (`util/mdns/server.go`). A new node announces itself three times (at
//! once, after one second and after three), and says goodbye once, with TTL 0.
//!
//! What it will not do, unlike go-micro's: answer a message that is itself an answer (two
//! responders that did would answer each other for ever), read one longer than
//! [`MAX_MESSAGE`], or send more than [`ANSWERS_PER_SECOND`] answers a second, however many
//! questions come.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use simple_dns::{Packet, PacketFlag, QTYPE, TYPE};
use tokio::net::UdpSocket;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::{debug, warn};

use super::wire::{
    self, Announced, GROUP, MAX_MESSAGE, SERVICES, TTL, instance_name, service_name,
};

/// The most answers sent in one second: a flood of questions is not answered in full.
pub const ANSWERS_PER_SECOND: u32 = 200;

/// When a new node announces itself, counted from its registration (`server.go` 407–421).
const ANNOUNCE_AT: [Duration; 3] = [
    Duration::ZERO,
    Duration::from_secs(1),
    Duration::from_secs(3),
];

type Nodes = Arc<Mutex<BTreeMap<String, Announced>>>;

/// The registered nodes, and the task that answers for them.
pub struct Responder {
    socket: Arc<UdpSocket>,
    nodes: Nodes,
    answering: JoinHandle<()>,
}

impl Responder {
    pub fn start(socket: UdpSocket) -> Responder {
        let (socket, nodes) = (Arc::new(socket), Nodes::default());
        let answering = tokio::spawn(answer(socket.clone(), nodes.clone()));
        Responder {
            socket,
            nodes,
            answering,
        }
    }

    // ANCHOR: add
    /// Answers for `node` from now on, and announces it.
    pub fn add(&self, node: Announced) {
        crate::locks::lock(&self.nodes).insert(node.id.clone(), node.clone());
        let socket = self.socket.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            for at in ANNOUNCE_AT {
                tokio::time::sleep_until(started + at).await;
                send(&socket, &wire::announcement(&node, TTL), GROUP.into()).await;
            }
        });
    }

    /// Stops answering for node `id`, and says goodbye: its records again, with TTL 0.
    pub async fn remove(&self, id: &str) {
        let gone = crate::locks::lock(&self.nodes).remove(id);
        if let Some(node) = gone {
            send(&self.socket, &wire::announcement(&node, 0), GROUP.into()).await;
        }
    }
    // ANCHOR_END: add
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.answering.abort();
    }
}

async fn send(socket: &UdpSocket, message: &[u8], to: SocketAddr) {
    if let Err(error) = socket.send_to(message, to).await {
        debug!(%to, %error, "cannot send an mDNS message");
    }
}

// ANCHOR: answer
/// Answers every question about the nodes, until the task is aborted.
async fn answer(socket: Arc<UdpSocket>, nodes: Nodes) {
    let mut buffer = vec![0u8; MAX_MESSAGE + 1];
    let mut budget = (Instant::now(), 0u32);
    loop {
        let Ok((length, from)) = socket.recv_from(&mut buffer).await else {
            continue;
        };
        if length > MAX_MESSAGE {
            debug!(%from, "an mDNS message over {MAX_MESSAGE} bytes; ignored");
            continue;
        }
        let Ok(message) = Packet::parse(&buffer[..length]) else {
            continue;
        };
        if message.has_flags(PacketFlag::RESPONSE) {
            continue; // an announcement or an answer: for the clients, not for us
        }
        let answers = answers_to(&message, &crate::locks::lock(&nodes));
        for answer in answers {
            if budget.0.elapsed() >= Duration::from_secs(1) {
                budget = (Instant::now(), 0);
            }
            budget.1 += 1;
            if budget.1 > ANSWERS_PER_SECOND {
                if budget.1 == ANSWERS_PER_SECOND + 1 {
                    warn!(
                        "more than {ANSWERS_PER_SECOND} mDNS questions a second; not all answered"
                    );
                }
                break;
            }
            send(&socket, &answer, from).await;
        }
    }
}

/// The answers to `message`'s questions: one message per node (go-micro's client takes
/// one node from each).
fn answers_to(message: &Packet, nodes: &BTreeMap<String, Announced>) -> Vec<Vec<u8>> {
    let mut answers = Vec::new();
    for question in message.questions.iter().take(8) {
        let name = question.qname.to_string();
        let (ptr, any) = (QTYPE::TYPE(TYPE::PTR), QTYPE::ANY);
        let lists = question.qtype == ptr || question.qtype == any;
        if name == SERVICES && lists {
            let services: BTreeMap<&str, &str> = nodes
                .values()
                .map(|node| (node.service.as_str(), node.host.as_str()))
                .collect();
            for (service, host) in services {
                answers.push(wire::services_answer(question, service, host));
            }
            continue;
        }
        for node in nodes.values() {
            let of_service = lists && name == service_name(&node.service);
            let of_node = question.qtype != ptr && name == instance_name(&node.service, &node.id);
            if of_service || of_node {
                answers.push(wire::answer(question, node));
            }
        }
    }
    answers
}
// ANCHOR_END: answer
