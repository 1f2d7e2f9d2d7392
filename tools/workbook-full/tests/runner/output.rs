//! Output cut short: `workbook list | head -3` ends quietly and successfully.

use std::process::Stdio;

use crate::fixture::Course;

#[test]
fn every_command_ends_quietly_when_its_reader_is_gone() {
    let course = Course::new();
    for args in [
        &["list"][..],
        &["hint", "demo.add"],
        &["solution", "demo", "--force"],
        &["report"],
        &["--help"],
    ] {
        // A pipe whose reading end is already closed: the first write fails, as it does
        // for `list | head -3` once `head` has had its lines.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let child = course
            .command(args)
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .expect("the workbook binary starts");
        let what = format!("`workbook {}` with its output cut", args.join(" "));
        let output = testkit::child_output_within(&what, child, crate::fixture::RUN_PATIENCE);
        assert!(
            output.status.success(),
            "`workbook {}` ended with {}: {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "",
            "`workbook {}` complained",
            args.join(" ")
        );
    }
}
