//! The reading of chapters' blocks and command lines, on small examples.

use super::*;

#[test]
pub(super) fn reads_blocks_steps_and_the_abridged_mark() {
    let markdown = "\
# Run it

In one terminal (server log, abridged):

```console
$ cargo run -p l01-tcp -- server
2026-11-21T05:53:20Z  INFO l01_tcp: listening
```

In another:

```console
$ cargo run -p l01-tcp -- client hi
hi
$ printf 'a\\n' | cargo run -p l01-tcp -- client

```

```rust,ignore
$ not a console block
```

```console
^C2026-11-21T05:53:21Z  INFO l01_tcp: stopping
2026-11-21T05:53:21Z  INFO l01_tcp: stopped
```

```console
2026-11-21T05:53:21Z  INFO l01_tcp: a log line
$ curl -s http://127.0.0.1:7001/
$ cargo run -p workbook -- check tcp.echo
```
";
    let blocks = console_blocks(markdown);
    assert_eq!(blocks.len(), 4);
    assert!(blocks[0].abridged);
    assert_eq!(
        blocks[0].steps,
        [Step::Command {
            line: 6,
            text: "cargo run -p l01-tcp -- server".into(),
            output: vec!["2026-11-21T05:53:20Z  INFO l01_tcp: listening".into()],
        }]
    );
    assert!(!blocks[1].abridged);
    assert_eq!(blocks[1].commands().count(), 2);
    assert_eq!(
        blocks[2].steps,
        [Step::CtrlC {
            line: 24,
            before: Vec::new(),
            log: vec![
                "2026-11-21T05:53:21Z  INFO l01_tcp: stopping".into(),
                "2026-11-21T05:53:21Z  INFO l01_tcp: stopped".into()
            ]
        }]
    );
    assert!(matches!(blocks[3].steps[0], Step::Log { line: 29, .. }));

    let packages = ["l01-tcp".to_string()];
    let kinds: Vec<Kind> = blocks
        .iter()
        .map(|b| b.kind(&packages, |_| false))
        .collect();
    assert_eq!(
        kinds,
        [
            Kind::Abridged,
            Kind::Compared,
            Kind::Compared,
            Kind::NotLesson
        ]
    );
    let commands_only = console_blocks("```console\n$ cargo run -p l01-tcp -- server\n```\n");
    assert_eq!(
        commands_only[0].kind(&packages, |_| false),
        Kind::CommandsOnly
    );
    // In a list item, the block is indented as deep as its fence.
    let indented =
        console_blocks("1. Start it:\n\n   ```console\n   $ consul agent -dev\n   ```\n");
    assert_eq!(
        indented[0].commands().collect::<Vec<_>>(),
        ["consul agent -dev"]
    );
    assert_eq!(indented[0].kind(&packages, |_| false), Kind::NotLesson);
}

#[test]
pub(super) fn finds_lesson_runs_in_a_command_line() {
    let packages = ["l04-protobuf".to_string(), "l02-rpc".to_string()];
    let line = "printf '\\x0f' | cargo run -p l04-protobuf -- inspect - > out";
    let runs = cargo_commands(line, &packages);
    let run = runs[0].as_ref().unwrap();
    assert_eq!(&line[run.start..run.end], "cargo run -p l04-protobuf --");
    let (name, end) = run.subcommand.as_ref().unwrap();
    assert_eq!(
        (name.as_str(), &line[..*end]),
        (
            "inspect",
            "printf '\\x0f' | cargo run -p l04-protobuf -- inspect"
        )
    );
    assert!(!run.is_server());

    let line = "cargo run -p l02-rpc -- --registry etcd --ttl=2s captcha-server --addr x";
    let run = cargo_commands(line, &packages)[0].take().unwrap();
    let (name, end) = run.subcommand.unwrap();
    assert_eq!(
        (name.as_str(), &line[end..]),
        ("captcha-server", " --addr x")
    );
    let help = cargo_commands("cargo run -p l02-rpc -- --help", &packages);
    assert_eq!(help[0].as_ref().unwrap().subcommand, None);
    let server = cargo_commands("cargo run -p l02-rpc -- http-server &", &packages);
    assert!(server[0].as_ref().unwrap().is_server());
    assert_eq!(
        cargo_commands("cargo run --release -p loadgen -- rpc", &packages),
        [None]
    );
    assert_eq!(cargo_commands("cargo test -p l02-rpc", &packages), [None]);
    for line in [
        "cargo run --features solution -p l02-rpc -- client x",
        "cargo run -p l02-rpc --features solution -- client x",
    ] {
        let run = cargo_commands(line, &packages)[0].take().unwrap();
        assert_eq!(&line[run.end..], " client x");
        assert_eq!(run.subcommand.unwrap().0, "client");
    }
    assert!(cargo_commands("curl -s http://127.0.0.1:7103/", &packages).is_empty());
}

