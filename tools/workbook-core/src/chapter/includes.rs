//! The book's includes, read as mdBook's link preprocessor reads them: where a chapter
//! says `{{#include path:anchor}}`, and what text that puts in the chapter. The schedule
//! counts the lines a chapter shows; `verify` checks that every include resolves; the
//! runner's preview of a chapter shows it with its listings in place ([`expand`]).

use std::fs;
use std::ops::Range;
use std::path::Path;

/// What follows the path in an include.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selector {
    Whole,
    Anchor(String),
    /// 1-based first line, if given.
    Lines(Option<usize>),
}

/// An `{{#include path[:selector]}}` found in a chapter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Include {
    pub line: usize,
    pub path: String,
    pub selector: Selector,
}

/// Finds the includes in a chapter, as mdBook's link preprocessor reads them:
/// `{{#include …}}` and `{{#rustdoc_include …}}`, skipping escaped `\{{#…}}`.
pub fn find_includes(markdown: &str) -> Vec<Include> {
    scan(markdown)
        .into_iter()
        .map(|(_, include)| include)
        .collect()
}

/// `markdown` with each include replaced by the text it brings in, read relative to
/// `chapter_dir`, as mdBook builds the chapter. An include whose file cannot be read is left
/// as written, as mdBook leaves it (and `verify` fails on it).
pub fn expand(markdown: &str, chapter_dir: &Path) -> String {
    let mut expanded = String::with_capacity(markdown.len() * 2);
    let mut copied = 0;
    for (span, include) in scan(markdown) {
        let Some(text) = included_text(chapter_dir, &include) else {
            continue;
        };
        expanded.push_str(&markdown[copied..span.start]);
        expanded.push_str(&text);
        copied = span.end;
    }
    expanded.push_str(&markdown[copied..]);
    expanded
}

/// Each include of `markdown`, with where it stands in it (the bytes of `{{#…}}`).
fn scan(markdown: &str) -> Vec<(Range<usize>, Include)> {
    let mut found = Vec::new();
    let mut line_start = 0;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        let mut rest = line;
        let mut offset = 0;
        while let Some(start) = rest.find("{{") {
            let escaped = line[..offset + start].ends_with('\\');
            let after = &rest[start + 2..];
            let Some(end) = after.find("}}") else { break };
            let inside = after[..end].trim_start();
            let span = line_start + offset + start..line_start + offset + start + 2 + end + 2;
            rest = &after[end + 2..];
            offset += start + 2 + end + 2;
            if escaped {
                continue;
            }
            let Some(directive) = inside.strip_prefix('#') else {
                continue;
            };
            let mut words = directive.split_whitespace();
            let kind = words.next().unwrap_or_default();
            if kind != "include" && kind != "rustdoc_include" {
                continue;
            }
            let Some(target) = words.next() else { continue };
            let (path, selector) = match target.split_once(':') {
                None => (target, Selector::Whole),
                Some((path, rest)) => (path, parse_selector(rest)),
            };
            let include = Include {
                line: index + 1,
                path: path.to_string(),
                selector,
            };
            found.push((span, include));
        }
        line_start += line.len();
    }
    found
}

/// Mirrors mdBook: a number or nothing first means a line range, anything else an anchor.
fn parse_selector(text: &str) -> Selector {
    let first = text.split(':').next().unwrap_or_default();
    if first.is_empty() {
        Selector::Lines(None)
    } else if let Ok(start) = first.parse::<usize>() {
        Selector::Lines(Some(start))
    } else {
        Selector::Anchor(first.to_string())
    }
}

/// The names after `ANCHOR:` (or `ANCHOR_END:`) markers in a source file.
pub fn anchors(source: &str, marker: &str) -> Vec<String> {
    let mut names = Vec::new();
    for line in source.lines() {
        let mut rest = line;
        while let Some(at) = rest.find(marker) {
            let after = rest[at + marker.len()..].trim_start();
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                .collect();
            if !name.is_empty() {
                names.push(name);
            }
            rest = &rest[at + marker.len()..];
        }
    }
    names
}

/// What an include puts in the chapter, as mdBook's link preprocessor cuts it: the whole
/// file, the lines from a number on, or the lines between an anchor's
/// markers, every marker line left out. `None` where the file cannot be read.
pub fn included_text(chapter_dir: &Path, include: &Include) -> Option<String> {
    let source = fs::read_to_string(chapter_dir.join(&include.path)).ok()?;
    let lines: Vec<&str> = source.lines().collect();
    let kept: Vec<&str> = match &include.selector {
        Selector::Whole | Selector::Lines(None) => lines,
        Selector::Lines(Some(start)) => lines.into_iter().skip(start.saturating_sub(1)).collect(),
        Selector::Anchor(name) => {
            let is = |line: &str, marker: &str| anchors(line, marker).iter().any(|n| n == name);
            lines
                .iter()
                .skip_while(|line| !is(line, "ANCHOR:"))
                .skip(1)
                .take_while(|line| !is(line, "ANCHOR_END:"))
                .copied()
                .collect()
        }
    };
    let kept: Vec<&str> = kept
        .into_iter()
        .filter(|line| !line.contains("ANCHOR:") && !line.contains("ANCHOR_END:"))
        .collect();
    Some(kept.join("\n"))
}

#[cfg(test)]
mod tests;
