//! How much of each chapter a translation covers, and whether that is enough.
//!
//! Translations elsewhere go stale without a sign: the English moves on and the translated
//! page keeps saying what the English said years ago. Here a chapter's messages are counted
//! against the catalog every time: translated (and current), fuzzy (the English changed
//! since), or untranslated (new English, or never done). The translated page says so at its
//! top (`translate.rs`), and `workbook-dev verify` fails where a chapter falls under the share
//! that `book/po/thresholds.toml` sets for it.
//!
//! Prose is counted, the labels of the diagrams and the comments of the listings: a reader
//! sees them all as words of the page. A listing's code and strings are not: they are
//! included from the lessons and change with them, and shown as the code is. (The
//! comments are found through the catalog, whose references name the chapters the
//! extractor found them in, once the listings are included.)

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use mdbook_driver::MDBook;
use mdbook_i18n_helpers::{extract_events, extract_messages, reconstruct_markdown};
use mdbook_preprocessor::book::BookItem;
use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::book_title;
use super::po::{self, Catalog};
use workbook_core::ui;

/// A chapter's messages by state.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Counts {
    pub translated: usize,
    pub fuzzy: usize,
    pub untranslated: usize,
}

impl Counts {
    pub fn total(&self) -> usize {
        self.translated + self.fuzzy + self.untranslated
    }

    pub fn is_complete(&self) -> bool {
        self.translated == self.total()
    }

    /// The translated share in percent (100 for a chapter with nothing to translate).
    pub fn percent(&self) -> f64 {
        match self.total() {
            0 => 100.0,
            total => 100.0 * self.translated as f64 / total as f64,
        }
    }
}

/// The messages of a chapter's prose, as the Gettext extractor cuts them: the messages
/// that start inside a code block are left out.
pub fn prose_messages(markdown: &str) -> Vec<String> {
    // Each code block's lines: a fenced one from its opening fence to its closing one, an
    // indented one to its last line of code.
    let lines: Vec<&str> = markdown.lines().collect();
    let closing_fence = |from: usize| {
        (from + 1..=lines.len()).find(|number| {
            let line = lines[number - 1].trim();
            line.len() >= 3 && (line.chars().all(|c| c == '`') || line.chars().all(|c| c == '~'))
        })
    };
    let mut blank = vec![false; lines.len() + 2];
    let mut block: Option<(usize, usize)> = None;
    for (line, event) in extract_events(markdown, None) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => {
                block = Some((line, closing_fence(line).unwrap_or(lines.len())));
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => block = Some((line, line)),
            Event::Text(text) => {
                if let Some((_, last)) = &mut block {
                    *last = (*last).max(line + text.trim_end().lines().count().max(1) - 1);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((first, last)) = block.take() {
                    blank[first.min(last)..=last.min(lines.len())].fill(true);
                }
            }
            _ => {}
        }
    }
    let prose: String = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            if blank[i + 1] {
                "\n".to_string()
            } else {
                format!("{line}\n")
            }
        })
        .collect();
    extract_messages(&prose)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, message)| message.message)
        .collect()
}

/// What a reader of a chapter's page reads as words: its prose messages and the labels of
/// its diagrams (a label that is code or bytes is translated as itself).
pub fn chapter_messages(markdown: &str) -> Vec<String> {
    let mut messages = prose_messages(markdown);
    messages.extend(
        crate::diagrams::diagram_labels(markdown)
            .into_iter()
            .map(|(_, label)| label_key(&label)),
    );
    messages
}

