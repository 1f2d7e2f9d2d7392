use super::*;

#[test]
fn text_after_a_closing_fence_is_a_fence_line_inside_the_listing() {
    let page = "Intro:\n\n```rust\nfn a() {}\n``` A sentence\nmore\n\n```rust\nfn b() {}\n```\n";
    let found = slips(page);
    // The sentence and the next opening fence are both lines of the first listing.
    let lines: Vec<usize> = found.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, [5, 8], "{found:#?}");
    assert!(
        found.iter().all(|(_, m)| m.contains("opened at line 3")),
        "{found:#?}"
    );
}

#[test]
fn a_paragraph_glued_to_a_listing_is_named() {
    let found = slips("```rust\nfn a() {}\n```\n Stop the server\n");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, 4);
    assert!(found[0].1.contains("right after"), "{found:#?}");
}

#[test]
fn well_formed_listings_pass() {
    let page = "```console\n$ ls\n```\n\n````markdown\n```rust\nx\n```\n````\n\n~~~\n```\n~~~\n";
    assert_eq!(slips(page), []);
}

#[test]
fn a_swallowed_fence_shows_in_the_built_listing() {
    let html = "<p>x</p><pre><code class=\"language-rust\">fn a() {}\n<span>```</span> A sentence\n```rust,ignore\n</code></pre><pre><code>ok\n</code></pre>";
    let codes = listings(html);
    assert_eq!(codes.len(), 2);
    assert!(codes[0].lines().any(|l| fence(l).is_some()));
    assert!(!codes[1].lines().any(|l| fence(l).is_some()));
}

/// The course's own book: no chapter has a slip.
#[test]
fn the_books_listings_close_where_they_should() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let found: Vec<String> = check_chapters(&root)
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}
