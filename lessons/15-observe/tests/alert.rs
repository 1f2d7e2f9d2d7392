//! `observe.alert`: `promtool test rules` plays a partition and a rolling deploy through the
//! rule, as Prometheus would have evaluated it every 5 s; it must fire in the first and never
//! in the second.
//!
//! The series are what Prometheus scraped every 5 s, in promtool's notation: `a+bxN` is `a`
//! then N more values, each `b` more; `NxM` is N, M more times; `_` is no sample; `stale`
//! ends the series (its target stopped answering).

use l15_observe::exercises::alert::partition_alert;
use l15_observe::rules::{AlertRule, rule_file};

/// A partition at 2 min: from then on, every request through the gateway fails (504), the
/// services see no call, and every target still answers Prometheus.
const PARTITION: &str = r#"
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="200"}'
        values: '0+100x24 2400x35'
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="400"}'
        values: '0+20x24 480x35'
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="504"}'
        values: '_x24 120+120x35'
      - series: 'up{job="micro-api", instance="10.0.0.1:8080"}'
        values: '1x60'
      - series: 'up{job="micro", instance="10.0.0.2:7011", service="greeter", node="greeter-a"}'
        values: '1x60'
      - series: 'up{job="micro", instance="10.0.0.3:7011", service="greeter", node="greeter-b"}'
        values: '1x60'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.2:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="OK"}'
        values: '0+40x24 960x35'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.2:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="InvalidArgument"}'
        values: '0+10x24 240x35'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.3:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="OK"}'
        values: '0+60x24 1440x35'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.3:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="InvalidArgument"}'
        values: '0+10x24 240x35'
"#;

/// A rolling deploy: greeter-a restarts at 1 min, greeter-b at 3 min and takes 90 s to
/// come back while greeter-a serves alone, the gateway restarts at 6 min. Each of the
/// services' restarts costs ten seconds of 503s; each restart starts its counters from 0.
const DEPLOY: &str = r#"
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="200"}'
        values: '0+100x12 1240 1280 1380+100x21 3520 3560 3660+100x33 stale 100+100x22'
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="400"}'
        values: '0+20x72 stale 20+20x22'
      - series: 'micro_api_requests_total{job="micro-api", instance="10.0.0.1:8080",
          service="greeter", method="Greeter.SayHello", code="503"}'
        values: '_x12 60 120x22 180 240x34 stale'
      - series: 'up{job="micro-api", instance="10.0.0.1:8080"}'
        values: '1x72 0 1x22'
      - series: 'up{job="micro", instance="10.0.0.2:7011", service="greeter", node="greeter-a"}'
        values: '1x12 0 1x82'
      - series: 'up{job="micro", instance="10.0.0.3:7011", service="greeter", node="greeter-b"}'
        values: '1x36 0x17 1x41'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.2:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="OK"}'
        values: '0+40x12 stale 20+40x22 1000+100x17 2740+40x41'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.2:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="InvalidArgument"}'
        values: '0+10x12 stale 5+10x22 245+20x17 595+10x41'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.3:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="OK"}'
        values: '0+60x36 stale _x16 30+60x41'
      - series: 'grpc_server_handled_total{job="micro", instance="10.0.0.3:7011",
          grpc_service="hello.Greeter", grpc_method="SayHello", grpc_code="InvalidArgument"}'
        values: '0+10x36 stale _x16 5+10x41'
"#;

// ANCHOR: unit_test
/// promtool's unit test of `rule` over `series`: `check`, a PromQL expression over the
/// alerts the rule made (`ALERTS`), must answer `expected` at `at`.
fn unit_test(rule: &AlertRule, series: &str, check: &str, at: &str, expected: &str) -> String {
    let check = check.replace("NAME", &rule.name);
    format!(
        "rule_files: [rules.yml]
evaluation_interval: 5s
tests:
  - interval: 5s
    input_series:{series}
    promql_expr_test:
      - expr: '{check}'
        eval_time: {at}
        exp_samples: {expected}
"
    )
}
// ANCHOR_END: unit_test

/// The rule, or why this test is skipped: promtool comes with Prometheus.
fn rule_to_test() -> Option<AlertRule> {
    let rule = partition_alert();
    if !testkit::prometheus_installed() {
        eprintln!("{}", testkit::prometheus_missing());
        return None;
    }
    Some(rule)
}

#[test]
fn fires_within_two_minutes_of_a_partition() {
    let Some(rule) = rule_to_test() else { return };
    // 1 while the alert fires, 0 while it does not.
    let firing = r#"max(ALERTS{alertname="NAME", alertstate="firing"}) or vector(0)"#;
    let test = unit_test(&rule, PARTITION, firing, "4m", "[{labels: '{}', value: 1}]");
    let played = testkit::promtool_test_rules(&rule_file("observe", &[rule]), &test);
    assert!(
        played.is_ok(),
        "the alert should be firing at 240 s, 2 min into the partition begun at 120 s \
         (promtool's `got`: 1 if it fires, 0 if not):\n{}",
        played.unwrap_err()
    );
}

#[test]
fn stays_quiet_through_a_rolling_deploy() {
    let Some(rule) = rule_to_test() else { return };
    // When the alert first fired, if it did: nothing expected.
    let first_fired =
        r#"min_over_time(timestamp(ALERTS{alertname="NAME", alertstate="firing"})[8m:5s])"#;
    let test = unit_test(&rule, DEPLOY, first_fired, "8m", "[]");
    let played = testkit::promtool_test_rules(&rule_file("observe", &[rule]), &test);
    assert!(
        played.is_ok(),
        "the alert should never fire in the deploy: greeter-a restarts at 60 s, greeter-b at \
         180 s (down 90 s), the gateway at 360 s (promtool's `got`: each alert, and the second \
         it first fired at):\n{}",
        played.unwrap_err()
    );
}