/// The comments of the listings of the chapter at `path` (`12-events.md`), as the
/// catalog's references (`src/12-events.md`, or with a line, `src/12-events.md:40`) place them: every message with a line comment in it. In a Rust
/// listing the extractor makes each comment a message; a listing in a language it cannot
/// read (a `.proto` file) is one message, code and comments, and counts as one.
pub fn listing_comments(catalog: &Catalog, path: &str) -> Vec<String> {
    let place = format!("src/{path}");
    let has_a_comment = |text: &str| text.lines().any(|l| l.trim_start().starts_with("//"));
    catalog
        .entries
        .iter()
        .filter(|entry| entry.context.is_none() && has_a_comment(&entry.msgid))
        .filter(|entry| entry.references.iter().any(|r| po::in_file(r, &place)))
        .map(|entry| entry.msgid.clone())
        .collect()
}

/// The book's charts: each `book/src/images/*.svg`, by file name, with its text.
pub fn charts(root: &Path) -> Vec<(String, String)> {
    let mut charts: Vec<(String, String)> = std::fs::read_dir(root.join("book/src/images"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().extension().is_some_and(|e| e == "svg"))
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            Some((name, std::fs::read_to_string(entry.path()).ok()?))
        })
        .collect();
    charts.sort();
    charts
}

/// The words of the charts a chapter shows (`images/benchmarks.svg` in its Markdown).
fn chart_labels(charts: &[(String, String)], markdown: &str) -> Vec<String> {
    charts
        .iter()
        .filter(|(name, _)| markdown.contains(&format!("images/{name}")))
        .flat_map(|(_, svg)| super::charts::labels(svg))
        .map(|label| label_key(&label))
        .collect()
}

/// How the catalog knows a word of a picture: in the pictures' context.
fn label_key(label: &str) -> String {
    super::po::key(Some(super::LABEL), label)
}

/// The messages of `SUMMARY.md`: its titles, without their links, as the extractor has them.
pub fn summary_messages(summary: &str) -> Vec<String> {
    extract_messages(summary)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, message)| {
            let events: Vec<_> = extract_events(&message.message, None)
                .into_iter()
                .filter(|(_, event)| {
                    !matches!(
                        event,
                        Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link)
                    )
                })
                .collect();
            let stripped = reconstruct_markdown(&events, None).map(|(text, _)| text);
            stripped.unwrap_or_else(|_| message.message.clone())
        })
        .collect()
}

/// Counts `messages` against a catalog.
pub fn count(messages: &[String], catalog: &Catalog) -> Counts {
    let by_key: std::collections::HashMap<String, _> = catalog
        .entries
        .iter()
        .map(|entry| (entry.key(), entry))
        .collect();
    let mut counts = Counts::default();
    for message in messages {
        match by_key.get(message.as_str()) {
            Some(entry) if entry.is_translated() => counts.translated += 1,
            Some(entry) if entry.fuzzy && !entry.msgstr.is_empty() => counts.fuzzy += 1,
            _ => counts.untranslated += 1,
        }
    }
    counts
}

/// `i18n status --missing CHAPTER`: the chapter's messages that show in English.
pub fn print_missing(root: &Path, chapter: &str) -> Result<()> {
    let config = super::config(root)?;
    let title = book_messages(&config.book);
    let book = MDBook::load_with_config(root.join("book"), config)?;
    for lang in super::translated(root) {
        let catalog = super::po::read_translation(&super::po_file(root, lang))?;
        if chapter == book_title::PLACE {
            for message in &title {
                if count(std::slice::from_ref(message), &catalog).translated == 0 {
                    println!("{lang} untranslated: {message}\n");
                }
            }
        }
        for item in book.iter() {
            if let BookItem::Chapter(c) = item
                && c.path
                    .as_ref()
                    .is_some_and(|p| p.display().to_string() == chapter)
            {
                let mut messages = chapter_messages(&c.content);
                messages.extend(listing_comments(&catalog, chapter));
                for message in messages {
                    let counts = count(std::slice::from_ref(&message), &catalog);
                    if counts.translated == 0 {
                        let state = if counts.fuzzy > 0 {
                            "fuzzy"
                        } else {
                            "untranslated"
                        };
                        let english = super::po::english_of(&message);
                        println!("{lang} {state}: {english}\n");
                    }
                }
            }
        }
    }
    Ok(())
}

