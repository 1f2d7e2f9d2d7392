use super::*;
use workbook_book::testutil;

/// A site built as the workflow builds it passes the built book's checks; a page missing
/// from an edition is named, with the edition's folder.
#[test]
fn a_built_site_is_checked_and_a_missing_page_is_named() {
    let fx = testutil::translated_book();
    let course = Course::load(fx.path()).unwrap();
    let site = tempfile::tempdir().unwrap();
    let (dir, editions) = book::build_languages_to(fx.path(), None, Some(site.path())).unwrap();
    editions.unwrap();
    assert_eq!(built_problems(&course, &dir), Vec::<Problem>::new());

    let gone = dir.join("zh-CN/02-later.html");
    std::fs::remove_file(&gone).unwrap();
    let problems = built_problems(&course, &dir);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].location, gone.display().to_string());
    assert!(problems[0].message.contains("missing"), "{problems:?}");
}
