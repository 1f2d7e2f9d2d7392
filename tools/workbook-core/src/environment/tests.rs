use super::*;

#[test]
fn tells_cargo_s_variables_from_the_user_s() {
    for name in [
        "CARGO",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_PKG_NAME",
        "CARGO_PKG_VERSION_MAJOR",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_BIN_EXE_workbook",
        "CARGO_PRIMARY_PACKAGE",
        "OUT_DIR",
    ] {
        assert!(is_set_by_cargo(name), "{name}");
    }
    for name in [
        "CARGO_HOME",
        "CARGO_TARGET_DIR",
        "CARGO_BUILD_JOBS",
        "CARGO_PROFILE_DEV_DEBUG",
        "CARGO_INCREMENTAL",
        "CARGO_TERM_COLOR",
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "PATH",
    ] {
        assert!(!is_set_by_cargo(name), "{name}");
    }
}

#[cfg(target_os = "linux")]
#[test]
fn finds_the_shell_s_library_path_behind_cargo_s_folders() {
    let cargo = Path::new("/home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/bin/cargo");
    let own = Path::new("/course/target/debug");
    let value = "/course/target/debug:/course/target/debug/deps:\
         /home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/lib:\
         /home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib:/opt/mine/lib:/course/target/debug";
    let (shell, toolchain) = split_library_path(Some(OsStr::new(value)), cargo, Some(own));
    assert_eq!(
        shell.as_deref(),
        Some(OsStr::new("/opt/mine/lib:/course/target/debug"))
    );
    assert_eq!(
        toolchain,
        [
            PathBuf::from(
                "/home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib/rustlib/x86_64-unknown-linux-gnu/lib"
            ),
            PathBuf::from("/home/a/.rustup/toolchains/stable-x86_64-unknown-linux-gnu/lib"),
        ]
    );

    // A shell without a library path gets none.
    let value = "/course/target/debug:/course/target/debug/deps";
    let (shell, _) = split_library_path(Some(OsStr::new(value)), cargo, Some(own));
    assert_eq!(shell, None);
    assert_eq!(split_library_path(None, cargo, Some(own)).0, None);
}

#[test]
fn gives_a_test_its_package_s_variables() {
    let package = Package {
        name: "l01-tcp".into(),
        version: "0.1.0-beta.2".into(),
        dir: "/course/lessons/01-tcp".into(),
        binaries: vec![("l01-tcp".into(), "/course/target/debug/l01-tcp".into())],
    };
    let vars = for_test(&package, Path::new("/course/target/debug/deps/echo-1234"));
    let get = |name: &str| {
        vars.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.to_string_lossy().into_owned())
    };
    assert_eq!(get("CARGO_MANIFEST_DIR").unwrap(), "/course/lessons/01-tcp");
    assert_eq!(get("CARGO_PKG_NAME").unwrap(), "l01-tcp");
    assert_eq!(get("CARGO_PKG_VERSION_MINOR").unwrap(), "1");
    assert_eq!(get("CARGO_PKG_VERSION_PRE").unwrap(), "beta.2");
    assert_eq!(
        get("CARGO_BIN_EXE_l01-tcp").unwrap(),
        "/course/target/debug/l01-tcp"
    );
    let library_path = get(library_path_variable()).unwrap();
    assert!(
        library_path.starts_with(&format!(
            "/course/target/debug{}/course/target/debug/deps",
            if cfg!(windows) { ";" } else { ":" }
        )),
        "{library_path}"
    );
}
