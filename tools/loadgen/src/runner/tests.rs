use super::*;

fn options(warmup: &str, duration: &str) -> Options {
    Options {
        addr: "127.0.0.1:7002".into(),
        connections: 32,
        pipeline: 1,
        warmup: parse_duration(warmup).unwrap(),
        duration: parse_duration(duration).unwrap(),
    }
}

#[test]
fn durations_parse() {
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
    assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
    assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
    assert!(parse_duration("10").unwrap_err().contains("unit"));
    assert!(parse_duration("fast").is_err());
    assert!(parse_duration("-1s").is_err());
}

#[tokio::test]
async fn runs_up_to_five_minutes_are_accepted() {
    let settings = options("0s", "5m").check().await.unwrap();
    assert_eq!(settings.duration, LONGEST_RUN);
    options("2s", "10s").check().await.unwrap();
}

#[tokio::test]
async fn longer_runs_are_refused() {
    let err = options("0s", "301s").check().await.unwrap_err().to_string();
    assert!(err.contains("refusing a run"), "{err}");
    let err = options("2s", "5m").check().await.unwrap_err().to_string();
    assert!(err.contains("at most 300s"), "{err}");
    let err = options("0s", "0s").check().await.unwrap_err().to_string();
    assert!(err.contains("longer than zero"), "{err}");
}

#[tokio::test]
async fn numbers_are_bounded() {
    let mut o = options("0s", "1s");
    o.connections = 0;
    assert!(o.clone().check().await.is_err());
    o.connections = 1;
    o.pipeline = MOST_PIPELINE + 1;
    assert!(o.check().await.is_err());
}

#[tokio::test]
async fn a_remote_target_is_refused_before_anything_is_sent() {
    let mut o = options("0s", "1s");
    o.addr = "10.0.0.1:7002".into();
    let err = o.check().await.unwrap_err().to_string();
    assert!(
        err.contains("refusing to send load to 10.0.0.1:7002"),
        "{err}"
    );
}
