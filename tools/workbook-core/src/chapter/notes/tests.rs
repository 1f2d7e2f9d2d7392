use super::*;

#[test]
fn notes_become_closed_details_with_markdown_inside() {
    let chapter = "# T\n\nText.\n\n<!-- teacher-notes -->\n- **Show live:** `cargo run`\n<!-- /teacher-notes -->\n";
    let folded = fold_notes(chapter, "Teacher notes").unwrap();
    assert_eq!(
        folded,
        "# T\n\nText.\n\n<details class=\"teacher-notes\"><summary>Teacher notes</summary>\n\n- **Show live:** `cargo run`\n\n</details>\n"
    );
    assert!(!folded.contains(" open"), "closed by default");
    assert!(has_notes(chapter));
    assert!(!has_notes("# T\n<!-- teacher -->\n"));
}

#[test]
fn a_learners_copy_leaves_the_notes_out() {
    let chapter =
        "# T\n\nText.\n\n<!-- teacher-notes -->\n- **Ask:** why?\n<!-- /teacher-notes -->\nMore.\n";
    assert_eq!(leave_out_notes(chapter).unwrap(), "# T\n\nText.\n\nMore.\n");
    assert!(leave_out_notes("<!-- teacher-notes -->\nx\n").is_err());
}

#[test]
fn several_blocks_and_chapters_without_notes() {
    let chapter = "<!-- teacher-notes -->\na\n<!-- /teacher-notes -->\nb\n  <!-- teacher-notes -->\nc\n<!-- /teacher-notes -->";
    let folded = fold_notes(chapter, "Teacher notes").unwrap();
    assert_eq!(folded.matches("<details").count(), 2, "{folded}");
    assert_eq!(folded.matches("</details>").count(), 2, "{folded}");
    assert_eq!(
        fold_notes("# Plain\n", "Teacher notes").unwrap(),
        "# Plain\n"
    );
}

#[test]
fn unbalanced_markers_are_errors_with_their_line() {
    let unclosed = fold_notes("# T\n<!-- teacher-notes -->\nx\n", "Teacher notes").unwrap_err();
    assert!(unclosed.to_string().contains("line 2"), "{unclosed}");
    let stray = fold_notes("x\n<!-- /teacher-notes -->\n", "Teacher notes").unwrap_err();
    assert!(stray.to_string().contains("line 2"), "{stray}");
    let nested = fold_notes(
        "<!-- teacher-notes -->\n<!-- teacher-notes -->\n",
        "Teacher notes",
    )
    .unwrap_err();
    assert!(nested.to_string().contains("line 2"), "{nested}");
}
