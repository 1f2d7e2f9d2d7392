//! The cores that hash passwords, shared so that no one name takes them all.
//!
//! Argon2 is slow on purpose: each hash, or each check of one, takes a core for tens of
//! milliseconds and ~20 MiB of memory. So the service hashes on tokio's blocking threads,
//! at most one hash a core at a time, and the runtime stays free for the other calls.
//!
//! That alone is fair to the runtime, not to the users. Thirty guesses at one name, sent at
//! once, would all queue for the cores ahead of someone else's login, and that login would
//! wait for every guess before it: a flood against one account would slow everyone's. So
//! the hashes for one name also take turns among themselves, before they queue for a core:
//! a name has at most one hash running or waiting for a core. Whoever floods one name holds
//! one core at most, and every other name finds the others free. (A flood over many names
//! from one address is the rate limit's to stop: [`crate::limit`].)
//!
//! And the memory: each hash takes ~19 MiB, which the program frees when it is done, but
//! the allocator need not give back to the system. glibc's gives a block that large a
//! mapping of its own and unmaps it when it is freed, the first time. Then it raises its
//! threshold to that block's size, to save the mapping's cost next time, and every later
//! hash's memory is carved from the arena of the thread that hashed (glibc keeps up to eight
//! arenas a core), and kept there, freed, for that arena's next use: the service held 552 MiB
//! after thirty registrations and thirty logins at once, against 19 MiB at its start. So the
//! service pins the threshold ([`give_each_hash_back`]): a hash's memory is mapped for it
//! and unmapped when it is done, and the service's memory after a crowd of logins is what
//! it was before it (the mapping costs a few milliseconds of page faults, against tens for
//! the hash). Allocators that give large blocks back by themselves (macOS's, musl's) need
//! no telling.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{Mutex as Turn, Semaphore};

/// The cores for hashing, and each name's turn.
#[derive(Debug)]
pub struct Hashing {
    cores: Semaphore,
    /// The names with a hash running or waiting, each with the lock its hashes take in
    /// turn. A name leaves the map with its last hash, so the map holds only the names of
    /// logins in flight.
    names: Mutex<HashMap<String, Arc<Turn<()>>>>,
}

impl Hashing {
    /// Hashing on `cores` cores at once (at least one), each hash's memory given back to
    /// the system when it is done.
    pub fn new(cores: usize) -> Hashing {
        give_each_hash_back();
        Hashing {
            cores: Semaphore::new(cores.max(1)),
            names: Mutex::new(HashMap::new()),
        }
    }

    /// Runs `work` (a hash, or a check of one, for `name`) on a blocking thread once it is
    /// `name`'s turn and a core is free.
    pub async fn run<T: Send + 'static>(
        &self,
        name: &str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> anyhow::Result<T> {
        let entry = self.enter(name);
        // tokio's locks are first come, first served: a name's hashes run in the order
        // they came, and so do the names waiting for a core.
        let _turn = entry.turn().lock_owned().await;
        let _core = self.cores.acquire().await?;
        Ok(tokio::task::spawn_blocking(work).await?)
    }

    /// `name`'s place in the map, kept until the returned entry is dropped.
    fn enter(&self, name: &str) -> Entry<'_> {
        let mut names = self
            .names
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let turn = names.entry(name.to_string()).or_default().clone();
        Entry {
            hashing: self,
            name: name.to_string(),
            turn: Some(turn),
        }
    }

    /// How many names have a hash running or waiting.
    pub fn names_in_flight(&self) -> usize {
        self.names.lock().map_or(0, |names| names.len())
    }
}

/// The size from which glibc maps a block of its own (its default, 128 KiB): far below a
/// hash's memory, far above what the service allocates for anything else.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const OWN_MAPPING_FROM: libc::c_int = 128 * 1024;

// ANCHOR: give_back
/// Tells the process's allocator to give each hash's memory back to the system when it is
/// freed: glibc is told to map every block from [`OWN_MAPPING_FROM`] up on its own, always,
/// rather than raise that threshold once a block so large has been freed.
pub fn give_each_hash_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets one of the allocator's parameters, at any time, from any thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, OWN_MAPPING_FROM);
    }
}
// ANCHOR_END: give_back

