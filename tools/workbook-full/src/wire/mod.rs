//! The live wire view, for learners: every message between their client and their server,
//! decoded, as it happens.
//!
//! `workbook wire 05` starts a relay on the lesson's port + 200 (lesson 05's server is on
//! 7005, the relay on 7205). A learner points their client at the relay; it passes every
//! byte on unchanged, both ways, and decodes a copy with the lesson's protocol. The book
//! server shows the messages at `/wire`, live; `--print` writes one line per message too,
//! which is how the book's chapters show a session.
//!
//! - `relay.rs`: the TCP relay, and the bounded hand-off to the decoders;
//! - one decoder per protocol: `lines.rs` (lessons 01 and 03), `frames.rs` (lesson 02),
//!   `http1.rs` (lesson 03 over HTTP, Consul's API), `http2.rs` with `hpack.rs`, `grpc.rs`
//!   and `protobuf.rs` (lessons 05–08), `nats.rs` (lesson 12), `rpcx.rs` (lesson 13), all
//!   behind `message.rs`'s
//!   [`Decode`]; `broker.rs` reads go-micro's broker messages inside HTTP and NATS;
//! - `ring.rs`: the last messages in bounded memory, and the feed the book server reads;
//! - `/wire`, the page the learner watches, is the book server's (`workbook_book::wire_page`):
//!   it reads the feeds this command writes down.
//!
//! Loopback only: the relay listens, and forwards, on 127.0.0.1.

mod broker;
mod frames;
mod grpc;
mod hpack;
mod http1;
mod http2;
mod lines;
mod message;
mod nats;
mod protobuf;
mod relay;
mod ring;
mod rpcx;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use tokio::net::TcpListener;
use workbook_core::language::messages::{Cmd, io_error, say};
use workbook_core::ports::Layout;

pub use message::Decode;
pub use workbook::cli::wire::{Protocol, WireArgs};
use workbook_book::wire_page as page;

use ring::{Hub, Source};

/// How far a relay's port is from the server's: lesson NN's second listener already uses
/// 71NN, so relays take 72NN (and 73NN for a second listener).
pub const RELAY_OFFSET: u16 = 200;

/// A new decoder for `protocol`, for one connection.
pub fn decoder(protocol: Protocol) -> Box<dyn Decode> {
    match protocol {
        Protocol::Lines => Box::new(lines::Lines::text()),
        Protocol::Frames => Box::<frames::Frames>::default(),
        Protocol::Jsonrpc => Box::new(lines::Lines::json_rpc()),
        Protocol::Http => Box::<http1::Http1>::default(),
        Protocol::Grpc => Box::<http2::Http2>::default(),
        Protocol::Nats => Box::<nats::Nats>::default(),
        Protocol::Rpcx => Box::<rpcx::Rpcx>::default(),
    }
}

/// Each lesson's servers, as the view knows them: the lesson's folder, and each server's
/// port and protocol.
const LESSONS: [(&str, &[(u16, Protocol)]); 8] = [
    ("01-tcp", &[(7001, Protocol::Lines)]),
    (
        "02-rpc",
        &[(7002, Protocol::Frames), (7102, Protocol::Frames)],
    ),
    (
        "03-jsonrpc",
        &[(7003, Protocol::Jsonrpc), (7103, Protocol::Http)],
    ),
    ("04-protobuf", &[]),
    ("05-grpc", &[(7005, Protocol::Grpc)]),
    // Lesson 11's services find each other through the registry, at the addresses they
    // registered: a relay cannot stand between them. `micro api` is called by address.
    ("11-micro", &[(8080, Protocol::Http)]),
    // Lesson 12's brokers: the HTTP broker's subscriber on 7012 (a publisher POSTs to the
    // address it registered, so only what is sent to the relay goes through it: `curl`),
    // and the NATS server on 4222 (`--broker-address nats://127.0.0.1:4422`).
    (
        "12-events",
        &[(7012, Protocol::Http), (4222, Protocol::Nats)],
    ),
    // Lesson 13's server; a client calls the relay with `--addr 127.0.0.1:7213` (through
    // etcd, clients call the address each server registered, not the relay).
    ("13-rpcx", &[(7013, Protocol::Rpcx)]),
];

/// Whether `name` is what a learner may call the lesson in `folder` (`05-grpc`): its
/// number `05` or `5`, its topic `grpc`, its folder, or its package `l05-grpc`.
fn names_lesson(name: &str, folder: &str) -> bool {
    let (number, topic) = folder.split_once('-').unwrap_or((folder, ""));
    [number, number.trim_start_matches('0'), topic, folder].contains(&name)
        || name.strip_prefix('l') == Some(folder)
}

