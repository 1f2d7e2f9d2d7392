//! Exercise `tcp.echo`: echo one connection until the client closes it.
//!
//! The smallest server there is: accept one client, then read and write until `read`
//! returns 0 — which on a socket means the other side closed its sending half (EOF).

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts one connection on `listener`, writes back every byte it reads, and returns
/// `Ok(())` once the client has closed its side.
pub async fn echo_one(listener: TcpListener) -> io::Result<()> {
    // TODO: accept one connection (`listener.accept()` gives the stream and the peer's address).
    // TODO: loop: `read` into a buffer; 0 bytes means EOF, so return Ok(());
    //       otherwise `write_all` exactly the bytes you read.
    todo!("accept one connection and echo it until EOF")
}
