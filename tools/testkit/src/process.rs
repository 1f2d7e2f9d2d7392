//! The plumbing under [`consul`](crate::consul) and [`redis`](crate::redis): picking free
//! ports, owning a child process until the test is over, trying again when a port was taken,
//! and the one HTTP request a readiness check needs (no HTTP client crate for a single GET).

use std::fs::File;
use std::io;
use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// `count` distinct loopback ports that were free a moment ago.
///
/// All the listeners are held at once, so the ports differ from each other; they are
/// released before returning, so another process may still take one first. Callers retry
/// with fresh ports when the program they start reports the port taken.
pub fn free_ports(count: usize) -> Vec<u16> {
    let listeners: Vec<TcpListener> = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("bind a free loopback port"))
        .collect();
    listeners
        .iter()
        .map(|listener| listener.local_addr().expect("a bound port").port())
        .collect()
}

/// A loopback port that is this test's alone until it is dropped: bound, so that no other
/// socket on the machine can take it (it is bound without `SO_REUSEADDR`, which every other
/// socket would need to share it), and not listened on, so that the kernel refuses every
/// connection to it. A port that was merely free a moment ago may be a server's of another
/// test by the time a client calls it; this one cannot. [`ReservedPort::listen`] starts
/// listening on it: a server that comes back on its own port.
pub struct ReservedPort {
    socket: socket2::Socket,
    addr: SocketAddr,
}

impl ReservedPort {
    pub fn new() -> ReservedPort {
        use socket2::{Domain, Socket, Type};
        let socket =
            Socket::new(Domain::IPV4, Type::STREAM, None).expect("make a TCP socket to reserve");
        let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
        socket
            .bind(&loopback.into())
            .expect("bind a free loopback port");
        let addr = socket
            .local_addr()
            .ok()
            .and_then(|addr| addr.as_socket())
            .expect("a bound loopback address");
        ReservedPort { socket, addr }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Listens on the port from now on.
    pub fn listen(self) -> TcpListener {
        self.socket.listen(128).expect("listen on a reserved port");
        self.socket.into()
    }
}

impl Default for ReservedPort {
    fn default() -> ReservedPort {
        ReservedPort::new()
    }
}

/// Runs `attempt` until it gives a value, at most five times: a free port may be taken
/// between our choosing it and the program binding it, which then exits at once. Panics
/// with `could not start {what}` and every failure when no attempt worked.
pub async fn retry<T>(what: &str, mut attempt: impl AsyncFnMut() -> Result<T, String>) -> T {
    let mut failures = Vec::new();
    for _attempt in 0..5 {
        match attempt().await {
            Ok(value) => return value,
            Err(why) => failures.push(why),
        }
    }
    panic!("could not start {what}:\n{}", failures.join("\n---\n"));
}

/// A child process that is killed and reaped when this value is dropped.
///
/// Its stdout and stderr go to a log file, so a program that fails to start can say why
/// (and a chatty one cannot block on a full pipe).
pub struct OwnedChild {
    child: Child,
    log: PathBuf,
}

impl OwnedChild {
    /// Starts `command` with its output captured in a fresh log file named after `label`.
    pub fn spawn(mut command: Command, label: &str) -> io::Result<OwnedChild> {
        let log =
            std::env::temp_dir().join(format!("testkit-{label}-{}.log", crate::unique_suffix()));
        let out = File::create(&log)?;
        let err = out.try_clone()?;
        let command_line = crate::hang::command_line(&command);
        let child = command
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()?;
        crate::hang::started(child.id(), command_line);
        Ok(OwnedChild { child, log })
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// `Some(description)` once the process has exited on its own.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            Ok(None) => None,
            Err(error) => Some(format!("could not be waited for: {error}")),
        }
    }

