use super::*;
use workbook_book::testutil;

#[test]
fn the_catalog_is_current_until_the_english_changes() {
    let fx = testutil::translated_book();
    let course = Course::load(fx.path()).unwrap();
    assert_eq!(check(&course, None), []);

    // A line added above a message moves no reference: the catalog names files, not lines.
    fx.write(
        "book/src/02-later.md",
        "# Later\n\n\n\nNot translated yet.\n",
    );
    assert_eq!(check(&course, None), []);

    // A new paragraph, and one gone, are named with their file.
    fx.write("book/src/02-later.md", "# Later\n\nA new paragraph.\n");
    let problems = check(&course, None);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].location, "book/po/messages.pot");
    let message = &problems[0].message;
    assert!(
        message.contains("1 new message(s), not in it: «A new paragraph.» (src/02-later.md)"),
        "{message}"
    );
    assert!(
        message.contains("1 message(s) the book no longer has: «Not translated yet.»"),
        "{message}"
    );
    assert!(message.contains("i18n extract"), "{message}");
    // `verify --lesson` of another chapter is not held to it.
    assert_eq!(check(&course, Some(&["01-services.md".to_string()])), []);
}
