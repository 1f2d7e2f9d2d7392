//! `pictures`: the book's pictures of real runs, taken again, every one of them by this one
//! command (or those of one chapter: `pictures class`, `pictures lab`).
//!
//! - `class.rs`: the instructor guide's pictures of the live class's dashboard, a room of
//!   thirty at a projector's two sizes in both languages, taken by the test that checks
//!   them (a real class server and headless Chromium; a minute or two with its build);
//! - the rest of this module and `graph.rs`, `lab.rs`: chapter 15's graphs, below.
//!
//! Chapter 15 shows chapter 14's faults as an operator sees them, on Prometheus' own graph
//! page. Those pictures are made by this: it brings lesson 14's lab up (its own project,
//! and ports, with the lab's Prometheus), runs the lesson's load through the three gateways,
//! cuts host-c off and heals it, then kills host-b, as chapter 14's run of the load does, and
//! after each fault photographs the graph page with headless Chromium, each graph with the
//! PromQL it draws: `book/src/images/15-partition.png` and `15-kill.png`. It waits on what
//! Prometheus shows (a target gone, a target back), with seconds more on each side for the
//! graph to show what came before and after. About three minutes, then the lab goes down.
//!
//! The lab's network is the book's, 10.14.0.0/24, so that the addresses in the graphs'
//! labels are those the chapters show: a reader's lab must be down meanwhile (`up` says so
//! if it is not).
//!
//! `cargo run -p workbook-dev --features browser-check -- pictures`

mod class;
mod graph;
mod lab;

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use testkit::PrometheusApi;
use workbook_core::course::Course;

use lab::PictureLab;

/// A picture: its file in `book/src/images`, and the PromQL of each graph on it, top to
/// bottom. The chapter quotes each expression beside its picture.
pub struct Picture {
    pub file: &'static str,
    pub graphs: &'static [&'static str],
}

// ANCHOR: pictures
/// host-c cut off: the gateways' tries beyond a call's first, each gateway's per second; and
/// how many services Prometheus finds through host-a's gateway.
pub const PARTITION: Picture = Picture {
    file: "15-partition.png",
    graphs: &[
        "sum by (host) (rate(micro_api_retries_total[5s]))",
        r#"count(up{job="micro"})"#,
    ],
};

/// host-b killed: the calls each host's service answers per second; and whether Prometheus
/// reaches host-b's targets, its gateway and its service.
pub const KILL: Picture = Picture {
    file: "15-kill.png",
    graphs: &[
        "sum by (host) (rate(grpc_server_handled_total[10s]))",
        r#"up{host="host-b"}"#,
    ],
};
// ANCHOR_END: pictures

/// How long the graph shows before a fault, and after the lab has settled from it.
const CONTEXT: Duration = Duration::from_secs(15);

/// How long Prometheus may take to show what a fault did (a lease runs out after 10 s).
const PATIENCE: Duration = Duration::from_secs(90);

/// Takes the pictures of the live class (`class`), then chapter 15's (`lab`).
pub async fn run(course: &Course, class: bool, lab: bool) -> Result<()> {
    if class {
        class::take(&course.root)?;
    }
    if lab {
        take_the_labs(course).await?;
    }
    Ok(())
}

/// Brings the lab up, makes its faults, takes the pictures, takes the lab down.
async fn take_the_labs(course: &Course) -> Result<()> {
    let images = course.root.join("book/src/images");
    let lab = PictureLab::up(&course.root)?;
    let prometheus = PrometheusApi::at(lab.prometheus());
    services_found(&prometheus, "every host's service", 3).await;
    let load = lab.start_load()?;
    tokio::time::sleep(CONTEXT).await;

    // A partition: host-c's service cannot renew its registration on the other side, so
    // the registry lets it go, and it is back once healed.
    let started = Instant::now();
    println!("{}", lab.run(&["partition", "host-c"])?.trim());
    services_found(&prometheus, "host-c's service to leave", 2).await;
    tokio::time::sleep(CONTEXT / 3).await;
    println!("{}", lab.run(&["heal"])?.trim());
    services_found(&prometheus, "host-c's service back", 3).await;
    tokio::time::sleep(CONTEXT).await;
    take(&lab, &PARTITION, started, &images).await?;
    // The rates of host-c's service, found again, take their window to be whole again.
    tokio::time::sleep(CONTEXT).await;

    // A kill: host-b's gateway and service stop answering at once.
    let started = Instant::now();
    lab.kill("host-b")?;
    println!("killed host-b");
    services_found(&prometheus, "host-b's service to leave", 2).await;
    tokio::time::sleep(CONTEXT).await;
    take(&lab, &KILL, started, &images).await?;

    drop(load);
    drop(lab);
    Ok(())
}

/// Waits until Prometheus finds `count` services through host-a's gateway.
async fn services_found(prometheus: &PrometheusApi, what: &str, count: usize) {
    let found = |targets: &Vec<serde_json::Value>| {
        let services = targets.iter().filter(|t| t["labels"]["job"] == "micro");
        services.count() == count
    };
    prometheus
        .wait_at_most(PATIENCE, what, || prometheus.targets(), found)
        .await;
    println!("prometheus: {what}");
}

/// Photographs `picture` over the time since `fault` began, with [`CONTEXT`] before it.
async fn take(lab: &PictureLab, picture: &Picture, fault: Instant, images: &Path) -> Result<()> {
    let range = (fault.elapsed() + CONTEXT).as_secs();
    let url = graph::page(&lab.prometheus(), picture.graphs, range);
    let file = images.join(picture.file);
    if !images.is_dir() {
        bail!("no folder {}", images.display());
    }
    graph::photograph(&url, &file).await?;
    println!(
        "{}: {range} s of {}",
        file.display(),
        picture.graphs.join(", ")
    );
    Ok(())
}
