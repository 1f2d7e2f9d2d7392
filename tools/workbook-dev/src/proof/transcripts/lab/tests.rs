use super::commands::{drives_a_lab, only_reads, server_in_a_terminal, takes};

fn words(command: &str) -> Vec<&str> {
    command.split_ascii_whitespace().collect()
}

#[test]
fn a_server_in_a_terminal_is_told_from_a_command_that_ends() {
    let server = |c| server_in_a_terminal(&words(c));
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
    assert!(only_reads(&words(
        "docker compose exec host-a devconsul members"
    )));
    assert!(only_reads(&words(
        "docker compose exec host-b etcdctl --endpoints host-a:2379 endpoint health"
    )));
    assert!(!only_reads(&words(
        "docker compose exec host-a etcdctl put /a b"
    )));
    assert!(!only_reads(&words("docker compose kill host-b")));
    assert!(only_reads(&words(
        "docker compose exec host-c curl -s localhost:8500/v1/agent/services"
    )));
    assert!(!only_reads(&words(
        "docker compose exec host-c curl -s -X PUT localhost:8500/v1/agent/leave"
    )));
}

#[test]
fn the_lab_takes_compose_the_build_and_its_program() {
    assert!(takes("docker compose up -d"));
    assert!(takes("cargo build --release -p l11-micro -p devconsul"));
    assert!(takes("cargo run --release -p l14-deploy -- up"));
    assert!(!takes("cargo run -p l11-micro -- user-server"));
    assert!(!takes("curl -s localhost:8080"));
}

#[test]
fn compose_through_the_lab_program_is_compose() {
    let server = |c| server_in_a_terminal(&words(c));
    assert_eq!(
        server("cargo run --release -p l14-deploy -- compose exec host-a etcd"),
        Some(("host-a", "etcd"))
    );
    assert_eq!(
        server("cargo run --release -p l14-deploy -- compose exec host-c devconsul members"),
        None
    );
    assert!(only_reads(&words(
        "cargo run --release -p l14-deploy -- compose exec host-a devconsul members"
    )));
    assert!(!only_reads(&words(
        "cargo run --release -p l14-deploy -- compose kill host-b"
    )));
    assert!(takes("cargo run --release -p l14-deploy -- compose up -d"));
    assert!(drives_a_lab(
        "```console\n$ cargo run --release -p l14-deploy -- compose up -d\n```\n"
    ));
    assert!(!drives_a_lab(
        "```console\n$ cargo run --release -p l14-deploy -- status\n```\n"
    ));
}
