//! The gossip loop: foca's SWIM state machine driven by a UDP socket and tokio's timers.
//!
//! foca does no I/O of its own. It is handed what arrives (a packet, a timer that fired,
//! a request to join or leave) and answers with what to do: packets to send, timers to
//! set, and notifications such as "member up" and "member down". This loop does those
//! things, and hands each notification to `members`, which keeps the member table and, on
//! a server, turns each change into the catalog's: a member up is a node with a passing
//! `serfHealth`, a failed one has it critical, one that left is removed.
//!
//! SWIM cannot tell a member that left from one that died: both are "down". So an agent
//! that leaves first gossips an intent (`intents`), and a member that goes down after its
//! intent was heard has left; without one it failed.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Weak};

use foca::{AccumulatingRuntime, Foca, OwnedNotification, PostcardCodec, Timer};
use foca_rand::SeedableRng;
use foca_rand::rngs::SmallRng;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use super::intents::{Intents, LeaveIntents, encode_intent};
use super::{Cluster, Command, Id, JOIN_TIMEOUT, Status};
use crate::shared::{Shared, lock};

enum Input {
    Timer(Timer<Id>),
    JoinTimedOut(SocketAddr),
}

pub(super) struct PendingJoin {
    pub(super) target: SocketAddr,
    pub(super) reply: oneshot::Sender<Result<String, String>>,
}

/// Runs until the agent leaves or stops.
pub(super) async fn run(
    cluster: Arc<Cluster>,
    socket: UdpSocket,
    mut commands: mpsc::Receiver<Command>,
    shared: Weak<Shared>,
) {
    // foca's LAN settings are Serf's (a probe a second, answered within half of it,
    // suspicion for a few periods), scaled to the probe interval asked for.
    let mut config = foca::Config::new_lan(NonZeroU32::new(3).expect("3 is not 0"));
    let interval = cluster.config.probe_interval;
    let scale = interval.as_secs_f64() / config.probe_period.as_secs_f64();
    config.suspect_to_down_after = config.suspect_to_down_after.mul_f64(scale);
    config.probe_period = interval;
    config.probe_rtt = interval / 2;
    // Serf keeps trying the members it declared failed (every 30 s): a partition that heals
    // brings them back without anyone joining again. Here every ten probe intervals, to
    // the two of them foca picks.
    config.periodic_announce_to_down_members = Some(foca::PeriodicParams {
        frequency: interval * 10,
        num_members: std::num::NonZeroUsize::new(2).expect("2 is not 0"),
    });
    let mut buffer = vec![0u8; config.max_packet_size.get()];
    let intents = Intents::default();
    let seed = cluster.me.bump ^ u64::from(std::process::id());
    let foca = Foca::with_custom_broadcast(
        cluster.me.clone(),
        config,
        SmallRng::seed_from_u64(seed),
        PostcardCodec,
        LeaveIntents(Arc::clone(&intents)),
    );
    let (inputs, mut inbox) = mpsc::unbounded_channel();
    let mut gossip = Gossip {
        cluster,
        shared,
        foca,
        runtime: AccumulatingRuntime::new(),
        socket,
        inputs,
        intents,
        pending: Vec::new(),
    };
    if let Some(shared) = gossip.shared.upgrade() {
        let mut stopping = Box::pin(async move { shared.stopping().await });
        loop {
            tokio::select! {
                received = gossip.socket.recv_from(&mut buffer) => {
                    if let Ok((length, _)) = received {
                        let result = gossip.foca.handle_data(&buffer[..length], &mut gossip.runtime);
                        gossip.after("a packet", result).await;
                    }
                }
                Some(command) = commands.recv() => {
                    if gossip.command(command).await {
                        break;
                    }
                }
                Some(input) = inbox.recv() => gossip.input(input).await,
                _ = &mut stopping => break,
            }
        }
    }
}

pub(super) struct Gossip {
    pub(super) cluster: Arc<Cluster>,
    pub(super) shared: Weak<Shared>,
    pub(super) foca: Foca<Id, PostcardCodec, SmallRng, LeaveIntents>,
    pub(super) runtime: AccumulatingRuntime<Id>,
    pub(super) socket: UdpSocket,
    inputs: mpsc::UnboundedSender<Input>,
    pub(super) intents: Intents,
    pub(super) pending: Vec<PendingJoin>,
}

