//! The book's charts in a translated edition. The charts (`book/src/images/*.svg`, drawn by
//! `loadgen report --svg`) are pictures whose words are text: their title, axes, legend and
//! row names. `extract` lists each as a message of the catalog ("a label in a chart"), the
//! chapter that shows a chart counts them, and an edition's copy of each chart has them
//! replaced by their translations — the picture stays one source, as a diagram does.

use std::path::Path;

use super::Labels;

/// The words of a chart: each `<text>` and `<title>` with a letter in it, and the
/// `aria-label` a screen reader reads out, each once, in order.
pub fn labels(svg: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut add = |text: String| {
        if text.chars().any(char::is_alphabetic) && !found.contains(&text) {
            found.push(text);
        }
    };
    for (_, text, _) in spans(svg) {
        add(unescape(text));
    }
    found
}

/// `svg` with every label that has a translation in `labels` replaced by it.
pub fn translate(svg: &str, labels: &Labels) -> String {
    let mut out = String::with_capacity(svg.len());
    let mut at = 0;
    for (start, text, end) in spans(svg) {
        out.push_str(&svg[at..start]);
        match labels.get(&unescape(text)) {
            Some(translated) => out.push_str(&escape(translated)),
            None => out.push_str(text),
        }
        at = end;
    }
    out.push_str(&svg[at..]);
    out
}

/// Translates every chart in the `images` folder of the edition built in `dir`.
pub fn translate_edition(dir: &Path, labels: &Labels) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir.join("images")) else {
        return Ok(());
    };
    for path in entries.flatten().map(|entry| entry.path()) {
        if path.extension().is_some_and(|e| e == "svg") {
            let svg = std::fs::read_to_string(&path)?;
            std::fs::write(&path, translate(&svg, labels))?;
        }
    }
    Ok(())
}

/// Where the words are: (start, the text as written, end) for the content of each
/// `<text …>…</text>` and `<title>…</title>`, and the value of each `aria-label="…"`.
fn spans(svg: &str) -> Vec<(usize, &str, usize)> {
    let mut spans = Vec::new();
    for (open, close) in [
        ("<text", "</text>"),
        ("<title", "</title>"),
        ("aria-label=\"", "\""),
    ] {
        let mut from = 0;
        while let Some(found) = svg[from..].find(open) {
            let tag = from + found;
            // An element's content starts after its tag; an attribute's value at once.
            let start = if open.ends_with('"') {
                tag + open.len()
            } else {
                match svg[tag..].find('>') {
                    Some(end) => tag + end + 1,
                    None => break,
                }
            };
            let Some(length) = svg[start..].find(close) else {
                break;
            };
            let text = &svg[start..start + length];
            if !text.contains('<') {
                spans.push((start, text, start + length));
            }
            from = start + length + close.len();
        }
    }
    spans.sort_by_key(|&(start, ..)| start);
    spans
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHART: &str = "<svg aria-label=\"Speed &amp; cost\"><title>Speed &amp; cost</title>\
        <text x=\"1\">more is better</text><text x=\"2\">83.2</text></svg>";

    #[test]
    fn a_charts_words_are_its_texts_title_and_label() {
        assert_eq!(labels(CHART), ["Speed & cost", "more is better"]);
    }

    #[test]
    fn a_translated_chart_keeps_its_shapes_and_numbers() {
        let labels = Labels::from([
            ("Speed & cost".to_string(), "速度与开销".to_string()),
            ("more is better".to_string(), "越多越好".to_string()),
        ]);
        assert_eq!(
            translate(CHART, &labels),
            "<svg aria-label=\"速度与开销\"><title>速度与开销</title>\
             <text x=\"1\">越多越好</text><text x=\"2\">83.2</text></svg>"
        );
    }
}
