//! A catalog entry no `u16` can hold: the agent accepts any integer as a port, as Consul
//! does, so `Port: 70000` or `-1` can sit beside good instances (registered as raw JSON:
//! consulrs types the port as unsigned). Discovery skips it and
//! still lists the good ones.

use consul_ext::{healthy_instances, watch_healthy_instances};
use std::time::Duration;
use testkit::catalog::register_with_port;
use testkit::within;

#[tokio::test]
async fn an_entry_with_a_port_out_of_range_is_skipped_and_the_good_ones_are_listed() {
    let agent = testkit::consul().await;
    let name = super::healthy_instances::unique("bad-port");
    register_with_port(agent.url(), &name, &format!("{name}-good"), 7201).await;
    register_with_port(agent.url(), &name, &format!("{name}-big"), 70000).await;
    register_with_port(agent.url(), &name, &format!("{name}-negative"), -1).await;

    let listed = within(
        "the health query",
        healthy_instances(agent.url(), &name, None),
    )
    .await
    .expect("one bad entry is not fatal to the list");
    let ids: Vec<&str> = listed
        .iter()
        .map(|entry| entry.service.id.as_str())
        .collect();
    assert_eq!(ids, [format!("{name}-good")]);
    assert_eq!(listed[0].address(), "localhost:7201");

    let watched = within(
        "the blocking query",
        watch_healthy_instances(agent.url(), &name, None, 0, Duration::from_secs(1)),
    )
    .await
    .expect("nor to a watch");
    assert_eq!(watched.entries.len(), 1, "{:#?}", watched.entries);
}
