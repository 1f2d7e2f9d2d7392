//! The echo client: dial, send lines, print what comes back.
//!
//! Sending and receiving run at the same time. A client that sent everything before
//! reading anything would deadlock on a large input: the server stops reading once its
//! replies fill the socket buffers, and the client stops writing once its requests do.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;

// ANCHOR: run
/// Copies `input` to the server and the server's replies to `output`, both at once. When
/// `input` ends the client closes its sending side (the server sees EOF) and then waits
/// for the server to finish replying and close.
pub async fn run(
    stream: TcpStream,
    mut input: impl AsyncRead + Unpin,
    mut output: impl AsyncWrite + Unpin,
) -> io::Result<()> {
    let (mut from_server, mut to_server) = stream.into_split();
    let send = async {
        tokio::io::copy(&mut input, &mut to_server).await?;
        to_server.shutdown().await // "I am done sending": the server reads EOF
    };
    let receive = async {
        tokio::io::copy(&mut from_server, &mut output).await?;
        output.flush().await
    };
    tokio::try_join!(send, receive)?;
    Ok(())
}
// ANCHOR_END: run
