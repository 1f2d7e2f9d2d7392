//! Under `--lang zh-CN` (or a Chinese locale) no command a learner or teacher types says
//! an English sentence: each command's output is scanned, line by line, for English left
//! over once commands, paths, addresses, numbers and code are taken out.

use std::net::TcpListener;

use crate::fixture::{ANSWER, Course};

/// The English left in `line`, if any: a run of two or more words of ASCII letters with a
/// lowercase word among them (`Print help`, `is already the stub`), once code in
/// backticks, the runner's own command lines (from its path to the next Chinese
/// character), addresses and tokens with digits or path signs are taken out. Names that
/// are no sentence (`Consul agent`, a font's `Noto Serif CJK JP`) pass: they are not
/// lowercase, or are listed.
fn english_in(line: &str, program: &str) -> Option<String> {
    let mut text = line.to_string();
    // Code: `…`.
    while let Some(start) = text.find('`') {
        let Some(len) = text[start + 1..].find('`') else {
            break;
        };
        text.replace_range(start..start + len + 2, " ");
    }
    // A command to paste (the runner's, cargo's), or clap's usage: from the program's path
    // (or name) up to the next non-ASCII character.
    for name in [program, "workbook ", "cargo "] {
        while let Some(start) = text.find(name) {
            let end = text[start..]
                .char_indices()
                .find(|(_, c)| !c.is_ascii())
                .map_or(text.len(), |(i, _)| start + i);
            text.replace_range(start..end, " ");
        }
    }
    // The stub's `todo!()` says "add a and b": its own words, shown as the program printed
    // them.
    for name in ["Consul agent", "add a and b"] {
        text = text.replace(name, " ");
    }
    let mut run: Vec<&str> = Vec::new();
    let mut worst: Option<String> = None;
    let mut close = |run: &mut Vec<&str>| {
        if run.len() >= 2
            && run
                .iter()
                .any(|w| w.len() >= 2 && w.chars().all(|c| c.is_ascii_lowercase()))
        {
            worst.get_or_insert_with(|| run.join(" "));
        }
        run.clear();
    };
    for token in text.split(|c: char| c.is_whitespace() || !c.is_ascii()) {
        let word = token
            .trim_end_matches([',', ';', ':', '.', '?', '!', ')'])
            .trim_start_matches('(');
        if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphabetic() || c == '\'') {
            run.push(word);
        } else {
            close(&mut run);
        }
    }
    close(&mut run);
    worst
}

#[test]
fn the_scanner_finds_english_and_passes_commands_paths_and_code() {
    let program = "/x/workbook";
    assert!(english_in("  -h, --help  Print help", program).is_some());
    assert!(english_in("错误： no lesson or exercise is called `nope`", program).is_some());
    assert!(english_in("… 12 more lines", program).is_some());
    assert!(
        english_in(
            "✓ lessons/01-demo/src/exercises/add.rs is already the stub.",
            program
        )
        .is_some()
    );
    assert_eq!(
        english_in("  list      每一课和每个练习及其进度", program),
        None
    );
    assert_eq!(english_in("用 /x/workbook services up 启动", program), None);
    assert_eq!(
        english_in("用法：workbook reset [OPTIONS] <ID>", program),
        None
    );
    assert!(english_in("  reports: No such file or directory (os error 2)", program).is_some());
    assert_eq!(
        english_in("· consul  未运行  127.0.0.1:8500", program),
        None
    );
    assert_eq!(
        english_in(
            "注意 `cargo run -p workbook -- check demo.add` 的输出",
            program
        ),
        None
    );
    assert_eq!(
        english_in("✓ 适合本书中文的 CJK 字体（Noto Serif CJK JP）", program),
        None
    );
}

