//! A chapter read before the book's server is up: its Markdown, its listings put in place as
//! mdBook puts them, made into a plain page (`workbook_core::chapter`: its includes, its
//! teacher notes, its HTML by pulldown-cmark, the Markdown parser mdBook itself stands on).
//!
//! On a fresh clone the book's server takes a minute or two to build, and the map's link to
//! chapter 1 is there from the first screen. Until the server takes the book's address over,
//! whoever holds it (the session, `book` while it builds the server, the server while it
//! makes its pages) answers a chapter's address with this page, and the files a chapter
//! shows or links to: its pictures (`images/…`), and the course's sources it points a
//! learner at (`../../lessons/01-tcp/src/exercises/echo.rs` is `/lessons/…` in a browser).
//! A page of the book that is not a chapter gets the page that says the book is on its way.
//!
//! What the book adds to a chapter (the theme, the search, drawn diagrams, the minutes) waits
//! for the book; the teacher notes are folded away as the book folds them. The chapter is
//! English in every edition until then: the translated editions are made by the server.

use std::path::{Component, Path};

use workbook_core::chapter::{SOURCE_FOLDERS, html, includes, notes};
use workbook_core::language::Lang;
use workbook_core::language::messages::{Msg, say_in};
use workbook_core::po;

/// The largest file answered: the course's pictures and sources are far below it.
const LARGEST_FILE: u64 = 8 * 1024 * 1024;

/// What the preview answers for a path: a chapter's page, or a file.
#[derive(Debug)]
pub enum Answer {
    Page(String),
    File {
        content_type: &'static str,
        bytes: Vec<u8>,
    },
}

/// The answer for the request `path` (`/01-tcp.html`, `/zh-CN/01-tcp.html`, `/`,
/// `/images/x.png`, `/lessons/01-tcp/src/exercises/echo.rs`), in `lang` for the words the
/// preview adds, `how_far` saying where the book's server is; `None` where the path is none
/// of these.
pub fn answer(root: &Path, path: &str, lang: Lang, how_far: &str) -> Option<Answer> {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_prefix('/')?;
    let (edition, rest) = match path.split_once('/') {
        Some((first, rest)) if po::translated(root).contains(&first) => (Some(first), rest),
        _ => (None, path),
    };
    if edition.is_none()
        && let Some(folder) = rest.split('/').next()
        && SOURCE_FOLDERS.contains(&folder)
    {
        return file(root, rest, "text/plain; charset=utf-8");
    }
    if let Some(content_type) = picture_type(rest) {
        return file(&root.join("book/src"), rest, content_type);
    }
    let name = match rest {
        "" | "index.html" => first_chapter(root)?,
        _ => rest.strip_suffix(".html")?.to_string(),
    };
    let is_chapter = !name.is_empty()
        && name != "SUMMARY"
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !is_chapter {
        return None;
    }
    let src = root.join("book/src");
    let markdown = std::fs::read_to_string(src.join(format!("{name}.md"))).ok()?;
    Some(Answer::Page(page(&markdown, &src, lang, edition, how_far)))
}

/// The chapter the book opens on (its `index.html`): the first `SUMMARY.md` links to.
fn first_chapter(root: &Path) -> Option<String> {
    let summary = std::fs::read_to_string(root.join("book/src/SUMMARY.md")).ok()?;
    let (_, after) = summary.split_once("](")?;
    let (target, _) = after.split_once(')')?;
    Some(target.trim().strip_suffix(".md")?.to_string())
}

/// The content type of a picture a chapter shows, by its extension.
fn picture_type(path: &str) -> Option<&'static str> {
    let (_, extension) = path.rsplit_once('.')?;
    Some(match extension {
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    })
}

/// The file at `relative` under `dir`, if the path stays under it (no `..`, no hidden
/// folder), is a file, and is not larger than [`LARGEST_FILE`].
fn file(dir: &Path, relative: &str, content_type: &'static str) -> Option<Answer> {
    let relative = Path::new(relative);
    let plain = relative.components().all(
        |part| matches!(part, Component::Normal(name) if !name.to_string_lossy().starts_with('.')),
    );
    if !plain {
        return None;
    }
    let path = dir.join(relative);
    let metadata = std::fs::metadata(&path).ok()?;
    if !metadata.is_file() || metadata.len() > LARGEST_FILE {
        return None;
    }
    let bytes = std::fs::read(&path).ok()?;
    Some(Answer::File {
        content_type,
        bytes,
    })
}

/// The page of a chapter: a note that the book is on its way, then the chapter.
fn page(markdown: &str, src: &Path, lang: Lang, edition: Option<&str>, how_far: &str) -> String {
    let say = |msg| say_in(lang, msg, &[]);
    let title = markdown
        .lines()
        .find_map(|line| line.strip_prefix("# "))
        .unwrap_or_default();
    let title = escape(title.trim());
    let label = say_in(lang, Msg::BookTeacherNotes, &[]);
    let markdown = notes::fold_notes(markdown, &label).unwrap_or_else(|_| markdown.to_string());
    let chapter = html::to_html(&includes::expand(&markdown, src));
    let in_english = match edition {
        Some(_) => format!(" {}", say(Msg::PreviewInEnglish)),
        None => String::new(),
    };
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<noscript><meta http-equiv="refresh" content="15"></noscript>
<style>{STYLE}</style>
</head>
<body>
<aside id="book-on-its-way" lang="{code}"><strong>{waiting}</strong> <span id="how-far">{how_far}</span> {note}{in_english}</aside>
<main>
{chapter}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"#,
        code = lang.code(),
        waiting = say(Msg::WaitingTitle),
        note = say(Msg::PreviewNote),
    )
}

/// `text` safe inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The page's looks: readable text, listings in a box, tables with lines, the note on top.
const STYLE: &str = "body { font: 1rem/1.6 system-ui, sans-serif; max-width: 50rem; \
margin: 0 auto; padding: 0 1rem 4rem; color: #222; } \
#book-on-its-way { position: sticky; top: 0; background: #fff8dc; border-bottom: 1px solid #e0d090; \
padding: .5rem 1rem; margin: 0 -1rem 1rem; font-size: .9rem; } \
pre { background: #f6f7f6; padding: .75rem; overflow-x: auto; font-size: .875rem; line-height: 1.4; } \
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; } \
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .25rem .5rem; } \
img { max-width: 100%; } blockquote { border-left: 4px solid #ddd; margin-left: 0; padding-left: 1rem; }";

/// Every two seconds, how far the book's server is; once something else than this page's
/// program answers (the book's server has taken the address over), the page loads again:
/// it is then the book's.
const SCRIPT: &str = "(function poll() { setTimeout(function () { \
fetch('/__workbook/waiting', { cache: 'no-store' }).then(function (answer) { \
if (answer.status !== 200) { location.reload(); return; } \
return answer.text().then(function (text) { \
document.getElementById('how-far').textContent = text; poll(); }); \
}, poll); }, 2000); })();";

#[cfg(test)]
mod tests;
