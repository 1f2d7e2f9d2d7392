use std::path::PathBuf;
use std::time::Duration;

use super::super::{ChapterLab, LabKind, takes};
use super::{Swarm, to_the_check};

fn words(command: &str) -> Vec<&str> {
    command.split_ascii_whitespace().collect()
}

/// The check's lab as a chapter's commands see it, without Docker.
fn lab() -> ChapterLab {
    ChapterLab {
        kind: &Swarm,
        project: "l17verify4321".to_string(),
        subnet: "10.81.2".to_string(),
        first_port: 0,
        program: PathBuf::from("/target/debug/l17-orchestrate"),
        terminals: Vec::new(),
        logs: PathBuf::new(),
    }
}

#[test]
fn a_chapter_that_makes_a_swarm_drives_the_lab() {
    assert!(Swarm.drives("cargo run -p l17-orchestrate -- up"));
    assert!(Swarm.drives("cargo run --release -p l17-orchestrate -- up --workers 3"));
    assert!(!Swarm.drives("cargo run -p l17-orchestrate -- --help"));
    assert!(!Swarm.drives("cargo run -p l14-deploy -- up"));
    let chapter = "```console\n$ cargo run -p l17-orchestrate -- image\n\
                   $ cargo run -p l17-orchestrate -- up\n```\n";
    assert!(super::super::drives_a_lab(chapter));
}

#[test]
fn the_lab_takes_its_program_docker_on_its_nodes_and_its_addresses() {
    let swarm = |command| takes(&Swarm, command);
    assert!(swarm("cargo run -p l17-orchestrate -- deploy --tls"));
    assert!(swarm("cargo run -p l17-orchestrate -- drain worker-1"));
    assert!(swarm("cargo build --release -p l11-micro"));
    assert!(swarm("docker exec l17-manager-1 docker service ls"));
    assert!(swarm(
        "curl -s http://10.17.0.21:8080/user/say/hello?name=swarm"
    ));
    assert!(!swarm("docker ps"));
    assert!(!swarm("curl -s localhost:8080"));
    assert!(!swarm("cargo run -p l11-micro -- user-server"));
}

#[test]
fn the_images_and_join_are_passed_over() {
    assert!(Swarm.passed_over(&words("cargo run -p l17-orchestrate -- image")));
    assert!(Swarm.passed_over(&words(
        "cargo run -p l17-orchestrate -- join 192.168.1.20 SWMTKN-1-abc"
    )));
    assert!(Swarm.passed_over(&words("cargo build --release -p l11-micro")));
    assert!(!Swarm.passed_over(&words("cargo run -p l17-orchestrate -- up")));
}

#[test]
fn status_listings_and_gets_are_read_again() {
    let reads = |command| Swarm.only_reads(&words(command));
    assert!(reads("cargo run -p l17-orchestrate -- status"));
    assert!(reads(
        "docker exec l17-manager-1 docker service ps course_user"
    ));
    assert!(reads("docker exec l17-manager-1 docker node ls"));
    assert!(reads(
        "curl -s http://10.17.0.22:8080/user/say/hello?name=swarm"
    ));
    assert!(!reads("cargo run -p l17-orchestrate -- drain worker-1"));
    assert!(!reads(
        "docker exec l17-manager-1 docker service update --force course_user"
    ));
    assert!(!reads(
        "curl -s -X POST http://10.17.0.21:8080/user/say/hello"
    ));
}

#[test]
fn each_command_gets_minutes_and_a_load_its_duration_more() {
    let limit = |command| Swarm.limit(&words(command));
    let base = Duration::from_secs(300);
    assert_eq!(limit("cargo run -p l17-orchestrate -- up"), base);
    assert_eq!(
        limit("cargo run -p l17-orchestrate -- kill-engine worker-1"),
        base
    );
    assert_eq!(
        limit("cargo run -p l17-orchestrate -- load --for 2m --svg t.svg"),
        base + Duration::from_secs(120)
    );
    assert_eq!(
        limit("cargo run -p l17-orchestrate -- load --for=1500ms"),
        base + Duration::from_millis(1500)
    );
    assert_eq!(
        limit("cargo run -p l17-orchestrate -- load"),
        base + Duration::from_secs(30)
    );
}

