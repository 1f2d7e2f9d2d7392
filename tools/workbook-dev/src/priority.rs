//! verify's scheduling priority, given back when the swarm's story is done.
//!
//! The test command runs verify at the idle priority (SCHED_IDLE, `chrt --idle`) beside
//! lesson 17's swarm story, so that verify's builds take only the cores the story leaves.
//! Once the story is done, that priority has no reason left, and it does harm: verify's own
//! lab chapters then run in Docker's containers at the usual priority, and beside them a
//! chapter's programs at the idle one went without a core for seconds (an agent that reaped
//! a service whose first check came late, a publish past its ten seconds, a registration
//! logged after the comparison ended). So when the story lets go of the lab, verify goes
//! back to the usual priority (SCHED_OTHER).
//!
//! A policy is a thread's, not a process's, and a program started is given the policy of
//! the thread that starts it: every thread of verify goes back, so that whatever starts a
//! chapter's program afterwards starts it at the usual priority. What is already running
//! (the stubs' build, if it is still on) stays where it is.
//!
//! Leaving SCHED_IDLE needs the right to raise a priority (root's `CAP_SYS_NICE`, or an
//! `RLIMIT_NICE` that allows it): without it verify stays idle, and says so.

use std::io;

/// Puts every thread of this process that runs at the idle priority back at the usual one;
/// the number of threads moved.
pub fn back_to_usual() -> io::Result<usize> {
    let mut moved = 0;
    for task in std::fs::read_dir("/proc/self/task")? {
        let Some(tid) = task?
            .file_name()
            .to_str()
            .and_then(|name| name.parse::<libc::pid_t>().ok())
        else {
            continue;
        };
        // SAFETY: both calls take a thread id and, for the second, a parameter that lives
        // across the call; a thread that ended meanwhile is an error (ESRCH), not a fault.
        let policy = unsafe { libc::sched_getscheduler(tid) };
        if policy != libc::SCHED_IDLE {
            continue;
        }
        let usual = libc::sched_param { sched_priority: 0 };
        if unsafe { libc::sched_setscheduler(tid, libc::SCHED_OTHER, &usual) } != 0 {
            let error = io::Error::last_os_error();
            if error.raw_os_error() == Some(libc::ESRCH) {
                continue;
            }
            return Err(error);
        }
        moved += 1;
    }
    Ok(moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy of a program started by the calling thread (its first thread's).
    fn policy_of_a_program_started_here() -> libc::c_int {
        let mut child = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("sleep starts");
        // SAFETY: a process id of our own child, not yet waited for.
        let policy = unsafe { libc::sched_getscheduler(child.id() as libc::pid_t) };
        let _ = child.kill();
        let _ = child.wait();
        policy
    }

    #[test]
    fn a_program_started_after_the_priority_is_given_back_runs_at_the_usual_one() {
        // On a thread of its own, made idle, as the test command makes verify: the other
        // tests' threads (`cargo test` runs them in this process) are at the usual priority
        // and are left so.
        std::thread::spawn(|| {
            let idle = libc::sched_param { sched_priority: 0 };
            // SAFETY: 0 is the calling thread; the parameter lives across the call.
            let made_idle = unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &idle) };
            assert_eq!(made_idle, 0, "{}", io::Error::last_os_error());

            assert_eq!(
                policy_of_a_program_started_here(),
                libc::SCHED_IDLE,
                "a program started by an idle thread runs idle"
            );

            match back_to_usual() {
                Ok(moved) => assert!(moved >= 1, "this thread was idle, and moved"),
                Err(error) if error.raw_os_error() == Some(libc::EPERM) => {
                    println!(
                        "skipped: this user may not leave the idle priority ({error}): \
                         it needs CAP_SYS_NICE or an RLIMIT_NICE that allows it"
                    );
                    return;
                }
                Err(error) => panic!("giving the priority back failed: {error}"),
            }
            assert_eq!(
                policy_of_a_program_started_here(),
                libc::SCHED_OTHER,
                "a program started after the priority was given back runs at the usual one"
            );
        })
        .join()
        .expect("the test's thread");
    }
}