#[test]
pub(super) fn reads_kills_of_jobs_and_reads_of_logs() {
    assert_eq!(kill_job("kill -INT %3"), Some(("INT".into(), 3)));
    assert_eq!(kill_job("kill %1"), Some(("TERM".into(), 1)));
    assert_eq!(kill_job("kill -9 %2"), Some(("KILL".into(), 2)));
    assert_eq!(kill_job("kill -SIGTERM %2"), Some(("TERM".into(), 2)));
    assert_eq!(kill_job("kill -9 $(pgrep -f server)"), None);
    assert_eq!(kill_job("kill 1234"), None);
    assert_eq!(
        exports("export CONSUL_HTTP_ADDR=127.0.0.1:8508 REDIS_URL=redis://127.0.0.1:6390"),
        Some(vec![
            ("CONSUL_HTTP_ADDR".into(), "127.0.0.1:8508".into()),
            ("REDIS_URL".into(), "redis://127.0.0.1:6390".into())
        ])
    );
    assert_eq!(exports("export A=$(date)"), None);
    assert_eq!(
        tools("curl -s localhost:8508/x | jq length"),
        ["curl", "jq"]
    );
    assert_eq!(tools("etcdctl get --prefix /micro/"), ["etcdctl"]);
    assert_eq!(
        tools("curl -s x | jq '.DebugConfig | {CheckReapInterval}'"),
        ["curl", "jq"]
    );
    assert!(tools("curl -sv http://127.0.0.1:7103/").is_empty());
    assert!(tools("curl -s x | python3 -m json.tool").is_empty());
    assert!(tools("kill -9 $(pgrep -f server)").is_empty());
    assert_eq!(
        starts_redis("redis-server --port 6391 --bind 127.0.0.1 > redis.log 2>&1 &"),
        Some(6391)
    );
    assert!(reads_a_file("cat greeter.log"));
    assert!(reads_a_file("tail -n 3 agent.log"));
    assert!(!reads_a_file("cat > seed.json <<'EOF'"));
    assert!(reads_the_registry(
        "etcdctl --endpoints=127.0.0.1:2379 get --prefix /rpcx"
    ));
    assert!(!reads_the_registry(
        "etcdctl --endpoints=127.0.0.1:2379 put /a b"
    ));
    assert!(!reads_the_registry("etcdctl get --prefix /rpcx | wc -l"));
    // The agent's health and catalog, as chapters 06 to 10 read them.
    assert!(reads_the_registry(
        "curl -s 'localhost:8509/v1/health/service/captcha?passing' | jq '.[] | {ID: .Service.ID, Checks: [.Checks[] | {CheckID, Status, Output}]}'"
    ));
    assert!(reads_the_registry(
        "curl -s localhost:8508/v1/catalog/service/greeter"
    ));
    assert!(reads_the_registry(
        "curl -s 'localhost:8510/v1/health/service/captcha?passing' | jq length"
    ));
    // A blocking query waits by itself; a write, another tool, or other paths are no reads.
    assert!(!reads_the_registry(
        "curl -si 'localhost:8508/v1/catalog/service/greeter?index=11&wait=5m'"
    ));
    assert!(!reads_the_registry(
        "curl -s -X PUT localhost:8508/v1/agent/service/deregister/greeter-1"
    ));
    assert!(!reads_the_registry(
        "curl -si 'http://127.0.0.1:8500/v1/health/service/greeter?passing' | grep -i x-consul-index"
    ));
    assert!(!reads_the_registry(
        "curl -s localhost:8508/v1/agent/self | jq '.DebugConfig'"
    ));
    // Lesson 06's program asking the agent, as chapter 06 runs it right after a server
    // starts; its other subcommands, or its output sent elsewhere, are no reads.
    assert!(reads_the_registry("cargo run -p l06-register -- find"));
    assert!(reads_the_registry(
        "cargo run -p l06-register -- find greeter-file"
    ));
    assert!(reads_the_registry("cargo run -p l06-register -- catalog"));
    assert!(reads_the_registry(
        "CONSUL_HTTP_ADDR=127.0.0.1:1 cargo run -p l06-register -- find"
    ));
    assert!(!reads_the_registry(
        "cargo run -p l06-register -- server > target/greeter.log 2>&1 &"
    ));
    assert!(!reads_the_registry(
        "cargo run -p l06-register -- find > a.txt"
    ));
    assert!(!reads_the_registry("cargo run -p l07-discover -- find"));
    let heredoc =
        console_blocks("```console\n$ cat > a.json <<'EOF'\n{}\nEOF\n$ cat a.json\n{}\n```\n");
    assert_eq!(
        heredoc[0].commands().collect::<Vec<_>>(),
        ["cat > a.json <<'EOF'\n{}\nEOF\n", "cat a.json"]
    );
    let packages = ["l06-register".to_string()];
    let block = console_blocks("```console\n$ kill -INT %2\n$ cat a.log\nbye\n```\n");
    assert_eq!(block[0].kind(&packages, |_| false), Kind::Compared);
}

