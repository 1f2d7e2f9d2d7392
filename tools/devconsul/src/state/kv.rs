//! The KV store's rows and writes. Every successful write takes a new index; a delete
//! records its index too, so that a read of a deleted key never sees the index go back.

use super::Store;

/// A KV pair.
#[derive(Debug, Clone)]
pub struct KvEntry {
    pub value: Vec<u8>,
    pub flags: u64,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Store {
    /// The KV pairs whose keys start with `prefix`, in key order.
    pub fn kv_under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a KvEntry)> {
        self.kv
            .range(prefix.to_string()..)
            .take_while(move |(key, _)| key.starts_with(prefix))
    }

    /// The index of a KV read of `key` (or of every key under it when `prefix`).
    pub fn kv_index(&self, key: &str, prefix: bool) -> u64 {
        let newest = if prefix {
            self.kv_under(key).map(|(_, e)| e.modify_index).max()
        } else {
            self.kv.get(key).map(|e| e.modify_index)
        };
        newest.unwrap_or(0).max(self.kv_deleted_index)
    }

    /// Writes a KV pair. With `cas`, only if the key's ModifyIndex equals it (0: only if
    /// the key is new). Returns whether it was written.
    pub fn kv_put(&mut self, key: &str, value: Vec<u8>, flags: u64, cas: Option<u64>) -> bool {
        let existing = self.kv.get(key);
        if let Some(cas) = cas {
            let current = existing.map_or(0, |e| e.modify_index);
            if current != cas {
                return false;
            }
        }
        let create_index = existing.map(|e| e.create_index);
        let index = self.bump();
        let entry = KvEntry {
            value,
            flags,
            create_index: create_index.unwrap_or(index),
            modify_index: index,
        };
        self.kv.insert(key.to_string(), entry);
        true
    }

    /// Deletes a key (or with `recurse` every key under the prefix). With `cas`, only if
    /// the key's ModifyIndex equals it. Returns whether the delete happened.
    pub fn kv_delete(&mut self, key: &str, recurse: bool, cas: Option<u64>) -> bool {
        if recurse {
            let doomed: Vec<String> = self.kv_under(key).map(|(k, _)| k.clone()).collect();
            if !doomed.is_empty() {
                for k in doomed {
                    self.kv.remove(&k);
                }
                self.kv_deleted_index = self.bump();
            }
            return true;
        }
        match (self.kv.get(key), cas) {
            (None, _) => true,
            (Some(entry), Some(cas)) if entry.modify_index != cas => false,
            (Some(_), _) => {
                self.kv.remove(key);
                self.kv_deleted_index = self.bump();
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kv_cas_and_delete() {
        let mut store = Store::new();
        assert!(store.kv_put("k", b"1".to_vec(), 0, Some(0)));
        assert!(!store.kv_put("k", b"2".to_vec(), 0, Some(0)));
        let modify = store.kv["k"].modify_index;
        assert!(store.kv_put("k", b"2".to_vec(), 0, Some(modify)));
        assert!(!store.kv_delete("k", false, Some(modify)));
        assert!(store.kv_delete("k", false, None));
        assert!(
            store.kv_index("k", false) > modify,
            "a delete never moves the index back"
        );
    }
}
