//! Exercise `tcp.many`: serve many clients at once.
//!
//! A loop that accepts a client and echoes it to the end before accepting the next serves
//! one client at a time: a client that connects and then says nothing stops everyone else.
//! A server must be back at `accept` while the clients it already has are still being served.

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Accepts connections forever and echoes each one (every byte back, until its EOF)
/// in a task of its own, so that a slow client never blocks the others.
pub async fn serve_many(listener: TcpListener) -> io::Result<()> {
    loop {
        // TODO: accept the next client and get it served by `echo` without waiting for it:
        //       the test's first client never says a word, and fifty others must still be
        //       echoed. One client's failure must not stop the server.
        todo!("accept connections and spawn a task for each")
    }
}

/// Echoes one connection until EOF (what `tcp.echo` did after its accept).
async fn echo(mut stream: TcpStream) -> io::Result<()> {
    // TODO: the echo of `tcp.echo`: every byte back, until the client closes its side.
    todo!("echo one connection until EOF")
}
