//! The relay: a TCP server that passes every byte to the real server and back, unchanged,
//! and hands a copy to a decoder.
//!
//! Forwarding never waits for decoding. Each connection's copies go through a bounded
//! channel to its own decoding task; when the channel is full the copy is dropped (the
//! bytes themselves were already forwarded), the decoder is told how many bytes it missed,
//! and it stops decoding that connection, saying so. A decoder that panics ends its own
//! task, and the bytes keep flowing.

use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::Protocol;
use super::message::{Decode, Direction, Message};
use super::ring::{Hub, Source};

/// How many chunks may wait for a connection's decoder before copies are dropped: at
/// most 1 MiB a connection (64 reads of [`CHUNK`]).
const BACKLOG: usize = 64;

/// The size of one read.
const CHUNK: usize = 16 * 1024;

/// What the forwarding side tells a decoder.
enum ToDecoder {
    Bytes(Direction, Bytes),
    /// This many bytes went by that the decoder did not get.
    Missed(Direction, usize),
    /// The direction has ended.
    End(Direction),
    /// The connection is over, and how: said after its last message.
    Closed(String),
}

/// Accepts connections on `listener` and relays each to `to`, until the task is dropped.
pub async fn serve(
    listener: TcpListener,
    to: SocketAddr,
    protocol: Protocol,
    source: Source,
    hub: Arc<Hub>,
) {
    serve_with(listener, to, move || super::decoder(protocol), source, hub).await
}

/// [`serve`], with `decoder` making each connection's decoder.
pub async fn serve_with(
    listener: TcpListener,
    to: SocketAddr,
    decoder: impl Fn() -> Box<dyn Decode> + Send + Sync + Copy + 'static,
    source: Source,
    hub: Arc<Hub>,
) {
    let source = Arc::new(source);
    loop {
        let Ok((client, peer)) = listener.accept().await else {
            continue;
        };
        let (hub, source) = (hub.clone(), source.clone());
        tokio::spawn(async move {
            let connection = hub.next_connection();
            hub.publish(
                &source,
                connection,
                Message::note(format!("connection from {peer}")),
            );
            relay(client, to, decoder(), connection, &source, &hub).await;
        });
    }
}

/// Relays one connection until both directions end, then says how it ended.
async fn relay(
    client: TcpStream,
    to: SocketAddr,
    decoder: Box<dyn Decode>,
    connection: u64,
    source: &Arc<Source>,
    hub: &Arc<Hub>,
) {
    let server = match TcpStream::connect(to).await {
        Ok(server) => server,
        Err(error) => {
            let why =
                format!("closed: the server at {to} cannot be reached ({error}); is it running?");
            return hub.publish(source, connection, Message::note(why));
        }
    };
    let (copies, decoding) = mpsc::channel(BACKLOG);
    tokio::spawn(decode(
        decoding,
        decoder,
        connection,
        source.clone(),
        hub.clone(),
    ));
    let outcome = forward(client, server, copies.clone()).await;
    // Said after the decoder's last message; by the relay itself if the decoder stopped.
    if let Err(unsaid) = copies.send(ToDecoder::Closed(outcome)).await
        && let ToDecoder::Closed(outcome) = unsaid.0
    {
        hub.publish(source, connection, Message::note(outcome));
    }
}

/// Forwards both directions until both end; returns how the connection ended.
async fn forward(client: TcpStream, server: TcpStream, copies: mpsc::Sender<ToDecoder>) -> String {
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (client_read, client_write) = client.into_split();
    let (server_read, server_write) = server.into_split();
    let to_server = pump(
        client_read,
        server_write,
        Direction::ToServer,
        copies.clone(),
    );
    let to_client = pump(server_read, client_write, Direction::ToClient, copies);
    tokio::pin!(to_server, to_client);
    // A clean end (EOF) of one direction is passed on as such, and the other goes on; a
    // failure of either ends both.
    let (mut server_done, mut client_done) = (false, false);
    while !(server_done && client_done) {
        let result = tokio::select! {
            result = &mut to_server, if !server_done => { server_done = true; result }
            result = &mut to_client, if !client_done => { client_done = true; result }
        };
        // Whether a peer that leaves meets a reset or a broken pipe depends on what was
        // still in flight when it left: a race, not something the view can show as a fact.
        // Every end reads "closed"; the error itself goes to the debug log.
        if let Err(error) = result {
            tracing::debug!("a relayed connection ended with an error: {error}");
            break;
        }
    }
    "closed".to_string()
}

/// Copies `from` into `to` until EOF, a copy of each chunk to the decoder if it has room.
async fn pump(
    mut from: OwnedReadHalf,
    mut to: OwnedWriteHalf,
    direction: Direction,
    copies: mpsc::Sender<ToDecoder>,
) -> std::io::Result<()> {
    let mut buffer = vec![0; CHUNK];
    let mut missed = 0;
    loop {
        let read = from.read(&mut buffer).await?;
        if read == 0 {
            // What the decoder has yet to hear: how much it missed, if the channel was full
            // to the last chunk (no later chunk will carry it), and the end. Sent on a task
            // of its own, as the decoder makes room: every byte has gone through already,
            // and the connection's end waits for no decoder.
            let missed = (missed > 0).then_some(ToDecoder::Missed(direction, missed));
            tokio::spawn(async move {
                for notice in missed.into_iter().chain([ToDecoder::End(direction)]) {
                    if copies.send(notice).await.is_err() {
                        break;
                    }
                }
            });
            return to.shutdown().await;
        }
        to.write_all(&buffer[..read]).await?;
        if missed > 0
            && copies
                .try_send(ToDecoder::Missed(direction, missed))
                .is_ok()
        {
            missed = 0;
        }
        if missed > 0
            || copies
                .try_send(ToDecoder::Bytes(
                    direction,
                    Bytes::copy_from_slice(&buffer[..read]),
                ))
                .is_err()
        {
            missed += read;
        }
    }
}

/// One connection's decoder, fed from the channel, until both directions end.
async fn decode(
    mut copies: mpsc::Receiver<ToDecoder>,
    mut decoder: Box<dyn Decode>,
    connection: u64,
    source: Arc<Source>,
    hub: Arc<Hub>,
) {
    let mut out = Vec::new();
    while let Some(copy) = copies.recv().await {
        let stop = match &copy {
            ToDecoder::Missed(direction, bytes) => Some(format!(
                "the decoder fell behind: {bytes} bytes {} went through undecoded; \
                 the rest of this connection is not decoded",
                direction.arrow()
            )),
            _ => None,
        };
        // A bug in a decoder must not take the relay down: its panic ends the decoding.
        let decoded = std::panic::catch_unwind(AssertUnwindSafe(|| match copy {
            ToDecoder::Bytes(direction, bytes) => decoder.feed(direction, &bytes, &mut out),
            ToDecoder::End(direction) => decoder.finish(direction, &mut out),
            ToDecoder::Missed(..) => {}
            ToDecoder::Closed(outcome) => out.push(Message::note(outcome)),
        }));
        for message in out.drain(..) {
            hub.publish(&source, connection, message);
        }
        let stop = stop.or_else(|| {
            decoded.is_err().then(|| {
                "the decoder failed on these bytes (a bug of the wire view); \
                                      the bytes still go through"
                    .to_string()
            })
        });
        if let Some(why) = stop {
            hub.publish(&source, connection, Message::note(why));
            return;
        }
    }
}
