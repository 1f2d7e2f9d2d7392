//! Keeping the catalogs: `workbook-dev i18n extract` and `workbook-dev i18n import`.
//!
//! `extract` lists every message of the English book in `book/po/messages.pot` (the
//! Xgettext renderer of mdbook-i18n-helpers, plus the diagrams' labels, which it does not
//! see) and brings each translation up to date with it, as Gettext's `msgmerge` does: a
//! message whose English is unchanged keeps its translation; one whose English changed
//! keeps the old translation marked fuzzy, for a translator to review, and shows in
//! English until then; one that is new waits for a translation.
//!
//! `import` takes translations written as JSON, `{"English": "译文"}`, or by number,
//! `{"0": "译文"}` beside a batch `[{"n": 0, "en": "English"}]` of the same name in
//! `../batches/`, and writes them into the catalog.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use mdbook_driver::MDBook;
use mdbook_i18n_helpers::renderers::Xgettext;
use mdbook_preprocessor::book::BookItem;

use super::po::{self, Catalog, Entry};
use crate::diagrams;
use workbook_core::ui;

/// Where the template of every translation is.
pub fn template_file(root: &Path) -> PathBuf {
    root.join("book/po/messages.pot")
}

/// `i18n extract`.
pub fn extract(root: &Path) -> Result<()> {
    let template = template(root)?;
    write_catalog(&template_file(root), &template)?;
    println!(
        "{} wrote book/po/messages.pot ({} messages)",
        ui::pass_mark(),
        template.entries.len()
    );
    for lang in super::translated(root) {
        let path = super::po_file(root, lang);
        let merged = merge(&po::read_translation(&path)?, &template);
        write_catalog(&path, &merged)?;
        let translated = merged.entries.iter().filter(|e| e.is_translated()).count();
        let fuzzy = merged.entries.iter().filter(|e| e.fuzzy).count();
        println!(
            "{} book/po/{lang}.po: {translated} translated, {fuzzy} fuzzy, {} to translate",
            ui::pass_mark(),
            merged.entries.len() - translated - fuzzy
        );
    }
    Ok(())
}

/// Every message of the English book, with where it is.
pub fn template(root: &Path) -> Result<Catalog> {
    // A folder of its own for each extraction (tests run several in one process).
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let unique = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let out =
        std::env::temp_dir().join(format!("workbook-xgettext-{}-{unique}", std::process::id()));
    let mut config = super::config(root)?;
    config.build.build_dir = out.clone();
    // References name the file and not the line: a line added above a message, in a chapter
    // or a file it includes, leaves the catalog as it was.
    config.set("output.xgettext.granularity", 0)?;
    let book_config = config.book.clone();
    let book = MDBook::load_with_config(root.join("book"), config).context("loading the book")?;
    let rendered = book.execute_build_process(&Xgettext);
    let pot = book.build_dir_for("xgettext").join("messages.pot");
    let text = rendered
        .and_then(|()| Ok(std::fs::read_to_string(&pot)?))
        .context("extracting the book's messages");
    let _ = std::fs::remove_dir_all(&out);
    let mut template = po::parse(&text?, "messages.pot")?;
    // The date would change the file on every run, whether the messages did or not.
    template
        .header
        .retain(|(key, _)| key != "POT-Creation-Date" && key != "Language");
    // The book's title and description, which the extractor leaves in book.toml.
    super::book_title::add_to_template(&mut template, &book_config);
    // The words of the charts, pictures the extractor does not read.
    for (name, svg) in super::coverage::charts(root) {
        let place = format!("src/images/{name}");
        for label in super::charts::labels(&svg) {
            add_label(&mut template, &label, place.clone(), "a label in a chart");
        }
    }
    // The labels of the diagrams, which the extractor leaves inside their code blocks.
    for item in book.iter() {
        if let BookItem::Chapter(chapter) = item
            && let Some(path) = &chapter.path
        {
            for (_, label) in diagrams::diagram_labels(&chapter.content) {
                let place = format!("src/{}", path.display());
                add_label(&mut template, &label, place, "a label in a diagram");
            }
        }
    }
    Ok(template)
}