#[test]
fn a_command_gets_the_checks_names_for_the_books() {
    let lab = lab();
    assert_eq!(
        to_the_check(&lab, "docker exec l17-manager-1 docker node ls"),
        "docker exec l17verify4321-manager-1 docker node ls"
    );
    assert_eq!(
        to_the_check(
            &lab,
            "curl -s 'http://10.17.0.21:8080/user/say/hello?name=swarm'"
        ),
        "curl -s 'http://10.81.2.21:8080/user/say/hello?name=swarm'"
    );
    assert_eq!(
        to_the_check(
            &lab,
            "docker image ls l17-node:latest --filter label=l17.project=l17"
        ),
        "docker image ls l17-node-verify:latest --filter label=l17.project=l17"
    );
    // The stack's own names, and another network's addresses, stay.
    assert_eq!(
        to_the_check(
            &lab,
            "docker exec l17-worker-2 docker ps --filter name=course_user"
        ),
        "docker exec l17verify4321-worker-2 docker ps --filter name=course_user"
    );
    assert_eq!(
        to_the_check(&lab, "ping -c1 10.117.0.4"),
        "ping -c1 10.117.0.4"
    );
}

#[test]
fn what_a_command_prints_gets_the_books_names_back() {
    let lab = lab();
    let printed = "the swarm l17verify4321 is up in 31.2 s:\n\
        l17verify4321-manager-1 at 10.81.2.11, built from l17-node-verify\n\
        pushed registry:5000/l17-service:0123456789ab from l17-service-verify";
    assert_eq!(
        lab.as_in_book(printed),
        "the swarm l17 is up in 31.2 s:\n\
        l17-manager-1 at 10.17.0.11, built from l17-node\n\
        pushed registry:5000/l17-service:0123456789ab from l17-service"
    );
    assert_eq!(
        lab.with_flags("'/target/debug/l17-orchestrate' status | head -n 3".to_string()),
        "'/target/debug/l17-orchestrate' '--project' 'l17verify4321' '--subnet-prefix' \
         '10.81.2' '--node-image' 'l17-node-verify' '--service-image' 'l17-service-verify' \
         status | head -n 3"
    );
    assert!(lab.env().is_empty());
    assert_eq!(lab.published().count(), 0);
}

#[test]
fn a_fault_the_story_ran_on_a_node_of_the_same_role_is_run() {
    let said = |args: &[&str]| testkit::ran::line("l17-orchestrate", args);
    let output = [
        said(&["kill-engine", "worker-1"]),
        said(&["partition", "manager-3"]),
        said(&["update", "--failing"]),
        "something else the story printed".to_string(),
    ]
    .join("\n");
    let ran: Vec<String> = testkit::ran::commands(&output).map(String::from).collect();
    let lab = lab();
    let book = |args: &str| format!("cargo run -p l17-orchestrate -- {args}");
    assert!(lab.ran_by_story(&book("kill-engine worker-2"), &ran));
    assert!(lab.ran_by_story(&book("partition manager-3"), &ran));
    assert!(lab.ran_by_story(&book("update --failing"), &ran));
    // Another role, another fault, other words, another program: not run.
    assert!(!lab.ran_by_story(&book("kill-engine manager-2"), &ran));
    assert!(!lab.ran_by_story(&book("start-engine worker-1"), &ran));
    assert!(!lab.ran_by_story(&book("update"), &ran));
    assert!(!lab.ran_by_story(&book("partition manager-3 --and-more"), &ran));
    assert!(!lab.ran_by_story("cargo run -p l14-deploy -- kill-engine worker-1", &ran));
    assert!(!lab.ran_by_story("docker exec l17-manager-1 docker node ls", &ran));
}

#[test]
fn the_chapters_block_of_faults_is_run_by_a_story_that_ran_each_fault() {
    let chapter = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../book/src/17-orchestrate.md"),
    )
    .unwrap();
    let blocks = crate::proof::transcripts::parse::console_blocks(&chapter);
    let faults = blocks
        .iter()
        .find(|block| {
            block
                .commands()
                .any(|c| c.ends_with("-- kill-engine worker-2"))
        })
        .expect("chapter 17 has a block of faults");
    // What a story that ran each of them says, the engine killed on the other worker.
    let said: Vec<String> = faults
        .commands()
        .map(|command| {
            let args: Vec<&str> = command.split(" -- ").nth(1).unwrap().split(' ').collect();
            let args: Vec<&str> = args
                .into_iter()
                .map(|arg| if arg == "worker-2" { "worker-1" } else { arg })
                .collect();
            testkit::ran::line("l17-orchestrate", &args)
        })
        .collect();
    let ran: Vec<String> = testkit::ran::commands(&said.join("\n"))
        .map(String::from)
        .collect();
    let lab = lab();
    assert!(lab.all_ran_by_story(faults.commands(), &ran));
    // A fault the story did not run: the block is run.
    for left_out in 0..ran.len() {
        let mut fewer = ran.clone();
        fewer.remove(left_out);
        assert!(
            !lab.all_ran_by_story(faults.commands(), &fewer),
            "without {}",
            ran[left_out]
        );
    }
    // No block, or no story: nothing is taken as run.
    assert!(!lab.all_ran_by_story(std::iter::empty(), &ran));
    assert!(!lab.all_ran_by_story(faults.commands(), &[]));
}
