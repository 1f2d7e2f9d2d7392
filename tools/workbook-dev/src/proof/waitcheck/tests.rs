//! The wait check's rules, each on a few lines written as tests write them.

use super::*;

/// The lines of `source` the check reports.
fn lines(source: &str) -> Vec<usize> {
    scan(source).iter().map(|finding| finding.line).collect()
}

#[test]
fn a_wait_with_no_deadline_is_found_with_its_line() {
    let source = "fn f() {\n    let reply = rx.recv().unwrap();\n}\n";
    let found = scan(source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].line, 2);
    assert_eq!(found[0].text, "let reply = rx.recv().unwrap();");
    assert_eq!(found[0].what, "a message on a channel");
}

#[test]
fn each_kind_of_wait_is_found() {
    let source = r#"async fn f() {
    child.wait().unwrap();
    let out = child.wait_with_output().unwrap();
    let out = Command::new("ls").arg("-l").output().unwrap();
    gate.notified().await;
    reader.read_line(&mut line).await.unwrap();
    let line = lines.next_line().await;
    stream.read_to_string(&mut text).unwrap();
    stream.read_exact(&mut buf).await.unwrap();
    thread.join().unwrap();
    let ok = Command::new("true").status().unwrap();
}
"#;
    assert_eq!(lines(source), (2..=11).collect::<Vec<_>>());
}

#[test]
fn a_bound_in_the_statement_or_around_it_is_a_deadline() {
    let source = r#"async fn f() {
    let reply = rx.recv_timeout(PATIENCE).unwrap();
    let line = testkit::within("the echo", lines.next_line()).await;
    let got = tokio::time::timeout(Duration::from_secs(5), async {
        let first = rx.recv().await;
        gate.notified().await;
        first
    })
    .await;
    let out = child.wait_with_output();
}
"#;
    assert_eq!(lines(source), [10]);
}

#[test]
fn a_file_read_is_no_wait() {
    let source = r#"fn f() {
    let text = std::fs::read_to_string(path).unwrap();
    let text = fs::read_to_string(&path).unwrap();
    File::open(path).unwrap().read_to_string(&mut text).unwrap();
    let names = [a, b].join(", ");
}
"#;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

#[test]
fn comments_and_strings_are_not_code() {
    let source = r##"fn f() {
    // rx.recv() would wait forever
    let help = "call child.wait() to reap it";
    let raw = r#"loop { gate.notified().await }"#;
    let quote = '"'; let text = "x.recv()";
    /* stream.read_to_end(&mut all) */
}
"##;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

#[test]
fn a_comment_saying_where_the_deadline_is_is_taken() {
    let source = r#"fn f() {
    // deadline: the agent ends the blocking query after its `wait=5s`
    let reply = rx.recv().unwrap();
    let other = rx.recv().unwrap(); // deadline: the sender above is dropped first
    let out = Command::new("cargo")
        .args(["build"])
        .output(); // not a deadline: a remark
}
"#;
    assert_eq!(lines(source), [7]);
}

#[test]
fn a_polling_loop_needs_a_deadline_for_the_whole_loop() {
    let source = r#"async fn f() {
    loop {
        if ready().await {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        if ready().await || Instant::now() > deadline {
            break;
        }
    }
    loop {
        let line = within("a line", lines.next_line()).await;
        if line.contains("ready") {
            break;
        }
    }
    while let Some(line) = within("a line", lines.next_line()).await {
        seen.push(line);
    }
}
"#;
    // The third loop bounds each read, not the loop: a line every few seconds keeps it
    // going forever. So does the `while`.
    assert_eq!(lines(source), [2, 14, 20]);
}

#[test]
fn a_deadline_checked_between_reads_does_not_bound_a_read() {
    let source = r#"async fn f() {
    let deadline = Instant::now() + PATIENCE;
    while let Ok(Some(line)) = lines.next_line().await {
        assert!(Instant::now() < deadline, "no banner; saw {line}");
    }
}
"#;
    assert_eq!(lines(source), [3]);
}

#[test]
fn a_loop_that_waits_on_nothing_is_no_wait() {
    let source = r#"fn f() {
    let mut n = 0;
    loop {
        n += 1;
        if n > 10 {
            break;
        }
    }
    while let Some(next) = queue.pop() {
        seen.push(next);
    }
}
"#;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

#[test]
fn a_spawned_peers_waits_are_its_own_but_awaiting_it_is_a_wait() {
    let source = r#"async fn f() {
    let server = tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            gate.notified().await;
        }
    });
    std::thread::spawn(move || {
        let line = rx.recv().unwrap();
    });
    server.await.unwrap();
    let thread = std::thread::spawn(|| 1);
    thread.join().unwrap();
}
"#;
    assert_eq!(lines(source), [11, 13]);
}