#[test]
pub(super) fn a_server_listens_where_its_own_options_say() {
    let command = "exec target/debug/l13-rpcx server --etcd 127.0.0.1:41001 --needs \
                   127.0.0.1:9 --addr 127.0.0.1:41002 --http-addr=127.0.0.1:41003 > a.log 2>&1";
    assert_eq!(
        listening_ports(command),
        [
            ("--addr".to_string(), 41002),
            ("--http-addr".to_string(), 41003)
        ]
    );
    assert_eq!(
        listening_ports("etcd --listen-client-urls http://127.0.0.1:2379 --http-port 8500"),
        [
            ("--listen-client-urls".to_string(), 2379),
            ("--http-port".to_string(), 8500)
        ]
    );
    assert_eq!(listening_ports("server --addr 0.0.0.0:7001"), []);
}

#[test]
pub(super) fn reads_loopback_defaults_from_help() {
    let help = "\
Usage: l03-jsonrpc server [OPTIONS]

Options:
  --addr <ADDR>            [default: 127.0.0.1:7003]
  --http-addr <HTTP_ADDR>
      Where HTTP clients POST their requests

      [default: 127.0.0.1:7103]
  --name <NAME>            [default: world]
  -h, --help                   Print help
";
    assert_eq!(
        loopback_defaults(help),
        [
            ("--addr".to_string(), 7003),
            ("--http-addr".to_string(), 7103)
        ]
    );
}

#[test]
pub(super) fn translates_loopback_ports_only() {
    let text = "POST http://127.0.0.1:41234/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x";
    let mapped = map_ports(text, |port| if port == 41234 { 7103 } else { port });
    assert_eq!(
        mapped,
        "POST http://127.0.0.1:7103/ and 127.0.0.1:7 and 10.0.0.7:41234 and 127.0.0.1:x"
    );
    let ids = map_id_ports(
        "greeter-localhost-41234 captcha-127.0.0.1-41234 x-localhost-",
        |_| 7006,
    );
    assert_eq!(
        ids,
        "greeter-localhost-7006 captcha-127.0.0.1-7006 x-localhost-"
    );
    let consul = "greeter-localhost-41234 at localhost:41234, agent 127.0.0.1:41234";
    let mapped = map_ports(consul, |port| if port == 41234 { 7006 } else { port });
    assert_eq!(
        mapped,
        "greeter-localhost-41234 at localhost:7006, agent 127.0.0.1:7006"
    );
}

#[test]
fn a_block_back_in_a_servers_terminal_shows_what_it_printed_before_ctrl_c() {
    let markdown = "```console
greetings: hello-1
greetings: hello-2
^C2026-11-23T16:23:52Z  INFO shared::signal: SIGINT
```
";
    let blocks = console_blocks(markdown);
    assert_eq!(
        blocks[0].steps,
        [Step::CtrlC {
            line: 4,
            before: vec!["greetings: hello-1".into(), "greetings: hello-2".into()],
            log: vec!["2026-11-23T16:23:52Z  INFO shared::signal: SIGINT".into()],
        }]
    );
}
