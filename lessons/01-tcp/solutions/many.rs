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
        let (stream, _peer) = listener.accept().await?;
        // The task owns its stream; the loop goes straight back to `accept`.
        tokio::spawn(async move {
            // One client's error (say, a reset) ends that client's task and nothing else.
            let _ = echo(stream).await;
        });
    }
}

/// Echoes one connection until EOF (what `tcp.echo` did after its accept).
async fn echo(mut stream: TcpStream) -> io::Result<()> {
    let mut buffer = [0u8; 4096];
    loop {
        let n = stream.read(&mut buffer).await?;
        if n == 0 {
            return Ok(());
        }
        stream.write_all(&buffer[..n]).await?;
    }
}
