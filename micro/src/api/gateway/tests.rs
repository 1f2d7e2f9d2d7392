//! The gateway's own tests: what it keeps stays within its bounds.

use super::*;
use crate::registry::memory::MemoryRegistry;

#[test]
fn the_schemas_kept_are_bounded_by_bytes_the_oldest_making_room() {
    let gateway = Gateway::new(Arc::new(MemoryRegistry::default()), Policy::default());
    let schema = || reflect::Schema {
        pool: DescriptorPool::new(),
        bytes: reflect::MAX_SCHEMA_BYTES,
    };
    let fit = MAX_KEPT_SCHEMA_BYTES / reflect::MAX_SCHEMA_BYTES;
    for n in 0..fit + 3 {
        gateway.keep(&format!("service-{n}"), schema());
    }
    let schemas = gateway.schemas.lock().unwrap();
    let bytes: usize = schemas.values().map(|kept| kept.bytes).sum();
    assert!(bytes <= MAX_KEPT_SCHEMA_BYTES, "{bytes} bytes kept");
    assert_eq!(schemas.len(), fit);
    assert!(
        schemas.contains_key(&format!("service-{}", fit + 2)),
        "the newest"
    );
    assert!(!schemas.contains_key("service-0"), "the oldest made room");
}
