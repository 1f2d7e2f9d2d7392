//! `cargo run -p l14-deploy -- image`, `… -- up`, then the nemesis (`partition`, `heal`,
//! `slow`) and the load (`load`) while Compose (`… -- compose`) does the rest; `… -- down`
//! at the end.

use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::{Parser, Subcommand};
use l14_deploy::history::{self, Call, Fault, Outcome};
use l14_deploy::lab::{Lab, LabOptions, LabRegistry};
use l14_deploy::{load, report, timeline};
use shared::consul::parse_duration;

/// Lesson 14: deploy — the course's services on three hosts, and what breaks between them.
#[derive(Parser)]
#[command(name = "l14-deploy")]
struct Cli {
    #[command(flatten)]
    lab: LabOptions,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the hosts' image from lab/Dockerfile, with lesson 11's program in it.
    Image {
        /// Build on a base image made here with debootstrap from Debian's packages, for a
        /// machine that cannot pull `debian:bookworm-slim`.
        #[arg(long)]
        local_base: bool,
    },
    /// Bring the three hosts up and deploy on them: the registry (etcd's three members, or
    /// a Consul agent on each host), a user service and `micro api` on each.
    Up {
        #[arg(long, value_enum, default_value = "etcd")]
        registry: LabRegistry,
        /// The services and gateways over mutual TLS (lesson 16): a CA made for the lab, and
        /// each host given the keys of what runs on it.
        #[arg(long)]
        tls: bool,
    },
    /// Take the lab down: its containers and its network.
    Down,
    /// Docker Compose on the lab (`compose exec host-a etcd`, `compose kill host-b`):
    /// `docker compose` or v1's `docker-compose`, whichever this machine has, with the lab's
    /// file and project, from any terminal.
    Compose {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
        args: Vec<String>,
    },
    /// Each host: up or not, and what runs on it.
    Status,
    /// Run IMAGE, a service's image (`l11-micro new` writes its Dockerfile), on a host: in
    /// the host's network, registered in the lab's registry, found by the gateway.
    Run {
        image: String,
        /// The host it runs on.
        #[arg(long, default_value = "host-b")]
        on: String,
        /// On a lab over TLS: the service's name in the registry
        /// (`go.micro.srv.greeter`), which its certificate names.
        #[arg(long)]
        tls_as: Option<String>,
        /// What to give the service in place of its image's CMD (after `--`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Cut HOSTs off from the other hosts: packets between the two sides are dropped.
    Partition {
        #[arg(required = true)]
        hosts: Vec<String>,
    },
    /// Undo every partition and slow link.
    Heal,
    /// Stop HOST and start it again: its programs drain, its init starts what was deployed
    /// on it; done when its gateway answers from its service again. One host after another
    /// is a rolling deploy.
    Restart { host: String },
    /// Delay every packet HOST sends by DELAY (200ms).
    Slow {
        host: String,
        #[arg(value_parser = parse_duration)]
        delay: Duration,
    },
    /// Call the seed's `Say.Hello` through the gateways at a steady rate, each call to the
    /// next gateway (and on to the one after when a gateway does not take it), write every
    /// call down, and report what each fault cost: the nemesis's, and a host killed or
    /// stopped with `docker compose`.
    Load {
        /// A gateway to call, given once for each (every host's `micro api`, published on
        /// the lab's ports, unless given).
        #[arg(long)]
        gateway: Vec<String>,
        /// Calls per second.
        #[arg(long, default_value_t = 20)]
        rate: u32,
        /// How long to call (Ctrl-C ends it sooner).
        #[arg(long = "for", default_value = "30s", value_parser = parse_duration)]
        duration: Duration,
        /// Where to write the calls, one JSON line each (in the folder it runs from, where
        /// git ignores it); an earlier history there is kept as history-1.jsonl, -2…
        #[arg(long, default_value = "history.jsonl")]
        history: PathBuf,
        /// Draw the timeline into this SVG file too.
        #[arg(long)]
        svg: Option<PathBuf>,
    },
    /// Report a history again, and draw it.
    Report {
        history: PathBuf,
        #[arg(long)]
        svg: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> Result<(), shared::program::Failure> {
    shared::end_when_output_closes();
    shared::program::say_unfinished_exercises(
        env!("CARGO_PKG_NAME"),
        include_str!("../lesson.toml"),
    );
    shared::init_logging();
    let cli = Cli::parse();
    let lab = Lab::new(cli.lab);
    match cli.command {
        Command::Image { local_base } => lab.build_image(local_base)?,
        Command::Up { registry, tls } => lab.up(registry, tls)?,
        Command::Down => lab.down()?,
        Command::Compose { args } => {
            let code = lab.compose_as_typed(&args)?;
            if code != 0 {
                std::process::exit(code);
            }
        }
        Command::Status => print!("{}", lab.status()?),
        Command::Run {
            image,
            on,
            tls_as,
            args,
        } => println!(
            "{}",
            lab.run_service(&image, &on, tls_as.as_deref(), &args)?
        ),
        Command::Partition { hosts } => println!("{}", lab.partition(&hosts)?),
        Command::Heal => println!("{}", lab.heal()?),
        Command::Restart { host } => println!("{}", lab.restart(&host)?),
        Command::Slow { host, delay } => println!("{}", lab.slow(&host, delay)?),
        Command::Load {
            gateway,
            rate,
            duration,
            history,
            svg,
        } => {
            // The load is the lab's: with no lab up it is refused at once, as the nemesis
            // is, before the history of an earlier run is touched.
            let containers = lab.containers()?;
            let gateways = if gateway.is_empty() {
                let published = lab.published_gateways().into_iter();
                published.map(|addr| format!("http://{addr}")).collect()
            } else {
                gateway
            };
            if let Some(kept) = history::keep_earlier(&history)? {
                println!(
                    "the earlier history at {} is kept as {}",
                    history.display(),
                    kept.display()
                );
            }
            let stop = shared::signal::shutdown();
            let plan = load::Plan {
                gateways,
                rate,
                duration,
                containers,
            };
            let run = load::run(&plan, &history, stop).await?;
            show(&lab, &run, &history, svg.as_deref())?;
        }
        Command::Report { history, svg } => {
            let run = load::Run::read(&history)?;
            show(&lab, &run, &history, svg.as_deref())?;
        }
    }
    Ok(())
}

/// The report of `run`, written at `history`, and its timeline in `svg` if asked for: the
/// faults during it, and each node named by its host. The history file keeps the nodes' own
/// ids.
fn show(lab: &Lab, run: &load::Run, history: &Path, svg: Option<&Path>) -> anyhow::Result<()> {
    let windows = run.windows_of(&faults_during(lab, run)?);
    let calls: Vec<Call> = run
        .calls
        .iter()
        .cloned()
        .map(|mut call| {
            if let Outcome::Answered(node) = &call.outcome {
                call.outcome = Outcome::Answered(Lab::label(node));
            }
            call
        })
        .collect();
    print!("{}", report::report_of(&calls, &windows, history));
    if let Some(svg) = svg {
        timeline::write(svg, &calls, &windows)?;
    }
    Ok(())
}

/// What was done to the lab while `run` ran: the nemesis's faults from its journal, and the
/// hosts Docker saw killed or stopped (those of the lab the load called). Without Docker's
/// events (no daemon, or events too old for it to hold still) the report goes on with the
/// journal's, and says so.
fn faults_during(lab: &Lab, run: &load::Run) -> anyhow::Result<Vec<Fault>> {
    let mut faults: Vec<Fault> = history::read_all(&lab.journal())?;
    let from = run.start.started_unix_ms;
    let to = from + run.length.as_millis() as u64;
    match lab.container_faults(from, to, &run.start.containers) {
        Ok(hosts_down) => faults.extend(hosts_down),
        Err(error) => {
            // On one line: the report follows, and this is a remark on it.
            let why = format!("{error:#}");
            let why = why.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!(
                "(the hosts' events could not be read from Docker, so a host killed or \
                 stopped by hand is missing: {why})"
            );
        }
    }
    faults.sort_by_key(|fault| fault.from_unix_ms);
    Ok(faults)
}
