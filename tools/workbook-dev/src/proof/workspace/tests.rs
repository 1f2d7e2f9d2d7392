use super::*;

#[test]
fn a_dependency_goes_after_the_last_entry_of_its_section() {
    let manifest = "[package]\nname = \"l15-observe\"\n\n[dependencies]\ntokio = { workspace = true }\n# a comment\nclap = { workspace = true }\n\n[dev-dependencies]\ntestkit = { workspace = true }\n";
    let (line, said) = insertion_line(manifest, "[dependencies]");
    assert_eq!(line, 8);
    assert_eq!(said, "as line 8 (the end of its [dependencies])");
    let (line, said) = insertion_line("[package]\nname = \"x\"\n", "[dependencies]");
    assert_eq!(line, 3);
    assert_eq!(said, "in a new [dependencies] section at its end");
}

#[test]
fn the_workspace_hack_is_named_from_the_crate_s_folder() {
    assert_eq!(
        relative_path(
            Path::new("/course/lessons/15-observe"),
            Path::new("/course/tools/workspace-hack")
        ),
        Path::new("../../tools/workspace-hack")
    );
    assert_eq!(
        relative_path(
            Path::new("/course/micro"),
            Path::new("/course/tools/workspace-hack")
        ),
        Path::new("../tools/workspace-hack")
    );
}

#[test]
fn a_file_of_tests_that_no_target_compiles_is_a_problem() {
    let root = std::env::temp_dir().join(format!("orphan-tests-{}", std::process::id()));
    let tests = root.join("lessons/99-x/tests");
    std::fs::create_dir_all(&tests).unwrap();
    std::fs::write(tests.join("main.rs"), "mod support;\npub mod process;\n").unwrap();
    for file in ["process.rs", "echo.rs", "forgotten.rs"] {
        std::fs::write(tests.join(file), "").unwrap();
    }
    let package = Package {
        name: "l99-x".into(),
        version: "0.1.0".into(),
        manifest: root.join("lessons/99-x/Cargo.toml"),
        dependencies: Vec::new(),
        tests: vec![
            ("main".into(), tests.join("main.rs")),
            ("echo".into(), tests.join("echo.rs")),
        ],
    };
    let problems = orphan_test_problems(&root, &[package]);
    let _ = std::fs::remove_dir_all(&root);
    let located: Vec<&str> = problems.iter().map(|p| p.location.as_str()).collect();
    assert_eq!(located, ["lessons/99-x/tests/forgotten.rs"], "{problems:?}");
}
