//! The language switch: every page of every edition links to the same page in the others,
//! at the right of the menu bar, where mdBook's own buttons are.
//!
//! The built pages are edited after mdBook has written them, rather than through a copy of
//! its theme: a copied theme would have to follow every new mdBook by hand.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use super::{LANGUAGES, search_cjk};

/// Where mdBook's menu bar keeps its buttons: the switch goes first among them.
const BUTTONS: &str = "<div class=\"right-buttons\">";

/// Adds the switch to each page of the English book in `english_dir` and of each
/// translated edition in `<english_dir>/<lang>/`.
pub fn link_editions(english_dir: &Path, langs: &[&str]) -> Result<()> {
    if langs.is_empty() {
        return Ok(());
    }
    for page in html_pages(english_dir, langs) {
        let links: Vec<String> = langs
            .iter()
            .map(|lang| {
                let target = english_dir.join(lang).join(&page);
                let href = if target.is_file() {
                    format!("{lang}/{}", page.display())
                } else {
                    format!("{lang}/index.html")
                };
                switch(&page, &href, lang, name(lang))
            })
            .collect();
        insert(&english_dir.join(&page), &links.concat(), "")?;
    }
    for lang in langs {
        link_edition(english_dir, &english_dir.join(lang))?;
    }
    Ok(())
}

/// Adds the switch back to English to each page of the edition in `dir`, whose English
/// pages are in `english_dir` (the edition is served from `<english_dir>/<lang>/`).
pub fn link_edition(english_dir: &Path, dir: &Path) -> Result<()> {
    for page in html_pages(dir, &[]) {
        let href = if english_dir.join(&page).is_file() {
            format!("../{}", page.display())
        } else {
            "../index.html".to_string()
        };
        let up = "../".repeat(page.components().count() - 1);
        let script = format!("\n<script src=\"{up}{}\"></script>", search_cjk::SCRIPT);
        insert(
            &dir.join(&page),
            &switch(&page, &href, "en", "English"),
            &script,
        )?;
    }
    Ok(())
}

/// A language's name in itself.
fn name(lang: &str) -> &'static str {
    LANGUAGES
        .iter()
        .find(|(code, _)| *code == lang)
        .map_or("", |(_, name)| name)
}

/// The link to `href` (relative to the book's top) from `page`.
fn switch(page: &Path, href: &str, lang: &str, name: &str) -> String {
    let up = "../".repeat(page.components().count() - 1);
    format!(
        "\n<a class=\"lang-switch\" href=\"{up}{href}\" hreflang=\"{lang}\" lang=\"{lang}\" \
         title=\"{name}\">{name}</a>"
    )
}

/// Puts `links` among the buttons of a page, and `script` after the search library; a page without
/// a menu bar (the table of contents' frame) is left as it is.
fn insert(path: &Path, links: &str, script: &str) -> Result<()> {
    let html =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let Some(at) = html
        .find(BUTTONS)
        .filter(|_| !html.contains("class=\"lang-switch\""))
    else {
        return Ok(());
    };
    let at = at + BUTTONS.len();
    let mut edited = format!("{}{links}{}", &html[..at], &html[at..]);
    // Right after the search's own library, before the searcher can load the index.
    let after_library = edited.find("<script src=\"elasticlunr").and_then(|start| {
        let end = edited[start..].find("</script>")? + start + "</script>".len();
        Some(end)
    });
    if let Some(at) = after_library.or_else(|| edited.rfind("</body>")) {
        edited.insert_str(at, script);
    }
    std::fs::write(path, edited).with_context(|| format!("writing {}", path.display()))
}

/// The HTML pages under `dir`, relative to it and in order, leaving out the folders `skip`
/// names at its top (the editions' folders).
fn html_pages(dir: &Path, skip: &[&str]) -> Vec<PathBuf> {
    let walk = WalkDir::new(dir).follow_links(true).sort_by_file_name();
    let pages = walk.into_iter().filter_entry(|entry| {
        entry.depth() != 1 || !skip.iter().any(|lang| entry.file_name() == *lang)
    });
    pages
        .flatten()
        .filter(|page| {
            !page.file_type().is_dir() && page.path().extension().is_some_and(|e| e == "html")
        })
        .filter_map(|page| page.path().strip_prefix(dir).ok().map(Path::to_path_buf))
        .collect()
}
