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
