//! The words the Chinese edition keeps away from, as the glossary says them.
//!
//! The glossary (appendix C, `book/src/glossary.md`) is the one list of the course's terms
//! in English and Chinese. A few of its rows also name a word *not* to use, because it
//! means something else to a Chinese reader: 代理 is a proxy, so Consul's agent stays
//! "agent" and a broker is 消息中间件; 线上 reads as "in production". Those rows say it in
//! two forms, and this module reads both:
//!
//! - `不用“线上”`: the word is never the translation;
//! - `“代理”是 proxy` (or `不用“代理”：那是 proxy`): the word translates "proxy" and nothing else.
//!
//! Reading the rule from the glossary, not from a list in code, keeps one home for it: a
//! new row there is a new rule for every translated text the checks read.

/// A word the Chinese edition uses only where the English says `only_for` (never, when
/// `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvoidedWord {
    pub word: String,
    pub only_for: Option<String>,
    /// The glossary row's English term, to name in a finding.
    pub term: String,
}

/// The avoided words of a glossary page: one per word, in the order the rows give them.
pub fn avoided_words(glossary: &str) -> Vec<AvoidedWord> {
    let mut words: Vec<AvoidedWord> = Vec::new();
    for row in glossary.lines().filter(|line| line.starts_with('|')) {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [english, chinese] = cells[..] else {
            continue;
        };
        for (before, word, after) in quotes(chinese) {
            let only_for = after
                .trim_start_matches("：那")
                .strip_prefix("是 ")
                .map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                        .collect::<String>()
                })
                .filter(|english| !english.is_empty());
            let refused = before.ends_with("不用") || only_for.is_some();
            if refused && !words.iter().any(|known| known.word == word) {
                words.push(AvoidedWord {
                    word: word.to_string(),
                    only_for,
                    term: english.to_string(),
                });
            }
        }
    }
    words
}

/// The avoided words a translation uses where its English does not allow them.
pub fn misused<'a>(words: &'a [AvoidedWord], english: &str, chinese: &str) -> Vec<&'a AvoidedWord> {
    let english = english.to_lowercase();
    words
        .iter()
        // A word the English quotes as it is (the Go course's own Chinese: "线上部署") is
        // a quotation, not a translation: only its other uses count.
        .filter(|avoided| {
            chinese.matches(avoided.word.as_str()).count()
                > english.matches(avoided.word.as_str()).count()
        })
        .filter(|avoided| match &avoided.only_for {
            // "proxy" allows 代理 where the English says proxy, proxies or proxied.
            Some(allowed) => {
                let stem = allowed.trim_end_matches('y');
                !english.contains(stem)
            }
            None => true,
        })
        .collect()
}

/// Each `“word”` of a cell, with the text before and after it.
fn quotes(cell: &str) -> Vec<(&str, &str, &str)> {
    let mut found = Vec::new();
    let mut rest = cell;
    let mut offset = 0;
    while let Some(open) = rest.find('“') {
        let start = open + '“'.len_utf8();
        let Some(close) = rest[start..].find('”') else {
            break;
        };
        let word = &rest[start..start + close];
        let after = start + close + '”'.len_utf8();
        found.push((&cell[..offset + open], word, &rest[after..]));
        offset += after;
        rest = &rest[after..];
    }
    found
}

#[cfg(test)]
mod tests;
