//! `l17-orchestrate`: a swarm of nodes, the course deployed on it as a stack, and faults.
//!
//! `image`, then `up` and `deploy`; `status` at any time; `down` at the end. `join` is for a
//! real second machine, run there.

use clap::{Parser, Subcommand};
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
    /// (lesson 11's program, etcd, Redis), each only if what goes into it changed.
    Image,
    /// Make the lab: its network, its registry, the nodes (each a Docker Engine in a
    /// container), joined into one swarm; the course's image pushed to the registry.
    Up {
        #[arg(long, default_value_t = 3)]
        managers: usize,
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
    /// The swarm's nodes as a manager sees them: status, availability, which one leads.
    Status,
    /// Remove every container, volume and network the lab made.
    Down,
    /// Join THIS machine's Docker Engine to the swarm whose manager is at ADDR, with TOKEN
    /// (`docker swarm join-token -q worker` on a manager prints it): for a second machine.
    Join { addr: String, token: String },
}

fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    let cli = Cli::parse();
    let swarm = Swarm::new(cli.swarm);
    match cli.command {
        Command::Image => swarm.build_images()?,
        Command::Up { managers, workers } => println!("{}", swarm.up(managers, workers)?),
        Command::Deploy { tls } => print!("{}", swarm.deploy(tls)?),
        Command::Status => print!("{}", swarm.status()?),
        Command::Down => println!("{}", swarm.down()?),
        Command::Join { addr, token } => println!("{}", nodes::join(&addr, &token)?),
    }
    Ok(())
}
