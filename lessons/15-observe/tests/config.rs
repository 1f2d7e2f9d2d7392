//! The lesson's program, run as an operator runs it: the configuration it writes is one
//! that Prometheus' own checker accepts, and it ends quietly when its reader goes away.

use std::process::Command;

use testkit::PATIENCE;

const PROGRAM: &str = env!("CARGO_BIN_EXE_l15-observe");

#[test]
fn promtool_accepts_the_configuration() {
    let output = testkit::output_within(
        "`l15-observe config`",
        Command::new(PROGRAM).args(["config", "--gateway", "127.0.0.1:8080", "--every", "5"]),
        PATIENCE,
    );
    assert!(output.status.success(), "l15-observe config: {output:?}");
    let yml = String::from_utf8(output.stdout).expect("UTF-8");
    if programs::find_on_path("promtool").is_none() {
        eprintln!(
            "skipped promtool's check: Prometheus is not installed (apt-get install prometheus)"
        );
        return;
    }
    let folder = std::env::temp_dir().join(format!("l15-config-{}", std::process::id()));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("prometheus.yml");
    std::fs::write(&file, &yml).unwrap();
    let checked = testkit::output_within(
        "`promtool check config`",
        Command::new("promtool")
            .args(["check", "config"])
            .arg(&file),
        PATIENCE,
    );
    let _ = std::fs::remove_dir_all(&folder);
    let said = String::from_utf8_lossy(&checked.stdout).to_string()
        + &String::from_utf8_lossy(&checked.stderr);
    assert!(
        checked.status.success(),
        "promtool check config: {said}\n{yml}"
    );
}
