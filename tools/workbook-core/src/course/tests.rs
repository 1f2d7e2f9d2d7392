use super::*;
use crate::testutil::Fixture;

#[test]
fn loads_lessons_in_folder_order_with_package_names() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids, ["tcp", "rpc"]);
    assert_eq!(course.lessons[0].package, "l01-tcp");
    assert_eq!(course.lessons[0].folder, "01-tcp");
    let echo = &course.lessons[0].exercises[0];
    assert_eq!(echo.id, "tcp.echo");
    assert_eq!(echo.test, "echo");
    assert_eq!(echo.file, Path::new("src/exercises/echo.rs"));
    assert_eq!(echo.hints.len(), 2);
    assert_eq!(course.exercise_count(), 3);
}

#[test]
fn finds_the_workspace_root_from_a_nested_folder() {
    let fx = Fixture::course();
    let nested = fx.path().join("lessons/01-tcp/src");
    fs::create_dir_all(&nested).unwrap();
    // The lesson's own Cargo.toml has no [workspace]: the walk must go past it.
    assert_eq!(find_root(&nested).unwrap(), fx.path());
}

#[test]
fn resolves_exercise_lesson_folder_and_package_ids() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    assert!(
        matches!(course.select("tcp.echo").unwrap(), Selection::Exercise(_, e) if e.id == "tcp.echo")
    );
    assert!(matches!(course.select("tcp").unwrap(), Selection::Lesson(l) if l.id == "tcp"));
    assert!(matches!(course.select("01-tcp").unwrap(), Selection::Lesson(l) if l.id == "tcp"));
    assert!(matches!(course.select("l02-rpc").unwrap(), Selection::Lesson(l) if l.id == "rpc"));
    assert!(matches!(course.select("02").unwrap(), Selection::Lesson(l) if l.id == "rpc"));
    assert!(matches!(course.select("2").unwrap(), Selection::Lesson(l) if l.id == "rpc"));
    assert!(course.select("3").is_err(), "03-draft has no lesson.toml");

    let unknown = course.select("tcp.ech").unwrap_err().to_string();
    assert!(unknown.contains("did you mean tcp.echo"), "{unknown}");

    // A one-exercise lesson stands for its exercise; a bigger one does not.
    assert_eq!(course.exercise("tcp").unwrap().1.id, "tcp.echo");
    let many = course.exercise("rpc").unwrap_err().to_string();
    assert!(many.contains("rpc.frame, rpc.call"), "{many}");
}

#[test]
fn an_answer_is_in_solutions_unless_the_exercise_names_another_file() {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/exercises/echo.rs\"\ntest = \"echo\"\n[[exercise]]\nid = \"tcp.pick\"\ntitle = \"t\"\nfile = \"src/exercises/pick.rs\"\nanswer = \"../../micro/src/selector/random.rs\"\ntest = \"pick\"\n",
    );
    let course = Course::load(fx.path()).unwrap();
    let lesson = &course.lessons[0];
    let (echo, pick) = (&lesson.exercises[0], &lesson.exercises[1]);
    assert_eq!(
        course.relative(&lesson.solution_path(echo)),
        Path::new("lessons/01-tcp/solutions/echo.rs")
    );
    assert!(!lesson.answer_elsewhere(echo));
    // The framework's module, named as a reader finds it: no `..` left in the path.
    assert_eq!(
        course.relative(&lesson.solution_path(pick)),
        Path::new("micro/src/selector/random.rs")
    );
    assert!(lesson.answer_elsewhere(pick));
}

#[test]
fn rejects_an_exercise_id_outside_its_lesson() {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"echo\"\ntitle = \"t\"\nfile = \"src/a.rs\"\ntest = \"a\"\n",
    );
    let err = format!("{:#}", Course::load(fx.path()).unwrap_err());
    assert!(err.contains("must look like `tcp.<name>`"), "{err}");
}

#[test]
fn explains_a_missing_field() {
    let fx = Fixture::course();
    fx.write(
        "lessons/01-tcp/lesson.toml",
        "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.echo\"\ntitle = \"t\"\nfile = \"src/a.rs\"\n",
    );
    let err = format!("{:#}", Course::load(fx.path()).unwrap_err());
    assert!(err.contains("lessons/01-tcp/lesson.toml"), "{err}");
    assert!(err.contains("missing field `test`"), "{err}");
}

