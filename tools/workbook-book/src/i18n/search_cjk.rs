//! Search that finds Chinese words in a translated edition.
//!
//! mdBook's search index (elasticlunr) cuts text into words at spaces; Chinese has none, so
//! a paragraph becomes one long "word" and a search for 服务 finds nothing (mdBook issues
//! #1081 and #2393). After the build, each run of Chinese characters in the index's
//! documents is also indexed as its overlapping pairs of characters (服务发现: 服务, 务发,
//! 发现), the common way to index text without spaces. `search_cjk.js`, loaded by each page
//! of the edition, cuts a query the same way, so 服务发现 finds the pages holding all three
//! pairs, and a single character finds the pairs it starts.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

/// The script that cuts queries as the index is cut, written beside the edition's pages.
pub const SCRIPT: &str = "search-cjk.js";
const SCRIPT_TEXT: &str = include_str!("search_cjk.js");

/// How mdBook wraps the index's JSON in `searchindex.js`.
const PREFIX: &str = "window.search = Object.assign(window.search, JSON.parse('";
const SUFFIX: &str = "'));";

/// The fields searched: titles and text (breadcrumbs have no weight in the book's search).
const FIELDS: [&str; 2] = ["title", "body"];

/// Adds the Chinese pairs to the search index of the edition built in `dir`, and writes
/// the script that cuts queries.
pub fn index_cjk(dir: &Path) -> Result<()> {
    std::fs::write(dir.join(SCRIPT), SCRIPT_TEXT)?;
    let Some(path) = std::fs::read_dir(dir)?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("searchindex") && n.ends_with(".js"))
        })
    else {
        return Ok(()); // search is turned off
    };
    let script = std::fs::read_to_string(&path)?;
    let rewritten =
        rewrite_index(&script).with_context(|| format!("indexing {}", path.display()))?;
    std::fs::write(&path, rewritten)?;
    Ok(())
}

/// `searchindex.js` with the Chinese pairs of its documents added to its index.
pub fn rewrite_index(script: &str) -> Result<String> {
    let Some(quoted) = script
        .trim_end()
        .strip_prefix(PREFIX)
        .and_then(|s| s.strip_suffix(SUFFIX))
    else {
        bail!("the search index is not in the form this mdBook version writes");
    };
    let mut index: Value = serde_json::from_str(&unescape(quoted))?;
    let docs: Vec<(String, Value)> = index["index"]["documentStore"]["docs"]
        .as_object()
        .map(|docs| docs.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    for field in FIELDS {
        let Some(root) = index["index"]["index"][field]["root"].as_object_mut() else {
            continue;
        };
        for (doc_ref, doc) in &docs {
            let text = doc[field].as_str().unwrap_or_default();
            for (term, count) in terms(text) {
                add_term(root, doc_ref, &term, count);
            }
        }
    }
    let json = serde_json::to_string(&index)?;
    Ok(format!(
        "{PREFIX}{}{SUFFIX}",
        json.replace('\\', "\\\\").replace('\'', "\\'")
    ))
}

/// Undoes mdBook's escaping of the JSON inside single quotes (`\\` and `\'`).
fn unescape(quoted: &str) -> String {
    let mut out = String::with_capacity(quoted.len());
    let mut chars = quoted.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or('\\')
        } else {
            c
        });
    }
    out
}

/// Whether a character is a Chinese one (CJK ideographs, the common and extension A
/// blocks, and the compatibility block).
pub fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// The Chinese terms of a text and how often each occurs: every pair of neighbouring
/// Chinese characters, and a character standing alone.
pub fn terms(text: &str) -> BTreeMap<String, usize> {
    let mut terms = BTreeMap::new();
    let chars: Vec<char> = text.chars().collect();
    for run in chars.split(|c| !is_cjk(*c)).filter(|run| !run.is_empty()) {
        if run.len() == 1 {
            *terms.entry(run[0].to_string()).or_default() += 1;
        }
        for pair in run.windows(2) {
            *terms.entry(pair.iter().collect()).or_default() += 1;
        }
    }
    terms
}

/// Adds a term to elasticlunr's index tree (a node per character: `{"docs": {ref: {"tf":
/// √count}}, "df": documents, "服": {…}}`), as elasticlunr-rs adds a word.
fn add_term(root: &mut Map<String, Value>, doc_ref: &str, term: &str, count: usize) {
    let mut node = root;
    for c in term.chars() {
        let child = node
            .entry(c.to_string())
            .or_insert_with(|| json!({"docs": {}, "df": 0}));
        let Some(child) = child.as_object_mut() else {
            return;
        };
        node = child;
    }
    let docs = node.entry("docs").or_insert_with(|| json!({}));
    let Some(docs) = docs.as_object_mut() else {
        return;
    };
    let tf = json!({"tf": (count as f64).sqrt()});
    if docs.insert(doc_ref.to_string(), tf).is_none() {
        let df = node.get("df").and_then(Value::as_i64).unwrap_or(0);
        node.insert("df".to_string(), json!(df + 1));
    }
}
