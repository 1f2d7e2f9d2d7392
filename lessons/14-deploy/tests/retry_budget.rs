//! `deploy.retry-budget`: a full budget to start with, a tenth of a retry per call and a
//! few a second, never more than ten saved, and no more retries than a run earned.
//!
//! The clock is tokio's, paused: a second passes when the test says so, exactly.

use std::time::Duration;

use l14_deploy::exercises::retry_budget::RetryBudget;

/// How many retries the budget pays for now, asked until it refuses.
fn spend_all(budget: &RetryBudget) -> u64 {
    let mut paid = 0;
    while budget.try_retry() {
        paid += 1;
        assert!(
            paid <= 1000,
            "the budget paid for more than 1000 retries in a row"
        );
    }
    paid
}

#[tokio::test(start_paused = true)]
async fn a_new_budget_is_full() {
    let budget = RetryBudget::new(0.1, 3.0);
    assert_eq!(
        spend_all(&budget),
        10,
        "a new budget holds MOST_SAVED retries"
    );
    assert_eq!(budget.retries(), 10);
    assert!(!budget.try_retry(), "spent: no more");
}

#[tokio::test(start_paused = true)]
async fn calls_earn_a_tenth_of_a_retry_each() {
    let budget = RetryBudget::new(0.1, 0.0);
    spend_all(&budget);
    for _ in 0..9 {
        budget.called();
    }
    assert!(
        !budget.try_retry(),
        "nine calls earn 0.9 of a retry: not one"
    );
    budget.called();
    budget.called();
    assert!(budget.try_retry(), "eleven calls earn one, and a tenth");
    for _ in 0..34 {
        budget.called();
    }
    assert_eq!(
        spend_all(&budget),
        3,
        "34 calls more earn 3.5: three whole retries"
    );
}

#[tokio::test(start_paused = true)]
async fn time_earns_retries_even_without_calls() {
    let budget = RetryBudget::new(0.1, 3.0);
    spend_all(&budget);
    tokio::time::advance(Duration::from_millis(300)).await;
    assert!(!budget.try_retry(), "0.3 s earns 0.9 of a retry");
    tokio::time::advance(Duration::from_millis(40)).await;
    assert!(budget.try_retry(), "0.34 s earns 1.02");
    tokio::time::advance(Duration::from_secs(2)).await;
    assert_eq!(
        spend_all(&budget),
        6,
        "2 s more earn 6 (with the 0.02 left over)"
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_quiet_spell_saves_no_more_than_the_cap() {
    let budget = RetryBudget::new(0.1, 3.0);
    spend_all(&budget);
    tokio::time::advance(Duration::from_secs(3600)).await;
    for _ in 0..1000 {
        budget.called();
    }
    assert_eq!(
        spend_all(&budget),
        10,
        "an hour and a thousand calls: the cap, 10"
    );
}

#[tokio::test(start_paused = true)]
async fn negative_rates_earn_nothing() {
    let budget = RetryBudget::new(-1.0, -5.0);
    spend_all(&budget);
    budget.called();
    tokio::time::advance(Duration::from_secs(10)).await;
    assert!(!budget.try_retry(), "nothing earned: nothing to spend");
}

#[tokio::test(start_paused = true)]
async fn a_run_where_every_try_fails_retries_no_more_than_it_earned() {
    // 20 calls a second for 10 s, each wanting two retries: 400 wanted.
    let budget = RetryBudget::default();
    let mut paid = 0;
    for _ in 0..200 {
        budget.called();
        paid += u64::from(budget.try_retry());
        paid += u64::from(budget.try_retry());
        tokio::time::advance(Duration::from_millis(50)).await;
    }
    let most = budget.most_for(200, Duration::from_secs(10));
    assert_eq!(
        most,
        10.0 + 20.0 + 30.0,
        "10 saved, 200 calls' 20, 10 s' 30"
    );
    assert!(paid as f64 <= most, "{paid} retries, at most {most}");
    assert!(paid >= 55, "{paid}: the budget pays what was earned");
    assert_eq!(budget.retries(), paid);
}
