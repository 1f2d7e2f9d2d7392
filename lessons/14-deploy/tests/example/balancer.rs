//! The load's balancer: a gateway that did not take a call is set aside, and takes calls
//! again only after it has answered its own `/metrics` — as a load balancer's health check
//! brings a host back into rotation.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use l14_deploy::balancer::Gateways;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// The paths a gateway was asked for, in order, and a bell rung at each.
#[derive(Default)]
struct Asked {
    paths: Mutex<Vec<String>>,
    bell: Notify,
}

/// A gateway on `listener` that answers every request 200 and writes its path down.
fn serve(listener: TcpListener, asked: Arc<Asked>) {
    serve_as(listener, asked, "200 OK");
}

/// A gateway on `listener` that answers every request `status` and writes its path down.
fn serve_as(listener: TcpListener, asked: Arc<Asked>, status: &'static str) {
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let asked = asked.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 1024];
                let Ok(read) = stream.read(&mut request).await else {
                    return;
                };
                // The balancer's GETs only: a stray client of another test may knock too.
                let line = String::from_utf8_lossy(&request[..read]).to_string();
                if let Some(path) = line.strip_prefix("GET ").and_then(|l| l.split(' ').next()) {
                    asked.paths.lock().unwrap().push(path.to_string());
                    asked.bell.notify_waiters();
                }
                let reply = format!(
                    "HTTP/1.1 {status}\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                );
                let _ = stream.write_all(reply.as_bytes()).await;
            });
        }
    });
}

#[tokio::test]
async fn a_gateway_set_aside_takes_calls_again_once_its_metrics_answer() {
    let first = Arc::new(Asked::default());
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let first_base = format!("http://{}", listener.local_addr().unwrap());
    serve(listener, first.clone());
    // The second gateway's port, with nothing listening on it yet: a host not back.
    let second_port = testkit::ReservedPort::new();
    let gateways = Gateways::new(&[first_base, format!("http://{}", second_port.addr())]);
    let client = reqwest::Client::new();

    // A call that begins at the second gateway is refused there and answered by the first.
    let answer = gateways.get(&client, "/user/call", 1, true).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(first.paths.lock().unwrap().as_slice(), ["/user/call"]);

    // The host comes back. The balancer asks it whether it answers before it sends it a call.
    let second = Arc::new(Asked::default());
    let listener = second_port.listen();
    listener.set_nonblocking(true).unwrap();
    serve(TcpListener::from_std(listener).unwrap(), second.clone());
    let asked_for = |path: &str| second.paths.lock().unwrap().iter().any(|p| p == path);
    let back = async {
        // Its `/metrics` asked (every 100 ms while it is set aside)…
        loop {
            // Armed before looking, so that no request is missed between the two.
            let rung = second.bell.notified();
            if asked_for(micro::metrics::PATH) {
                break;
            }
            rung.await;
        }
        // …and answered, it is in the rotation again: a call that begins there goes there.
        while !asked_for("/user/call") {
            let answer = gateways.get(&client, "/user/call", 1, true).await.unwrap();
            assert_eq!(answer.status(), 200);
        }
    };
    tokio::time::timeout(Duration::from_secs(10), back)
        .await
        .expect("the second gateway takes calls again within 10 s of coming back");
    let asked = second.paths.lock().unwrap().clone();
    assert_eq!(
        asked.first().map(String::as_str),
        Some(micro::metrics::PATH),
        "asked its /metrics before any call: {asked:?}"
    );
}

/// Two gateways, the first answering every call `status`: the status the balancer's call
/// ends with, and how many calls each gateway was asked.
async fn first_answering(status: &'static str) -> (u16, usize, usize) {
    let (first, second) = (Arc::new(Asked::default()), Arc::new(Asked::default()));
    let mut bases = Vec::new();
    for (asked, status) in [(&first, status), (&second, "200 OK")] {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        bases.push(format!("http://{}", listener.local_addr().unwrap()));
        serve_as(listener, asked.clone(), status);
    }
    let gateways = Gateways::new(&bases);
    let client = reqwest::Client::new();
    let answer = gateways.get(&client, "/user/call", 0, true).await.unwrap();
    let asked = |asked: &Asked| asked.paths.lock().unwrap().len();
    (answer.status().as_u16(), asked(&first), asked(&second))
}

#[tokio::test]
async fn a_503_goes_on_to_the_next_gateway_and_a_502_or_504_is_the_answer() {
    // 503: no node ran it, so the next gateway may have it.
    assert_eq!(
        first_answering("503 Service Unavailable").await,
        (200, 1, 1)
    );
    // 502 and 504: it may have run; the gateway already retried what it could.
    assert_eq!(first_answering("502 Bad Gateway").await, (502, 1, 0));
    assert_eq!(first_answering("504 Gateway Timeout").await, (504, 1, 0));
}