/// A word of a picture, in the pictures' context: one message for every file it is in.
fn add_label(template: &mut Catalog, label: &str, place: String, what: &str) {
    let key = po::key(Some(super::LABEL), label);
    match template.entries.iter_mut().find(|e| e.key() == key) {
        Some(entry) if entry.references.contains(&place) => {}
        Some(entry) => entry.references.push(place),
        None => template.entries.push(Entry {
            context: Some(super::LABEL.to_string()),
            comments: vec![what.to_string()],
            references: vec![place],
            ..Entry::new(label)
        }),
    }
}

/// A translation brought up to date with `template`, as `msgmerge` does: same English in
/// the same context, same translation; changed English, the closest old translation marked
/// fuzzy; new English, untranslated. Messages no longer in the book are dropped.
pub fn merge(old: &Catalog, template: &Catalog) -> Catalog {
    let by_key: HashMap<String, usize> = old
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key(), i))
        .collect();
    let mut used = vec![false; old.entries.len()];
    let mut entries: Vec<Entry> = template.entries.clone();
    for entry in &mut entries {
        if let Some(&i) = by_key.get(&entry.key()) {
            entry.msgstr = old.entries[i].msgstr.clone();
            entry.fuzzy = old.entries[i].fuzzy && !entry.msgstr.is_empty();
            used[i] = true;
        }
    }
    let unused: Vec<&Entry> = old
        .entries
        .iter()
        .zip(&used)
        .filter(|(_, used)| !**used)
        .map(|(entry, _)| entry)
        .collect();
    fill_fuzzy(&mut entries, &unused);
    Catalog {
        header: old.header.clone(),
        header_line: 0,
        entries,
    }
}

/// Gives each untranslated entry the translation of the most alike of `candidates` (old
/// English with its translation), marked fuzzy: the English changed, a translator reviews.
/// Each candidate is used once.
fn fill_fuzzy(entries: &mut [Entry], candidates: &[&Entry]) -> usize {
    let mut used = vec![false; candidates.len()];
    let mut filled = 0;
    for entry in entries.iter_mut().filter(|e| e.msgstr.is_empty()) {
        let closest = candidates
            .iter()
            .enumerate()
            .filter(|(i, e)| !used[*i] && !e.msgstr.is_empty())
            .map(|(i, e)| (i, similarity(&entry.msgid, &e.msgid)))
            .filter(|(_, score)| *score >= 0.6)
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, _)) = closest {
            entry.msgstr = candidates[i].msgstr.clone();
            entry.fuzzy = true;
            used[i] = true;
            filled += 1;
        }
    }
    filled
}

/// How alike two texts are, from 0 to 1: the share of their pairs of neighbouring
/// characters they have in common (Dice's coefficient).
fn similarity(a: &str, b: &str) -> f64 {
    let pairs = |s: &str| {
        let chars: Vec<char> = s.chars().collect();
        let mut counts: HashMap<(char, char), usize> = HashMap::new();
        for pair in chars.windows(2) {
            *counts.entry((pair[0], pair[1])).or_default() += 1;
        }
        counts
    };
    let (a, b) = (pairs(a), pairs(b));
    let total: usize = a.values().sum::<usize>() + b.values().sum::<usize>();
    if total == 0 {
        return 0.0;
    }
    let shared: usize = a
        .iter()
        .map(|(pair, n)| (*n).min(b.get(pair).copied().unwrap_or(0)))
        .sum();
    2.0 * shared as f64 / total as f64
}

