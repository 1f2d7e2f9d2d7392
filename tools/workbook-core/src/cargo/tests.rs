use super::*;

/// rustc's error for a trait method without its trait, as rustc 1.90 writes it: the
/// fix comes last.
const NO_TRAIT: &str = "error[E0599]: no method named `gen_range` found for struct `ThreadRng` in the current scope
  --> lessons/09-captcha/src/exercises/render.rs:5:24
   |
5  |     let n = rng.gen_range(0..10);
   |                 ^^^^^^^^^
   |
  ::: /home/me/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/rand-0.8.5/src/rng.rs:129:8
   |
129|     fn gen_range<T, R>(&mut self, range: R) -> T
   |        --------- the method is available for `ThreadRng` here
   |
   = note: the full type name has been written to 'x.long-type.txt'
   = note: consider using `--verbose` to print the full type name to the console
   = help: items from traits can only be used if the trait is in scope
help: trait `Rng` which provides `gen_range` is implemented but not in scope; perhaps you want to import it
   |
1  + use rand::Rng;
   |
help: there is a method `random_range` with a similar name
   |
5  -     let n = rng.gen_range(0..10);
5  +     let n = rng.random_range(0..10);
   |";

#[test]
fn a_cut_compiler_error_keeps_every_help_and_its_code() {
    let clipped = messages::clip_keeping_help(NO_TRAIT, 6);
    for kept in [
        "error[E0599]: no method named `gen_range`",
        "= help: items from traits can only be used if the trait is in scope",
        "help: trait `Rng` which provides `gen_range` is implemented but not in scope",
        "1  + use rand::Rng;",
        "help: there is a method `random_range` with a similar name",
        "5  +     let n = rng.random_range(0..10);",
    ] {
        assert!(clipped.contains(kept), "{kept:?} was cut:\n{clipped}");
    }
    assert!(!clipped.contains("long-type.txt"), "{clipped}");
    assert_eq!(messages::clip_keeping_help("one\ntwo", 6), "one\ntwo");
}

#[test]
fn reads_build_messages() {
    let mut build = Build::default();
    read_message(
        r#"{"reason":"compiler-artifact","package_id":"path+file:///w/lessons/01-tcp#l01-tcp@0.1.0","manifest_path":"/w/lessons/01-tcp/Cargo.toml","target":{"kind":["test"],"name":"echo"},"profile":{"test":true},"executable":"/w/target/debug/deps/echo-1"}"#,
        &mut build,
    );
    read_message(
        r#"{"reason":"compiler-artifact","package_id":"path+file:///w/lessons/01-tcp#l01-tcp@0.1.0","manifest_path":"/w/lessons/01-tcp/Cargo.toml","target":{"kind":["bin"],"name":"l01-tcp"},"profile":{"test":false},"executable":"/w/target/debug/l01-tcp"}"#,
        &mut build,
    );
    read_message(
        r#"{"reason":"compiler-message","manifest_path":"/w/lessons/01-tcp/Cargo.toml","message":{"level":"error","rendered":"error[E0308]: mismatched types","spans":[{"file_name":"lessons/01-tcp/src/exercises/echo.rs","line_start":12,"is_primary":true}]}}"#,
        &mut build,
    );
    read_message(r#"{"reason":"build-finished","success":false}"#, &mut build);
    read_message("not json", &mut build);

    let dir = Path::new("/w/lessons/01-tcp");
    assert_eq!(build.executables.len(), 1);
    assert_eq!(
        build.executables[&(dir.to_path_buf(), "echo".to_string())],
        Path::new("/w/target/debug/deps/echo-1")
    );
    assert!(!build.success);
    let errors = build.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(
        errors[0].file.as_deref(),
        Some(Path::new("lessons/01-tcp/src/exercises/echo.rs"))
    );
    assert_eq!(errors[0].line, Some(12));
    assert_eq!(
        build.broken_files(Path::new("/w")),
        [Location {
            file: "/w/lessons/01-tcp/src/exercises/echo.rs".into(),
            line: Some(12)
        }]
    );
    let package = &build.packages[dir];
    assert_eq!(
        (package.name.as_str(), package.version.as_str()),
        ("l01-tcp", "0.1.0")
    );
    assert_eq!(
        package.binaries,
        [(
            "l01-tcp".to_string(),
            PathBuf::from("/w/target/debug/l01-tcp")
        )]
    );
    let job = build.test_job(dir, "echo", Some("one")).unwrap();
    assert_eq!(job.filter.as_deref(), Some("one"));
    assert!(
        job.env
            .iter()
            .any(|(name, value)| name == "CARGO_MANIFEST_DIR" && value == dir.as_os_str())
    );
}

#[test]
fn reads_names_and_versions_from_package_ids() {
    for (id, name, version) in [
        (
            "path+file:///w/lessons/01-tcp#l01-tcp@0.1.0",
            "l01-tcp",
            "0.1.0",
        ),
        ("path+file:///w/tools/workbook#0.2.0", "workbook", "0.2.0"),
        (
            "registry+https://github.com/rust-lang/crates.io-index#ring@0.17.14",
            "ring",
            "0.17.14",
        ),
        (
            "l01-tcp 0.1.0 (path+file:///w/lessons/01-tcp)",
            "l01-tcp",
            "0.1.0",
        ),
    ] {
        assert_eq!(
            name_and_version(id),
            (name.to_string(), version.to_string()),
            "{id}"
        );
    }
}

#[test]
fn strips_colour_codes() {
    assert_eq!(
        strip_ansi("\x1b[1m\x1b[32m   Compiling\x1b[0m x"),
        "   Compiling x"
    );
    assert!(is_progress_line("   Compiling tokio v1.0"));
    assert!(!is_progress_line("error: no test target named `x`"));
}

#[test]
fn reads_how_far_a_build_is_from_cargos_bar() {
    let bar = "Building [=====>                 ] 45/210: tokio, serde(build)";
    assert_eq!(
        Progress::of_bar(bar),
        Some(Progress {
            done: 45,
            total: 210
        })
    );
    assert_eq!(Progress::of_bar("Compiling tokio v1.54.1"), None);
    assert_eq!(Progress::of_bar("Building [====> ] 3/x: tokio"), None);
}
