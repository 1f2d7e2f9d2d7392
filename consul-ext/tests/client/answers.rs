//! What `healthy_instances` makes of answers a Consul agent should not give: each becomes an
//! error that says what came back. A one-shot HTTP responder plays the agent.

use consul_ext::{Error, healthy_instances};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Serves one connection with `response` (status line, headers, body) and returns the URL.
async fn agent_answering(response: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = stream.read(&mut request).await;
        stream.write_all(response.as_bytes()).await.unwrap();
    });
    url
}

#[tokio::test]
async fn an_error_status_carries_consuls_plain_text_message() {
    let url = agent_answering(
        "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 23\r\nConnection: close\r\n\r\n\
         No path to datacenter\r\n",
    )
    .await;
    let error = healthy_instances(&url, "web", None).await.unwrap_err();
    assert!(
        matches!(error, Error::Status { status: 500, .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("No path to datacenter"),
        "{error}"
    );
}

#[tokio::test]
async fn an_answer_without_an_index_is_an_error() {
    let url = agent_answering(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\
         Connection: close\r\n\r\n[]",
    )
    .await;
    let error = healthy_instances(&url, "web", None).await.unwrap_err();
    assert!(matches!(error, Error::MissingIndex { .. }), "{error:?}");
}

#[tokio::test]
async fn an_answer_that_is_not_consuls_json_is_an_error() {
    let url = agent_answering(
        "HTTP/1.1 200 OK\r\nX-Consul-Index: 3\r\nContent-Length: 12\r\n\
         Connection: close\r\n\r\n{\"web\": true",
    )
    .await;
    let error = healthy_instances(&url, "web", None).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}
