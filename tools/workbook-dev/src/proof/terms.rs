//! The glossary holds every Chinese text: where it says a word is not the translation of a
//! term (代理 is a proxy, not Consul's agent nor a broker; 线上 is not "on the wire"; a
//! term's second word, as 捣乱者 for the nemesis, whose word is 故障注入器), no translation
//! uses it otherwise — the book's catalog, the lessons' titles, hints and test messages,
//! and every sentence the runner says. So each term keeps one word.
//!
//! The rules are read from the glossary page itself ([`glossary::avoided_words`]), so a
//! new row there is a new rule here.

use workbook_book::i18n::{self, po};
use workbook_core::course::Course;
use workbook_core::language::{Lang, glossary, messages};
use workbook_core::problem::Problem;

const GLOSSARY: &str = "book/src/glossary.md";

/// Every translation that uses a word the glossary keeps for something else.
pub fn check_terms(course: &Course) -> Vec<Problem> {
    let root = &course.root;
    let Ok(page) = std::fs::read_to_string(root.join(GLOSSARY)) else {
        return Vec::new();
    };
    let words = glossary::avoided_words(&page);
    let mut problems = Vec::new();
    let mut hold = |location: String, english: &str, chinese: &str| {
        for avoided in glossary::misused(&words, english, chinese) {
            let allowed = match &avoided.only_for {
                Some(english) => format!("it is the word for «{english}»"),
                None => "it is never the translation".to_string(),
            };
            problems.push(Problem {
                location: location.clone(),
                message: format!(
                    "uses «{}» where the English does not allow it: {allowed} ({GLOSSARY}, \
                     «{}»)",
                    avoided.word, avoided.term
                ),
            });
        }
    };

    // The book: each translated message, but the glossary's own rows, which name the words.
    for lang in i18n::translated(root) {
        let file = i18n::po_file(root, lang);
        let Some(catalog) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| po::parse(&text, &file.display().to_string()).ok())
        else {
            continue;
        };
        let glossary_row = |reference: &String| po::in_file(reference, "src/glossary.md");
        for entry in catalog.entries {
            if entry.is_translated() && !entry.references.iter().all(glossary_row) {
                let at = format!("{}:{}", course.relative(&file).display(), entry.line);
                hold(at, &entry.msgid, &entry.msgstr);
            }
        }
    }

    // The lessons' titles and hints.
    if let Ok(mut chinese) = Course::load(root) {
        chinese.speak(Lang::ZhCn);
        for (english, chinese) in course.lessons.iter().zip(&chinese.lessons) {
            let at = format!("lessons/{}/lesson.zh-CN.toml", english.folder);
            hold(at.clone(), &english.title, &chinese.title);
            for (en, zh) in english.exercises.iter().zip(&chinese.exercises) {
                hold(format!("{at} ({})", en.id), &en.title, &zh.title);
                for (en_hint, zh_hint) in en.hints.iter().zip(&zh.hints) {
                    hold(format!("{at} ({}, a hint)", en.id), en_hint, zh_hint);
                }
            }
            // The tests' own words, and the stubs' (`[tests]`), as the runner shows them.
            for (en, zh) in &chinese.test_messages {
                hold(format!("{at} ([tests] «{en}»)"), en, zh);
            }
        }
    }

    // The runner's sentences.
    for (key, en, zh) in messages::every_message() {
        hold(format!("the runner's message {key}"), en, zh);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use workbook_book::testutil::Fixture;

    #[test]
    fn a_translation_that_uses_a_word_the_glossary_keeps_for_another_is_a_problem() {
        let fx = Fixture::course();
        fx.write(
            GLOSSARY,
            "| English | 中文 |\n|---|---|\n| agent (Consul) | agent（不译：“代理”是 proxy） |\n",
        );
        fx.write(
            "book/po/zh-CN.po",
            "msgid \"\"\nmsgstr \"Language: zh-CN\\nContent-Type: text/plain; charset=UTF-8\\n\
             Plural-Forms: nplurals=1; plural=0;\\n\"\n\n\
             #: src/glossary.md:7\nmsgid \"agent（不译：“代理”是 proxy）\"\nmsgstr \"agent（不译：“代理”是 proxy）\"\n\n\
             #: src/06-register.md:3\nmsgid \"through a logging proxy\"\nmsgstr \"通过一个记录日志的代理\"\n\n\
             #: src/06-register.md:9\nmsgid \"the agent answers\"\nmsgstr \"代理应答\"\n",
        );
        let course = Course::load(fx.path()).unwrap();
        // The fixture's book; the runner's own sentences are the real course's.
        let found: Vec<String> = check_terms(&course)
            .iter()
            .filter(|p| p.location.starts_with("book/"))
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("book/po/zh-CN.po:12 uses «代理»"),
            "{found:#?}"
        );
    }

    #[test]
    fn a_second_word_for_a_term_is_a_problem_in_the_tests_words_too() {
        let fx = Fixture::course();
        fx.write(
            GLOSSARY,
            "| English | 中文 |\n|---|---|\n\
             | advertise (an address) | 通告（不用“宣告”：那是 announce） |\n\
             | nemesis | 故障注入器（不用“捣乱者”） |\n",
        );
        fx.write(
            "lessons/01-tcp/lesson.zh-CN.toml",
            "title = \"TCP\"\n[tests]\n\
             \"{addr} is never advertised\" = \"{addr} 绝不对外宣告\"\n\
             \"a node announces itself\" = \"节点宣告自己\"\n\
             \"the nemesis cut {host} off\" = \"捣乱者切断了 {host}\"\n\
             \"the nemesis healed\" = \"故障注入器修复了分区\"\n",
        );
        let course = Course::load(fx.path()).unwrap();
        let found: Vec<String> = check_terms(&course)
            .iter()
            .filter(|p| p.location.starts_with("lessons/01-tcp"))
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(found.len(), 2, "{found:#?}");
        let names = |word: &str, english: &str| {
            found
                .iter()
                .any(|problem| problem.contains(word) && problem.contains(english))
        };
        assert!(names("«宣告»", "advertised"), "{found:#?}");
        assert!(names("«捣乱者»", "cut {host} off"), "{found:#?}");
    }
}
