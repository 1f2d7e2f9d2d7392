//! The retry budget: how many tries beyond the first the client may send.
//!
//! A retry is a bet that another node will answer where the first did not. When one node is
//! slow or gone, the bet pays. When every node is slow — overloaded, or the caller's own
//! network is cut — every call becomes two or three, and the retries add the load that keeps
//! the service down: a retry storm. So retries (and hedges, which are retries sent early)
//! are paid from a budget that calls fill: each call earns a fraction of a retry (10 %), and
//! time earns a few more (3 a second), so that a quiet client can still retry now and then.
//! The savings are capped ([`RetryBudget::MOST_SAVED`]), so that a long quiet spell buys no
//! storm later. Finagle's `RetryBudget` and gRPC's retry throttling are this idea; the
//! numbers are Finagle's order of magnitude.
//!
//! When the budget is spent, a call that could have been retried fails with its own
//! failure, and the log says once that the budget ran out, and once that it is back — back
//! when it has saved [`RetryBudget::BACK_AT`] retries again, not as soon as one retry is
//! paid for: under steady failures a budget hovers about one retry, and a log that flipped
//! with it would say "spent" and "back" many times a second (hysteresis, as a thermostat
//! has). Each retry refused is counted ([`RetryBudget::refused`]).

use std::sync::Mutex;
use std::time::Duration;

use tokio::time::Instant;
use tracing::{info, warn};

/// Retries and hedges, paid for by calls and by time.
#[derive(Debug)]
pub struct RetryBudget {
    /// What each call earns: 0.1 is one retry for every ten calls.
    per_call: f64,
    /// What each second earns, calls or none.
    per_second: f64,
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    saved: f64,
    earned_until: Instant,
    spent: bool,
    retries: u64,
    refused: u64,
}

impl RetryBudget {
    /// The most retries saved up: what a burst of failures may spend at once.
    pub const MOST_SAVED: f64 = 10.0;

    /// What a spent budget must have saved again before the log says it is back.
    pub const BACK_AT: f64 = Self::MOST_SAVED / 2.0;

    /// A budget of `per_call` retries per call plus `per_second` a second, starting full.
    pub fn new(per_call: f64, per_second: f64) -> RetryBudget {
        RetryBudget {
            per_call: per_call.max(0.0),
            per_second: per_second.max(0.0),
            state: Mutex::new(State {
                saved: Self::MOST_SAVED,
                earned_until: Instant::now(),
                spent: false,
                retries: 0,
                refused: 0,
            }),
        }
    }

    /// A call starts: it earns its share.
    pub fn called(&self) {
        let mut state = crate::locks::lock(&self.state);
        self.earn(&mut state);
        state.saved = (state.saved + self.per_call).min(Self::MOST_SAVED);
        Self::back_if_saved(&mut state);
    }

    /// Whether one more try may be sent: if so, it is paid for now.
    pub fn try_retry(&self) -> bool {
        let mut state = crate::locks::lock(&self.state);
        self.earn(&mut state);
        Self::back_if_saved(&mut state);
        if state.saved >= 1.0 {
            state.saved -= 1.0;
            state.retries += 1;
            true
        } else {
            state.refused += 1;
            if !state.spent {
                state.spent = true;
                warn!(
                    "the retry budget is spent: no retry until calls or time earn one \
                     ({} per call, {} a second)",
                    self.per_call, self.per_second
                );
            }
            false
        }
    }

    /// How many retries (and hedges) were refused so far, the budget spent.
    pub fn refused(&self) -> u64 {
        crate::locks::lock(&self.state).refused
    }

    /// Whether the budget was last seen spent (and has not saved [`Self::BACK_AT`] since).
    pub fn is_spent(&self) -> bool {
        crate::locks::lock(&self.state).spent
    }

    /// A spent budget that saved [`Self::BACK_AT`] again is back, and says so.
    fn back_if_saved(state: &mut State) {
        if state.spent && state.saved >= Self::BACK_AT {
            state.spent = false;
            info!("the retry budget has retries again");
        }
    }

    /// How many retries (and hedges) were paid for so far.
    pub fn retries(&self) -> u64 {
        crate::locks::lock(&self.state).retries
    }

    /// The most retries a run of `calls` calls over `time` may have paid for: what it
    /// started with, and what calls and time earned.
    pub fn most_for(&self, calls: u64, time: Duration) -> f64 {
        Self::MOST_SAVED + self.per_call * calls as f64 + self.per_second * time.as_secs_f64()
    }

    /// Spends everything saved (for tests).
    #[cfg(test)]
    pub(crate) fn drain(&self) {
        crate::locks::lock(&self.state).saved = 0.0;
    }

    fn earn(&self, state: &mut State) {
        let now = Instant::now();
        let elapsed = now.saturating_duration_since(state.earned_until);
        state.earned_until = now;
        state.saved = (state.saved + self.per_second * elapsed.as_secs_f64()).min(Self::MOST_SAVED);
    }
}

impl Default for RetryBudget {
    /// 10 % of calls, and 3 retries a second.
    fn default() -> RetryBudget {
        RetryBudget::new(0.1, 3.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spend_all(budget: &RetryBudget) -> usize {
        std::iter::from_fn(|| budget.try_retry().then_some(())).count()
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_budget_is_spent_then_calls_and_time_earn_more() {
        let budget = RetryBudget::new(0.1, 3.0);
        assert_eq!(spend_all(&budget), 10, "it starts with what it may save");
        for _ in 0..20 {
            budget.called();
        }
        assert_eq!(spend_all(&budget), 2, "twenty calls earn two retries");
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(spend_all(&budget), 3, "a second earns three");
        tokio::time::advance(Duration::from_secs(3600)).await;
        assert_eq!(spend_all(&budget), 10, "an hour saves no more than the cap");
        assert_eq!(budget.retries(), 25);
    }

    #[tokio::test(start_paused = true)]
    async fn under_steady_failures_it_is_spent_once_and_back_once_it_saved_half_its_cap() {
        // 20 calls a second for 10 s, each wanting a retry: it pays one now and then, but
        // is not "back" until failures stop and it has saved BACK_AT again.
        let budget = RetryBudget::default();
        let mut changes = 0;
        let mut spent = budget.is_spent();
        for _ in 0..200 {
            budget.called();
            budget.try_retry();
            if budget.is_spent() != spent {
                changes += 1;
                spent = !spent;
            }
            tokio::time::advance(Duration::from_millis(50)).await;
        }
        assert_eq!((changes, spent), (1, true), "spent once, and still");
        assert!(budget.refused() > 100, "{} refused", budget.refused());
        let mut calls = 0;
        while budget.is_spent() {
            budget.called();
            calls += 1;
            tokio::time::advance(Duration::from_millis(50)).await;
        }
        assert!(
            calls > 10,
            "back only once it saved {}",
            RetryBudget::BACK_AT
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_run_where_every_try_fails_retries_no_more_than_it_earns() {
        // 20 calls a second for 10 s, each wanting two retries: 400 wanted.
        let budget = RetryBudget::default();
        let mut retries = 0;
        for _ in 0..200 {
            budget.called();
            retries += usize::from(budget.try_retry());
            retries += usize::from(budget.try_retry());
            tokio::time::advance(Duration::from_millis(50)).await;
        }
        let most = budget.most_for(200, Duration::from_secs(10));
        assert!(retries as f64 <= most, "{retries} retries, at most {most}");
        assert!(
            retries >= 40,
            "{retries}: the budget is what was earned, not less"
        );
    }
}
