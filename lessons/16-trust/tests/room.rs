//! The user service under a room of thirty, from outside: its memory after a crowd of
//! logins, and its log when one machine is refused a thousand times. (Its door, and the
//! gateway's, when one machine holds connections: `door.rs`.)

use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::addresses::{connect_from, loopback, others_answer};
use crate::http;
use crate::program::{start_gateway, start_user};
use crate::support::Certs;

/// What the system says of a process's memory, in KiB: `VmRSS` (resident now) or `VmHWM`
/// (the most it has been), from `/proc/PID/status`.
fn memory_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
    let line = status
        .lines()
        .find(|line| line.starts_with(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status:\n{status}"));
    line.split_whitespace()
        .nth(1)
        .and_then(|kib| kib.parse().ok())
        .unwrap_or_else(|| panic!("{line:?} is no count of KiB"))
}

/// The most the user service may hold after a room's logins: a few hashes' worth above
/// what it holds at start (19–25 MiB, a debug build's).
const MOST_RESIDENT_MIB: u64 = 64;

#[tokio::test]
async fn thirty_logins_at_once_leave_the_user_service_s_memory_as_it_was() {
    let test = "thirty_logins_at_once_leave_the_user_service_s_memory_as_it_was";
    if !std::path::Path::new("/proc/self/status").exists() {
        eprintln!("skipped {test}: this system has no /proc to read a process's memory from");
        return;
    }
    // Thirty machines: one address's logins in flight count against it (`limit`).
    if !others_answer(test) {
        return;
    }
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let gateway = start_gateway(certs.path(), &user).await;
    let base = format!("http://{}", gateway.addr());
    let names: Vec<String> = (0..30).map(|n| format!("learner{n}")).collect();
    let password = "the room's password";

    // A room: thirty register at once, then log in at once, each a hash of ~19 MiB.
    let mut registrations = tokio::task::JoinSet::new();
    for name in &names {
        let (base, name) = (base.clone(), name.clone());
        registrations
            .spawn(async move { http::register_behind_others(&base, &name, password).await });
    }
    // deadline: each registration's own, the test's (`http::register_behind_others`)
    for answer in registrations.join_all().await {
        assert_eq!(answer.errno, "0", "{answer:?}");
    }
    let mut logins = tokio::task::JoinSet::new();
    for (n, name) in (10..).zip(&names) {
        let (base, name) = (base.clone(), name.clone());
        logins.spawn(async move {
            http::login_behind_others(&base, loopback(n), &name, password).await
        });
    }
    // deadline: each login's own, the test's (`http::login_behind_others`)
    for answer in logins.join_all().await {
        assert_eq!(answer.errno, "0", "{answer:?}");
    }

    let (now, most) = (
        memory_kib(user.pid(), "VmRSS"),
        memory_kib(user.pid(), "VmHWM"),
    );
    eprintln!(
        "the user service after 30 registrations and 30 logins at once: {} MiB resident, at \
         most {} MiB",
        now / 1024,
        most / 1024
    );
    assert!(
        now <= MOST_RESIDENT_MIB * 1024,
        "after 30 registrations and 30 logins at once the user service holds {} MiB (at most \
         {} MiB at once), more than {MOST_RESIDENT_MIB} MiB: the hashes' memory was kept",
        now / 1024,
        most / 1024
    );
}

/// The refusals a log accounts for from `from`: one a line of them, and the count of
/// each line `… and N more refusals from FROM …`.
fn accounted(log: &str, from: &str) -> u64 {
    let one_by_one = log.matches(&format!("refused {from}:")).count() as u64;
    let counted: u64 = log
        .lines()
        .filter_map(|line| {
            line.split_once("… and ")?
                .1
                .split_once(&format!(" more refusals from {from} "))?
                .0
                .parse::<u64>()
                .ok()
        })
        .sum();
    one_by_one + counted
}

#[tokio::test]
async fn a_thousand_refused_connections_from_one_address_are_a_few_log_lines() {
    let certs = Certs::new(&["user", "gateway"]);
    let redis = testkit::redis().await;
    let user = start_user(certs.path(), redis.url(), &[]).await;
    let before = user.log().lines().count();

    // A thousand connections that speak plaintext to the TLS port, eight at a time, each
    // refused and closed (read to its end, so that the server has refused it): a second or
    // two, well within one interval of the log's.
    let addr = user.addr();
    let mut flood = tokio::task::JoinSet::new();
    for _ in 0..8 {
        flood.spawn(async move {
            for _ in 0..125 {
                let mut tcp = TcpStream::connect(addr).await.expect("connected");
                tcp.write_all(b"GET / HTTP/1.1\r\nhost: user\r\n\r\n")
                    .await
                    .expect("sent");
                let mut rest = Vec::new();
                let _ = tcp.read_to_end(&mut rest).await;
            }
        });
    }
    let flood = flood.join_all();
    testkit::within("a thousand refused connections", flood).await;
    // Another address's refusal is still said at once.
    if others_answer("the other address's refusal, in the same test") {
        let tcp = connect_from(loopback(2), user.addr()).await;
        drop(tcp);
        user.logged("refused 127.0.0.2:").await;
    }

    // All thousand are accounted for, in lines of their own or counts…
    let what = "a thousand refusals from 127.0.0.1, one by one and counted";
    user.logged_so(what, |log| accounted(log, "127.0.0.1") >= 1000)
        .await;
    let log = user.log();
    assert_eq!(accounted(&log, "127.0.0.1"), 1000, "{log}");
    // …in a few lines.
    let lines = log.lines().count() - before;
    assert!(
        lines <= 20,
        "a thousand refused connections from one address wrote {lines} lines:\n{log}"
    );
}
