use super::*;
use workbook_book::testutil::Fixture;

#[test]
fn a_lesson_named_otherwise_anywhere_is_a_problem_in_each_language() {
    let fx = Fixture::course();
    fx.write(
        "book/src/SUMMARY.md",
        "# Summary\n\n[Intro](introduction.md)\n\n- [01 · TCP sockets](01-tcp.md)\n\
         - [02 · RPC from scratch](02-rpc.md)\n",
    );
    fx.write("book/src/01-tcp.md", "# 01 · TCP sockets\n");
    fx.write("book/src/02-rpc.md", "# 02 · RPC from scratch\n");
    fx.write(
        "book/src/introduction.md",
        "# Intro\n\n| 01 | `tcp` | [TCP sockets](01-tcp.md) |\n| 02 | `rpc` | [RPC](02-rpc.md) |\n",
    );
    fx.write(
        "lessons/01-tcp/lesson.zh-CN.toml",
        "title = \"TCP 套接字\"\n",
    );
    fx.write(
        "book/po/zh-CN.po",
        "msgid \"\"\nmsgstr \"Language: zh-CN\\nContent-Type: text/plain; charset=UTF-8\\n\
         Plural-Forms: nplurals=1; plural=0;\\n\"\n\nmsgid \"01 · TCP sockets\"\n\
         msgstr \"01 · TCP 套接字\"\n\nmsgid \"[TCP sockets](01-tcp.md)\"\nmsgstr \"[套接字](01-tcp.md)\"\n",
    );
    let course = Course::load(fx.path()).unwrap();
    let found: Vec<String> = check_titles(&course)
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .collect();
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(
        found[0].starts_with("book/src/introduction.md:3 in zh-CN names lesson `tcp` «套接字»"),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("book/src/introduction.md:4 names lesson `rpc` «RPC»"),
        "{found:#?}"
    );
}

#[test]
fn a_lesson_the_course_map_leaves_out_is_a_problem() {
    let fx = Fixture::course();
    fx.write(
        "book/src/introduction.md",
        "# Intro\n\n| NN | id | lesson |\n|---|---|---|\n| 01 | `tcp` | [TCP sockets](01-tcp.md) |\n",
    );
    let course = Course::load(fx.path()).unwrap();
    let found: Vec<String> = check_titles(&course)
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .filter(|found| found.contains("course map"))
        .collect();
    assert_eq!(
        found,
        [
            "book/src/introduction.md:6 the course map has no row for 02-rpc.md, lesson 02 `rpc` «RPC from \
             scratch»: add the row «| 02 | `rpc` | [RPC from scratch](02-rpc.md) | what it \
             teaches, in a line |» after line 5, the row of lesson 01"
        ]
    );
}
