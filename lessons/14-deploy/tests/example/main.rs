//! The worked example's own tests: the load against a gateway of the test's own
//! (`lab/src/load.rs`), its history read back with the windows of the nemesis's journal
//! (`lab/src/history.rs`), and the report and the picture (`report.rs`). The calls, faults and
//! windows they are made of are built here. (The lab itself, on Docker, is `tests/lab/`.)

use std::time::Duration;

use l14_deploy::history::{Call, Fault, Outcome};
use l14_deploy::load::Window;

mod balancer;
mod history;
mod load;
mod report;

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

fn answered(at: u64, node: &str) -> Call {
    Call {
        at: ms(at),
        latency: ms(3),
        outcome: Outcome::Answered(node.to_string()),
    }
}

fn failed(at: u64) -> Call {
    Call {
        at: ms(at),
        latency: ms(500),
        outcome: Outcome::Failed("503 Service Unavailable".to_string()),
    }
}

fn fault(what: &str, from: u64, to: Option<u64>) -> Fault {
    Fault {
        what: what.to_string(),
        from_unix_ms: from,
        to_unix_ms: to,
    }
}

fn window(what: &str, from: u64, to: u64) -> Window {
    Window {
        what: what.to_string(),
        from: ms(from),
        to: ms(to),
    }
}

/// A folder of the test's own, under the target directory.
fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let folder = std::env::temp_dir().join(format!(
        "l14-example-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&folder).unwrap();
    folder
}