/// The header of a new translation into `lang`.
pub fn new_header(lang: &str) -> Vec<(String, String)> {
    let team = match lang {
        "zh-CN" => "Chinese (simplified)",
        other => other,
    };
    [
        ("Project-Id-Version", "From Sockets to Services"),
        ("Language-Team", team),
        ("Language", lang),
        ("MIME-Version", "1.0"),
        ("Content-Type", "text/plain; charset=UTF-8"),
        ("Content-Transfer-Encoding", "8bit"),
        ("Plural-Forms", "nplurals=1; plural=0;"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `i18n import`.
pub fn import(root: &Path, files: &[PathBuf], batches: Option<&Path>, lang: &str) -> Result<()> {
    if !super::LANGUAGES.iter().any(|(code, _)| *code == lang) {
        bail!("the runner knows no language `{lang}`");
    }
    let template = match po::parse(
        &std::fs::read_to_string(template_file(root)).unwrap_or_default(),
        "messages.pot",
    ) {
        Ok(template) if !template.entries.is_empty() => template,
        _ => {
            let template = template(root)?;
            write_catalog(&template_file(root), &template)?;
            template
        }
    };
    let path = super::po_file(root, lang);
    let old = if path.is_file() {
        po::read_translation(&path)?
    } else {
        Catalog {
            header: new_header(lang),
            ..Catalog::default()
        }
    };
    let mut catalog = merge(&old, &template);
    // A translator's file names the English only: it translates that English in every
    // context it has (a label and a paragraph alike), unless the file is a key's own.
    let mut index: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, entry) in catalog.entries.iter().enumerate() {
        index.entry(entry.msgid.clone()).or_default().push(i);
        if entry.context.is_some() {
            index.entry(entry.key()).or_default().push(i);
        }
    }
    // Translations whose English is no longer in the book: kept, fuzzy, for the message
    // most like their English, as `extract` keeps them when the English changes.
    let mut stale: Vec<Entry> = Vec::new();
    for file in files {
        let pairs = read_pairs(file, batches)?;
        let (mut found, mut missing) = (0, Vec::new());
        for (english, translation) in pairs {
            match index.get(&english) {
                Some(places) if !translation.is_empty() => {
                    for &i in places {
                        catalog.entries[i].msgstr = translation.clone();
                        catalog.entries[i].fuzzy = false;
                    }
                    found += 1;
                }
                Some(_) => {}
                None => {
                    missing.push(english.clone());
                    stale.push(Entry {
                        msgstr: translation,
                        ..Entry::new(&english)
                    });
                }
            }
        }
        println!(
            "{} {}: {found} translations",
            ui::pass_mark(),
            file.display()
        );
        if !missing.is_empty() {
            println!(
                "  {} {} whose English is not in the book (any more), kept as fuzzy where the \
                 book has English like it:",
                ui::todo_mark(),
                missing.len()
            );
            for english in missing.iter().take(5) {
                println!("    {}", english.chars().take(90).collect::<String>());
            }
        }
    }
    let fuzzy = fill_fuzzy(&mut catalog.entries, &stale.iter().collect::<Vec<_>>());
    write_catalog(&path, &catalog)?;
    println!(
        "{} wrote {} ({fuzzy} fuzzy, to review)",
        ui::pass_mark(),
        path.display()
    );
    Ok(())
}

/// A file's pairs of (English, translation).
fn read_pairs(file: &Path, batches: Option<&Path>) -> Result<Vec<(String, String)>> {
    let read = |path: &Path| -> Result<serde_json::Value> {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
    };
    let serde_json::Value::Object(map) = read(file)? else {
        bail!("{}: expected an object of translations", file.display());
    };
    let numbered = !map.is_empty() && map.keys().all(|k| k.parse::<usize>().is_ok());
    let strings = map
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())));
    if !numbered {
        return Ok(strings.collect());
    }
    let name = file.file_name().unwrap_or_default();
    let batch = match batches {
        Some(dir) => dir.join(name),
        None => file
            .parent()
            .unwrap_or(Path::new("."))
            .join("../batches")
            .join(name),
    };
    let english: HashMap<String, String> = read(&batch)
        .with_context(|| format!("{} is numbered: its batch", file.display()))?
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| {
            Some((
                item["n"].as_u64()?.to_string(),
                item["en"].as_str()?.to_string(),
            ))
        })
        .collect();
    strings
        .map(|(n, translation)| match english.get(&n) {
            Some(en) => Ok((en.clone(), translation)),
            None => bail!(
                "{}: message {n} is not in {}",
                file.display(),
                batch.display()
            ),
        })
        .collect()
}

fn write_catalog(path: &Path, catalog: &Catalog) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, po::write(catalog)).with_context(|| format!("writing {}", path.display()))
}
