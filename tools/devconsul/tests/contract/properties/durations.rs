//! Go durations, as request bodies carry them: a Go duration string or a JSON number of
//! nanoseconds, printed and parsed back exactly over the whole range of `i64`.

use crate::common::proptest_config;
use devconsul::decode::KeyStyle;
use devconsul::definition::ServiceDefinition;
use devconsul::duration;
use proptest::prelude::*;
use serde_json::json;

proptest! {
    #![proptest_config(proptest_config(512))]

    /// A duration is a Go duration string or a JSON number of nanoseconds; both give the
    /// same value. (Consul reads the number as a float64, exact up to 2^53 ns, 104 days.)
    #[test]
    fn durations_read_as_text_or_nanoseconds(nanos in 0..=(1i64 << 53)) {
        let text = duration::format_nanos(nanos);
        for ttl in [json!(text), json!(nanos)] {
            let body = json!({"Name": "d", "Check": {"TTL": ttl}});
            let decoded = ServiceDefinition::from_json(&body, KeyStyle::Api)
                .map_err(|e| TestCaseError::fail(format!("{body}: {e}")))?;
            prop_assert_eq!(decoded.checks[0].ttl, nanos, "{}", body);
        }
    }

    /// Go durations print and parse back exactly, over the whole range of `i64`.
    #[test]
    fn durations_print_and_parse_back_exactly(nanos in any::<i64>()) {
        let text = duration::format_nanos(nanos);
        prop_assert_eq!(duration::parse(&text), Ok(nanos), "{}", text);
    }

    /// Any sequence of `<number><unit>` parts adds up exactly, as Go's `ParseDuration`
    /// does, and is refused once the sum does not fit 64 bits.
    #[test]
    fn duration_parts_add_up(
        negative in any::<bool>(),
        parts in prop::collection::vec((0u64..100_000_000_000, 0usize..7), 1..5),
    ) {
        const UNITS: [(&str, i128); 7] = [
            ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
            ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
        ];
        let mut text = if negative { "-".to_string() } else { String::new() };
        let mut sum: i128 = 0;
        for (number, unit) in parts {
            text.push_str(&format!("{number}{}", UNITS[unit].0));
            sum += i128::from(number) * UNITS[unit].1;
        }
        let expected = if negative { -sum } else { sum };
        match i64::try_from(expected) {
            Ok(nanos) => prop_assert_eq!(duration::parse(&text), Ok(nanos), "{}", text),
            Err(_) => prop_assert!(duration::parse(&text).is_err(), "{} overflows", text),
        }
    }
}
