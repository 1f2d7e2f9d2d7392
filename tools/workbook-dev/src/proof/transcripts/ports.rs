//! The book's ports and the free ones standing in for them: a chapter says `127.0.0.1:7006`,
//! the check runs the same command on a port nobody else uses, and maps it back in what it
//! shows.

use std::collections::{HashMap, HashSet};

/// The port of the agent in the book, and the agent's option for it.
pub(super) const AGENT_PORT: u16 = 8500;
pub(super) const AGENT_PORT_OPTIONS: [&str; 2] = ["-http-port", "--http-port"];

/// The book's addresses and the free ports that stand in for them in one chapter.
pub(super) struct Ports {
    pub(super) real: HashMap<u16, u16>,
    /// The book's ports whose stand-ins were placed in its order (the services' ports,
    /// which testkit picks, are not).
    placed: HashSet<u16>,
    /// Added to a book's port for the one standing in, when free: the real ports keep the
    /// book's order, and so do the lists sorted by them (`greeter-localhost-7006` first).
    offset: u16,
}

/// The highest port a chapter's commands use, and one more (the book's ports are 2379–8599).
const BOOK_PORTS_END: u16 = 8600;

/// How far above the book's port plus the offset [`Ports::renew`] looks for a free one.
const SCAN: u16 = 200;

/// The lowest offset: the book's ports then land above 12000, clear of the well-known and
/// registered ports the machine's own services use.
const LOWEST_OFFSET: u16 = 10_000;

impl Default for Ports {
    fn default() -> Ports {
        // Different for each run, so that two runs side by side pick different ports.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos())
            ^ std::process::id().wrapping_mul(7919);
        Ports {
            real: HashMap::new(),
            placed: HashSet::new(),
            offset: offset(seed, ephemeral_start()),
        }
    }
}

/// The offset for a chapter: between [`LOWEST_OFFSET`] and where the book's ports would
/// reach `ephemeral` (the first port the kernel hands out as the local end of a connection).
///
/// Below it, because chapters connect to servers they have killed (`kill -9 %2`, then a
/// client that must find the port closed), and a connection to a closed port in the
/// kernel's range can be given that same port as its own local end: it connects to itself
/// (TCP's simultaneous open) and reads back what it wrote, as if a server had answered
/// with the request. The client then says something no run of the book says (chapter 13's
/// failover read its own `Div` request as the reply: "missing field `Quo`").
fn offset(seed: u32, ephemeral: u16) -> u16 {
    let room = ephemeral.saturating_sub(BOOK_PORTS_END + SCAN + LOWEST_OFFSET);
    if room == 0 {
        // A machine whose range starts low leaves no room below it: any offset will do.
        return LOWEST_OFFSET + (seed % 45_000) as u16;
    }
    LOWEST_OFFSET + (seed % u32::from(room)) as u16
}

/// The first port of the kernel's range for connections' local ends (Linux's
/// `ip_local_port_range`, 32768 unless set otherwise; the same where it cannot be read).
fn ephemeral_start() -> u16 {
    std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|range| range.split_whitespace().next()?.parse().ok())
        .unwrap_or(32_768)
}

impl Ports {
    /// The port standing in for `book`, a fresh one the first time.
    pub(super) fn real(&mut self, book: u16) -> u16 {
        if book == 0 {
            return 0;
        }
        if let Some(real) = self.real.get(&book) {
            return *real;
        }
        self.renew(book)
    }

    /// A new free port for `book`, for a server that is about to start. It keeps the book's
    /// order among the ports this chapter uses (etcd lists keys, and a round robin goes
    /// through servers, sorted by address): the book's port plus the chapter's offset, or
    /// the first free one above it that still sits between the same neighbours.
    pub(super) fn renew(&mut self, book: u16) -> u16 {
        let before = self.real.get(&book).copied();
        let keeps_order = |candidate: u16| {
            Some(candidate) != before
                && self.real.values().all(|used| *used != candidate)
                && self
                    .placed
                    .iter()
                    .filter(|other| **other != book)
                    .all(|other| (*other < book) == (self.real[other] < candidate))
        };
        if let Some(shifted) = book.checked_add(self.offset) {
            let candidates = (0..200).filter_map(|step| shifted.checked_add(step));
            for candidate in candidates {
                if keeps_order(candidate)
                    && std::net::TcpListener::bind(("127.0.0.1", candidate)).is_ok()
                {
                    self.real.insert(book, candidate);
                    self.placed.insert(book);
                    return candidate;
                }
            }
        }
        // Else the system hands out a free port; a few tries make sure it is not one this
        // chapter already uses.
        let mut port = 0;
        for _ in 0..10 {
            port = std::net::TcpListener::bind(("127.0.0.1", 0))
                .and_then(|listener| listener.local_addr())
                .map_or(0, |addr| addr.port());
            if port != 0 && !self.real.values().any(|used| *used == port) {
                break;
            }
        }
        self.real.insert(book, port);
        self.placed.remove(&book);
        port
    }

    /// The book's port for a port of a run.
    pub(super) fn book(&self, real: u16) -> u16 {
        self.real
            .iter()
            .find(|(_, used)| **used == real)
            .map_or(real, |(book, _)| *book)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ports_standing_in_stay_below_the_kernels_range_for_local_ends() {
        for seed in [0, 1, 13_967, 13_968, 99_999, u32::MAX / 2, u32::MAX] {
            let offset = offset(seed, 32_768);
            assert!(offset >= LOWEST_OFFSET, "{seed}: {offset}");
            assert!(
                BOOK_PORTS_END + SCAN + offset <= 32_768,
                "{seed}: the book's last port + {offset} reaches the kernel's range"
            );
        }
        // A range starting low leaves no room: an offset all the same.
        assert!(offset(7, 1024) >= LOWEST_OFFSET);
    }

    #[test]
    fn the_ports_standing_in_keep_the_books_order_when_a_server_starts_again_or_one_is_taken() {
        let mut ports = Ports {
            real: HashMap::new(),
            placed: HashSet::new(),
            offset: 31_000,
        };
        // A service's port, which testkit picked: no order to keep with it.
        ports.real.insert(2379, 60_001);
        let first = ports.real(7113);
        let second = ports.real(7213);
        assert!(first < second, "{first} {second}");
        // The first server starts again: a new port, still below the second's.
        let again = ports.renew(7113);
        assert!(again != first && again < second, "{first} {again} {second}");
        // The port the offset gives a third server is taken: the next free one above it.
        let taken = std::net::TcpListener::bind(("127.0.0.1", 7313 + 31_000));
        let third = ports.real(7313);
        assert!(third > second, "{second} {third}");
        if taken.is_ok() {
            assert_ne!(third, 7313 + 31_000);
        }
        assert_eq!(ports.book(third), 7313);
    }
}
