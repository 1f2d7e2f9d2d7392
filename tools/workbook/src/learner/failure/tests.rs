use super::*;

fn context() -> Context {
    Context {
        exercise_file: "lessons/01-tcp/src/exercises/echo.rs".into(),
        learner_files: vec![
            "lessons/01-tcp/src/exercises/echo.rs".into(),
            "lessons/01-tcp/src/exercises/many.rs".into(),
        ],
        test_sources: vec!["lessons/01-tcp/tests/echo.rs".into()],
        root: std::path::PathBuf::from("/nonexistent"),
        test_messages: Vec::new(),
        lang: Lang::En,
    }
}

/// What a stub's echo test prints (from `cargo test -p l01-tcp --test echo`).
const STUB: &str = "thread 'echoes_what_it_reads' (9025) panicked at lessons/01-tcp/src/exercises/echo.rs:17:5:\nnot yet implemented: accept one connection and echo it until EOF\n\nthread 'echoes_what_it_reads' (9025) panicked at lessons/01-tcp/tests/support/mod.rs:23:33:\ncould not connect to the server at 127.0.0.1:45715: Connection reset by peer (os error 104)";

#[test]
fn control_bytes_a_test_printed_are_escaped_and_a_run_counted() {
    let nul = "\0".repeat(4000);
    let text = format!(
        "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:17:5:\nassertion failed: got \"hi{nul}\" and \u{1b}[2J\r\n"
    );
    let shown = explain(&text, &context());
    assert!(
        !shown.chars().any(|c| c.is_control() && c != '\n'),
        "{shown:?}"
    );
    assert!(shown.contains("hi\\0…(×4000)\" and \\x1b[2J"), "{shown}");
    assert!(shown.len() < 300, "{shown}");
}

#[test]
fn a_stub_failure_is_the_todo_alone() {
    assert_eq!(
        explain(STUB, &context()),
        "your code is not written yet: lessons/01-tcp/src/exercises/echo.rs:17: accept one connection and echo it until EOF"
    );
}

#[test]
fn the_test_s_own_assertion_comes_second() {
    let text = "thread 't' (3) panicked at lessons/01-tcp/src/exercises/echo.rs:20:9:\ncalled `Option::unwrap()` on a `None` value\n\nthread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:17:5:\nassertion `left == right` failed: sent \"hello\\n\", got \"\"\n  left: []\n right: [104]\n\nthread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:30:5:\necho_one panicked: JoinError::Panic(Id(4), \"called `Option::unwrap()` on a `None` value\", ..)";
    assert_eq!(
        explain(text, &context()),
        "your code panicked: lessons/01-tcp/src/exercises/echo.rs:20: called `Option::unwrap()` on a `None` value\n\
         the test's assertion: lessons/01-tcp/tests/echo.rs:17: assertion `left == right` failed: sent \"hello\\n\", got \"\"\n    left: []\n    right: [104]"
    );
}

#[test]
fn a_test_that_gave_up_names_what_it_waited_for_and_the_exercise() {
    let text = "thread 'a_silent_client' (8) panicked at tools/testkit/src/lib.rs:40:19:\ngave up after 5s waiting for the second client's echo";
    assert_eq!(
        explain(text, &context()),
        "the test gave up after 5s waiting for the second client's echo; look at lessons/01-tcp/src/exercises/echo.rs"
    );
}

#[test]
fn without_a_panic_in_the_learner_s_code_everything_is_shown() {
    let text = "got 3 lines\nthread 't' (3) panicked at lessons/01-tcp/tests/support/mod.rs:44:10:\nread a line from the server: unexpected end of file";
    assert_eq!(
        explain(text, &context()),
        "got 3 lines\nthe test stopped at lessons/01-tcp/tests/support/mod.rs:44: read a line from the server: unexpected end of file"
    );
    assert_eq!(explain("something odd", &context()), "something odd");
}

