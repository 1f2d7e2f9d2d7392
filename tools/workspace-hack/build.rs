// A build script makes cargo consider this crate's [build-dependencies] too.
fn main() {}
