//! `l17-orchestrate`: a swarm of nodes, the course deployed on it as a stack, and faults.

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(about = "Lesson 17: orchestrate the course's services on a swarm")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {}

fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    match Cli::parse().command {}
}
