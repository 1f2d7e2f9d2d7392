//! The words of mdBook's theme in a translated edition: the search box, the count of its
//! results, the menu bar's buttons, the theme menu and the page arrows, the keyboard
//! shortcuts' help, the listings' copy button and the 404 page come from mdBook's own
//! templates and scripts, in English,
//! whatever `[book] language` says. After an edition is built they are replaced by the
//! catalog's (`Page`), in every page and in the search script.
//!
//! The search box must be found where mdBook writes it: a newer mdBook that words it
//! differently makes the build fail here, rather than leave it English unnoticed. The other
//! words are replaced where a page has them (a book of one chapter has no page arrows).

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};

use workbook_core::language::Lang;
use workbook_core::language::messages::{Message, Page, say_in};

/// Replaces the theme's English in the edition built in `dir`.
pub fn translate(dir: &Path, lang: Lang) -> Result<()> {
    if lang == Lang::En {
        return Ok(());
    }
    let attribute = |page: Page| {
        let (en, zh) = (page.template(Lang::En), page.template(lang));
        (format!("\"{en}\""), format!("\"{zh}\""))
    };
    let text = |page: Page| {
        (
            page.template(Lang::En).to_string(),
            page.template(lang).to_string(),
        )
    };
    let mut in_pages: Vec<(String, String)> = [
        Page::SearchPlaceholder,
        Page::SearchTitle,
        Page::SearchToggle,
        Page::TocToggle,
        Page::ChangeTheme,
        Page::Themes,
        Page::PrintBook,
        Page::PreviousChapter,
        Page::NextChapter,
        Page::PageNavigation,
        Page::TableOfContents,
    ]
    .map(attribute)
    .into();
    in_pages.extend(
        [
            Page::ShortcutsTitle,
            Page::ShortcutChapters,
            Page::ShortcutSearch,
            Page::ShortcutShow,
            Page::ShortcutHide,
            Page::ThemeAuto,
            Page::ThemeLight,
        ]
        .map(text),
    );
    let mut placeholders = 0;
    for entry in fs::read_dir(dir)?.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".html") {
            let mut html = fs::read_to_string(&path)?;
            placeholders += usize::from(html.contains(&in_pages[0].0));
            for (en, zh) in &in_pages {
                html = html.replace(en.as_str(), zh);
            }
            if name == "404.html" {
                html = not_found(&html, lang)?;
            }
            fs::write(&path, html)?;
        } else if name.starts_with("searcher") && name.ends_with(".js") {
            let script = fs::read_to_string(&path)?;
            let translated = search_results(&script, lang)
                .with_context(|| format!("translating {}", path.display()))?;
            fs::write(&path, translated)?;
        } else if name.starts_with("book") && name.ends_with(".js") {
            let script = fs::read_to_string(&path)?;
            let translated = copy_button(&script, lang)
                .with_context(|| format!("translating {}", path.display()))?;
            fs::write(&path, translated)?;
        }
    }
    if placeholders == 0 {
        bail!(
            "no page of {} has mdBook's search box as this runner knows it",
            dir.display()
        );
    }

    Ok(())
}

/// The 404 page with its title and sentence in `lang`.
fn not_found(html: &str, lang: Lang) -> Result<String> {
    let pages = [Page::NotFoundHead, Page::NotFoundTitle, Page::NotFoundText];
    each_replaced(html, &pages, lang, "404.html")
}

/// `book.js` with the listings' copy button in `lang`: its title (which a screen reader
/// reads too) and the two tooltips after a click.
pub fn copy_button(script: &str, lang: Lang) -> Result<String> {
    let pages = [Page::CopyButton, Page::Copied, Page::CopyFailed];
    each_replaced(script, &pages, lang, "book.js")
}

/// `text` with each of `pages`' English replaced by its `lang`. Each must be found, as the
/// search box must: a newer mdBook that words one differently fails the build here.
fn each_replaced(text: &str, pages: &[Page], lang: Lang, file: &str) -> Result<String> {
    let mut text = text.to_string();
    for page in pages {
        let english = page.template(Lang::En);
        if !text.contains(english) {
            bail!("mdBook's {file} no longer says {english}");
        }
        text = text.replace(english, page.template(lang));
    }
    Ok(text)
}

/// mdBook's `formatSearchMetric`, which counts the results, as it is written in
/// `searcher.js`, one sentence per count.
const METRIC: [(&str, Page); 3] = [
    (
        "return count + ' search result for \\'' + searchterm + '\\':';",
        Page::OneResult,
    ),
    (
        "return 'No search results for \\'' + searchterm + '\\'.';",
        Page::NoResults,
    ),
    (
        "return count + ' search results for \\'' + searchterm + '\\':';",
        Page::Results,
    ),
];

/// `searcher.js` with its count of results in `lang`.
pub fn search_results(script: &str, lang: Lang) -> Result<String> {
    let mut script = script.to_string();
    for (english, page) in METRIC {
        if !script.contains(english) {
            bail!("mdBook's search script no longer says `{english}`");
        }
        // `{count}` and `{term}` become the script's own variables.
        let sentence = say_in(
            lang,
            page,
            &[("count", &"\u{0}count\u{0}"), ("term", &"\u{0}term\u{0}")],
        );
        let quoted = sentence
            .replace('\\', "\\\\")
            .replace('\'', "\\'")
            .replace("\u{0}count\u{0}", "' + count + '")
            .replace("\u{0}term\u{0}", "' + searchterm + '");
        script = script.replace(english, &format!("return '{quoted}';"));
    }
    Ok(script)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_count_of_results_is_said_in_the_edition_language() {
        let script = METRIC
            .iter()
            .map(|(js, _)| *js)
            .collect::<Vec<_>>()
            .join("\n");
        let chinese = search_results(&script, Lang::ZhCn).unwrap();
        assert!(
            chinese.contains("return '“' + searchterm + '”有 ' + count + ' 条搜索结果：';"),
            "{chinese}"
        );
        assert!(chinese.contains("return '没有“' + searchterm + '”的搜索结果。';"));
        assert!(!chinese.contains("search result"), "{chinese}");
        let err = search_results("function formatSearchMetric() {}", Lang::ZhCn).unwrap_err();
        assert!(err.to_string().contains("no longer says"), "{err}");
    }

    #[test]
    fn the_copy_button_speaks_the_edition_language() {
        let script = "b.title = 'Copy to clipboard';\nshowTooltip(e, 'Copied!');\n\
                      showTooltip(e, 'Clipboard error!');";
        let chinese = copy_button(script, Lang::ZhCn).unwrap();
        assert!(chinese.contains("b.title = '复制到剪贴板';"), "{chinese}");
        assert!(chinese.contains("'已复制！'") && chinese.contains("'复制失败！'"));
        let err = copy_button("b.title = 'Copy';", Lang::ZhCn).unwrap_err();
        assert!(err.to_string().contains("no longer says"), "{err}");
    }
}
