use super::*;

fn names(names: &[&str]) -> Vec<String> {
    names.iter().map(|name| name.to_string()).collect()
}

#[test]
fn a_partition_has_two_sides() {
    assert_eq!(
        sides(&names(&["host-c", "host-a", "host-c"])).unwrap(),
        ["host-a", "host-c"]
    );
    let every = sides(&names(&["host-a", "host-b", "host-c"])).unwrap_err();
    assert!(
        every.to_string().contains("nothing to cut them off from"),
        "{every}"
    );
    let unknown = sides(&names(&["host-x"])).unwrap_err();
    assert!(
        unknown.to_string().contains("host-a, host-b, host-c"),
        "{unknown}"
    );
    assert!(sides(&[]).is_err());
}

#[test]
fn a_cut_link_is_cut_at_both_ends() {
    assert_eq!(
        links_between(&["host-c"], &["host-a", "host-b"]),
        [
            ("host-c", "host-a"),
            ("host-a", "host-c"),
            ("host-c", "host-b"),
            ("host-b", "host-c")
        ]
    );
}

#[test]
fn delays_are_written_as_tc_reads_them() {
    assert_eq!(tc_time(Duration::from_millis(200)), "200ms");
    assert_eq!(tc_time(Duration::from_secs(1)), "1000ms");
    assert_eq!(tc_time(Duration::from_micros(1500)), "1500us");
}