#[test]
fn a_test_s_own_panic_is_no_assertion() {
    // A `todo!()` that reached the test (here through a task's JoinError).
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:30:5:\necho_one panicked: JoinError::Panic(Id(4), \"not yet implemented\", ..)";
    assert_eq!(
        explain(text, &context()),
        "the test panicked: lessons/01-tcp/tests/echo.rs:30: echo_one panicked: JoinError::Panic(Id(4), \"not yet implemented\", ..)"
    );
    // `panic!` and `assert!(ok, "…")` print the same; the test's line tells them apart.
    let fx = workbook_core::testutil::Fixture::empty();
    fx.write(
        "lessons/01-tcp/tests/echo.rs",
        "fn t() {\n    panic!(\"expected an error, got Ok\");\n    assert!(ok, \"the reply is empty\");\n}\n",
    );
    let context = Context {
        root: fx.path().to_path_buf(),
        ..context()
    };
    let at = |line: u32, message: &str| {
        format!("thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:{line}:5:\n{message}")
    };
    assert_eq!(
        explain(&at(2, "expected an error, got Ok"), &context),
        "the test panicked: lessons/01-tcp/tests/echo.rs:2: expected an error, got Ok"
    );
    assert_eq!(
        explain(&at(3, "the reply is empty"), &context),
        "the test's assertion: lessons/01-tcp/tests/echo.rs:3: the reply is empty"
    );
}

#[test]
fn an_assert_eq_s_sides_are_named_by_the_expressions_the_test_compared() {
    let fx = workbook_core::testutil::Fixture::empty();
    fx.write(
        "lessons/01-tcp/tests/echo.rs",
        "fn t() {\n    assert_eq!(\n        reply,\n        b\"hello\\n\",\n        \"sent {sent:?}\"\n    );\n    assert!(reply.is_empty());\n}\n",
    );
    let with_source = Context {
        root: fx.path().to_path_buf(),
        ..context()
    };
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:2:5:\nassertion `left == right` failed: sent \"hello\\n\"\n  left: []\n right: [104]";
    assert_eq!(
        explain(text, &with_source),
        "the test's assertion: lessons/01-tcp/tests/echo.rs:2: assertion `left == right` failed: sent \"hello\\n\"\n    left `reply`: []\n    right `b\"hello\\n\"`: [104]"
    );
    // Where the source cannot be read, the sides keep Rust's names alone.
    assert_eq!(
        explain(text, &context()),
        "the test's assertion: lessons/01-tcp/tests/echo.rs:2: assertion `left == right` failed: sent \"hello\\n\"\n    left: []\n    right: [104]"
    );
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:7:5:\nassertion failed: reply.is_empty()";
    assert_eq!(
        explain(text, &with_source),
        "the test's assertion: lessons/01-tcp/tests/echo.rs:7: assertion failed: reply.is_empty()"
    );
}

#[test]
fn a_test_s_words_are_said_in_the_learner_s_language_with_its_values() {
    let context = Context {
        test_messages: vec![
            ("sent {sent:?}".into(), "发送了 {sent:?}".into()),
            (
                "the second client's echo".into(),
                "第二个客户端的回显".into(),
            ),
            ("read a line".into(), "读一行".into()),
        ],
        ..context()
    };
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:2:5:\nassertion `left == right` failed: sent \"hi\"\n  left: []\n right: [104]";
    assert!(
        explain(text, &context).contains("failed: 发送了 \"hi\"\n"),
        "{}",
        explain(text, &context)
    );
    let text = "thread 't' (8) panicked at tools/testkit/src/lib.rs:40:19:\ngave up after 5s waiting for the second client's echo";
    assert!(explain(text, &context).contains("waiting for 第二个客户端的回显;"));
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:9:5:\nread a line: unexpected end of file";
    assert!(
        explain(text, &context).ends_with("echo.rs:9: 读一行: unexpected end of file"),
        "{}",
        explain(text, &context)
    );
}

#[test]
fn a_stubs_words_are_said_in_the_learners_language_with_its_values() {
    let context = Context {
        test_messages: vec![
            (
                "accept one connection and echo it until EOF".into(),
                "接受一个连接，把读到的内容原样写回，直到 EOF".into(),
            ),
            (
                "the address to advertise for {listening}".into(),
                "为 {listening} 通告的地址".into(),
            ),
        ],
        ..context()
    };
    assert!(
        explain(STUB, &context)
            .ends_with("echo.rs:17: 接受一个连接，把读到的内容原样写回，直到 EOF"),
        "{}",
        explain(STUB, &context)
    );
    let stub = "thread 't' (3) panicked at lessons/01-tcp/src/exercises/echo.rs:56:5:\nnot yet implemented: the address to advertise for 0.0.0.0:7021";
    assert!(
        explain(stub, &context).ends_with("echo.rs:56: 为 0.0.0.0:7021 通告的地址"),
        "{}",
        explain(stub, &context)
    );
}

/// The class's wall reads each failure on one line: the reason in words first, the test's
/// own where it has some, its place in the lesson last.
#[test]
fn a_failure_on_one_line_says_why_before_where() {
    assert_eq!(
        in_one_line(STUB, &context()),
        "not written yet: accept one connection and echo it until EOF (src/exercises/echo.rs:17)"
    );
    let fx = workbook_core::testutil::Fixture::empty();
    fx.write(
        "lessons/01-tcp/tests/echo.rs",
        "fn t() {\n    assert_eq!(reply, b\"hello\\n\", \"the echo\");\n    assert!(ok, \"the reply is empty\");\n}\n",
    );
    let with_source = Context {
        root: fx.path().to_path_buf(),
        ..context()
    };
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:2:5:\nassertion `left == right` failed: the echo\n  left: []\n right: [104]";
    assert_eq!(
        in_one_line(text, &with_source),
        "the echo: left `reply`: []; right `b\"hello\\n\"`: [104] (tests/echo.rs:2)"
    );
    let text = "thread 't' (3) panicked at lessons/01-tcp/tests/echo.rs:3:5:\nthe reply is empty";
    assert_eq!(
        in_one_line(text, &with_source),
        "the reply is empty (tests/echo.rs:3)"
    );
    let text = "thread 'a_silent_client' (8) panicked at tools/testkit/src/lib.rs:40:19:\ngave up after 5s waiting for the second client's echo";
    assert_eq!(
        in_one_line(text, &context()),
        "the test gave up after 5s waiting for the second client's echo (src/exercises/echo.rs)"
    );
    assert_eq!(in_one_line("something\nodd", &context()), "something odd");
    // In the learner's language, its words and the test's.
    let chinese = Context {
        test_messages: vec![(
            "the second client's echo".into(),
            "第二个客户端的回显".into(),
        )],
        lang: Lang::ZhCn,
        ..context()
    };
    assert_eq!(
        in_one_line(text, &chinese),
        "测试等了 5s 后放弃了，它在等：第二个客户端的回显 (src/exercises/echo.rs)"
    );
}
