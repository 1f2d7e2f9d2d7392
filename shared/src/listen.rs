//! Listening on an address, and saying who has it when it is taken.
//!
//! "Address already in use (os error 98)" names neither the address nor what holds it, and a
//! learner who left another chapter's program running (or its lab, whose ports Docker holds)
//! cannot tell which. So a server that cannot bind says which address it asked for and,
//! where this machine lets us see it, which program listens there.
//!
//! On Linux the kernel lists every listening socket in `/proc/net/tcp` (and `tcp6`), with
//! its local port, its owner's uid and its inode; a process's open sockets are links named
//! `socket:[INODE]` in `/proc/PID/fd`. A socket of our own user leads to its process and
//! name; one of another user (Docker's `docker-proxy` runs as root) shows only whose it is,
//! and the error says how to find out more. Elsewhere the error names the address alone.

use std::io::ErrorKind;

use anyhow::Context as _;
use tokio::net::TcpListener;

/// Listens on `addr` (`127.0.0.1:8080`, `0.0.0.0:7021`); when the address is taken, the
/// error says so, and who holds it where it can tell.
pub async fn listen(addr: &str) -> anyhow::Result<TcpListener> {
    match TcpListener::bind(addr).await {
        Ok(listener) => Ok(listener),
        Err(error) if error.kind() == ErrorKind::AddrInUse => {
            let port = addr.rsplit(':').next().and_then(|port| port.parse().ok());
            let holder = port.and_then(holder_of);
            anyhow::bail!("{}", taken(addr, holder.as_deref()))
        }
        Err(error) => Err(error).with_context(|| format!("cannot listen on {addr}")),
    }
}

/// The sentence for `addr` taken, by `holder` if known.
pub fn taken(addr: &str, holder: Option<&str>) -> String {
    let who = match holder {
        Some(holder) => format!("by {holder}"),
        None => {
            let port = addr.rsplit(':').next().unwrap_or_default();
            format!("(`ss -ltnp 'sport = :{port}'` names what holds it)")
        }
    };
    format!(
        "cannot listen on {addr}: the port is taken {who}; stop it, or give this program \
         another address with --addr (127.0.0.1:0 for any free port)"
    )
}

/// What listens on TCP `port` on this machine, in words: `l11-micro (pid 4242)`, or whose
/// program it is when it is another user's. `None` where the system does not say.
pub fn holder_of(port: u16) -> Option<String> {
    let sockets = listening(port);
    let (inode, uid) = *sockets.first()?;
    if let Some((pid, name)) = process_with_socket(inode) {
        // Docker's proxy holds the ports its containers publish (chapter 14's lab, 8080).
        if name == "docker-proxy" {
            return Some(format!(
                "docker-proxy (pid {pid}), for a Docker container that publishes it \
                 (`docker ps --filter publish={port}` names the container)"
            ));
        }
        return Some(format!("{name} (pid {pid})"));
    }
    let own = own_uid();
    if own.is_some_and(|own| own == uid) {
        return None;
    }
    let user = if uid == 0 {
        "root".to_string()
    } else {
        format!("uid {uid}")
    };
    Some(format!(
        "a program of {user}'s (a port a Docker container publishes is one: \
         `docker ps --filter publish={port}` names the container)"
    ))
}

/// The connections a server listening on a port has accepted and not yet closed, as the
/// kernel counts them: its side of each is ESTABLISHED, or CLOSE_WAIT once the client has
/// hung up. (A socket the server has closed lingers in other states, TIME_WAIT for a
/// minute, but the server holds it no more.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Accepted {
    /// Connections the server still holds.
    pub open: usize,
    /// Of those, the ones whose client has hung up: the server has yet to notice and close.
    pub hung_up: usize,
}

/// The connections accepted on `port` and not yet closed by its server, from the kernel's
/// TCP tables; `None` where the system has none to read (not Linux).
///
/// Someone who reads a server's log once a client has finished knows that its connection
/// is over; a program checking that log needs this to know the same.
pub fn accepted(port: u16) -> Option<Accepted> {
    const ESTABLISHED: &str = "01";
    const CLOSE_WAIT: &str = "08";
    let rows = rows_on(port)?;
    let count = |state: &str| rows.iter().filter(|row| row.state == state).count();
    let hung_up = count(CLOSE_WAIT);
    Some(Accepted {
        open: count(ESTABLISHED) + hung_up,
        hung_up,
    })
}