#[test]
fn rejects_duplicate_ids() {
    let fx = Fixture::course();
    fx.write(
        "lessons/02-rpc/lesson.toml",
        "id = \"tcp\"\ntitle = \"again\"\n",
    );
    let err = format!("{:#}", Course::load(fx.path()).unwrap_err());
    assert!(err.contains("used twice"), "{err}");
}

#[test]
fn a_check_builds_the_program_only_for_a_test_that_names_it() {
    let fx = Fixture::course();
    let course = Course::load(fx.path()).unwrap();
    let lesson = &course.lessons[0];
    let tests = "lessons/01-tcp/tests";
    fx.write(&format!("{tests}/alone.rs"), "#[test]\nfn t() {}\n");
    fx.write(
        &format!("{tests}/process.rs"),
        "const SERVER: &str = env!(\"CARGO_BIN_EXE_l01-tcp\");\n",
    );
    // Through a module folder it declares, at any depth, or a module file.
    fx.write(
        &format!("{tests}/helped.rs"),
        "mod support;\nuse support::x;\n",
    );
    fx.write(&format!("{tests}/support/mod.rs"), "pub mod spawn;\n");
    fx.write(
        &format!("{tests}/support/spawn.rs"),
        "pub fn run() { let _ = env!(\"CARGO_BIN_EXE_l01-tcp\"); }\n",
    );
    fx.write(&format!("{tests}/plain.rs"), "mod nodes;\n");
    fx.write(&format!("{tests}/nodes.rs"), "pub fn node() {}\n");
    // A test that is a folder of its own.
    fx.write(&format!("{tests}/whole/main.rs"), "mod calls;\n");
    fx.write(
        &format!("{tests}/whole/calls.rs"),
        "fn f() { env!(\"CARGO_BIN_EXE_l01-tcp\"); }\n",
    );
    // A file included by `#[path]` is read as part of the test; one it cannot read counts.
    fx.write(
        &format!("{tests}/split.rs"),
        "#[path = \"split/slow.rs\"]\nmod slow;\n",
    );
    fx.write(&format!("{tests}/split/slow.rs"), "#[test]\nfn t() {}\n");
    fx.write(
        &format!("{tests}/spawns.rs"),
        "#[path = \"spawns/run.rs\"]\nmod run;\n",
    );
    fx.write(
        &format!("{tests}/spawns/run.rs"),
        "fn f() { env!(\"CARGO_BIN_EXE_l01-tcp\"); }\n",
    );
    fx.write(
        &format!("{tests}/moved.rs"),
        "#[path = \"x/y.rs\"]\nmod y;\n",
    );

    let runs = |test: &str| lesson.test_runs_the_program(test);
    assert!(!runs("alone"));
    assert!(!runs("plain"));
    assert!(runs("process"));
    assert!(runs("helped"));
    assert!(runs("whole"));
    assert!(!runs("split"));
    assert!(runs("spawns"));
    assert!(runs("moved"), "a file it cannot read");
    let split = lesson.test_source("split").unwrap();
    assert!(
        split.contains("mod slow;") && split.contains("fn t()"),
        "{split}"
    );
    assert!(runs("missing"), "a test it cannot read");
}

#[test]
fn an_exercise_about_one_call_says_why() {
    let fx = Fixture::course();
    let lesson = |extra: &str| {
        fx.write(
            "lessons/01-tcp/lesson.toml",
            &format!(
                "id = \"tcp\"\ntitle = \"TCP\"\n[[exercise]]\nid = \"tcp.many\"\ntitle = \"t\"\nfile = \"src/exercises/many.rs\"\ntest = \"many\"\n{extra}"
            ),
        );
        Course::load(fx.path())
    };
    let course = lesson("").unwrap();
    assert_eq!(course.lessons[0].exercises[0].about, About::Design);

    let course = lesson("about = \"one-call\"\nwhy = \"spawning a task is the point\"\n").unwrap();
    let many = &course.lessons[0].exercises[0];
    assert_eq!(many.about, About::OneCall);
    assert_eq!(many.why.as_deref(), Some("spawning a task is the point"));

    let no_why = lesson("about = \"one-call\"\n").unwrap_err().to_string();
    assert!(
        no_why.contains("tcp.many") && no_why.contains("why"),
        "{no_why}"
    );
    let stray = lesson("why = \"…\"\n").unwrap_err().to_string();
    assert!(stray.contains("not `about = \"one-call\"`"), "{stray}");
    assert!(lesson("about = \"one call\"\nwhy = \"x\"\n").is_err());
}
