//! The relay in-process: bytes pass unchanged, decoded copies reach the feed.

use super::*;

fn args(lesson: Option<&str>, to: Option<&str>, protocol: Option<Protocol>) -> WireArgs {
    WireArgs {
        lesson: lesson.map(String::from),
        listen: None,
        to: to.map(|to| to.parse().unwrap()),
        protocol,
        print: false,
    }
}

#[test]
fn lessons_relay_on_their_port_plus_200() {
    let relays = plan(&args(Some("03"), None, None)).unwrap();
    let shown: Vec<String> = relays
        .iter()
        .map(|(l, t, p)| format!("{l} {t} {}", p.name()))
        .collect();
    assert_eq!(
        shown,
        [
            "127.0.0.1:7203 127.0.0.1:7003 jsonrpc",
            "127.0.0.1:7303 127.0.0.1:7103 http"
        ]
    );
    assert_eq!(
        plan(&args(Some("grpc"), None, None)).unwrap()[0].0.port(),
        7205
    );
    assert!(
        plan(&args(Some("04"), None, None))
            .unwrap_err()
            .to_string()
            .contains("no server")
    );
    assert!(plan(&args(Some("09"), None, None)).is_err());
    let custom = plan(&args(None, Some("127.0.0.1:8500"), Some(Protocol::Http))).unwrap();
    assert_eq!(custom[0].0.port(), 8700);
    assert!(plan(&args(None, Some("10.0.0.1:8500"), Some(Protocol::Http))).is_err());
}
