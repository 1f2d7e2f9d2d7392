//! The preprocessor that makes a translated edition: each message of the English book is
//! replaced by its translation, and a page whose English has changed since it was
//! translated says so at its top, with a link to the English page.
//!
//! The replacing is mdbook-i18n-helpers' (`translate_book`, the heart of its Gettext
//! preprocessor), given a catalog this runner has read and checked itself (`workbook_core::po`), so
//! that a broken catalog is an error with a line number rather than a panic. Fuzzy and
//! empty translations are left out: those paragraphs stay English, as they are now.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use mdbook_i18n_helpers::gettext::{add_stripped_summary_translations, translate_book};
use mdbook_preprocessor::book::{Book, BookItem};
use mdbook_preprocessor::errors::Result;
use mdbook_preprocessor::{Preprocessor, PreprocessorContext};
use polib::message::Message;
use polib::metadata::CatalogMetadata;

use super::coverage::{self, Counts};
use super::po::Catalog;

pub struct Translate {
    catalog: Catalog,
    lang: String,
}

impl Translate {
    pub fn new(catalog: Catalog, lang: &str) -> Translate {
        Translate {
            catalog,
            lang: lang.to_string(),
        }
    }

    /// The translations the book shows, as mdbook-i18n-helpers takes them.
    fn gettext_catalog(&self) -> polib::catalog::Catalog {
        let mut catalog = polib::catalog::Catalog::new(CatalogMetadata::new());
        // The pictures' words are translated in the pictures (a context of their own).
        let prose = self.catalog.entries.iter().filter(|e| e.context.is_none());
        for entry in prose.filter(|e| e.is_translated()) {
            catalog.append_or_update(
                Message::build_singular()
                    .with_source(entry.references.join("\n"))
                    .with_msgid(entry.msgid.clone())
                    .with_msgstr(entry.msgstr.clone())
                    .done(),
            );
        }
        add_stripped_summary_translations(&mut catalog);
        catalog
    }
}

impl Preprocessor for Translate {
    fn name(&self) -> &str {
        "gettext"
    }

    fn run(&self, _ctx: &PreprocessorContext, mut book: Book) -> Result<Book> {
        // How current each page's translation is, read from the English before it goes.
        let mut counts: HashMap<String, Counts> = HashMap::new();
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item
                && let Some(path) = &chapter.path
            {
                let mut messages = coverage::chapter_messages(&chapter.content);
                let place = path.display().to_string();
                messages.extend(coverage::listing_comments(&self.catalog, &place));
                counts.insert(
                    path.display().to_string(),
                    coverage::count(&messages, &self.catalog),
                );
            }
        });
        let catalog = self.gettext_catalog();
        // mdbook-i18n-helpers expects its own Markdown back and panics otherwise; a
        // translation that breaks it must not take the book server down.
        catch_unwind(AssertUnwindSafe(|| translate_book(&catalog, &mut book)))
            .map_err(|_| anyhow::anyhow!("a translation's Markdown does not fit its English"))??;
        book.for_each_mut(|item| {
            if let BookItem::Chapter(chapter) = item
                && let Some(path) = &chapter.path
                && let Some(note) = counts
                    .get(&path.display().to_string())
                    .and_then(|counts| note(&self.lang, counts, path))
            {
                chapter.content = format!("{note}\n\n{}", chapter.content);
            }
        });
        Ok(book)
    }

    fn supports_renderer(&self, renderer: &str) -> Result<bool> {
        Ok(renderer == "html")
    }
}

/// The note at the top of a page not wholly translated: none when every message is.
pub fn note(lang: &str, counts: &Counts, page: &std::path::Path) -> Option<String> {
    if counts.is_complete() || lang != "zh-CN" {
        return None;
    }
    // From `zh-CN/dir/page.html` back to `dir/page.html`.
    let up = "../".repeat(page.components().count());
    let english = format!("{up}{}", page.with_extension("html").display());
    // A page hardly begun (its title comes translated from the table of contents) is not
    // stale, it is untranslated.
    let text = if counts.fuzzy == 0 && counts.translated * 2 < counts.total() {
        "此页尚未翻译，以下为英文原文。"
    } else {
        "此页英文原文已更新，部分段落尚未翻译或有待复核。"
    };
    Some(format!(
        "<div class=\"i18n-note\">{text}<a href=\"{english}\" lang=\"en\">阅读英文原文</a></div>"
    ))
}
