//! `l17-orchestrate`: a swarm of nodes, the course deployed on it as a stack, and faults.
//!
//! `image`, then `up` and `deploy`; `status` at any time; `down` at the end. `join` is for a
//! real second machine, run there.

use clap::{Parser, Subcommand};
use l17_orchestrate::swarm::fault_update::UpdateOptions;
use l17_orchestrate::swarm::load::LoadOptions;
use l17_orchestrate::swarm::{Swarm, SwarmOptions, nodes};

/// Lesson 17: orchestrate the course's services on a swarm of nodes that fail.
#[derive(Parser)]
#[command(name = "l17-orchestrate")]
struct Cli {
    #[command(flatten)]
    swarm: SwarmOptions,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the nodes' image (a Docker Engine and a registry) and the course's image
    /// (lesson 11's program, etcd, Redis, Prometheus), each only if what goes into it
    /// changed.
    Image,
    /// Make the lab: its network, its registry, the nodes (each a Docker Engine in a
    /// container), joined into one swarm; the course's image pushed to the registry.
    Up {
        /// 1 to 10, at .11 to .20 of the lab's network; Raft wants an odd number: 3, 5 or 7.
        #[arg(long, default_value_t = 3)]
        managers: usize,
        /// 0 to 234, at .21 to .254.
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
    /// Deploy the course as a stack (lab/stack.yaml) and wait until every replica runs and
    /// is healthy.
    Deploy {
        /// The services and gateways over mutual TLS (lesson 16): a CA made here, and each
        /// service given its keys as swarm secrets (lab/stack-tls.yaml).
        #[arg(long)]
        tls: bool,
    },
    /// The swarm's nodes as a manager sees them (status, availability, which one leads), and
    /// the stack's services with their replicas running.
    Status,
    /// Remove every container, volume and network the lab made. The images `image` built
    /// stay for the next lab (`docker image rm l17-node l17-service` removes them).
    Down,
    /// Join THIS machine's Docker Engine to the swarm whose manager is at ADDR, with TOKEN
    /// (`docker swarm join-token -q worker` on a manager prints it): for a second machine.
    Join {
        /// The manager's address and swarm port, as a manager's `docker swarm join-token`
        /// prints it: 10.17.0.11:2377.
        addr: String,
        /// The join token: a worker's, or a manager's to join as a manager.
        token: String,
    },
    /// Call the seed's Say.Hello through the published gateways at a steady rate, every
    /// call written down; then say what failed, and draw the timeline with `--svg`.
    Load(LoadOptions),
    /// Take NODE out of service: its replicas stopped there and started elsewhere.
    Drain {
        /// A node's hostname: manager-1, manager-2, …, worker-1, … (`status` lists them).
        node: String,
    },
    /// Take NODE back into service after `drain`.
    Activate {
        /// A node's hostname: manager-1, manager-2, …, worker-1, … (`status` lists them).
        node: String,
    },
    /// Kill NODE's Docker Engine: the swarm sees it Down and runs its replicas elsewhere.
    KillEngine {
        /// A node's hostname: manager-1, manager-2, …, worker-1, … (`status` lists them).
        node: String,
    },
    /// Start NODE's engine again after `kill-engine`.
    StartEngine {
        /// A node's hostname: manager-1, manager-2, …, worker-1, … (`status` lists them).
        node: String,
    },
    /// Cut NODE off from every other node (a blackhole route each way).
    Partition {
        /// A node's hostname: manager-1, manager-2, …, worker-1, … (`status` lists them).
        node: String,
    },
    /// Undo every partition.
    Heal,
    /// Freeze the engines of two of the three managers (SIGSTOP: machines that hang):
    /// nothing can be changed, what runs keeps answering; shows the last manager's refusal
    /// of a change.
    QuorumLoss,
    /// Thaw the managers `quorum-loss` froze, and wait for a leader.
    QuorumBack,
    /// A rolling update, one replica at a time, started before the old one stops; with
    /// `--failing`, a version whose health check fails, rolled back by the swarm.
    Update(UpdateOptions),
}

fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    let cli = Cli::parse();
    if !matches!(cli.command, Command::Join { .. }) {
        cli.swarm.check()?;
    }
    let swarm = Swarm::new(cli.swarm);
    match cli.command {
        Command::Image => swarm.build_images()?,
        Command::Up { managers, workers } => println!("{}", swarm.up(managers, workers)?),
        Command::Deploy { tls } => print!("{}", swarm.deploy(tls)?),
        Command::Status => print!("{}", swarm.status()?),
        Command::Down => println!("{}", swarm.down()?),
        Command::Join { addr, token } => println!("{}", nodes::join(&addr, &token)?),
        Command::Load(options) => print!("{}", swarm.load(&options)?),
        Command::Drain { node } => println!("{}", swarm.drain(&node)?),
        Command::Activate { node } => println!("{}", swarm.activate(&node)?),
        Command::KillEngine { node } => println!("{}", swarm.kill_engine(&node)?),
        Command::StartEngine { node } => println!("{}", swarm.start_engine(&node)?),
        Command::Partition { node } => println!("{}", swarm.partition(&node)?),
        Command::Heal => println!("{}", swarm.heal()?),
        Command::QuorumLoss => println!("{}", swarm.quorum_loss()?),
        Command::QuorumBack => println!("{}", swarm.quorum_back()?),
        Command::Update(options) => println!("{}", swarm.update(&options)?),
    }
    Ok(())
}
