//! The round-robin picker: `cargo test -p l07-discover --test round_robin`.

use std::sync::Arc;

use l07_discover::exercises::round_robin::RoundRobin;

#[test]
fn picks_go_round_in_order() {
    let picker = RoundRobin::new();
    let picks: Vec<_> = (0..7).map(|_| picker.pick("greeter", 3)).collect();
    let expected = [0, 1, 2, 0, 1, 2, 0].map(Some);
    assert_eq!(
        picks, expected,
        "one picker, one service: 0, 1, 2, then round again"
    );
}

#[test]
fn calls_are_spread_evenly_across_calls() {
    // go-micro's "round robin" starts at a random index on every call, so over many calls
    // it is random: some instances get more than others. A counter that lasts does not.
    let picker = RoundRobin::new();
    let mut served = [0; 3];
    for _ in 0..300 {
        let index = picker.pick("greeter", 3).expect("three instances");
        served[index] += 1;
    }
    assert_eq!(served, [100, 100, 100], "300 calls over 3 instances");
}

#[test]
fn two_services_do_not_share_a_counter() {
    let picker = RoundRobin::new();
    let mut greeter = Vec::new();
    let mut captcha = Vec::new();
    for _ in 0..4 {
        greeter.push(picker.pick("greeter", 2).unwrap());
        captcha.push(picker.pick("captcha", 2).unwrap());
    }
    assert_eq!(
        greeter,
        [0, 1, 0, 1],
        "greeter's turns, with captcha's in between"
    );
    assert_eq!(captcha, [0, 1, 0, 1], "captcha's own turns");
}

#[test]
fn no_instance_no_pick() {
    let picker = RoundRobin::new();
    assert_eq!(picker.pick("greeter", 0), None);
    assert_eq!(
        picker.pick("greeter", 2),
        Some(0),
        "an empty list takes no turn"
    );
}

#[test]
fn a_list_that_shrinks_still_gets_an_index_inside_it() {
    let picker = RoundRobin::new();
    for _ in 0..5 {
        picker.pick("greeter", 6);
    }
    for _ in 0..10 {
        let index = picker.pick("greeter", 2).unwrap();
        assert!(index < 2, "index {index} among 2 instances");
    }
}

#[test]
fn concurrent_picks_never_share_a_turn() {
    // Eight threads pick at once: if two of them read the counter before either moved it
    // on, they get the same instance, and the counts come out uneven.
    let picker = Arc::new(RoundRobin::new());
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let picker = Arc::clone(&picker);
            std::thread::spawn(move || {
                let mut served = [0usize; 4];
                for _ in 0..2000 {
                    served[picker.pick("greeter", 4).unwrap()] += 1;
                }
                served
            })
        })
        .collect();
    let mut served = [0usize; 4];
    for thread in threads {
        // deadline: each thread picks 2000 times, and waits on nothing
        for (total, count) in served
            .iter_mut()
            .zip(thread.join().expect("a picking thread"))
        {
            *total += count;
        }
    }
    assert_eq!(
        served, [4000; 4],
        "16000 picks over 4 instances, from 8 threads"
    );
}
