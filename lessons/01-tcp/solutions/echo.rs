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
    let (mut stream, _peer) = listener.accept().await?;
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        // `write` may write only part of the buffer; `write_all` loops until all is written.
        stream.write_all(&buffer[..n]).await?;
    }
}
