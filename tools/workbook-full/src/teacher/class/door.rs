//! The server's door: how many connections it holds, from whom, and for how long. A room
//! shares a network with whatever runs in it, and a script there can open connections and
//! never finish a request; the class must go on for everyone else.
//!
//! The door is the course's own (`shared::door`, which lesson 16's gateway and handshakes go
//! through too), set here for a room:
//!
//! - every connection has 10 s to send a request's headers, whether it is new or waiting
//!   between two requests (`shared::door::HEADER_TIME`); a body has its own limit
//!   (`http/request.rs`). A client sending a byte every few seconds is closed, not held;
//! - the server holds at most so many connections, well below the open files the system
//!   gives it (raised to the most it may have at start, as servers do), and one address at
//!   most a quarter of them: one machine flooding fills its own quarter, not the room's. A
//!   connection past either is closed at once;
//! - stopping waits for requests in flight, for a few seconds at most;
//! - memory a flood took is given back when the crowd has left.

use std::sync::Arc;

use shared::door::{self, Door};

/// The most connections at once, however many files the system allows: a room of sixty
/// and their pages need a few hundred.
const MOST_CONNECTIONS: usize = 4096;

/// The class server's door, for as many open files as this process may have.
pub fn open() -> Arc<Door> {
    Door::new(door::most_for_files(
        door::raise_file_limit(),
        MOST_CONNECTIONS,
    ))
}