#[test]
fn a_process_killed_first_is_reaped_not_awaited() {
    let source = r#"impl Drop for Owned {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
"#;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

#[test]
fn a_blocking_for_over_a_pipe_is_a_wait() {
    let source = r#"fn f(stderr: ChildStderr) {
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        seen.push(line);
    }
    for line in text.lines() {
        seen.push(line);
    }
}
"#;
    assert_eq!(lines(source), [2]);
}

#[test]
fn no_bound_reaches_a_wait_across_its_function() {
    let source = r#"async fn read(lines: &mut Lines) -> String {
    lines.next_line().await.unwrap().unwrap()
}

async fn test() {
    let line = within("a line", read(&mut lines)).await;
}
"#;
    assert_eq!(lines(source), [2]);
}

#[test]
fn the_files_read_are_the_tests_and_testkit() {
    let root = std::env::temp_dir().join(format!("waitcheck-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    for file in [
        "lessons/01-tcp/tests/echo.rs",
        "lessons/01-tcp/tests/support/mod.rs",
        "lessons/01-tcp/src/lib.rs",
        "tools/testkit/src/lib.rs",
        "tools/x/src/traces/tests/support.rs",
        "target/debug/build/tests/x.rs",
        "lessons/01-tcp/tests/data.txt",
    ] {
        let path = root.join(file);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "fn f() { rx.recv(); }\n").unwrap();
    }
    let mut read: Vec<String> = files(&root)
        .iter()
        .map(|f| f.strip_prefix(&root).unwrap().display().to_string())
        .collect();
    read.sort();
    assert_eq!(
        read,
        [
            "lessons/01-tcp/tests/echo.rs",
            "lessons/01-tcp/tests/support/mod.rs",
            "tools/testkit/src/lib.rs",
            "tools/x/src/traces/tests/support.rs",
        ]
    );
    let problems = check(&root);
    assert_eq!(problems.len(), 4);
    assert_eq!(problems[0].location, "lessons/01-tcp/tests/echo.rs:1");
    assert!(
        problems[0].message.contains("rx.recv()"),
        "{}",
        problems[0].message
    );
    fs::remove_dir_all(&root).unwrap();
}

#[test]
fn a_future_made_then_awaited_within_a_bound_is_bounded() {
    let source = r#"async fn f() {
    let run = rx.recv();
    let got = within("the message", run).await;
    let other = rx.recv();
    let got = other.await;
}
"#;
    assert_eq!(lines(source), [4]);
}

#[test]
fn a_programs_output_is_bounded_by_testkits_helper_alone() {
    let source = r#"async fn f() {
    let run = tokio::process::Command::new(PROGRAM).kill_on_drop(true).output();
    let output = within("the server to give up", run).await;
    let output = tokio::task::spawn_blocking(move || command.output());
    let output = testkit::output_within("`cargo build`", &mut command, PATIENCE);
}
"#;
    assert_eq!(lines(source), [2, 4]);
}

#[test]
fn a_task_aborted_first_ends_at_once() {
    let source = r#"async fn f() {
    let task = tokio::spawn(call());
    task.abort();
    assert!(task.await.unwrap_err().is_cancelled());
}
"#;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

#[test]
fn a_one_shot_receiver_is_a_wait_and_a_loop_in_a_future_awaited_within_is_bounded() {
    let source = r#"async fn f() {
    let (ready_tx, ready_rx) = oneshot::channel();
    let url = ready_rx.await.unwrap();
    let watching = async {
        loop {
            let answer = blocking_get(url, index).await;
        }
    };
    tokio::time::timeout(limit, watching).await;
}
"#;
    assert_eq!(lines(source), [3]);
}

#[test]
fn a_struct_among_a_calls_arguments_does_not_end_its_statement() {
    let source = r#"async fn f() {
    tokio::spawn(server::serve(
        listener,
        Options { answer_after },
        async move {
            let _ = stopped.await;
        },
    ));
    let (stop, stopped) = oneshot::channel::<()>();
}
"#;
    assert!(lines(source).is_empty(), "{:?}", scan(source));
}

/// The wait that hung CI (issue 75): a stream's lines read with a read timeout that the
/// stream's keep-alives reset, in a loop with no deadline of its own.
#[test]
fn a_blocking_readers_lines_read_until_a_match_are_a_wait() {
    let source = r#"fn watch_until(&self, wanted: impl Fn(&Value) -> bool) -> Value {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut lines = BufReader::new(stream).lines();
    loop {
        let line = lines
            .next()
            .expect("the stream stays open")
            .expect("a message within a minute");
        if wanted(&line) {
            return line;
        }
    }
}

async fn tokio_lines(stream: TcpStream) {
    let mut lines = BufReader::new(stream).lines();
    let first = within("a line", lines.next_line()).await;
}
"#;
    assert_eq!(lines(source), [5, 7]);
}
