//! The book as a static site, for people who only want to read it (`workbook-book site DIR`,
//! which .github/workflows/book.yml publishes): every edition built into DIR, as the book's
//! server serves them, with the course's files the chapters link to.
//!
//! A chapter links to a file a learner edits as it is in the repository
//! (`../../lessons/01-tcp/src/exercises/echo.rs`, right for a reader of `book/src`). The
//! book's server answers `/lessons/…` from the course's folders, and a browser resolves that
//! link from `/01-tcp.html` to there. A static site may be published below a folder of its
//! host (`https://owner.github.io/repository/`), where the same link would leave the site:
//! so the links are written from the site's own root (`lessons/…`, and `../lessons/…` from
//! `zh-CN/`), and each file linked to is copied there.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;
use workbook_core::chapter::SOURCE_FOLDERS;

use crate::{i18n, site};

/// Builds every edition into `dir` (emptied first) and copies the files their pages link to.
pub fn build(root: &Path, dir: &Path) -> Result<()> {
    let (dir, editions) = site::build_languages_to(root, None, Some(dir))?;
    editions?;
    let mut linked = BTreeSet::new();
    let translated = i18n::translated(root);
    let editions = std::iter::once((dir.clone(), ""))
        .chain(translated.iter().map(|lang| (dir.join(lang), "../")));
    for (edition, up) in editions {
        for page in pages(&edition) {
            let html = std::fs::read_to_string(&page)
                .with_context(|| format!("reading {}", page.display()))?;
            let (html, files) = from_the_sites_root(&html, up);
            std::fs::write(&page, html).with_context(|| format!("writing {}", page.display()))?;
            linked.extend(files);
        }
    }
    for file in linked {
        let (from, to) = (root.join(&file), dir.join(&file));
        if from.is_file() {
            std::fs::create_dir_all(to.parent().unwrap_or(&dir))?;
            std::fs::copy(&from, &to).with_context(|| format!("copying {file}"))?;
        }
    }
    Ok(())
}

/// The pages of one edition, not those of the editions in its folders.
fn pages(edition: &Path) -> Vec<PathBuf> {
    WalkDir::new(edition)
        .max_depth(1)
        .into_iter()
        .flatten()
        .map(|entry| entry.into_path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "html"))
        .collect()
}

/// `html` with its links into the course's folders written from the site's root (`up`
/// leads there from the edition's folder), and the files they name.
fn from_the_sites_root(html: &str, up: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(html.len());
    let mut files = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("href=\"../../") {
        let (before, link) = rest.split_at(at);
        out.push_str(before);
        let target = &link["href=\"../../".len()..];
        let end = target.find('"').unwrap_or(target.len());
        let path = target[..end].split(['#', '?']).next().unwrap_or_default();
        let is_source = SOURCE_FOLDERS
            .iter()
            .any(|folder| path.starts_with(&format!("{folder}/")));
        if is_source && !path.split('/').any(|part| part == "..") {
            out.push_str(&format!("href=\"{up}"));
            files.push(path.to_string());
        } else {
            out.push_str("href=\"../../");
        }
        rest = target;
    }
    out.push_str(rest);
    (out, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_into_the_course_are_written_from_the_sites_root() {
        let html = r#"<a href="../../lessons/01-tcp/src/exercises/echo.rs#L3">echo</a> <a href="../../elsewhere/x">x</a> <a href="../../lessons/../../etc/passwd">no</a>"#;
        let (root, files) = from_the_sites_root(html, "");
        assert_eq!(
            root,
            r#"<a href="lessons/01-tcp/src/exercises/echo.rs#L3">echo</a> <a href="../../elsewhere/x">x</a> <a href="../../lessons/../../etc/passwd">no</a>"#
        );
        assert_eq!(files, ["lessons/01-tcp/src/exercises/echo.rs"]);
        let (translated, _) = from_the_sites_root(html, "../");
        assert!(
            translated.starts_with(r#"<a href="../lessons/01-tcp/"#),
            "{translated}"
        );
    }
}