    /// Everything the program printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The last lines the program printed, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Asks `ready` every `every` until it says yes, for at most `patience`. The program
    /// (`name`) that exits first has failed; `waiting_for` says what never came
    /// ("no PONG from 127.0.0.1:6390"). Each error ends with what the program printed last.
    pub async fn wait_until<F: Future<Output = bool>>(
        &mut self,
        name: &str,
        waiting_for: &str,
        patience: Duration,
        every: Duration,
        mut ready: impl FnMut(&OwnedChild) -> F,
    ) -> Result<(), NotReady> {
        let deadline = Instant::now() + patience;
        loop {
            if let Some(status) = self.exited() {
                let why = format!("{name} exited ({status}):\n{}", self.log_tail());
                return Err(NotReady::Exited(why));
            }
            if ready(self).await {
                return Ok(());
            }
            if Instant::now() > deadline {
                let why = format!("{waiting_for} after {patience:?}:\n{}", self.log_tail());
                return Err(NotReady::TooSlow(why));
            }
            tokio::time::sleep(every).await;
        }
    }
}

/// Why a program did not become ready: it exited (most often a port taken in the meantime,
/// worth another try with fresh ports), or it was too slow (a slow machine does not get
/// faster by trying again).
pub enum NotReady {
    Exited(String),
    TooSlow(String),
}

impl From<NotReady> for String {
    fn from(not_ready: NotReady) -> String {
        match not_ready {
            NotReady::Exited(why) | NotReady::TooSlow(why) => why,
        }
    }
}

impl std::fmt::Debug for OwnedChild {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "process {}", self.id())
    }
}

impl Drop for OwnedChild {
    fn drop(&mut self) {
        // Killing an already exited child fails harmlessly; `wait` reaps it either way so
        // no zombie is left behind.
        let _ = self.child.kill();
        let _ = self.child.wait();
        crate::hang::reaped(self.child.id());
        let _ = std::fs::remove_file(&self.log);
    }
}

/// `GET path` on `host:port` with HTTP/1.0; the status code and the body. An answer not
/// whole within [`PATIENCE`](crate::PATIENCE) is an error that shows what came of it.
pub async fn http_get(addr: &str, path: &str) -> io::Result<(u16, String)> {
    let mut response = Vec::new();
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await?;
        let request = format!("GET {path} HTTP/1.0\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await?;
        stream.read_to_end(&mut response).await
    };
    let Ok(read) = tokio::time::timeout(crate::PATIENCE, exchange).await else {
        let why = format!(
            "no whole answer to GET {path} from {addr} within {:?}; it sent: {:?}",
            crate::PATIENCE,
            String::from_utf8_lossy(&response)
        );
        return Err(io::Error::new(io::ErrorKind::TimedOut, why));
    };
    read?;
    let response = String::from_utf8_lossy(&response);
    let bad = || io::Error::new(io::ErrorKind::InvalidData, "not an HTTP response");
    let (head, body) = response.split_once("\r\n\r\n").ok_or_else(bad)?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(bad)?;
    Ok((status, body.to_string()))
}

/// Everything `stream` sends until it closes, read within `patience`: a read timeout alone
/// is no deadline, since each byte that comes resets it. An answer not whole by then is an
/// error that shows what came of it.
pub fn read_to_end_within(
    stream: &mut std::net::TcpStream,
    patience: Duration,
) -> io::Result<Vec<u8>> {
    use std::io::Read;
    let deadline = Instant::now() + patience;
    let mut received = Vec::new();
    let mut chunk = [0; 8192];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let late = || {
            let why = format!(
                "no end of the answer within {patience:?}; it sent: {:?}",
                String::from_utf8_lossy(&received)
            );
            io::Error::new(io::ErrorKind::TimedOut, why)
        };
        if left.is_zero() {
            return Err(late());
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(received),
            Ok(n) => received.extend_from_slice(&chunk[..n]),
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(late());
            }
            Err(error) => return Err(error),
        }
    }
}

/// Whether `GET path` on `addr` answers 200 with a body that contains `expected`, within a
/// second: what holds the port may be no server of ours, and never answer.
pub async fn answers(addr: &str, path: &str, expected: &str) -> bool {
    let answer = tokio::time::timeout(Duration::from_secs(1), http_get(addr, path)).await;
    matches!(answer, Ok(Ok((200, body))) if body.contains(expected))
}