/// What to relay: (listen, to, protocol) for each relay. A lesson's servers are where
/// `layout` puts them. A relay listens where `--listen` says, else 200 above its server's
/// port (the book's 72NN); with a base port, whose block of 100 has no room for relays,
/// on a free port the system picks, which `run` prints.
fn plan(args: &WireArgs, layout: Layout) -> Result<Vec<(SocketAddr, SocketAddr, Protocol)>> {
    let loopback = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
    // The servers: the lesson's (or those given instead), or those given with --protocol.
    let mut servers: Vec<(SocketAddr, Protocol)> = match &args.lesson {
        Some(lesson) => {
            let Some((_, servers)) = LESSONS
                .iter()
                .find(|(folder, _)| names_lesson(lesson, folder))
            else {
                bail!(say(Cmd::WireUnknownLesson, &[]));
            };
            if servers.is_empty() {
                bail!(say(Cmd::WireLesson04, &[]));
            }
            servers
                .iter()
                .map(|&(port, protocol)| (layout.moved(port), protocol))
                .collect()
        }
        None if args.protocol.len() == args.to.len() => args
            .to
            .iter()
            .copied()
            .zip(args.protocol.iter().copied())
            .collect(),
        None => bail!(say(Cmd::WireProtocolPerTo, &[])),
    };
    if args.lesson.is_some() && !args.to.is_empty() {
        if args.to.len() != servers.len() {
            bail!(say(Cmd::WireToPerServer, &[("count", &servers.len())]));
        }
        for ((server, _), to) in servers.iter_mut().zip(&args.to) {
            *server = *to;
        }
    }
    if !args.listen.is_empty() && args.listen.len() != servers.len() {
        bail!(say(Cmd::WireListenPerServer, &[("count", &servers.len())]));
    }
    let relays: Vec<_> = servers
        .iter()
        .enumerate()
        .map(|(index, &(to, protocol))| {
            let listen = args.listen.get(index).copied();
            let beside = match layout.base() {
                Some(_) => 0,
                None => to.port().saturating_add(RELAY_OFFSET),
            };
            let listen = listen.unwrap_or_else(|| loopback(beside));
            (listen, to, protocol)
        })
        .collect();
    for (listen, to, _) in &relays {
        if !listen.ip().is_loopback() || !to.ip().is_loopback() {
            bail!(say(
                Cmd::WireLoopbackOnly,
                &[("listen", listen), ("to", to)]
            ));
        }
    }
    Ok(relays)
}

/// `workbook wire`: relays until Ctrl-C or SIGTERM.
pub async fn run(root: &Path, args: WireArgs) -> Result<()> {
    let relays = plan(&args, Layout::of(root, None)?)?;
    let hub = Arc::new(Hub::new(args.print));
    let mut sources = Vec::new();
    for (listen, to, protocol) in relays {
        let listener = TcpListener::bind(listen).await.map_err(|err| {
            let cannot = say(Cmd::WireCannotListen, &[("listen", &listen)]);
            anyhow::anyhow!("{cannot}: {}", io_error(&err))
        })?;
        let relay = listener.local_addr()?;
        let name = protocol.name();
        let relaying = say(
            Cmd::WireRelay,
            &[("protocol", &name), ("relay", &relay), ("to", &to)],
        );
        eprintln!("wire: {relaying}");
        let source = Source {
            relay: relay.to_string(),
            to: to.to_string(),
            protocol: protocol.name(),
        };
        sources.push(source.clone());
        tokio::spawn(relay::serve(listener, to, protocol, source, hub.clone()));
    }

    // The feed the book server's `/wire` page reads, written down where it looks.
    let feed = TcpListener::bind("127.0.0.1:0")
        .await
        .context("cannot open the feed")?;
    let feed_addr = feed.local_addr()?;
    let folder = page::feeds_folder(root);
    forget_stale_feeds(&folder);
    let feed_file = folder.join(format!("{}.feed", std::process::id()));
    std::fs::create_dir_all(&folder)
        .and_then(|()| std::fs::write(&feed_file, feed_addr.to_string()))
        .with_context(|| format!("cannot write {}", feed_file.display()))?;
    eprintln!("wire: {}", say(Cmd::WireFeed, &[("feed", &feed_addr)]));
    let clients: Vec<&str> = sources.iter().map(|s| s.relay.as_str()).collect();
    let book_port = Layout::of(root, None).unwrap_or(Layout::STANDARD).book();
    let page = format!("http://127.0.0.1:{book_port}/wire");
    let relays = clients.join(&say(Cmd::WireOr, &[]));
    let point = say(
        Cmd::WirePointClient,
        &[("relays", &relays), ("page", &page)],
    );
    eprintln!("wire: {point}");
    // The page is the book server's: say so when nothing answers there, rather than send the
    // learner to a refused address.
    let book_addr = SocketAddr::from(([127, 0, 0, 1], book_port));
    if !crate::system::probe::port_taken(book_addr) {
        let command = workbook_core::ui::command("book");
        // With `--print` the messages are on this terminal already: no need to suggest it.
        let message = if args.print {
            Cmd::WireNoBookPrinting
        } else {
            Cmd::WireNoBook
        };
        let warning = say(message, &[("page", &page), ("command", &command)]);
        eprintln!("wire: {warning}");
    }
    tokio::spawn(ring::serve_feed(feed, hub, sources));

    shared::signal::shutdown().await;
    let _ = std::fs::remove_file(&feed_file);
    Ok(())
}

#[cfg(test)]
mod tests;

/// Removes the feeds of relays that are gone without saying so (killed): nothing listens
/// on their address any more.
pub fn forget_stale_feeds(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        let address = std::fs::read_to_string(&path).unwrap_or_default();
        let alive = (address.trim().parse()).is_ok_and(crate::system::probe::port_taken);
        if !alive && path.extension().is_some_and(|ext| ext == "feed") {
            let _ = std::fs::remove_file(path);
        }
    }
}