impl Gossip {
    /// Handles a request; returns true once the agent has left.
    async fn command(&mut self, command: Command) -> bool {
        match command {
            Command::Join(target, reply) => {
                let known = self
                    .cluster
                    .lock()
                    .values()
                    .find(|m| m.id.gossip == target && m.status == Status::Alive)
                    .map(|m| m.id.node.clone());
                if let Some(node) = known {
                    let _ = reply.send(Ok(node));
                    return false;
                }
                let result = self
                    .foca
                    .announce(Id::placeholder(target), &mut self.runtime);
                self.pending.push(PendingJoin { target, reply });
                let inputs = self.inputs.clone();
                tokio::spawn(async move {
                    tokio::time::sleep(JOIN_TIMEOUT).await;
                    let _ = inputs.send(Input::JoinTimedOut(target));
                });
                self.after("a join", result).await;
                false
            }
            Command::Leave(reply) => {
                // The identity gossip knows now: a rejoin after a partition renewed it.
                let me = self.foca.identity().clone();
                tracing::info!(target: "agent.serf", node = %me.node, "serf: EventMemberLeave (self)");
                let _ = self.foca.add_broadcast(&encode_intent(&me.node, me.bump));
                let result = self.foca.leave_cluster(&mut self.runtime);
                self.after("a leave", result).await;
                if let Some(member) = self.cluster.lock().get_mut(&me.node) {
                    member.status = Status::Left;
                }
                let _ = reply.send(());
                true
            }
            Command::ForceLeave(node, reply) => {
                let member = self.cluster.lock().get(&node).cloned();
                let answer = match member {
                    None => Err(format!("no member is named {node:?}")),
                    Some(m) if m.status == Status::Alive => Err(format!(
                        "{node} is alive: force-leave removes only a failed member; run `devconsul leave` on its host to take it out"
                    )),
                    Some(m) => {
                        let _ = self.foca.add_broadcast(&encode_intent(&node, m.id.bump));
                        lock(&self.intents).insert(node.clone(), m.id.bump);
                        let result = self.foca.gossip(&mut self.runtime);
                        self.after("a force-leave", result).await;
                        Ok(())
                    }
                };
                let _ = reply.send(answer);
                false
            }
        }
    }

    async fn input(&mut self, input: Input) {
        match input {
            Input::Timer(timer) => {
                let result = self.foca.handle_timer(timer, &mut self.runtime);
                self.after("a timer", result).await;
            }
            Input::JoinTimedOut(target) => {
                self.answer_joins(target, Err(format!(
                    "no agent answered at {target} within {}s: is one started there with -bind {} (UDP port {} open)?",
                    JOIN_TIMEOUT.as_secs(),
                    target.ip(),
                    target.port()
                )));
            }
        }
    }

    /// Carries out what foca asked for after one of its calls.
    async fn after(&mut self, what: &str, result: Result<(), foca::Error>) {
        if let Err(error) = result {
            tracing::debug!(target: "agent.serf", %error, "gossip ignored {what}");
        }
        while let Some((to, data)) = self.runtime.to_send() {
            if let Err(error) = self.socket.send_to(&data, to.gossip).await {
                tracing::debug!(target: "agent.serf", %error, to = %to.gossip, "could not send");
            }
        }
        while let Some((delay, timer)) = self.runtime.to_schedule() {
            let inputs = self.inputs.clone();
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let _ = inputs.send(Input::Timer(timer));
            });
        }
        let mut changed = false;
        while let Some(notification) = self.runtime.to_notify() {
            changed |= match notification {
                OwnedNotification::MemberUp(id) => self.up(id),
                OwnedNotification::Rename(_, id) => self.up(id),
                OwnedNotification::MemberDown(id) => self.down(&id),
                OwnedNotification::Rejoin(id) => {
                    tracing::info!(target: "agent.serf", bump = id.bump, "serf: declared failed while running; rejoined");
                    if let Some(me) = self.cluster.lock().get_mut(&id.node) {
                        me.id = id;
                    }
                    true
                }
                _ => false,
            };
        }
        changed |= self.apply_intents();
        if changed {
            self.cluster.changes.send_modify(|n| *n += 1);
            self.remember_members();
        }
    }
}
