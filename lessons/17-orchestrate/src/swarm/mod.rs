//! The swarm: its nodes, the lab's image registry, the course's stack, and the faults.
