//! The deadlines above, held to the test runner's (`.config/nextest.toml`).

use std::time::Duration;

use super::{
    A_LAPTOP_FROM_NOTHING, LAB_THAT_BUILDS_IMAGES, RUNNER_WITH_A_BROWSER, SWARM_LAB, TEST,
    TEST_THAT_BUILDS, TEST_THAT_BUILDS_GO,
};

/// The suite's settings, as nextest reads them.
fn nextest_settings() -> toml::Table {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.config/nextest.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{path}: {err}"));
    text.parse().unwrap_or_else(|err| panic!("{path}: {err}"))
}

/// `period` × `terminate-after` of a `slow-timeout` table: when nextest ends the test.
fn runner_deadline(slow_timeout: &toml::Value) -> Duration {
    let period = slow_timeout["period"]
        .as_str()
        .expect("a period such as \"60s\"");
    let seconds: u64 = period
        .strip_suffix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a period in seconds, not {period:?}"));
    let times = slow_timeout["terminate-after"]
        .as_integer()
        .expect("terminate-after");
    Duration::from_secs(seconds * u64::try_from(times).expect("a positive count"))
}

#[test]
fn each_group_s_deadline_is_the_runner_s() {
    let settings = nextest_settings();
    let default = &settings["profile"]["default"];
    assert_eq!(
        runner_deadline(&default["slow-timeout"]),
        TEST,
        "deadline::TEST is the default profile's slow-timeout"
    );
    // Each group, found by a test it holds, and the constant its tests take.
    let groups = [
        (
            "binary(lab)",
            LAB_THAT_BUILDS_IMAGES,
            "LAB_THAT_BUILDS_IMAGES",
        ),
        ("binary(swarm_lab)", SWARM_LAB, "SWARM_LAB"),
        ("binary(new)", TEST_THAT_BUILDS, "TEST_THAT_BUILDS"),
        ("real_course", TEST_THAT_BUILDS, "TEST_THAT_BUILDS"),
        ("system::up_", TEST_THAT_BUILDS, "TEST_THAT_BUILDS"),
        ("handout", RUNNER_WITH_A_BROWSER, "RUNNER_WITH_A_BROWSER"),
        ("tls_go", TEST_THAT_BUILDS_GO, "TEST_THAT_BUILDS_GO"),
        ("wire::", TEST_THAT_BUILDS, "TEST_THAT_BUILDS"),
        (
            "mirror_offline",
            A_LAPTOP_FROM_NOTHING,
            "A_LAPTOP_FROM_NOTHING",
        ),
    ];
    let overrides = default["overrides"].as_array().expect("overrides");
    for (test, deadline, name) in groups {
        let group = overrides
            .iter()
            .find(|o| o["filter"].as_str().is_some_and(|f| f.contains(test)))
            .unwrap_or_else(|| panic!("no override of the default profile holds {test}"));
        assert_eq!(
            runner_deadline(&group["slow-timeout"]),
            deadline,
            "deadline::{name} is the slow-timeout of the group that holds {test}"
        );
    }
}

#[test]
fn the_tests_that_build_run_one_at_a_time() {
    let settings = nextest_settings();
    for group in ["cargo-builds", "docker-labs"] {
        assert_eq!(
            settings["test-groups"][group]["max-threads"].as_integer(),
            Some(1),
            "test group {group}"
        );
    }
}