/// The listening sockets on `port`: each one's inode and owner.
fn listening(port: u16) -> Vec<(u64, u32)> {
    const LISTEN: &str = "0A";
    let rows = rows_on(port).unwrap_or_default();
    rows.into_iter()
        .filter(|row| row.state == LISTEN)
        .map(|row| (row.inode, row.uid))
        .collect()
}

/// A row of `/proc/net/tcp`, the fields we read.
#[derive(Debug, PartialEq)]
struct Row {
    state: String,
    uid: u32,
    inode: u64,
}

/// The rows of the kernel's TCP tables (IPv4 and IPv6) whose local port is `port`; `None`
/// where there are no such tables (not Linux).
fn rows_on(port: u16) -> Option<Vec<Row>> {
    let mut found = Vec::new();
    let mut read_any = false;
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        let Ok(text) = std::fs::read_to_string(table) else {
            continue;
        };
        read_any = true;
        found.extend(
            text.lines()
                .skip(1)
                .filter_map(|line| socket_on(line, port)),
        );
    }
    read_any.then_some(found)
}

/// A row of `/proc/net/tcp`: `sl local_address rem_address st … uid timeout inode …`, the
/// local address as `HEX_IP:HEX_PORT` and the state in hex (`0A` for LISTEN), when its
/// local port is `port`.
fn socket_on(line: &str, port: u16) -> Option<Row> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let local_port = fields.get(1)?.rsplit(':').next()?;
    if u16::from_str_radix(local_port, 16).ok()? != port {
        return None;
    }
    Some(Row {
        state: fields.get(3)?.to_string(),
        uid: fields.get(7)?.parse().ok()?,
        inode: fields.get(9)?.parse().ok()?,
    })
}

/// The process that has socket `inode` open, and its name, among those we may look into.
fn process_with_socket(inode: u64) -> Option<(u32, String)> {
    let link = format!("socket:[{inode}]");
    for process in std::fs::read_dir("/proc").ok()?.flatten() {
        let Some(pid) = process
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(process.path().join("fd")) else {
            continue;
        };
        let holds = fds.flatten().any(|fd| {
            std::fs::read_link(fd.path()).is_ok_and(|to| to.as_os_str() == link.as_str())
        });
        if holds {
            let name = std::fs::read_to_string(process.path().join("comm")).unwrap_or_default();
            return Some((pid, name.trim().to_string()));
        }
    }
    None
}

/// This process's uid, from `/proc/self/status`.
fn own_uid() -> Option<u32> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("Uid:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_of_the_kernels_table_is_read() {
        let row = "   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 123456 1 0000000000000000 100 0 0 10 0";
        let read = Row {
            state: "0A".to_string(),
            uid: 0,
            inode: 123456,
        };
        assert_eq!(socket_on(row, 8080), Some(read));
        assert_eq!(socket_on(row, 8081), None);
    }

    #[tokio::test]
    async fn a_connection_counts_as_open_until_the_server_closes_it() {
        let listener = listen("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let count = |open, hung_up| Some(Accepted { open, hung_up });
        if accepted(port).is_none() {
            eprintln!("skipped: this system has no /proc/net/tcp to count connections in");
            return;
        }
        assert_eq!(accepted(port), count(0, 0), "no client yet");
        let client = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let (server_side, _) = listener.accept().await.unwrap();
        assert_eq!(accepted(port), count(1, 0), "one client, accepted");
        // The client hangs up first: the server's side waits in CLOSE_WAIT, still its own,
        // once the client's FIN has reached it (at once on loopback, unless the kernel
        // defers it on a busy machine).
        drop(client);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while accepted(port) != count(1, 1) && std::time::Instant::now() < deadline {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        assert_eq!(
            accepted(port),
            count(1, 1),
            "the client gone, the server's side not"
        );
        drop(server_side);
        assert_eq!(accepted(port), count(0, 0), "both sides closed");
    }

    #[tokio::test]
    async fn a_taken_address_is_named_with_who_holds_it() {
        let first = listen("127.0.0.1:0").await.unwrap();
        let addr = first.local_addr().unwrap().to_string();
        let error = listen(&addr).await.unwrap_err().to_string();
        assert!(
            error.starts_with(&format!("cannot listen on {addr}: the port is taken")),
            "{error}"
        );
        if cfg!(target_os = "linux") {
            let pid = std::process::id();
            assert!(error.contains(&format!("(pid {pid})")), "{error}");
        }
    }
}