#[test]
fn under_zh_cn_no_command_says_an_english_sentence() {
    let course = Course::new().with_chinese();
    // The course's name is the book's title: `list` shows the zh-CN edition's.
    course.write("zh.json", r#"{"Demo course": "演示课程"}"#);
    course.import_translations("zh.json");
    let program = env!("CARGO_BIN_EXE_workbook-full");
    let busy = TcpListener::bind("127.0.0.1:0").unwrap();
    let busy_port = busy.local_addr().unwrap().port().to_string();
    let busy_addr = busy.local_addr().unwrap().to_string();
    course.write(
        "reports/ada.json",
        r#"{"learner": "Ada", "done": [], "exercises": [{"id": "demo.add", "status": "failed", "attempts": 2, "hints": 1, "stuck_minutes": 12}]}"#,
    );
    course.write(
        "reports/bob.json",
        r#"{"learner": "Bob", "done": ["demo.add"]}"#,
    );
    let reports = course.path("reports");
    let reports = reports.to_str().unwrap();
    course.write("reports/broken.json", "{");

    let mut commands: Vec<Vec<&str>> = vec![
        vec!["--help"],
        vec!["--bogus"],
        vec!["reset"],
        vec!["report", "--json", "--class", "x"],
        vec!["book", "--port", "many"],
        vec!["hint", "demo.nope"],
        vec!["hint", "demo.ad"],
        vec!["bundle", reports],
        vec!["lang"],
        vec!["ports"],
        // From here on the course has a base port: what it changes is said in Chinese too.
        vec!["ports", "--base", "20000"],
        vec!["list"],
        vec!["check", "demo.add"],
        vec!["report"],
        vec!["report", "--class", reports],
        vec!["report", "--class", "nothing-here"],
        vec!["reset", "demo.add", "--yes"],
        vec!["services", "status"],
        vec!["status"],
        vec!["down"],
        vec!["doctor"],
        vec!["book", "--port", &busy_port],
        vec!["wire", "99"],
        vec!["wire", "04"],
        vec!["wire", "--to", "127.0.0.1:1"],
        vec!["wire", "01", "--listen", &busy_addr],
    ];
    let with_help = [
        "list", "watch", "check", "hint", "solution", "reset", "book", "bundle", "report", "lang",
        "doctor", "up", "down", "status", "services", "ports", "wire",
    ];
    commands.extend(with_help.iter().map(|name| vec![*name, "--help"]));
    commands.push(vec!["services", "up", "--help"]);
    commands.push(vec!["help", "report"]);

    // Last, with every exercise done: what `hint` says then.
    let all_done: Vec<Vec<&str>> = vec![vec!["check", "demo.add"], vec!["hint"]];

    let mut english = Vec::new();
    for (index, args) in commands.iter().chain(&all_done).enumerate() {
        if index == commands.len() {
            course.write("lessons/01-demo/src/exercises/add.rs", ANSWER);
        }
        let mut full = vec!["--lang", "zh-CN"];
        full.extend(args);
        let (_, out) = course.run(&full);
        for line in out.lines() {
            if let Some(words) = english_in(line, program) {
                english.push(format!("workbook {}: {line:?} ({words})", args.join(" ")));
            }
            // clap's own placeholders and colons, which the scan of words passes.
            for clap_english in [
                "[OPTIONS]",
                "[COMMAND]",
                "<COMMAND>",
                "命令:",
                "选项:",
                "参数:",
            ] {
                if line.contains(clap_english) {
                    english.push(format!(
                        "workbook {}: {line:?} ({clap_english})",
                        args.join(" ")
                    ));
                }
            }
        }
    }
    // A changed file is put back, and the Chinese locale is followed as --lang is.
    course.write("lessons/01-demo/src/exercises/add.rs", "pub fn add() {}\n");
    let mut command = course.command(&["reset", "demo.add", "--yes"]);
    command.env("LANG", "zh_CN.UTF-8");
    let output = crate::fixture::output_of(&mut command, &["reset", "demo.add", "--yes"]);
    let out = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{out}");
    for line in out.lines() {
        if let Some(words) = english_in(line, program) {
            english.push(format!(
                "LANG=zh_CN.UTF-8 workbook reset: {line:?} ({words})"
            ));
        }
    }
    // Outside the course's repository.
    let mut outside = std::process::Command::new(program);
    outside
        .args(["--lang", "zh-CN", "list"])
        .current_dir(std::env::temp_dir());
    let outside = crate::fixture::output_of(&mut outside, &["--lang", "zh-CN", "list"]);
    for line in String::from_utf8_lossy(&outside.stderr).lines() {
        if let Some(words) = english_in(line, program) {
            english.push(format!("workbook list, outside: {line:?} ({words})"));
        }
    }
    drop(busy);
    assert!(
        english.is_empty(),
        "English under zh-CN:\n{}",
        english.join("\n")
    );
}
