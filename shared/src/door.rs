//! A server's door: how many connections it lets in at once, and how many from one address.
//!
//! A server on a shared network (a classroom's, a lab's) meets whatever runs there, and a
//! script can open connections and never say a word. A server that holds each for a while
//! (until a request's headers come, or a TLS handshake) and has room for so many at once
//! is full after that many: if one address may fill it, one machine shuts everyone out.
//! So the door lets in at most so many at once, and one address at most a quarter of them.
//! A flood from one machine fills its own quarter; every other address still finds room.
//! A connection past either is the caller's to close at once ([`Door::enter`] says which).
//!
//! An IPv6 address counts by its first 64 bits: a host is commonly given a whole /64, and
//! could otherwise take a new address for each connection.
//!
//! Two more things a door is about:
//!
//! - the open files: each connection is one, and many systems start a program with 1,024.
//!   [`raise_file_limit`] raises it to the most the process may have, and [`most_for_files`]
//!   keeps the door below it, so that a flood never leaves the server unable to open the
//!   files it needs, or to accept at all;
//! - the memory a crowd took: the allocator keeps what a program frees for the program's
//!   next use, unless told otherwise, so the door gives it back to the system when a crowd
//!   has left ([`give_memory_back`]).
//!
//! With feature `http`, [`serve`] serves an HTTP server's routes behind a door, each
//! connection given [`HEADER_TIME`] to send a request's headers (`door/http.rs`), and
//! [`Connections`] serves connections accepted otherwise with the same deadline.
//!
//! The class server (`workbook-full`'s `class serve`) and lesson 16's gateway are served
//! through it, and lesson 16's TLS handshakes go through this door.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Arc, Mutex};

#[cfg(feature = "http")]
mod http;
#[cfg(feature = "http")]
pub use http::{Connections, HEADER_TIME, serve};

/// Open files kept for everything else: a database, its journal, the log, Redis.
pub const SPARE_FILES: u64 = 64;

/// Who is inside: connections in all, and from each address.
pub struct Door {
    most: usize,
    share: usize,
    open: Mutex<Open>,
}

#[derive(Default)]
struct Open {
    all: usize,
    from: HashMap<IpAddr, usize>,
    /// The most held at once since memory was last given back.
    peak: usize,
}

/// A connection let in; it counts until it is dropped.
pub struct Inside {
    door: Arc<Door>,
    from: IpAddr,
}

/// Why a connection was not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Full {
    /// The door holds its most, from everyone.
    All { most: usize },
    /// The caller's address holds its share.
    Share { share: usize },
}

impl Door {
    /// A door that lets in `most` at once (at least 4), a quarter of them from one address.
    pub fn new(most: usize) -> Arc<Door> {
        let most = most.max(4);
        Arc::new(Door {
            most,
            share: most / 4,
            open: Mutex::new(Open::default()),
        })
    }

    /// How many it lets in at once.
    pub fn most(&self) -> usize {
        self.most
    }

    /// How many it lets in at once from one address.
    pub fn share(&self) -> usize {
        self.share
    }

    // ANCHOR: enter
    /// Lets a connection from `from` in, unless the door holds its most or that address its
    /// share.
    pub fn enter(self: &Arc<Door>, from: IpAddr) -> Result<Inside, Full> {
        let from = household(from);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let theirs = open.from.get(&from).copied().unwrap_or(0);
        if theirs >= self.share {
            return Err(Full::Share { share: self.share });
        }
        if open.all >= self.most {
            return Err(Full::All { most: self.most });
        }
        open.all += 1;
        open.from.insert(from, theirs + 1);
        Ok(Inside {
            door: self.clone(),
            from,
        })
    }
    // ANCHOR_END: enter
}

/// The address a connection counts under: an IPv6 address's first 64 bits (an IPv4 one
/// written as IPv6 is IPv4).
fn household(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let network = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(network))
        }
        v4 => v4,
    }
}

impl Drop for Inside {
    fn drop(&mut self) {
        let mut open = self.door.open.lock().unwrap_or_else(|e| e.into_inner());
        open.all -= 1;
        if let Some(count) = open.from.get_mut(&self.from) {
            *count -= 1;
            if *count == 0 {
                open.from.remove(&self.from);
            }
        }
        // A crowd left (three quarters of the most held since the last time): what their
        // connections took goes back to the system.
        open.peak = open.peak.max(open.all + 1);
        if open.peak >= CROWD && open.all <= open.peak / 4 {
            open.peak = open.all;
            give_memory_back();
        }
    }
}

/// How many connections at once make a crowd worth giving memory back after: a crowd of
/// 1,000 leaving gives it back at 250 left, at 62 and at 15.
const CROWD: usize = 64;

/// The most connections a process that may open `files` files lets in at once: fewer than
/// its files, by [`SPARE_FILES`], at least 16 and at most `cap`.
pub fn most_for_files(files: u64, cap: usize) -> usize {
    (files.saturating_sub(SPARE_FILES) as usize).clamp(16, cap.max(16))
}

/// Raises this process's limit of open files to the most it may have (its "hard" limit),
/// and returns the limit it has now. Many systems start a program with 1,024, which a few
/// hundred connections and a script can use up.
pub fn raise_file_limit() -> u64 {
    #[cfg(unix)]
    {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: `limit` is a valid rlimit for the call to fill and to read.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
            return 1024;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            // SAFETY: as above; a refusal leaves the limit as it was.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                limit = raised;
            }
        }
        // `rlim_t` is u64 on Linux and macOS, and may be narrower elsewhere.
        #[allow(clippy::unnecessary_cast)]
        let files = limit.rlim_cur as u64;
        files
    }
    #[cfg(not(unix))]
    {
        1024
    }
}

/// Gives the memory freed by the process back to the system, where the allocator keeps it
/// (glibc's `malloc_trim`; other allocators give large blocks back by themselves).
pub fn give_memory_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists.
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    #[test]
    fn one_address_fills_its_share_and_others_still_get_in() {
        let door = Door::new(16);
        let flood: Vec<Inside> = (0..4)
            .map(|_| door.enter(ip("10.0.0.1")).unwrap())
            .collect();
        assert_eq!(
            door.enter(ip("10.0.0.1")).err(),
            Some(Full::Share { share: 4 })
        );
        let other = door.enter(ip("10.0.0.2"));
        assert!(other.is_ok(), "another address is let in");
        drop(flood);
        assert!(door.enter(ip("10.0.0.1")).is_ok(), "a share comes back");
    }

    #[test]
    fn the_door_holds_its_most_from_everyone() {
        let door = Door::new(8);
        let inside: Vec<Inside> = (1..=4)
            .flat_map(|n| {
                let door = door.clone();
                (0..2).map(move |_| door.enter(ip(&format!("10.0.0.{n}"))).unwrap())
            })
            .collect();
        assert_eq!(inside.len(), 8);
        assert_eq!(
            door.enter(ip("10.0.0.9")).err(),
            Some(Full::All { most: 8 })
        );
    }

    #[test]
    fn an_ipv6_host_counts_as_its_slash_64() {
        let door = Door::new(8);
        let held: Vec<Inside> = (1..=2)
            .map(|n| door.enter(ip(&format!("2001:db8::{n}"))).unwrap())
            .collect();
        assert_eq!(
            door.enter(ip("2001:db8::ffff:1")).err(),
            Some(Full::Share { share: 2 }),
            "another address of the same /64"
        );
        assert!(door.enter(ip("2001:db8:0:1::1")).is_ok(), "another /64");
        assert!(door.enter(ip("::ffff:10.0.0.1")).is_ok(), "IPv4 as IPv6");
        drop(held);
    }
}