/// One hash's hold on its name's turn. Dropped (the hash done, or its call given up while
/// it waited), it takes the name out of the map if no other hash of that name holds it.
struct Entry<'a> {
    hashing: &'a Hashing,
    name: String,
    turn: Option<Arc<Turn<()>>>,
}

impl Entry<'_> {
    fn turn(&self) -> Arc<Turn<()>> {
        self.turn.clone().expect("held until dropped")
    }
}

impl Drop for Entry<'_> {
    fn drop(&mut self) {
        drop(self.turn.take());
        let mut names = self
            .hashing
            .names
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Each hash holds a reference to its name's turn from `enter`, which takes it under
        // the map's lock, until its entry is dropped here (its lock guard holds one more,
        // taken after `enter` and dropped before this). So, under the map's lock, one
        // reference left is the map's own: no hash of this name runs or waits, and none
        // can begin to until the lock is let go.
        if names
            .get(&self.name)
            .is_some_and(|turn| Arc::strong_count(turn) == 1)
        {
            names.remove(&self.name);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

    use super::*;

    const DEADLINE: Duration = Duration::from_secs(20);

    /// A hash that says when it starts, then holds its core until its gate is dropped.
    fn held(
        started: &UnboundedSender<&'static str>,
        label: &'static str,
    ) -> (impl FnOnce() + Send + 'static, mpsc::Sender<()>) {
        let (gate, closed) = mpsc::channel::<()>();
        let started = started.clone();
        let work = move || {
            started.send(label).unwrap();
            let _ = closed.recv();
        };
        (work, gate)
    }

    async fn next(started: &mut UnboundedReceiver<&'static str>) -> &'static str {
        tokio::time::timeout(DEADLINE, started.recv())
            .await
            .expect("a hash to start")
            .expect("the hashes' channel")
    }

    #[tokio::test]
    async fn a_flood_at_one_name_leaves_the_other_cores_to_other_names() {
        let hashing = Arc::new(Hashing::new(2));
        let (tx, mut started) = unbounded_channel();
        let spawn = |name: &'static str, work| {
            let hashing = hashing.clone();
            tokio::spawn(async move { hashing.run(name, work).await.unwrap() })
        };

        // Two guesses at one name: the first holds a core, the second waits its turn.
        let (first, first_gate) = held(&tx, "first guess");
        let first = spawn("victim", first);
        assert_eq!(next(&mut started).await, "first guess");
        let (second, second_gate) = held(&tx, "second guess");
        let second = spawn("victim", second);

        // Another name's login gets the other core at once, though both guesses came first.
        let (other, other_gate) = held(&tx, "other");
        let other = spawn("other", other);
        assert_eq!(
            next(&mut started).await,
            "other",
            "the second guess took the core the other name should have had"
        );
        drop(other_gate);
        tokio::time::timeout(DEADLINE, other)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hashing.names_in_flight(), 1, "only the name being flooded");

        // The guesses run one after the other.
        drop(first_gate);
        assert_eq!(next(&mut started).await, "second guess");
        drop(second_gate);
        for guess in [first, second] {
            tokio::time::timeout(DEADLINE, guess)
                .await
                .unwrap()
                .unwrap();
        }
        assert_eq!(
            hashing.names_in_flight(),
            0,
            "names leave with their last hash"
        );
    }

    #[tokio::test]
    async fn a_call_given_up_while_it_waits_leaves_no_name_behind() {
        let hashing = Arc::new(Hashing::new(1));
        let (tx, mut started) = unbounded_channel();
        let (first, gate) = held(&tx, "first");
        let running = {
            let hashing = hashing.clone();
            tokio::spawn(async move { hashing.run("victim", first).await.unwrap() })
        };
        assert_eq!(next(&mut started).await, "first");
        // A second guess, and a call for another name waiting for the one core, both
        // given up (their clients went away) before their turn.
        for name in ["victim", "other"] {
            let waiting = hashing.run(name, || ());
            assert!(
                tokio::time::timeout(Duration::from_millis(50), waiting)
                    .await
                    .is_err(),
                "{name}'s hash ran while the one core was taken"
            );
        }
        drop(gate);
        tokio::time::timeout(DEADLINE, running)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(hashing.names_in_flight(), 0);
    }
}
