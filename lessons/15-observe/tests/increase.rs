//! `observe.increase`: how much a counter rose, across a restart.

use l15_observe::exercises::increase::increase;

#[test]
fn a_counter_that_only_rises_rose_by_its_last_less_its_first() {
    let rose = increase(&[10.0, 12.0, 12.0, 20.0]);
    assert_eq!(rose, Some(10.0), "from 10 to 20");
}

#[test]
fn a_fall_is_a_restart_that_counted_from_zero() {
    // 100 calls, a restart, then 7 and 3 more.
    let rose = increase(&[40.0, 100.0, 7.0, 10.0]);
    assert_eq!(rose, Some(70.0), "60, then 7 after the restart, then 3");
    let twice = increase(&[5.0, 1.0, 0.0, 2.0]);
    assert_eq!(twice, Some(3.0), "two restarts: 1, then 0, then 2");
}

#[test]
fn what_no_counter_shows_is_refused() {
    assert_eq!(increase(&[]), None, "no sample");
    assert_eq!(increase(&[3.0]), None, "one sample is no change");
    assert_eq!(increase(&[1.0, -2.0]), None, "a counter is never negative");
    assert_eq!(increase(&[1.0, f64::NAN]), None, "nor not a number");
}