/// The book's title and description, as messages.
fn book_messages(book: &mdbook_driver::config::BookConfig) -> Vec<String> {
    book_title::messages(book)
        .into_iter()
        .map(|(text, _)| text)
        .collect()
}

/// Each chapter's counts, `SUMMARY.md` and `book.toml` (the title) first, then the chapters in the book's order, by
/// their file (`01-tcp.md`).
pub fn chapters(root: &Path, catalog: &Catalog) -> Result<Vec<(String, Counts)>> {
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md"))
        .context("reading book/src/SUMMARY.md")?;
    let config = super::config(root)?;
    let mut rows = vec![
        (
            "SUMMARY.md".to_string(),
            count(&summary_messages(&summary), catalog),
        ),
        (
            book_title::PLACE.to_string(),
            count(&book_messages(&config.book), catalog),
        ),
    ];
    let book = MDBook::load_with_config(root.join("book"), config).context("loading the book")?;
    let charts = charts(root);
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item
            && let Some(path) = &chapter.path
        {
            let mut messages = chapter_messages(&chapter.content);
            messages.extend(listing_comments(catalog, &path.display().to_string()));
            messages.extend(chart_labels(&charts, &chapter.content));
            rows.push((path.display().to_string(), count(&messages, catalog)));
        }
    }
    Ok(rows)
}

/// The least translated share of each chapter, per language: `book/po/thresholds.toml`.
/// A chapter it does not name may be untranslated.
pub fn thresholds(root: &Path) -> Result<BTreeMap<String, BTreeMap<String, f64>>> {
    let path = root.join("book/po/thresholds.toml");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(BTreeMap::new());
    };
    toml::from_str(&text).with_context(|| format!("reading {}", path.display()))
}

/// A chapter under its threshold, as one line.
pub fn shortfalls(rows: &[(String, Counts)], thresholds: &BTreeMap<String, f64>) -> Vec<String> {
    rows.iter()
        .filter_map(|(chapter, counts)| {
            let least = thresholds.get(chapter).copied().unwrap_or(0.0);
            (counts.percent() + 1e-9 < least).then(|| {
                format!(
                    "{chapter}: {:.0} % translated, under the {least:.0} % it must have",
                    counts.percent()
                )
            })
        })
        .collect()
}

/// `verify`'s report on the translations: a line per language and chapter. Returns the
/// number of problems (a catalog that does not read, a chapter under its threshold).
pub fn print_report(root: &Path) -> usize {
    let langs = super::translated(root);
    if langs.is_empty() {
        return 0;
    }
    println!();
    println!("{}", ui::bold("The translations"));
    let thresholds = match thresholds(root) {
        Ok(thresholds) => thresholds,
        Err(err) => {
            println!("  {} {err:#}", ui::fail_mark());
            return 1;
        }
    };
    let mut problems = 0;
    for lang in langs {
        let rows = super::po::read_translation(&super::po_file(root, lang))
            .and_then(|catalog| chapters(root, &catalog));
        let rows = match rows {
            Ok(rows) => rows,
            Err(err) => {
                println!("  {} {lang}: {err:#}", ui::fail_mark());
                problems += 1;
                continue;
            }
        };
        let empty = BTreeMap::new();
        let least = thresholds.get(lang).unwrap_or(&empty);
        for (chapter, counts) in &rows {
            let ok = counts.percent() + 1e-9 >= least.get(chapter).copied().unwrap_or(0.0);
            let mark = if ok { ui::pass_mark() } else { ui::fail_mark() };
            println!(
                "  {mark} {lang} {chapter:<26} {:>5.1} % translated, {} fuzzy, {} untranslated of {}",
                counts.percent(),
                counts.fuzzy,
                counts.untranslated,
                counts.total()
            );
        }
        problems += shortfalls(&rows, least).len();
    }
    problems
}
