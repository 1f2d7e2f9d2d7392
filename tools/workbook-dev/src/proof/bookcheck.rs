//! Checks that the book still matches the code: every `{{#include}}` resolves, every
//! lesson has its chapter in `SUMMARY.md`, and every chapter `SUMMARY.md` lists exists.
//!
//! mdBook itself only logs a missing include and builds anyway, leaving a hole where the
//! listing should be; these checks turn such holes into failures of `verify`.

use std::fs;
use std::path::{Path, PathBuf};

use workbook::book::diagrams;
use workbook::book::includes::{Selector, anchors, find_includes};
use workbook_core::course::Course;
use workbook_core::problem::Problem;

/// Checks every include of every chapter under `book/src`.
pub fn check_includes(root: &Path) -> Vec<Problem> {
    let src = root.join("book/src");
    let mut problems = Vec::new();
    for chapter in markdown_files(&src) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let chapter_dir = chapter.parent().unwrap_or(&src);
        let shown = chapter
            .strip_prefix(root)
            .unwrap_or(&chapter)
            .display()
            .to_string();
        for include in find_includes(&text) {
            let location = format!("{shown}:{}", include.line);
            let target = chapter_dir.join(&include.path);
            let Ok(source) = fs::read_to_string(&target) else {
                problems.push(Problem {
                    location,
                    message: format!("includes {}, which does not exist", include.path),
                });
                continue;
            };
            match &include.selector {
                Selector::Whole | Selector::Lines(None) => {}
                Selector::Lines(Some(start)) => {
                    let lines = source.lines().count();
                    if *start == 0 || *start > lines {
                        problems.push(Problem {
                            location,
                            message: format!(
                                "includes {} from line {start}, but it has {lines} lines",
                                include.path
                            ),
                        });
                    }
                }
                Selector::Anchor(name) => {
                    let starts = anchors(&source, "ANCHOR:").contains(name);
                    let ends = anchors(&source, "ANCHOR_END:").contains(name);
                    let missing = match (starts, ends) {
                        (true, true) => None,
                        (false, _) => Some(format!("`ANCHOR: {name}`")),
                        (true, false) => Some(format!("`ANCHOR_END: {name}`")),
                    };
                    if let Some(missing) = missing {
                        problems.push(Problem {
                            location,
                            message: format!(
                                "includes {}:{name}, but it has no {missing}",
                                include.path
                            ),
                        });
                    }
                }
            }
        }
    }
    problems
}

/// Checks every diagram of every chapter under `book/src` for misdrawings: arrows that miss
/// their lifeline, corners left open (`book/diagrams/check.rs`).
pub fn check_diagrams(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for chapter in markdown_files(&root.join("book/src")) {
        let Ok(text) = fs::read_to_string(&chapter) else {
            continue;
        };
        let shown = chapter.strip_prefix(root).unwrap_or(&chapter).display();
        problems.extend(
            diagrams::chapter_misdrawings(&text)
                .into_iter()
                .map(|m| Problem {
                    location: format!("{shown}:{}", m.line),
                    message: format!("column {}: {}", m.column, m.message),
                }),
        );
    }
    problems
}

/// The chapter files `SUMMARY.md` links to (draft chapters `[x]()` excluded), with lines.
pub fn summary_links(summary: &str) -> Vec<(usize, String)> {
    let mut links = Vec::new();
    for (index, line) in summary.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].trim();
            let target = target.split('#').next().unwrap_or_default();
            if !target.is_empty() {
                links.push((index + 1, target.to_string()));
            }
            rest = &after[end..];
        }
    }
    links
}

/// Checks that `SUMMARY.md` lists every lesson's chapter and that each file it lists exists.
pub fn check_summary(course: &Course) -> Vec<Problem> {
    let src = course.root.join("book/src");
    let summary_path = src.join("SUMMARY.md");
    let Ok(summary) = fs::read_to_string(&summary_path) else {
        return vec![Problem {
            location: "book/src/SUMMARY.md".into(),
            message: "is missing".into(),
        }];
    };
    let links = summary_links(&summary);
    let mut problems = Vec::new();
    for (line, target) in &links {
        if !src.join(target).is_file() {
            problems.push(Problem {
                location: format!("book/src/SUMMARY.md:{line}"),
                message: format!("lists {target}, which does not exist"),
            });
        }
    }
    for lesson in &course.lessons {
        let chapter = lesson.chapter_file();
        if !links.iter().any(|(_, target)| *target == chapter) {
            problems.push(Problem {
                location: "book/src/SUMMARY.md".into(),
                message: format!(
                    "does not list {chapter}, the chapter of lesson `{}`",
                    lesson.id
                ),
            });
        }
    }
    problems
}

