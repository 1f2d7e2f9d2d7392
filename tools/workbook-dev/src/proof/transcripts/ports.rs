//! The book's ports and the free ones standing in for them: a chapter says `127.0.0.1:7006`,
//! the check runs the same command on a port nobody else uses, and maps it back in what it
//! shows.

use std::collections::HashMap;

/// The port of the agent in the book, and the agent's option for it.
pub(super) const AGENT_PORT: u16 = 8500;
pub(super) const AGENT_PORT_OPTIONS: [&str; 2] = ["-http-port", "--http-port"];

/// The book's addresses and the free ports that stand in for them in one chapter.
pub(super) struct Ports {
    pub(super) real: HashMap<u16, u16>,
    /// Added to a book's port for the one standing in, when free: the real ports keep the
    /// book's order, and so do the lists sorted by them (`greeter-localhost-7006` first).
    offset: u16,
}

impl Default for Ports {
    fn default() -> Ports {
        // Between 10000 and 55000, different for each run: the book's ports (2379–8599)
        // land above 12000 and below 64000.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |since| since.subsec_nanos())
            ^ std::process::id().wrapping_mul(7919);
        Ports {
            real: HashMap::new(),
            offset: 10_000 + (seed % 45_000) as u16,
        }
    }
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

    /// A new free port for `book`, for a server that is about to start.
    pub(super) fn renew(&mut self, book: u16) -> u16 {
        let mut port = 0;
        let shifted = book.checked_add(self.offset).filter(|shifted| {
            !self.real.values().any(|used| used == shifted)
                && std::net::TcpListener::bind(("127.0.0.1", *shifted)).is_ok()
        });
        if let Some(shifted) = shifted {
            self.real.insert(book, shifted);
            return shifted;
        }
        // Else the system hands out a free port; a few tries make sure it is not one this
        // chapter already uses.
        for _ in 0..10 {
            port = std::net::TcpListener::bind(("127.0.0.1", 0))
                .and_then(|listener| listener.local_addr())
                .map_or(0, |addr| addr.port());
            if port != 0 && !self.real.values().any(|used| *used == port) {
                break;
            }
        }
        self.real.insert(book, port);
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
