//! The runner in Chinese: `--lang zh-CN`, a `zh` locale, or `lang zh-CN` remembered; and
//! English otherwise (the fixture's commands run under `LANG=C`).

use crate::fixture::Course;

#[test]
fn with_lang_zh_cn_the_map_the_verdict_and_the_hints_are_chinese() {
    let course = Course::new().with_second_exercise().with_chinese();

    let (ok, out) = course.run(&["--lang", "zh-CN", "list"]);
    assert!(ok, "{out}");
    assert!(out.contains("演示课") && out.contains("两数相加"), "{out}");
    assert!(out.contains("◀ 下一个") && out.contains("文件"), "{out}");
    // Not translated: stays English.
    assert!(out.contains("Triple a number"), "{out}");

    let (ok, out) = course.run(&["--lang", "zh-CN", "check", "demo.add"]);
    assert!(!ok, "the stub passed:\n{out}");
    assert!(
        out.contains("✗ demo.add 未通过：1 个测试中有 1 个失败"),
        "{out}"
    );
    assert!(
        out.contains("卡住了？") && out.contains("hint demo.add"),
        "{out}"
    );
    // Why it failed, in Chinese, the `todo!()`'s own words too; the place as printed.
    assert!(
        out.contains("你的代码还没有写：")
            && out.contains("exercises/add.rs:5")
            && out.contains("把 a 和 b 相加"),
        "{out}"
    );
    assert!(!out.contains("your code is not written yet"), "{out}");

    let (_, out) = course.run(&["--lang", "zh-CN", "hint", "demo.add"]);
    assert!(
        out.contains("demo.add 的提示 1/2：") && out.contains("数可以相加。"),
        "{out}"
    );
}

#[test]
fn without_the_flag_under_lang_c_it_is_english() {
    let course = Course::new().with_chinese();
    let (ok, out) = course.run(&["list"]);
    assert!(ok, "{out}");
    assert!(
        out.contains("Add two numbers") && out.contains("◀ next"),
        "{out}"
    );
    assert!(!out.contains("两数相加") && !out.contains("文件"), "{out}");
    let (_, out) = course.run(&["hint", "demo.add"]);
    assert!(
        out.contains("Hint 1 of 2") && out.contains("Numbers can be added."),
        "{out}"
    );
}

#[test]
fn a_chinese_locale_and_a_remembered_choice_are_followed_and_the_flag_wins() {
    let course = Course::new().with_chinese();
    let list = |vars: &[(&str, &str)], args: &[&str]| {
        let mut command = course.command(args);
        command.envs(vars.iter().copied());
        let output = crate::fixture::output_of(&mut command, args);
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let chinese_shell = [("LANG", "zh_CN.UTF-8")];
    assert!(list(&chinese_shell, &["list"]).contains("两数相加"));
    assert!(list(&chinese_shell, &["--lang", "en", "list"]).contains("Add two numbers"));

    let (ok, out) = course.run(&["lang", "zh-CN"]);
    assert!(ok && out.contains("中文"), "{out}");
    assert!(
        course
            .read(".workbook/state.toml")
            .contains("lang = \"zh-CN\"")
    );
    let (_, out) = course.run(&["list"]);
    assert!(out.contains("两数相加"), "remembered, under LANG=C:\n{out}");
    let (_, out) = course.run(&["lang"]);
    assert!(out.contains("zh-CN（由 `lang` 记住）"), "{out}");
    let (_, out) = course.run(&["--lang", "en", "list"]);
    assert!(out.contains("Add two numbers"), "{out}");

    let (ok, out) = course.run(&["lang", "auto"]);
    assert!(ok, "{out}");
    let (_, out) = course.run(&["list"]);
    assert!(out.contains("Add two numbers"), "{out}");

    let (ok, out) = course.run(&["--lang", "de", "list"]);
    assert!(!ok && out.contains("`en` and `zh-CN`"), "{out}");
}

#[test]
fn an_error_says_error_in_chinese() {
    let course = Course::new().with_chinese();
    let (ok, out) = course.run(&["--lang", "zh-CN", "hint", "demo.nope"]);
    assert!(!ok, "{out}");
    assert!(out.contains("错误："), "{out}");
    assert!(!out.contains("error:"), "{out}");
}