/// The Markdown files under `dir`, in order.
pub fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    files_under(dir, &|path| {
        path.is_dir() || path.extension().is_some_and(|e| e == "md")
    })
}

/// The files under `dir` that `keep` keeps, in order, walking only into the folders it
/// keeps too.
pub fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if !keep(&path) {
            continue;
        }
        if path.is_dir() {
            files.extend(files_under(&path, keep));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;
    use workbook::testutil::Fixture;

    #[test]
    fn reads_include_forms_as_mdbook_does() {
        let text = "a\n{{#include ../x.rs:accept}}\n{{ #include ../y.rs }}\n{{#include z.rs:10:20}} {{#include z.rs:10:}}\n{{#include z.rs::5}}\n\\{{#include escaped.rs}}\n{{#rustdoc_include w.rs:main}}\n{{#title T}}\n";
        let found = find_includes(text);
        let simple: Vec<(usize, &str, Selector)> = found
            .iter()
            .map(|i| (i.line, i.path.as_str(), i.selector.clone()))
            .collect();
        assert_eq!(
            simple,
            [
                (2, "../x.rs", Selector::Anchor("accept".into())),
                (3, "../y.rs", Selector::Whole),
                (4, "z.rs", Selector::Lines(Some(10))),
                (4, "z.rs", Selector::Lines(Some(10))),
                (5, "z.rs", Selector::Lines(None)),
                (7, "w.rs", Selector::Anchor("main".into())),
            ]
        );
    }

    /// The course's own book: every diagram is drawn whole (a slip fails here, with its
    /// chapter, line and column).
    #[test]
    fn the_books_diagrams_have_no_misdrawings() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        assert!(root.join("book/src/SUMMARY.md").is_file());
        let found: Vec<String> = check_diagrams(&root)
            .iter()
            .map(|p| format!("{}: {}", p.location, p.message))
            .collect();
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn accepts_resolving_includes() {
        let fx = Fixture::course();
        assert_eq!(check_includes(fx.path()), []);
    }

    #[test]
    fn reports_missing_files_anchors_and_lines() {
        let fx = Fixture::course();
        fx.write(
            "book/src/02-rpc.md",
            "# RPC\n{{#include ../../lessons/02-rpc/src/gone.rs}}\n{{#include ../../lessons/01-tcp/src/server.rs:nope}}\n{{#include ../../lessons/01-tcp/src/server.rs:2:3}}\n{{#include ../../lessons/01-tcp/src/server.rs:40:}}\n",
        );
        fx.write("lessons/01-tcp/src/half.rs", "// ANCHOR: half\nfn x() {}\n");
        fx.write(
            "book/src/introduction.md",
            "{{#include ../../lessons/01-tcp/src/half.rs:half}}\n",
        );
        let problems = check_includes(fx.path());
        let text: Vec<String> = problems
            .iter()
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(text.len(), 4, "{text:#?}");
        assert!(text[0].starts_with("book/src/02-rpc.md:2 includes ../../lessons/02-rpc/src/gone.rs, which does not exist"), "{text:#?}");
        assert!(
            text[1].contains(":3 ") && text[1].contains("no `ANCHOR: nope`"),
            "{text:#?}"
        );
        assert!(
            text[2].contains(":5 ") && text[2].contains("from line 40, but it has 3 lines"),
            "{text:#?}"
        );
        assert!(
            text[3].starts_with("book/src/introduction.md:1")
                && text[3].contains("no `ANCHOR_END: half`"),
            "{text:#?}"
        );
    }

    #[test]
    fn summary_must_list_every_lesson_and_only_existing_files() {
        let fx = Fixture::course();
        let course = Course::load(fx.path()).unwrap();
        assert_eq!(check_summary(&course), []);

        fx.write(
            "book/src/SUMMARY.md",
            "# Summary\n\n- [01](01-tcp.md)\n- [Draft]()\n- [Later](99-later.md#part)\n",
        );
        let problems = check_summary(&course);
        let text: Vec<String> = problems
            .iter()
            .map(|p| format!("{} {}", p.location, p.message))
            .collect();
        assert_eq!(
            text,
            [
                "book/src/SUMMARY.md:5 lists 99-later.md, which does not exist",
                "book/src/SUMMARY.md does not list 02-rpc.md, the chapter of lesson `rpc`",
            ]
        );
    }
}
