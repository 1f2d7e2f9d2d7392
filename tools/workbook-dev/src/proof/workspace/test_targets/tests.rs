use super::*;

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
