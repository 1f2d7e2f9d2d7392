use super::*;
use workbook_book::testutil::Fixture;

#[test]
fn reads_paths_and_leaves_the_rest() {
    for path in [
        "shared/src/accept.rs",
        "lessons/05-grpc/src/exercises/",
        "browsercheck/",
        ".ci/run",
        "net/rpc",
    ] {
        assert_eq!(as_path(path).as_deref(), Some(path));
    }
    assert_eq!(
        as_path("../../shared/src/accept.rs:serve"),
        None,
        "relative to a page, as mdBook's links are"
    );
    assert_eq!(
        as_path("shared/src/accept.rs:serve").as_deref(),
        Some("shared/src/accept.rs")
    );
    assert_eq!(
        as_path("tools/devconsul/CONTRACT.md#5").as_deref(),
        Some("tools/devconsul/CONTRACT.md")
    );
    for not_a_path in [
        "accept.rs",
        "https://github.com/hashicorp/consul",
        "lessons/NN-topic/",
        "src/exercises/*.rs",
        "tests/<name>.rs",
        "/v1/agent/services",
        "cargo run -p l01-tcp",
        "registry/etcd/etcd.go",
        "lessons/01-tcp/lesson.toml…",
        "a/b=c",
    ] {
        assert_eq!(as_path(not_a_path), None, "{not_a_path}");
    }
}

#[test]
fn finds_paths_outside_fences_and_in_module_docs_only() {
    let markdown =
        "See `shared/src/accept.rs`.\n```sh\ncat `lessons/x/y.rs`\n```\n`a/b` and `c/d`\n";
    assert_eq!(
        written_paths(markdown, false),
        [
            (1, "shared/src/accept.rs".to_string()),
            (5, "a/b".to_string()),
            (5, "c/d".to_string())
        ]
    );
    let rust = "//! Beside `proof/verify/`.\n/// Not `x/y.rs`.\n// nor `z/w.rs`\nfn f() {}\n";
    assert_eq!(
        written_paths(rust, true),
        [(1, "proof/verify/".to_string())]
    );
}

#[test]
fn reports_only_paths_into_the_repository_that_are_gone() {
    let fx = Fixture::course();
    fx.write(
        "README.md",
        "`lessons/01-tcp/src/server.rs`, `lessons/01-tcp/src/gone.rs`, `net/rpc`, `target/x/y`\n",
    );
    fx.write(
        "ARCHITECTURE.md",
        "`lessons/01-tcp/` and `lessons/02-gone/`\n",
    );
    fx.write(
        "book/src/01-tcp.md",
        "# TCP\n`src/server.rs` and `src/nowhere.rs`\n",
    );
    fx.write(
        "tools/x/src/a/mod.rs",
        "//! Beside `b/c.rs` and `a/gone.rs`; `src/a/mod.rs` from the crate.\n",
    );
    fx.write("tools/x/src/a/b/c.rs", "");
    fx.write("tools/x/Cargo.toml", "");
    fx.write(
        "tools/x/src/lib.rs",
        "//! See `c.rs`, `mod.rs` and `gone.rs`.\n",
    );
    let found: Vec<String> = check_paths(fx.path())
        .iter()
        .map(|p| format!("{} {}", p.location, p.message))
        .collect();
    assert_eq!(
        found,
        [
            "ARCHITECTURE.md:1 names `lessons/02-gone/`, which does not exist",
            "README.md:1 names `lessons/01-tcp/src/gone.rs`, which does not exist",
            "book/src/01-tcp.md:2 names `src/nowhere.rs`, which does not exist",
            "tools/x/src/a/mod.rs:1 names `a/gone.rs`, which does not exist",
            "tools/x/src/lib.rs:1 names `gone.rs`, which is no file of its crate",
        ]
    );
}

/// The course's own docs name no file that is gone.
#[test]
fn the_courses_docs_name_only_what_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    assert_eq!(check_paths(&root), []);
}
