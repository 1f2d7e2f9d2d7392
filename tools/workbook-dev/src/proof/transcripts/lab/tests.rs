use super::compose::Compose;
use super::left_over::left_over;
use super::{LabKind, drives_a_lab, takes};

fn words(command: &str) -> Vec<&str> {
    command.split_ascii_whitespace().collect()
}

#[test]
fn a_server_in_a_terminal_is_told_from_a_command_that_ends() {
    let server = |c| Compose.server_in_a_terminal(&words(c));
    assert_eq!(
        server("docker compose exec host-a etcd"),
        Some(("host-a", "etcd"))
    );
    assert_eq!(
        server(
            "docker compose exec host-b l11-micro --registry etcd user-server --addr 0.0.0.0:7021"
        ),
        Some(("host-b", "l11-micro"))
    );
    assert_eq!(server("docker compose exec -d host-a etcd"), None);
    assert_eq!(server("docker compose exec host-c devconsul members"), None);
    assert_eq!(server("docker compose exec host-c etcdctl get /a"), None);
}

#[test]
fn only_reading_commands_are_run_again() {
    let reads = |c| Compose.only_reads(&words(c));
    assert!(reads("docker compose exec host-a devconsul members"));
    assert!(reads(
        "docker compose exec host-b etcdctl --endpoints host-a:2379 endpoint health"
    ));
    assert!(!reads("docker compose exec host-a etcdctl put /a b"));
    assert!(!reads("docker compose kill host-b"));
    assert!(reads(
        "docker compose exec host-c curl -s localhost:8500/v1/agent/services"
    ));
    assert!(!reads(
        "docker compose exec host-c curl -s -X PUT localhost:8500/v1/agent/leave"
    ));
}

#[test]
fn the_lab_takes_compose_the_build_and_its_program() {
    let compose = |c| takes(&Compose, c);
    assert!(compose("docker compose up -d"));
    assert!(compose("cargo build --release -p l11-micro -p devconsul"));
    assert!(compose("cargo run --release -p l14-deploy -- up"));
    assert!(!compose("cargo run -p l11-micro -- user-server"));
    assert!(!compose("curl -s localhost:8080"));
    assert!(Compose.passed_over(&words("cargo run --release -p l14-deploy -- image")));
    assert!(!Compose.passed_over(&words("cargo run --release -p l14-deploy -- up")));
}

#[test]
fn compose_through_the_lab_program_is_compose() {
    let server = |c| Compose.server_in_a_terminal(&words(c));
    assert_eq!(
        server("cargo run --release -p l14-deploy -- compose exec host-a etcd"),
        Some(("host-a", "etcd"))
    );
    assert_eq!(
        server("cargo run --release -p l14-deploy -- compose exec host-c devconsul members"),
        None
    );
    assert!(Compose.only_reads(&words(
        "cargo run --release -p l14-deploy -- compose exec host-a devconsul members"
    )));
    assert!(!Compose.only_reads(&words(
        "cargo run --release -p l14-deploy -- compose kill host-b"
    )));
    assert!(takes(
        &Compose,
        "cargo run --release -p l14-deploy -- compose up -d"
    ));
    assert!(drives_a_lab(
        "```console\n$ cargo run --release -p l14-deploy -- compose up -d\n```\n"
    ));
    assert!(!drives_a_lab(
        "```console\n$ cargo run --release -p l14-deploy -- status\n```\n"
    ));
}

#[test]
fn a_lab_is_left_over_when_the_check_that_made_it_has_gone() {
    let this_check = format!("l17verify{}", std::process::id());
    assert!(!left_over(&this_check, "l17verify"));
    // The reader's lab, and another lab's checks, are no check's of this lab.
    assert!(!left_over("l17", "l17verify"));
    assert!(!left_over("l14verify4000000000", "l17verify"));
    if std::path::Path::new("/proc/self").exists() {
        // Above the largest process id Linux hands out (2^22).
        assert!(left_over("l17verify4000000000", "l17verify"));
    }
}
