use super::*;
use workbook_core::testutil::Fixture;

#[test]
fn round_trips_through_the_state_file() {
    let fx = Fixture::empty();
    let mut state = State::default();
    state.record("tcp.echo", false);
    state.record("tcp.echo", true);
    state.record("rpc.frame", false);
    state.entry("rpc.frame").hints_shown = 2;
    state.save(fx.path()).unwrap();

    let loaded = State::load(fx.path()).unwrap();
    assert_eq!(loaded, state);
    assert!(loaded.is_done("tcp.echo"));
    assert!(!loaded.is_done("rpc.frame"));
    assert!(loaded.get("tcp.echo").ever_passed);
    assert_eq!(loaded.get("rpc.frame").hints_shown, 2);
    let text = fs::read_to_string(State::path(fx.path())).unwrap();
    assert!(text.contains("[exercise.\"tcp.echo\"]"), "{text}");
}

#[test]
fn a_missing_file_is_a_fresh_start_and_a_broken_one_is_explained() {
    let fx = Fixture::empty();
    assert_eq!(State::load(fx.path()).unwrap(), State::default());
    fx.write(".workbook/state.toml", "[exercise.\"x\"]\nstatus = 3\n");
    let err = format!("{:#}", State::load(fx.path()).unwrap_err());
    assert!(err.contains("damaged"), "{err}");
}

#[test]
fn remembers_attempts_and_how_long_an_exercise_has_been_failing() {
    let mut state = State::default();
    state.entry("tcp.echo").hinted(900);
    state.record_at("tcp.echo", false, 1_000);
    state.record_at("tcp.echo", false, 1_600);
    let echo = state.get("tcp.echo");
    assert_eq!(
        (echo.attempts, echo.started_at, echo.failing_since),
        (2, Some(900), Some(1_000))
    );
    assert_eq!(echo.stuck_minutes(2_800), Some(30));
    assert_eq!(echo.last_at(), Some(1_600));
    state.record_at("tcp.echo", true, 3_000);
    assert_eq!(state.get("tcp.echo").stuck_minutes(4_000), None);
    state.record_at("tcp.echo", false, 5_000);
    assert_eq!(state.get("tcp.echo").stuck_minutes(5_600), Some(10));
}

#[test]
fn a_failure_after_a_pass_keeps_the_solution_unlocked() {
    let mut state = State::default();
    state.record("tcp.echo", true);
    state.record("tcp.echo", false);
    assert!(!state.is_done("tcp.echo"));
    assert!(state.get("tcp.echo").ever_passed);
}

#[test]
fn snapshots_untouched_stubs_once_and_only_those() {
    let fx = Fixture::course();
    fx.write(
        "lessons/02-rpc/src/exercises/frame.rs",
        "// TODO: frames\nfn f() { todo!() }\n",
    );
    fx.write(
        "lessons/02-rpc/src/exercises/call.rs",
        "// TODO: done already\nfn c() {}\n",
    );
    let course = Course::load(fx.path()).unwrap();
    let state = State::default();
    snapshot_stubs(&course, &state).unwrap();

    let (lesson, echo) = course.exercise("tcp.echo").unwrap();
    let stub = stub_source(&course, lesson, echo).unwrap();
    assert!(
        snapshot_path(&course.root, echo).is_file(),
        "the stub comes from the snapshot"
    );
    assert!(stub.contains("todo!()"));
    let (lesson, call) = course.exercise("rpc.call").unwrap();
    assert!(
        stub_source(&course, lesson, call).is_none(),
        "an edited file is no stub"
    );

    // Later edits never replace the first snapshot.
    fx.write(
        "lessons/01-tcp/src/exercises/echo.rs",
        "// TODO\nfn echo() { todo!(\"mine\") }\n",
    );
    snapshot_stubs(&course, &state).unwrap();
    let (lesson, echo) = course.exercise("tcp.echo").unwrap();
    assert_eq!(stub_source(&course, lesson, echo).unwrap(), stub);
}
