use super::*;

#[test]
fn help_before_a_command_is_its_help_flag() {
    let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
    assert_eq!(
        help_as_flag(args(&["workbook", "--lang", "zh-CN", "help", "report"])),
        args(&["workbook", "--lang", "zh-CN", "report", "--help"])
    );
    assert_eq!(
        help_as_flag(args(&["workbook", "help"])),
        args(&["workbook", "--help"])
    );
    let hint = args(&["workbook", "hint", "help"]);
    assert_eq!(help_as_flag(hint.clone()), hint);
}

#[test]
fn lang_is_read_anywhere_but_as_an_edition() {
    let args = |list: &[&str]| list.iter().map(OsString::from).collect::<Vec<_>>();
    assert_eq!(
        lang_first(args(&[
            "workbook", "class", "serve", "--dir", "d", "--lang", "zh-CN"
        ])),
        args(&[
            "workbook", "--lang", "zh-CN", "class", "serve", "--dir", "d"
        ])
    );
    assert_eq!(
        lang_first(args(&["workbook", "check", "--lang=en"])),
        args(&["workbook", "--lang=en", "check"])
    );
    let book = args(&["workbook", "book", "--lang", "zh-CN"]);
    assert_eq!(lang_first(book.clone()), book);
    let parsed = Cli::try_parse_from(lang_first(args(&["workbook", "list", "--lang", "en"])));
    assert_eq!(parsed.unwrap().lang.as_deref(), Some("en"));
}

#[test]
fn arguments_are_listed_as_declared() {
    let mut cmd = command(Lang::En);
    let join = cmd
        .find_subcommand_mut("class")
        .and_then(|class| class.find_subcommand_mut("join"))
        .unwrap()
        .render_help()
        .to_string();
    let (url, code) = (
        join.find("  <URL>").unwrap(),
        join.find("  <CODE>").unwrap(),
    );
    assert!(url < code, "{join}");
}

#[test]
fn every_command_and_argument_has_a_text_in_the_messages() {
    let missing = localise::without_text(&Cli::command(), "");
    assert!(missing.is_empty(), "no text for: {missing:?}");
}

#[test]
fn the_help_is_chinese_under_zh_cn() {
    let mut cmd = command(Lang::ZhCn);
    let text = cmd
        .find_subcommand_mut("report")
        .unwrap()
        .render_help()
        .to_string();
    assert!(text.contains("用法：") && text.contains("选项"), "{text}");
    assert!(text.contains("上交") && text.contains("打印帮助"), "{text}");
    assert!(
        !text.contains("Print help") && !text.contains("Options"),
        "{text}"
    );
}

#[test]
fn the_chinese_help_has_chinese_colons_and_placeholders() {
    let help = |path: &[&str]| {
        let err = command(Lang::ZhCn)
            .try_get_matches_from(["workbook"].iter().chain(path).chain(&["--help"]))
            .unwrap_err();
        localise::finish_help(&err.render().to_string(), Lang::ZhCn)
    };
    let root = help(&[]);
    assert!(root.contains("用法：workbook [选项] [命令]"), "{root}");
    assert!(
        root.contains("命令：\n") && root.contains("选项：\n"),
        "{root}"
    );
    let up = help(&["up"]);
    assert!(up.contains("用法：workbook up [选项]"), "{up}");
    for english in ["[OPTIONS]", "[COMMAND]", "命令:", "选项:"] {
        assert!(
            !root.contains(english) && !up.contains(english),
            "{english}: {root}{up}"
        );
    }
}
