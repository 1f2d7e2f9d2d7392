//! What no node should have to take: a question past 9000 bytes goes unanswered, and a flood
//! of questions is answered in part (and logged), while the node goes on answering others.

use micro::registry::Registry;
use micro::registry::mdns::wire;
use testkit::within;

use crate::program::mdns::{LONG_TTL, node_id, registry, run, server};
use crate::support::netns::inside;

#[test]
fn a_question_too_long_and_a_flood_of_questions_leave_a_node_answering() {
    if !inside("mdns::flood::a_question_too_long_and_a_flood_of_questions_leave_a_node_answering") {
        return;
    }
    run(async {
        use micro::registry::mdns::responder::ANSWERS_PER_SECOND;
        use micro::registry::mdns::socket::own;
        use std::net::{Ipv4Addr, SocketAddr};

        let server = server("greeter").await;
        let id = node_id("greeter", &server);
        let (service, instance) = (wire::service_name("greeter"), format!("{id}.greeter.micro"));
        let group = SocketAddr::from(wire::GROUP);
        let mut buffer = vec![0u8; 9001];
        let first_question = |message: &[u8]| {
            let packet = simple_dns::Packet::parse(message).unwrap();
            packet.questions[0].qname.to_string()
        };

        // Past 9000 bytes: a question about the service, padded. Then one about the node.
        // The first answer must be the second's: the long one is dropped unread.
        let socket = own(Ipv4Addr::LOCALHOST).unwrap();
        let mut long = wire::query(1, &service);
        long.resize(9500, 0);
        socket.send_to(&long, group).await.unwrap();
        let mut about_node = simple_dns::Packet::new_query(2);
        about_node.questions.push(simple_dns::Question::new(
            simple_dns::Name::new_unchecked(&instance),
            simple_dns::QTYPE::ANY,
            simple_dns::QCLASS::CLASS(simple_dns::CLASS::IN),
            false,
        ));
        socket
            .send_to(&about_node.build_bytes_vec().unwrap(), group)
            .await
            .unwrap();
        let (length, _) = within("an answer", socket.recv_from(&mut buffer))
            .await
            .unwrap();
        assert_eq!(
            first_question(&buffer[..length]),
            instance,
            "the long question went unanswered"
        );

        // A flood: far more questions than a node answers in a second.
        let flood = own(Ipv4Addr::LOCALHOST).unwrap();
        let question = wire::query(3, &service);
        for _ in 0..10 * ANSWERS_PER_SECOND {
            let _ = flood.send_to(&question, group).await;
        }
        // The node still answers (within the next second, once the flood's is over)…
        let registry = registry(LONG_TTL);
        within("the node after the flood", async {
            while registry.get_service("greeter").await.unwrap().is_empty() {}
        })
        .await;
        // …and answered only part of the flood, and says so.
        server.logged("mDNS questions a second").await;
        let mut answered = 0;
        while flood.try_recv(&mut buffer).is_ok() {
            answered += 1;
        }
        assert!(
            answered < 10 * ANSWERS_PER_SECOND as usize,
            "{answered} answers to {} questions",
            10 * ANSWERS_PER_SECOND
        );
    });
}
