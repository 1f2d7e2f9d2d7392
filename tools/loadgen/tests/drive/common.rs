//! What the integration tests share: short runs, and tiny servers on `127.0.0.1:0`.

#![allow(dead_code)] // each test file uses a different part

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use loadgen::Protocol;
use loadgen::runner::{Options, Settings};
use loadgen::stats::Report;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The settings of a short run against `addr`: long enough for many requests, short
/// enough for a test.
pub async fn short_settings(addr: SocketAddr, connections: usize, pipeline: usize) -> Settings {
    let options = Options {
        addr: addr.to_string(),
        connections,
        pipeline,
        warmup: Duration::from_millis(50),
        duration: Duration::from_millis(300),
    };
    options
        .check()
        .await
        .expect("loopback settings are accepted")
}

/// Runs `protocol` against `addr` for a short while. Fails the test if the run itself fails
/// or does not end in time.
pub async fn short_run(
    protocol: Protocol,
    addr: SocketAddr,
    connections: usize,
    pipeline: usize,
) -> Report {
    let settings = short_settings(addr, connections, pipeline).await;
    // A run lasts warm-up + duration + at most the drain (2 s): well inside the patience.
    testkit::within("the run to end", loadgen::run(protocol, &settings))
        .await
        .expect("the run starts")
}

/// Asserts a run of a right server was answered and saw no error. Answers, not measured
/// requests: on a machine busy with the rest of the suite, a run's first call (over TLS,
/// its first stream) may take longer than the whole short window, and is then answered
/// after it, which says as much about the server as a measured one.
pub fn assert_clean(report: &Report) {
    assert_eq!(report.errors(), 0, "no errors expected:\n{report}");
    assert!(report.replies_total() > 0, "answers expected:\n{report}");
}

/// The number of errors of `kind` in `report`.
pub fn errors_of(report: &Report, kind: &str) -> u64 {
    report
        .error_kinds()
        .iter()
        .filter(|(k, _, _)| *k == kind)
        .map(|(_, n, _)| n)
        .sum()
}

/// Serves a line protocol: `answer` maps each request line to its reply line (`None`
/// sends nothing back).
pub async fn line_server(
    answer: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> SocketAddr {
    let answer = Arc::new(answer);
    serve(move |stream| {
        let answer = answer.clone();
        async move {
            let (reader, mut writer) = stream.into_split();
            let mut lines = BufReader::new(reader).lines();
            // deadline: a peer of the test, serving until the client under test hangs up;
            // the test's own waits on the client are bounded
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(mut reply) = answer(&line) {
                    reply.push('\n');
                    if writer.write_all(reply.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        }
    })
    .await
}

/// Serves lesson 02's frames: `answer` maps each request (parsed JSON) to a reply. The
/// requests that arrive in one read are answered in reverse order, as a server that
/// handles requests concurrently might.
pub async fn frame_server(
    answer: impl Fn(serde_json::Value) -> serde_json::Value + Send + Sync + 'static,
) -> SocketAddr {
    let answer = Arc::new(answer);
    serve(move |mut stream| {
        let answer = answer.clone();
        async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            // deadline: a peer of the test, as `line_server`'s
            loop {
                let n = match stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => n,
                };
                buf.extend_from_slice(&chunk[..n]);
                let mut replies = Vec::new();
                while buf.len() >= 4 {
                    let len = u32::from_be_bytes(buf[..4].try_into().unwrap()) as usize;
                    if buf.len() < 4 + len {
                        break;
                    }
                    let request = serde_json::from_slice(&buf[4..4 + len]).unwrap();
                    buf.drain(..4 + len);
                    replies.push(answer(request));
                }
                let mut out = Vec::new();
                for reply in replies.iter().rev() {
                    let json = serde_json::to_vec(reply).unwrap();
                    out.extend_from_slice(&(json.len() as u32).to_be_bytes());
                    out.extend_from_slice(&json);
                }
                if stream.write_all(&out).await.is_err() {
                    return;
                }
            }
        }
    })
    .await
}

/// Accepts connections on a free loopback port and runs `handle` for each.
pub async fn serve<F, Fut>(handle: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handle(stream));
        }
    });
    addr
}
