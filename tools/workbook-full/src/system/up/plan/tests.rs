use super::*;

#[test]
pub(super) fn a_base_port_gives_five_ports_in_a_row_and_nats_on_the_seventh() {
    let system = System::new(Path::new("/course"), Layout::from_base(20000).unwrap());
    let layout = system.layout;
    let [captcha_1, captcha_2] = layout.captchas();
    let ports = [
        layout.consul(),
        layout.redis(),
        captcha_1,
        captcha_2,
        layout.gateway(),
        layout.nats(),
    ];
    assert_eq!(
        ports.map(|addr| addr.port()),
        [20000, 20001, 20002, 20003, 20004, 20006]
    );
}

#[test]
fn with_nats_the_captchas_are_lesson_12s_and_an_audit_counts_their_checks() {
    let system = System::new(Path::new("/course"), Layout::from_base(20000).unwrap());
    let nats = Events::OnNats("nats://127.0.0.1:20006".into());
    let with_nats = stages(&system, "http://127.0.0.1:20000", &nats, true);
    let names: Vec<Vec<&str>> = with_nats
        .iter()
        .map(|stage| stage.iter().map(|part| part.name.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        [vec!["audit", "captcha-1", "captcha-2"], vec!["gateway"]]
    );
    let captcha = &with_nats[0][1];
    assert_eq!(captcha.package, EVENTS_PACKAGE);
    assert_eq!(
        captcha.args.join(" "),
        "--registry consul --registry-address http://127.0.0.1:20000 \
         --broker nats --broker-address nats://127.0.0.1:20006 \
         captcha-server --addr 127.0.0.1:20002"
    );
    // Prometheus scrapes the captcha instances, and nothing else.
    let scraped: Vec<&str> = with_nats
        .iter()
        .flatten()
        .filter(|part| part.scraped_as.is_some())
        .map(|part| part.name.as_str())
        .collect();
    assert_eq!(scraped, ["captcha-1", "captcha-2"]);

    let plain = stages(
        &system,
        "http://127.0.0.1:20000",
        &Events::NoNatsServer,
        false,
    );
    assert_eq!(plain.len(), 1);
    assert!(plain[0].iter().all(|part| part.package == CAPTCHA_PACKAGE));
    assert!(
        plain[0].iter().all(|part| part.scraped_as.is_none()),
        "lesson 09's captcha service serves no /metrics"
    );
    assert_eq!(plain[0][0].args.join(" "), "server --addr 127.0.0.1:20002");
}

#[test]
pub(super) fn each_copy_has_its_own_folder() {
    let root = Path::new("/course");
    let standard = System::new(root, Layout::STANDARD);
    assert_eq!(standard.dir, Path::new("/course/.workbook/system"));
    // The ports the book shows: lesson 09's server and its second listener, lesson 10's.
    let captchas = standard.layout.captchas().map(|addr| addr.to_string());
    assert_eq!(captchas, ["127.0.0.1:7009", "127.0.0.1:7109"]);
    assert_eq!(standard.layout.gateway().to_string(), "127.0.0.1:7010");
    assert_eq!(standard.flag(), "");
    let other = System::new(root, Layout::from_base(20000).unwrap());
    assert_eq!(other.dir, Path::new("/course/.workbook/system-20000"));
    assert_eq!(other.flag(), " --base-port 20000");
}
