use super::*;
use crate::wire::message::Direction;

#[test]
fn the_ring_keeps_the_last_events_and_bounds_their_bytes() {
    let hub = Hub::new(false);
    let source = Source {
        relay: "127.0.0.1:7201".into(),
        to: "127.0.0.1:7001".into(),
        protocol: "lines",
    };
    for index in 0..RING + 10 {
        let mut message = Message::new(Direction::ToServer, &vec![b'x'; 3000], format!("{index}"));
        message.span(0, 2000, "all of it");
        message.span(2000, 3000, "past the view");
        hub.publish(&source, 1, message);
    }
    let (kept, _) = hub.watch();
    assert_eq!(kept.len(), RING);
    assert_eq!(kept[0].summary, "10");
    assert_eq!(kept[0].size, 3000);
    assert!(kept[0].truncated);
    assert_eq!(kept[0].hex.len(), VIEW_BYTES * 3 - 1);
    assert_eq!(kept[0].spans.len(), 1);
    assert_eq!(kept[0].spans[0].end, VIEW_BYTES);
}

#[test]
fn a_print_line_says_it_all_on_one_line() {
    let hub = Hub::new(false);
    let source = Source {
        relay: "127.0.0.1:7201".into(),
        to: "127.0.0.1:7001".into(),
        protocol: "lines",
    };
    let event = hub.event(
        &source,
        3,
        Message::broken(Direction::ToClient, b"abc", "why"),
    );
    assert!(
        event.line().ends_with(" #3 ← 3 B BROKEN  why"),
        "{}",
        event.line()
    );
    assert_eq!(
        event.line().len(),
        "12:00:00.000".len() + " #3 ← 3 B BROKEN  why".len()
    );
}
