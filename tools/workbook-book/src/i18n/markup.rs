//! Emphasis that did not render: a translated page showing `**提问：**` or `上_监听_` as
//! typed.
//!
//! CommonMark opens and closes emphasis by what stands on either side of the `*` or `_`,
//! and its rules were made for languages that put spaces between words. Next to CJK
//! characters and punctuation they often do neither: `_监听_` between two Chinese characters
//! is an underscore inside a word, and `**提问：**每` closes nothing, because the run follows
//! punctuation and precedes a letter. The page then shows the marks. mdBook says nothing,
//! so `verify` reads the built pages of each translation for marks left in the text.

use std::path::{Path, PathBuf};

/// How many characters of a page's text a finding quotes on each side.
const QUOTE: usize = 12;

/// A mark of emphasis left as text in a built page: the page and the words around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralMark {
    pub page: PathBuf,
    pub around: String,
}

/// The literal marks (and dashed options) in the chapters of the edition built in `dir` (its `print.html`,
/// which repeats every chapter, and its table of contents are left out).
pub fn literal_marks(dir: &Path) -> Vec<LiteralMark> {
    let mut found = Vec::new();
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "html"))
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n == "print.html" || n == "toc.html")
        })
        .collect();
    pages.sort();
    for page in pages {
        let Ok(html) = std::fs::read_to_string(&page) else {
            continue;
        };
        for around in marks_in(&prose(&html)) {
            found.push(LiteralMark {
                page: page.clone(),
                around,
            });
        }
    }
    found
}

/// The text of a page's `<main>`, without its code, its scripts and its tags.
fn prose(html: &str) -> String {
    let main = match (html.find("<main"), html.find("</main>")) {
        (Some(start), Some(end)) if start < end => &html[start..end],
        _ => html,
    };
    let mut text = String::new();
    let mut rest = main;
    // Elements whose text is not prose: what is inside them is dropped whole.
    const SKIPPED: [&str; 4] = ["code", "pre", "script", "style"];
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        rest = &rest[open..];
        let Some(close) = rest.find('>') else {
            break;
        };
        let tag = &rest[1..close];
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        rest = &rest[close + 1..];
        if SKIPPED.contains(&name.as_str()) {
            let end = format!("</{name}>");
            rest = rest.find(&end).map_or("", |at| &rest[at + end.len()..]);
        }
        text.push(' ');
    }
    text.push_str(rest);
    text
}

/// Each `**`, each `_word_` whose underscores are not inside an identifier, and each
/// command-line option whose `--` became a dash (` –client`, typography's en dash for
/// `--`), in `text`, quoted with the words around it.
fn marks_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let quote = |at: usize, len: usize| -> String {
        let start = at.saturating_sub(QUOTE);
        let end = (at + len + QUOTE).min(chars.len());
        chars[start..end]
            .iter()
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '*' && chars.get(i + 1) == Some(&'*') {
            found.push(quote(i, 2));
            i += 2;
            continue;
        }
        let option_dashed = chars[i] == '–'
            && (i == 0 || chars[i - 1].is_whitespace())
            && chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
        if option_dashed {
            found.push(quote(i, 2));
            i += 1;
            continue;
        }
        if chars[i] == '_'
            && let Some(len) = underscored_word(&chars, i)
        {
            found.push(quote(i, len));
            i += len;
            continue;
        }
        i += 1;
    }
    found
}

/// The length of `_word_` starting at `at`, if it is one: not inside an identifier on
/// either side (`snake_case_name`), no spaces at its inner edges, on one line, short.
fn underscored_word(chars: &[char], at: usize) -> Option<usize> {
    let identifier = |c: &char| c.is_ascii_alphanumeric() || *c == '_';
    if at > 0 && identifier(&chars[at - 1]) {
        return None;
    }
    let first = chars.get(at + 1)?;
    if first.is_whitespace() || *first == '_' {
        return None;
    }
    let close = (at + 2..chars.len().min(at + 42))
        .take_while(|&j| chars[j] != '\n')
        .find(|&j| chars[j] == '_')?;
    if chars[close - 1].is_whitespace() || chars.get(close + 1).is_some_and(identifier) {
        return None;
    }
    Some(close + 1 - at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marks(html: &str) -> Vec<String> {
        marks_in(&prose(html))
    }

    #[test]
    fn finds_emphasis_that_did_not_render() {
        let page = "<main><p>**提问：**网络调用</p><p>服务端在地址上_监听_（listen）</p></main>";
        let found = marks(page);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].starts_with("**提问："), "{found:?}");
        assert!(found[2].contains("上_监听_（"), "{found:?}");
        let found = marks("<main><td>loadgen grpc –client h2</td></main>");
        assert_eq!(found, ["oadgen grpc –client h2"], "{found:?}");
    }

    #[test]
    fn leaves_code_identifiers_and_rendered_emphasis_alone() {
        let page = "<main><p><strong>提问</strong>：用 <code>read_until</code> 与 2–3 \
                    <code>**x**</code></p><pre>CONNECT /_rpc_</pre>\
                    <p>the MAX_LINE_LEN constant, a_b_c, 2 * 3 * 4</p></main>";
        assert_eq!(marks(page), Vec::<String>::new());
    }
}
