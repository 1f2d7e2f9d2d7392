//! The lab's address plan: which address on its network each node has, and so how many
//! managers and workers a lab can have, refused before anything is made.
//!
//! A node's address is fixed when `up` makes it (`--ip`), so that the swarm's join addresses
//! and the gateways' published ports are known in advance: `10.17.0.11` is always
//! `manager-1`. A /24 has 254 host addresses; `.1` is the network's gateway on this machine,
//! `.5` the registry.

use anyhow::bail;

use super::Role;

/// The address plan of a lab's network: the managers at .11 to .20, the workers from .21
/// to .254 (.1 is the network's gateway on this machine, .5 the registry).
const FIRST_MANAGER: usize = 11;
const FIRST_WORKER: usize = 21;
const LAST_HOST: usize = 254;
/// As many managers and workers as the plan has addresses for.
const MOST_MANAGERS: usize = FIRST_WORKER - FIRST_MANAGER;
const MOST_WORKERS: usize = LAST_HOST + 1 - FIRST_WORKER;

/// The nodes of a lab of `managers` managers and `workers` workers, each with its hostname,
/// its role and the last number of its address; or, before anything is made, why the
/// address plan has no room for them.
pub fn plan(managers: usize, workers: usize) -> anyhow::Result<Vec<(String, Role, u8)>> {
    if !(1..=MOST_MANAGERS).contains(&managers) {
        bail!(
            "--managers {managers}: a lab has 1 to {MOST_MANAGERS} managers, at .{FIRST_MANAGER} \
             to .{} of its network (the workers' begin at .{FIRST_WORKER}); Raft wants an odd \
             number of them: 3, 5 or 7",
            FIRST_WORKER - 1
        )
    }
    if workers > MOST_WORKERS {
        bail!(
            "--workers {workers}: a lab has 0 to {MOST_WORKERS} workers, at .{FIRST_WORKER} to \
             .{LAST_HOST} of its network, the last address of a /24 a host can have"
        )
    }
    let address = |first: usize, n: usize| u8::try_from(first + n - 1).expect("planned above");
    let managers = (1..=managers).map(|n| {
        (
            format!("manager-{n}"),
            Role::Manager,
            address(FIRST_MANAGER, n),
        )
    });
    let workers = (1..=workers).map(|n| {
        (
            format!("worker-{n}"),
            Role::Worker,
            address(FIRST_WORKER, n),
        )
    });
    Ok(managers.chain(workers).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_node_has_an_address_of_its_own_in_the_plan() {
        let plan = plan(MOST_MANAGERS, MOST_WORKERS).unwrap();
        let mut addresses: Vec<u8> = plan.iter().map(|(.., last)| *last).collect();
        assert_eq!(addresses.first(), Some(&11));
        assert_eq!(addresses.last(), Some(&254));
        addresses.dedup();
        assert_eq!(addresses.len(), MOST_MANAGERS + MOST_WORKERS);
        assert_eq!(plan[0], ("manager-1".to_string(), Role::Manager, 11));
        assert_eq!(
            plan[MOST_MANAGERS],
            ("worker-1".to_string(), Role::Worker, 21)
        );
    }

    #[test]
    fn counts_past_the_plan_are_refused_in_one_line_saying_the_range() {
        for (managers, workers, says) in [
            (0, 2, "--managers 0: a lab has 1 to 10 managers"),
            (11, 1, "--managers 11: a lab has 1 to 10 managers"),
            (250, 2, "--managers 250: a lab has 1 to 10 managers"),
            (3, 240, "--workers 240: a lab has 0 to 234 workers"),
        ] {
            let error = format!("{:#}", plan(managers, workers).unwrap_err());
            assert!(error.starts_with(says), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
        let error = format!("{:#}", plan(11, 1).unwrap_err());
        assert!(error.contains("3, 5 or 7"), "{error}");
    }
}
