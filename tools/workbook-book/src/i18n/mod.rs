//! The book in other languages: a zh-CN edition beside the English one.
//!
//! A translation is a Gettext catalog, `book/po/zh-CN.po`: each paragraph, heading, list
//! item and diagram label of the English book with its translation. The English stays the
//! source; the translated edition is built from it through the catalog (mdbook-i18n-helpers'
//! Gettext translation, `translate.rs`), so a listing or a number changed in English is
//! current in every edition at once, and a paragraph changed in English shows in English,
//! with a note, until a translator has looked at it again (`coverage.rs`).
//!
//! The editions are built side by side, `book/build/` and `book/build/zh-CN/`, and every
//! page links to the same page in the other language (`pages.rs`). The book's title and
//! description, from `book.toml`, are messages of the catalog too (`book_title.rs`).
//! `workbook-dev i18n extract` and `workbook-dev i18n import` keep the catalogs (`update.rs`).
//!
//! The words of the pictures, the diagrams' labels and the charts', are messages in a
//! context of their own (`msgctxt "label"`): a word in a box is translated even where the
//! same English in the prose is kept as it is (the glossary's English column).

mod book_title;
pub mod charts;
pub mod coverage;
pub mod markup;
mod pages;
mod search_cjk;
mod theme;
mod translate;
mod update;

use crate::notes::TeacherNotes;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_driver::config::Config;

use crate::diagrams::{Diagrams, Labels};

pub use update::{extract, import, template, template_file};
pub use workbook_core::po::{self, ENGLISH, LANGUAGES, po_file, translated};

/// The context of the words of the pictures: the labels of the diagrams and the charts.
pub const LABEL: &str = "label";

/// Checks a `--lang` value: English or a language the book is translated into.
pub fn check_language(root: &Path, lang: &str) -> Result<()> {
    if lang == ENGLISH || translated(root).contains(&lang) {
        return Ok(());
    }
    let known: Vec<&str> = std::iter::once(ENGLISH).chain(translated(root)).collect();
    bail!(
        "the book has no `{lang}` edition (there are: {})",
        known.join(", ")
    )
}

/// The book's configuration, as `book/book.toml` and the environment give it.
pub(crate) fn config(root: &Path) -> Result<Config> {
    let config_path = root.join("book/book.toml");
    let mut config = Config::from_disk(&config_path)
        .with_context(|| format!("reading {}", config_path.display()))?;
    config.update_from_env()?;
    config.build.create_missing = false;
    Ok(config)
}

/// Builds the editions in `langs` (the translated ones), into `<english_dir>/<lang>/`, and
/// links every page of the book, English or translated, to its other editions. Returns the
/// folder of each edition built.
pub fn build_editions(
    root: &Path,
    english_dir: &Path,
    langs: &[&str],
    notes: TeacherNotes,
) -> Result<Vec<PathBuf>> {
    let mut built = Vec::new();
    for lang in langs {
        let dir = english_dir.join(lang);
        let edition = build_edition(root, lang, &dir, notes);
        built.push(edition.with_context(|| format!("the {lang} edition"))?);
    }
    pages::link_editions(english_dir, &translated(root))?;
    Ok(built)
}

/// Builds the edition `lang` alone into `dir`, its pages linked to the English book in
/// `english_dir`: a rebuild of one edition, staged beside the one being read.
pub fn build_edition_beside(root: &Path, lang: &str, english_dir: &Path, dir: &Path) -> Result<()> {
    build_edition(root, lang, dir, TeacherNotes::Folded)
        .with_context(|| format!("the {lang} edition"))?;
    pages::link_edition(english_dir, dir)
}

/// Builds one translated edition into `dir` and returns its folder.
fn build_edition(root: &Path, lang: &str, dir: &Path, notes: TeacherNotes) -> Result<PathBuf> {
    let catalog = po::read_translation(&po_file(root, lang))?;
    let mut config = config(root)?;
    config.book.language = Some(lang.to_string());
    book_title::translate(&mut config.book, &catalog);
    config.build.build_dir = dir.to_path_buf();
    let mut book =
        MDBook::load_with_config(root.join("book"), config).context("loading the book")?;
    let labels: Labels = catalog
        .entries
        .iter()
        .filter(|entry| entry.is_translated() && entry.context.as_deref() == Some(LABEL))
        .map(|entry| (entry.msgid.clone(), entry.msgstr.clone()))
        .collect();
    book.with_preprocessor(translate::Translate::new(catalog, lang));
    book.with_preprocessor(Diagrams {
        labels: labels.clone(),
    });
    // As the English book (`site.rs`), after the translation.
    book.with_preprocessor(notes);
    book.with_preprocessor(crate::schedule::Schedule);
    book.build().context("building the book")?;
    let dir = book.build_dir_for("html");
    charts::translate_edition(&dir, &labels).context("translating the charts")?;
    search_cjk::index_cjk(&dir)?;
    if let Some(lang) = workbook_core::language::Lang::parse(lang) {
        theme::translate(&dir, lang)?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests;
