//! The book's own title and description, which `book/book.toml` gives in English: mdBook
//! writes them into every page's `<title>`, the menu bar and the description, and the
//! printed book's title page takes them from there (`book/js/handout.js`).
//!
//! They are messages of the catalog like the chapters' (`book.toml` is their place), so a
//! translation keeps them with everything else, a change to the English makes them fuzzy,
//! and `verify` holds them to `"book.toml"` in `book/po/thresholds.toml`.

use mdbook_driver::config::BookConfig;

use super::po::{Catalog, Entry};

/// Where the catalog says these messages are, and the chapter `i18n status` counts them as.
pub const PLACE: &str = "book.toml";

/// The book's title and description, as `book.toml` has them, each with what it is.
pub fn messages(book: &BookConfig) -> Vec<(String, &'static str)> {
    [
        (book.title.as_ref(), "the book's title"),
        (book.description.as_ref(), "the book's description"),
    ]
    .into_iter()
    .filter_map(|(text, what)| Some((text?.clone(), what)))
    .collect()
}

/// Adds the title and description to a template of the catalog.
pub fn add_to_template(template: &mut Catalog, book: &BookConfig) {
    for (text, what) in messages(book) {
        match template.entries.iter_mut().find(|e| e.msgid == text) {
            Some(entry) => entry.references.push(PLACE.to_string()),
            None => template.entries.push(Entry {
                comments: vec![format!("{what}, in {PLACE}")],
                references: vec![PLACE.to_string()],
                ..Entry::new(&text)
            }),
        }
    }
}

/// The title and description of a translated edition: the catalog's translation of each,
/// where it has a current one.
pub fn translate(book: &mut BookConfig, catalog: &Catalog) {
    let translated = |english: &Option<String>| -> Option<String> {
        let english = english.as_deref()?;
        catalog
            .entries
            .iter()
            .find(|entry| entry.key() == english && entry.is_translated())
            .map(|entry| entry.msgstr.clone())
    };
    if let Some(title) = translated(&book.title) {
        book.title = Some(title);
    }
    if let Some(description) = translated(&book.description) {
        book.description = Some(description);
    }
}
