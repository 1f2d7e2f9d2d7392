//! The test fixtures of the runner's rooms: the course model's ([`Fixture`]), and a book
//! with its first chapter translated, which needs the book's own import.

pub use workbook_core::testutil::{Fixture, TRANSLATIONS};

/// [`Fixture::book`] with its first chapter translated into zh-CN ([`TRANSLATIONS`]).
pub fn translated_book() -> Fixture {
    let fx = Fixture::book();
    fx.write("zh/01.json", TRANSLATIONS);
    crate::i18n::import(fx.path(), &[fx.path().join("zh/01.json")], None, "zh-CN").unwrap();
    fx
}
