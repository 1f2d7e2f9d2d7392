//! A room under load: simulated learners against `class serve`, run as a process of its
//! own as a teacher runs it, on this machine. Each learner joins, then sends a verdict
//! every 2 s, each on a connection of its own as the runner's sender does, from an address
//! of its own (127.0.0.2 and on: the server keeps its rates and its connections by address,
//! as a room's machines have one each), while five dashboards follow the live stream and
//! one more is open in headless Chromium. The learners are shared among client processes
//! (`--clients`, 2 unless told: this one and another it starts), none of them the server's,
//! so that what is measured is the server, not a client sharing its process.
//!
//! It measures what a teacher would ask of it:
//! - joins: how long a learner's join takes, from connecting to the answer that lets them
//!   in;
//! - ingest: how long a verdict's request takes, from connecting to the server's answer
//!   (which comes once the verdict is on disk); median, p99 and worst; and where the time
//!   of the slowest 1 % went, against every verdict's: the connection, the door and HTTP,
//!   and in the server (as its `Server-Timing` header says) the wait in line for the
//!   writer, the writer's commit, the pages told;
//! - shown: from sending a verdict to each dashboard's stream carrying it (the verdict's
//!   message is the time it was sent, read on the same machine's clock in every process);
//! - drawn: how long the page in Chromium takes to draw, every exercise of the course
//!   shown (its own measure, `data-draw-ms`), sampled while the load runs: each update
//!   (the rows that changed), and the whole room drawn again every five seconds;
//! - memory: the server's resident set, the most it reached;
//! - the database's bytes per verdict, once the server has stopped;
//! - the machine's load average as the run starts and ends: what else it ran.
//!
//! With `--flood`, a script in the room meanwhile (flood.rs): one machine holding every
//! connection the server lets it, another sending wrong joins. The joins and the ingest are
//! then a flooded room's: a second for a learner's join is the class's goal there.
//!
//! Not a test (no figure is asserted) and not run by CI:
//!
//! ```text
//! cargo bench -p workbook-full --bench class_load -- --learners 300 --seconds 120
//! cargo bench -p workbook-full --bench class_load -- --learners 30 --seconds 60 --flood
//! ```
//!
//! (`--profile dev` for the debug build that `cargo run -p workbook -- class serve` runs.)
//!
//! - `options.rs`: the options, and a client process's share of the learners;
//! - `learners.rs`: the learners and their verdicts, and the client processes they are
//!   shared among;
//! - `dashboards.rs`: the live streams, and each verdict's time to be shown;
//! - `flood.rs`: the script in the room, with `--flood`;
//! - `page.rs`: the dashboard's drawing in Chromium;
//! - `report.rs`: the figures, printed.

use std::io::{BufRead, BufReader};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod dashboards;
mod flood;
mod learners;
mod options;
mod page;
mod report;
#[path = "../room/mod.rs"]
mod room;

use learners::{Sent, learners, start_clients};
use page::Drawn;
use report::Figures;
use room::{class_serve, memory};

#[tokio::main]
async fn main() {
    let options = options::options();
    // A client process started by the first: its share of the learners, its figures printed.
    if let Some(share) = &options.share {
        let sent = learners(
            &options,
            (share.k, share.n),
            &share.addr,
            &share.code,
            &share.exercises,
        )
        .await;
        sent.print();
        return;
    }
    let dir = std::env::temp_dir().join(format!("class-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let max_learners = options.learners.to_string();
    let mut server = class_serve(
        &["--addr", "127.0.0.1:0", "--max-learners", &max_learners],
        &dir,
    );
    let mut lines = BufReader::new(server.stdout.take().unwrap()).lines();
    let (mut addr, mut code, mut teacher) = (String::new(), String::new(), String::new());
    while teacher.is_empty() {
        let line = lines.next().expect("class serve prints its lines").unwrap();
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(at) = words.iter().position(|w| *w == "join") {
            addr = words[at + 1].trim_start_matches("http://").to_string();
            code = words[at + 2].to_string();
        }
        if let Some(token) = line.trim().split("/?token=").nth(1) {
            teacher = token.to_string();
        }
    }
    std::thread::spawn(move || for _ in lines {});
    let pid = server.id();
    println!(
        "class serve (pid {pid}) on {addr}: {} learners in {} client processes, a verdict each every {:?}, for {} s",
        options.learners, options.clients, options.every, options.seconds
    );
    // What else the machine runs meanwhile: its figures are the machine's as much as the
    // server's.
    println!("load average at the start: {}", load_average());

    let dashboards = dashboards::follow(options.pages, &addr, &teacher);
    let exercises = dashboards.exercises.await.unwrap();

    // The script first, so that the learners join a room already flooded; it ends with
    // them.
    let script = if options.flood {
        // Its connections are open files, here as in the server: as many as the system
        // lets this process have, half of them (at most 1,500, past a quarter of the most
        // connections any class server holds) for the holding machine.
        let holders = (shared::door::raise_file_limit() / 2).min(1500) as usize;
        Some(flood::start(&addr, holders).await)
    } else {
        None
    };

    // The other client processes, each with its share of the learners; this one has the
    // first.
    let children = start_clients(&options, &addr, &code, &exercises);
    let here = {
        let (addr, code, exercises) = (addr.clone(), code.clone(), exercises.clone());
        let options = options.clone();
        tokio::spawn(async move {
            let shares = options.clients;
            learners(&options, (0, shares), &addr, &code, &exercises).await
        })
    };
    let end = Instant::now() + Duration::from_secs(options.seconds);

    // Memory, once a second.
    let peak_rss = Arc::new(Mutex::new(0u64));
    {
        let peak_rss = peak_rss.clone();
        tokio::spawn(async move {
            while let Some((rss, _)) = memory(pid) {
                {
                    let mut peak = peak_rss.lock().unwrap();
                    *peak = (*peak).max(rss);
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
    }

    // The page itself, in Chromium, every exercise shown: how long it takes to draw.
    let browser = testkit::browser::Browser::start(1366, 768).await;
    let drawn = match &browser {
        Ok(browser) => {
            let url = format!("http://{addr}/?token={teacher}");
            page::sample_until(browser, &url, end).await
        }
        Err(reason) => {
            println!("the page's drawing is not measured: {reason}");
            Drawn::default()
        }
    };
    let mut sent: Sent = here.await.unwrap();
    for child in children {
        let out = child
            .wait_with_output()
            .await
            .expect("a client process ends");
        sent.add_printed(&String::from_utf8_lossy(&out.stdout));
    }
    let flood = script.map(flood::Script::stop);
    // The last verdicts' rows, then the server stopped as Ctrl-C stops it.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let (_, hwm) = memory(pid).unwrap_or((0, 0));
    let _ = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status();
    let _ = server.wait();

    let shown = dashboards.shown.lock().unwrap().clone();
    let peak_rss = *peak_rss.lock().unwrap();
    let figures = Figures {
        learners: options.learners,
        pages: options.pages,
        exercises: exercises.len(),
        sent,
        shown,
        drawn,
        peak_rss,
        hwm,
        flood,
    };
    println!("load average at the end:   {}", load_average());
    report::print(figures, &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The machine's load average over 1, 5 and 15 minutes, and its processors: how busy it
/// was besides the bench (2 on two cores is a full machine).
fn load_average() -> String {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let three: Vec<&str> = load.split_whitespace().take(3).collect();
    format!("{} ({cores} processors)", three.join(" "))
}
