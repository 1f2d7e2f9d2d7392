//! `observe.quantile`: a percentile read from a histogram's buckets.

use l15_observe::exercises::quantile::{Bucket, quantile};

/// The buckets of `bounds` (seconds) with `counts` observations in each (not cumulative),
/// and the `+Inf` bucket with `above` more.
fn histogram(bounds: &[f64], counts: &[u64], above: u64) -> Vec<Bucket> {
    let mut total = 0;
    let mut buckets: Vec<Bucket> = bounds
        .iter()
        .zip(counts)
        .map(|(&le, &count)| {
            total += count;
            Bucket { le, count: total }
        })
        .collect();
    buckets.push(Bucket {
        le: f64::INFINITY,
        count: total + above,
    });
    buckets
}

fn close(yours: Option<f64>, expected: f64) -> bool {
    yours.is_some_and(|value| (value - expected).abs() < 1e-9)
}

#[test]
fn the_rank_is_found_and_the_bucket_interpolated() {
    // 100 calls: 50 at most 1 ms, 40 more at most 5 ms, 10 more at most 10 ms.
    let buckets = histogram(&[0.001, 0.005, 0.01], &[50, 40, 10], 0);
    let p50 = quantile(&buckets, 0.5);
    assert!(
        close(p50, 0.001),
        "the 50th of 100 is the first bucket's last: {p50:?}"
    );
    let p70 = quantile(&buckets, 0.7);
    assert!(
        close(p70, 0.003),
        "rank 70 is half-way through 1..5 ms: {p70:?}"
    );
    let p99 = quantile(&buckets, 0.99);
    assert!(
        close(p99, 0.0095),
        "rank 99 is 9/10 of the way through 5..10 ms: {p99:?}"
    );
    let p25 = quantile(&buckets, 0.25);
    assert!(close(p25, 0.0005), "the first bucket starts at 0: {p25:?}");
}

#[test]
fn above_every_bound_the_highest_bound_is_all_that_is_known() {
    let buckets = histogram(&[0.1, 1.0], &[90, 5], 5);
    let p99 = quantile(&buckets, 0.99);
    assert!(
        close(p99, 1.0),
        "a rank in +Inf answers the highest bound: {p99:?}"
    );
}

#[test]
fn what_is_no_histogram_has_no_quantile() {
    let buckets = histogram(&[0.1, 1.0], &[3, 1], 0);
    assert_eq!(quantile(&[], 0.5), None, "no buckets");
    assert_eq!(
        quantile(&histogram(&[0.1], &[0], 0), 0.5),
        None,
        "no observation"
    );
    assert_eq!(quantile(&buckets, 1.5), None, "q above 1");
    assert_eq!(quantile(&buckets, -0.1), None, "q below 0");
    let no_inf = [Bucket { le: 0.1, count: 3 }, Bucket { le: 1.0, count: 4 }];
    assert_eq!(quantile(&no_inf, 0.5), None, "the last bucket must be +Inf");
    let going_down = [
        Bucket { le: 0.1, count: 3 },
        Bucket { le: 1.0, count: 2 },
        Bucket {
            le: f64::INFINITY,
            count: 4,
        },
    ];
    assert_eq!(
        quantile(&going_down, 0.5),
        None,
        "cumulative counts never go down"
    );
    let unordered = [
        Bucket { le: 1.0, count: 3 },
        Bucket { le: 0.1, count: 3 },
        Bucket {
            le: f64::INFINITY,
            count: 4,
        },
    ];
    assert_eq!(
        quantile(&unordered, 0.5),
        None,
        "bounds in increasing order"
    );
}
