use super::*;
use workbook_core::testutil::Fixture;

fn ids<'c>(found: Option<(&Lesson, &'c Exercise)>) -> Option<&'c str> {
    found.map(|(_, e)| e.id.as_str())
}

/// tcp: echo · rpc: frame, call · a third lesson `grpc`: hello.
fn course() -> (Fixture, Course) {
    let fx = Fixture::course();
    fx.write(
        "lessons/05-grpc/Cargo.toml",
        "[package]\nname = \"l05-grpc\"\nversion = \"0.1.0\"\n",
    );
    fx.write(
        "lessons/05-grpc/lesson.toml",
        "id = \"grpc\"\ntitle = \"gRPC\"\n[[exercise]]\nid = \"grpc.hello\"\ntitle = \"t\"\nfile = \"src/exercises/hello.rs\"\ntest = \"hello\"\n",
    );
    let course = Course::load(fx.path()).unwrap();
    (fx, course)
}

#[test]
fn next_stays_in_the_lesson_then_goes_on_then_comes_back_round() {
    let (_fx, course) = course();
    let mut state = State::default();
    // Within the lesson first.
    state.record("rpc.frame", true);
    assert_eq!(
        ids(next_open(&course, &state, "rpc.frame")),
        Some("rpc.call")
    );
    // The lesson done: the next lesson, not the first open exercise of the course.
    state.record("rpc.call", true);
    assert_eq!(
        ids(next_open(&course, &state, "rpc.call")),
        Some("grpc.hello")
    );
    // An open exercise before it in the same lesson comes before the next lesson.
    state.record("rpc.frame", false);
    assert_eq!(
        ids(next_open(&course, &state, "rpc.call")),
        Some("rpc.frame")
    );
    // Done lessons are skipped; after the last lesson, back to the start.
    state.record("rpc.frame", true);
    state.record("grpc.hello", true);
    assert_eq!(
        ids(next_open(&course, &state, "grpc.hello")),
        Some("tcp.echo")
    );
    // Everything done: nothing next.
    state.record("tcp.echo", true);
    assert_eq!(ids(next_open(&course, &state, "tcp.echo")), None);
}

#[test]
fn a_saved_exercise_file_names_its_exercise_and_lesson() {
    let (fx, course) = course();
    let lessons = fx.path().join("lessons");
    let saved = lessons.join("02-rpc/src/exercises/call.rs");
    let (lesson, exercise) = exercise_of(&course, &saved).unwrap();
    assert_eq!(where_is(lesson, exercise), "rpc.call (lesson 02)");
    let other = lessons.join("02-rpc/src/server.rs");
    assert!(exercise_of(&course, &other).is_none());
    assert_eq!(lesson_of(&course, &other).unwrap().id, "rpc");
}

#[test]
fn the_file_just_saved_decides_the_current_exercise() {
    let (fx, course) = course();
    let file = |relative: &str| fx.path().join("lessons").join(relative);
    let outcome = |current: Option<&str>, saved: &[&str]| {
        let paths: Vec<PathBuf> = saved.iter().map(|p| file(p)).collect();
        match after_save(&course, current, &paths) {
            AfterSave::CheckCurrent => "check".to_string(),
            AfterSave::SwitchTo(lesson, exercise) => where_is(lesson, exercise),
            AfterSave::OtherLesson(lesson, _) => format!("other {}", lesson.id),
            AfterSave::Nothing => "nothing".to_string(),
        }
    };
    let echo = "01-tcp/src/exercises/echo.rs";
    let call = "02-rpc/src/exercises/call.rs";
    // Its own file, or another file of its lesson: checked again.
    assert_eq!(outcome(Some("tcp.echo"), &[echo]), "check");
    assert_eq!(
        outcome(Some("tcp.echo"), &["01-tcp/src/server.rs"]),
        "check"
    );
    // Another exercise's file, in this lesson or another: the learner is there now.
    assert_eq!(outcome(Some("tcp.echo"), &[call]), "rpc.call (lesson 02)");
    assert_eq!(outcome(Some("rpc.frame"), &[call]), "rpc.call (lesson 02)");
    assert_eq!(outcome(None, &[call]), "rpc.call (lesson 02)");
    // The current exercise's file wins in a burst of several.
    assert_eq!(outcome(Some("tcp.echo"), &[call, echo]), "check");
    // Another lesson's other files are named, not checked.
    assert_eq!(
        outcome(Some("tcp.echo"), &["02-rpc/src/lib.rs"]),
        "other rpc"
    );
    assert_eq!(outcome(Some("tcp.echo"), &["README.md"]), "nothing");
}

#[test]
fn a_session_starts_at_an_exercise_or_a_lesson_s_first_open_one() {
    let (_fx, course) = course();
    let mut state = State::default();
    let start = |state: &State, target: &str| {
        start_at(&course, state, target)
            .map(|(_, e)| e.id.clone())
            .map_err(|e| e.to_string())
    };
    assert_eq!(start(&state, "rpc.call").unwrap(), "rpc.call");
    for lesson in ["rpc", "02", "2", "02-rpc", "l02-rpc"] {
        assert_eq!(start(&state, lesson).unwrap(), "rpc.frame", "{lesson}");
    }
    state.record("rpc.frame", true);
    assert_eq!(start(&state, "02").unwrap(), "rpc.call");
    state.record("rpc.call", true);
    assert_eq!(start(&state, "rpc").unwrap(), "rpc.frame");
    let unknown = start(&state, "rcp").unwrap_err();
    assert!(unknown.contains("did you mean rpc,"), "{unknown}");
}
