//! Exercise `tcp.echo`: echo one connection until the client closes it.
//!
//! The smallest server there is: one client, and every byte it sends comes back to it, until
//! it closes its sending half (EOF).

use std::io;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Accepts one connection on `listener`, writes back every byte it reads, and returns
/// `Ok(())` once the client has closed its side.
pub async fn echo_one(listener: TcpListener) -> io::Result<()> {
    // TODO: serve one client as the doc comment says: every byte it sends comes back, in
    //       order, no more and no fewer, however much it sends and however it is cut up on
    //       the way. How does a socket tell you that the client has closed its side?
    todo!("accept one connection and echo it until EOF")
}
