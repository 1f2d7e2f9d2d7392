//! Exercise `tcp.many`: serve many clients at once.
//!
//! A loop that accepts a client and echoes it to the end before accepting the next serves
//! one client at a time: a client that connects and then says nothing stops everyone else.
//! The cure is one task per connection — tasks are cheap, thousands are fine.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections forever and echoes each one (every byte back, until its EOF)
/// in a task of its own, so that a slow client never blocks the others.
pub async fn serve_many(listener: TcpListener) -> io::Result<()> {
    loop {
        // TODO: accept the next connection, then `tokio::spawn` a task that runs `echo`
        //       on it, so the loop is back at `accept` at once.
        todo!("accept connections and spawn a task for each")
    }
}

/// Echoes one connection until EOF (what `tcp.echo` did after its accept).
async fn echo(mut stream: TcpStream) -> io::Result<()> {
    // TODO: read and write back until `read` returns 0.
    todo!("echo one connection until EOF")
}
