use super::*;

#[test]
fn headings_get_mdbooks_ids_and_chapter_links_lead_to_pages() {
    let html = to_html(
        "# One & two\n\n## `code` here\n\n## One & two\n\n[a](02-rpc.md), [b](02-rpc.md#frames), \
         [c](https://x.org/a.md), [d](/wire), [e](../../lessons/x.rs)\n",
    );
    assert!(
        html.contains(r#"<h1 id="one--two">One &amp; two</h1>"#),
        "{html}"
    );
    assert!(html.contains(r#"<h2 id="code-here">"#), "{html}");
    assert!(html.contains(r#"<h2 id="one--two-1">"#), "{html}");
    for link in [
        r#"href="02-rpc.html""#,
        r#"href="02-rpc.html#frames""#,
        r#"href="https://x.org/a.md""#,
        r#"href="/wire""#,
        r#"href="../../lessons/x.rs""#,
    ] {
        assert!(html.contains(link), "{link}: {html}");
    }
}

#[test]
fn tables_and_a_heading_id_of_its_own_are_read_as_mdbook_reads_them() {
    let html = to_html("## Mine {#kept}\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
    assert!(html.contains(r#"<h2 id="kept">Mine</h2>"#), "{html}");
    assert!(html.contains("<td>1</td>"), "{html}");
}
