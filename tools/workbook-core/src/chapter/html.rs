//! A chapter's Markdown as HTML, read as mdBook reads it, by the Markdown parser mdBook
//! stands on (pulldown-cmark): what the runner shows of a chapter while the book's server
//! is on its way (`tools/workbook/src/book/preview.rs`). The page around it, the theme, the
//! search and the drawn diagrams are the book's.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};

/// The chapter's Markdown as HTML, as mdBook reads it: its tables, footnotes, struck text and
/// task lists; headings with mdBook's ids, so that a link to a section finds it; links to
/// another chapter's `.md` leading to its page.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<Event> = Parser::new_ext(markdown, options)
        .map(|event| match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: page_of(dest_url),
                title,
                id,
            }),
            other => other,
        })
        .collect();
    name_headings(&mut events);
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// A link to a chapter's Markdown (`02-rpc.md#frames`) as a link to its page
/// (`02-rpc.html#frames`); any other link as it is.
fn page_of(link: CowStr) -> CowStr {
    if link.contains("://") || link.starts_with('/') {
        return link;
    }
    let (file, fragment) = match link.split_once('#') {
        Some((file, fragment)) => (file, Some(fragment)),
        None => (link.as_ref(), None),
    };
    let Some(name) = file.strip_suffix(".md") else {
        return link;
    };
    let fragment = fragment.map(|f| format!("#{f}")).unwrap_or_default();
    format!("{name}.html{fragment}").into()
}

/// Gives every heading without an id of its own mdBook's: its text in lower case, spaces as
/// `-`, other punctuation left out; `-1`, `-2`… after an id already given.
fn name_headings(events: &mut [Event]) {
    let mut given: Vec<String> = Vec::new();
    let mut at = 0;
    while at < events.len() {
        let Event::Start(Tag::Heading { id: None, .. }) = &events[at] else {
            at += 1;
            continue;
        };
        let mut text = String::new();
        for event in &events[at + 1..] {
            match event {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(part) | Event::Code(part) => text.push_str(part),
                _ => {}
            }
        }
        let base: String = text
            .chars()
            .filter_map(|c| match c {
                c if c.is_alphanumeric() || c == '_' || c == '-' => Some(c.to_ascii_lowercase()),
                c if c.is_whitespace() => Some('-'),
                _ => None,
            })
            .collect();
        let mut id = base.clone();
        let mut repeat = 0;
        while given.contains(&id) {
            repeat += 1;
            id = format!("{base}-{repeat}");
        }
        given.push(id.clone());
        if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[at] {
            *slot = Some(id.into());
        }
        at += 1;
    }
}

#[cfg(test)]
mod tests;
