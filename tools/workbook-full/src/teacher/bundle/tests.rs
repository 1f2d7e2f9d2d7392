use super::*;
use crate::testutil::Fixture;

#[test]
fn links_into_the_course_are_found() {
    let html = r##"<a href="../../lessons/01-tcp/src/a.rs">a</a> <a href="02-rpc.html">b</a>
        <a href="../../shared/src/b.rs#L3">c</a> <a href="../../">d</a>"##;
    assert_eq!(
        course_links(html),
        [
            PathBuf::from("lessons/01-tcp/src/a.rs"),
            PathBuf::from("shared/src/b.rs")
        ]
    );
}

#[test]
fn the_readme_lists_the_pdf_only_when_it_was_printed() {
    let english = "book/html/index.html";
    assert!(readme(false, true, english).contains("`book.pdf`: the whole book, printed (without"));
    assert!(
        !readme(false, false, english).contains("book.pdf"),
        "{}",
        readme(false, false, english)
    );
    assert!(readme(true, false, english).contains("the book (with the teacher notes)"));
    assert!(
        readme(false, true, "book/html/zh-CN/index.html")
            .contains("- `book/html/zh-CN/index.html`: the book"),
        "a translated edition's bundle points at its edition"
    );
}

#[test]
fn a_learners_book_has_no_teacher_notes_and_a_teachers_has_them_folded() {
    let fx = Fixture::course();
    fx.write(
        "book/src/02-rpc.md",
        "# RPC\n\nFrames.\n\n<!-- teacher-notes -->\nAsk what a frame is for.\n<!-- /teacher-notes -->\n",
    );
    for teacher in [false, true] {
        let dir = fx.path().join(format!("out-{teacher}"));
        let html = book::build_into(fx.path(), &dir, teacher).unwrap();
        let page = fs::read_to_string(html.join("02-rpc.html")).unwrap();
        assert!(page.contains("Frames."), "{page}");
        assert_eq!(page.contains("Ask what a frame is for."), teacher, "{page}");
        assert_eq!(page.contains("class=\"teacher-notes\""), teacher);
    }
}

#[test]
fn a_folder_with_other_files_is_not_replaced() {
    let fx = Fixture::empty();
    let dir = fx.path();
    fx.write("book/html/index.html", "old");
    fx.write("book.pdf", "old");
    make_room(dir).unwrap();
    assert_eq!(
        fs::read_dir(dir).unwrap().count(),
        0,
        "an old bundle is emptied"
    );
    fx.write("notes.txt", "mine");
    let err = make_room(dir).unwrap_err().to_string();
    assert!(err.contains("notes.txt"), "{err}");
    assert!(dir.join("notes.txt").exists());
}

#[test]
fn an_answer_in_the_framework_is_handed_out_under_the_learners_file_name() {
    let fx = Fixture::course();
    // Lesson 01's answer in its `solutions/`; lesson 02's two answers are modules of the
    // framework, and lesson 02 has no `solutions/` at all.
    fx.write("lessons/01-tcp/solutions/echo.rs", "pub fn echo() {}\n");
    fx.write(
        "lessons/02-rpc/lesson.toml",
        "id = \"rpc\"\ntitle = \"RPC\"\n[[exercise]]\nid = \"rpc.frame\"\ntitle = \"Frames\"\nfile = \"src/exercises/frame.rs\"\nanswer = \"../../micro/src/frame.rs\"\ntest = \"frame\"\n[[exercise]]\nid = \"rpc.call\"\ntitle = \"Calls\"\nfile = \"src/exercises/call.rs\"\nanswer = \"../../micro/src/client/call.rs\"\ntest = \"call\"\n",
    );
    fx.write("micro/src/frame.rs", "pub fn frame() {}\n");
    fx.write("micro/src/client/call.rs", "pub fn call() {}\n");
    let course = Course::load(fx.path()).unwrap();
    let dir = fx.path().join("out");
    assert_eq!(write_solutions(&course, &dir).unwrap(), 3);
    let read = |path: &str| fs::read_to_string(dir.join(path)).unwrap();
    assert_eq!(read("01-tcp/echo.rs"), "pub fn echo() {}\n");
    assert_eq!(read("02-rpc/frame.rs"), "pub fn frame() {}\n");
    assert_eq!(read("02-rpc/call.rs"), "pub fn call() {}\n");
    let index = read("README.md");
    assert!(
        index.contains(
            "[02-rpc/call.rs](02-rpc/call.rs) (the framework's `micro/src/client/call.rs`"
        ),
        "{index}"
    );
}
