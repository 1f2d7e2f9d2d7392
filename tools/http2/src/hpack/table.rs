//! The dynamic table: the headers a sender asked to keep, newest first, within a size.

use std::collections::VecDeque;

use super::ENTRY_OVERHEAD;

/// One direction's dynamic table, newest entry first. An entry keeps name and value in one
/// allocation.
#[derive(Debug, Default)]
pub(super) struct Table {
    pub(super) entries: VecDeque<(Box<[u8]>, usize)>,
    /// The entries' size as HPACK counts it: name + value + 32 each.
    pub(super) size: usize,
    pub(super) max_size: usize,
}

impl Table {
    pub(super) fn get(&self, n: usize) -> Option<(&[u8], &[u8])> {
        let (bytes, name_len) = self.entries.get(n)?;
        Some(bytes.split_at(*name_len))
    }

    pub(super) fn add(&mut self, name: &[u8], value: &[u8]) {
        let size = name.len() + value.len() + ENTRY_OVERHEAD;
        // An entry larger than the whole table empties it and is not added (section 4.4).
        self.evict_to(self.max_size.saturating_sub(size));
        if size <= self.max_size {
            self.entries
                .push_front(([name, value].concat().into_boxed_slice(), name.len()));
            self.size += size;
        }
    }

    pub(super) fn resize(&mut self, max_size: usize) {
        self.max_size = max_size;
        self.evict_to(max_size);
    }

    /// Drops the oldest entries until the table holds at most `room` bytes.
    fn evict_to(&mut self, room: usize) {
        while self.size > room {
            let Some((bytes, _)) = self.entries.pop_back() else {
                break;
            };
            self.size -= bytes.len() + ENTRY_OVERHEAD;
        }
    }
}
