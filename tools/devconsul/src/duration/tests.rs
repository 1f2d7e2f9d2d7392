use super::*;

#[test]
fn parses_what_go_parses() {
    assert_eq!(parse("10s"), Ok(10_000_000_000));
    assert_eq!(parse("1m30s"), Ok(90_000_000_000));
    assert_eq!(parse("500ms"), Ok(500_000_000));
    assert_eq!(parse("2h"), Ok(7_200_000_000_000));
    assert_eq!(parse("1.5s"), Ok(1_500_000_000));
    assert_eq!(parse("0"), Ok(0));
    assert_eq!(parse("-1s"), Ok(-1_000_000_000));
    assert_eq!(parse("3us"), Ok(3_000));
    assert_eq!(parse(".5s"), Ok(500_000_000));
    assert_eq!(parse("1.s"), Ok(1_000_000_000));
    assert_eq!(parse("1h1m1.000000001s"), Ok(3_661_000_000_001));
    assert_eq!(parse("2562047h47m16.854775807s"), Ok(i64::MAX));
    assert_eq!(parse("-2562047h47m16.854775808s"), Ok(i64::MIN));
    for bad in [
        "",
        "10",
        "s",
        "1x",
        "abc",
        "1..5s",
        "-",
        "1s2",
        ".s",
        "2562047h47m16.854775808s",
        "9223372036854775808ns",
        "99999999999999999999h",
    ] {
        assert!(parse(bad).is_err(), "{bad:?} should not parse");
    }
}

#[test]
fn formats_like_go() {
    let cases = [
        (Duration::ZERO, "0s"),
        (Duration::from_secs(10), "10s"),
        (Duration::from_secs(30), "30s"),
        (Duration::from_secs(60), "1m0s"),
        (Duration::from_secs(90), "1m30s"),
        (Duration::from_secs(7200), "2h0m0s"),
        (Duration::from_millis(1500), "1.5s"),
        (Duration::from_millis(500), "500ms"),
        (Duration::from_micros(1), "1µs"),
        (Duration::from_nanos(15), "15ns"),
    ];
    for (duration, text) in cases {
        assert_eq!(format(duration), text);
    }
}
