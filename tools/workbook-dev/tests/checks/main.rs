//! The maintainers' checks' integration tests, as one test binary: `verify` on tiny courses
//! of its own (stubs fail, solutions pass, the book is whole, lessons stand alone, every
//! lesson has its minutes and every chapter its notes), and `i18n`'s upkeep of the book's
//! catalogs.

// The runner's own fixture courses (tools/workbook-full/tests/runner/fixture.rs), one home for
// both programs' tests; some of its helpers serve only the runner's tests.
#[allow(dead_code)]
#[path = "../../../workbook-full/tests/runner/fixture.rs"]
mod fixture;
mod i18n;
mod interrupt;
mod schedule;
mod verify;

/// The program `fixture::Course::command` runs: the maintainers' checks.
const RUNNER: &str = env!("CARGO_BIN_EXE_workbook-dev");
