//! Lock-out as a denial of service, from outside: a stranger's wrong passwords slow the
//! owner by a captcha and never lock them out, while a flood of guesses is still refused,
//! from one address and from many, and a captcha counts once.
//!
//! What is counted here never depends on how fast the machine is: the services are given
//! the test's own deadline for each of theirs (a handshake, a call to the user service, a
//! captcha checked), so that on a loaded machine, where one check of a password took
//! seconds and thirty guesses at one name wait for each other's checks, it is a wait of the
//! test that fails, saying what it waited for, and never a service's answer that changes.

use testkit::ServerProcess;

use crate::addresses::{loopback, others_answer};
use crate::captchas;
use crate::http::{self, Answer};
use crate::program::{start_gateway_with, start_user};
use crate::support::Certs;

/// The user service, and a gateway in front of it.
struct Room {
    _certs: Certs,
    redis: testkit::RedisServer,
    user: ServerProcess,
    _gateway: ServerProcess,
    base: String,
}

/// Whether a room's gateway spends captchas with lesson 09's service (`--captcha`).
enum Gateway {
    Checks,
    ChecksNone,
}

/// What a login brings of a captcha.
#[derive(Clone, Copy)]
enum Brings<'a> {
    Nothing,
    /// A new captcha, with its right code.
    New,
    /// The captcha of this uuid, with the right code of a new one.
    This(&'a str),
}

impl Room {
    /// The user service started with `options`, and a gateway that checks captchas or not.
    async fn new(options: &[&str], gateway: Gateway) -> Room {
        let certs = Certs::new(&["user", "gateway"]);
        let redis = testkit::redis().await;
        // Every deadline of the services is the test's (see above).
        let patience = format!("{}s", testkit::deadline::TEST.as_secs());
        let mut user_options = vec!["--handshake-deadline", patience.as_str()];
        user_options.extend(options);
        let user = start_user(certs.path(), redis.url(), &user_options).await;
        let captcha = match gateway {
            Gateway::Checks => Some(captchas::service(redis.url()).await.to_string()),
            Gateway::ChecksNone => None,
        };
        let mut gateway_options = vec!["--user-deadline", patience.as_str()];
        if let Some(captcha) = &captcha {
            gateway_options.extend(["--captcha", captcha, "--captcha-deadline", &patience]);
        }
        let gateway = start_gateway_with(certs.path(), &user, &gateway_options).await;
        let base = format!("http://{}", gateway.addr());
        Room {
            _certs: certs,
            redis,
            user,
            _gateway: gateway,
            base,
        }
    }

    /// A room whose gateway checks captchas, with `name` registered, for `test`, which
    /// speaks from several addresses: none where this system answers on 127.0.0.1 alone
    /// (the test, skipped, says so).
    async fn with_one_registered(test: &str, name: &str, password: &str) -> Option<Room> {
        if !others_answer(test) {
            return None;
        }
        let room = Room::new(&[], Gateway::Checks).await;
        room.register(name, password).await;
        Some(room)
    }

    /// A new captcha's uuid (its code is `captchas::CODE`).
    async fn captcha(&self) -> String {
        captchas::new(self.redis.url()).await
    }

    /// Registers `name` with `password`, spending a captcha as every registration does (a
    /// gateway that checks none ignores it).
    async fn register(&self, name: &str, password: &str) {
        let uuid = self.captcha().await;
        let body = serde_json::json!({
            "name": name, "password": password, "uuid": uuid, "code": captchas::CODE,
        });
        let post = reqwest::Method::POST;
        let answer = http::send(post, &self.base, "/api/v1.0/users", Some(body), None).await;
        assert_eq!(answer.errno, "0", "{name} is registered: {answer:?}");
    }

    /// A login from `127.0.0.N`, bringing what `brings` says of a captcha.
    async fn login(&self, n: u8, name: &str, password: &str, brings: Brings<'_>) -> Answer {
        let new = match brings {
            Brings::New => Some(self.captcha().await),
            Brings::Nothing | Brings::This(_) => None,
        };
        let captcha = match brings {
            Brings::Nothing => None,
            Brings::New => new.as_deref(),
            Brings::This(uuid) => Some(uuid),
        };
        let captcha = captcha.map(|uuid| (uuid, captchas::CODE));
        http::login_from(&self.base, loopback(n), name, password, captcha).await
    }
}

/// A captcha's uuid that no service made.
fn made_up() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A login asked for a captcha: 403, errno 4102, and a message that says so.
fn needs_captcha(answer: &Answer) -> bool {
    answer.status == 403 && answer.errno == "4102"
}

#[tokio::test]
async fn a_stranger_s_wrong_passwords_never_lock_the_owner_out() {
    let test = "a_stranger_s_wrong_passwords_never_lock_the_owner_out";
    let Some(room) = Room::with_one_registered(test, "teacher", "the teacher's own").await else {
        return;
    };

    // A neighbour, at 127.0.0.2, tries thirty passwords at once: the three checked wait for
    // each other's checks.
    let mut guesses = tokio::task::JoinSet::new();
    for n in 0..30 {
        let base = room.base.clone();
        guesses.spawn(async move {
            let guess = format!("guess number {n}");
            http::login_behind_others(&base, loopback(2), "teacher", &guess).await
        });
    }
    // deadline: each guess's own, the test's (`http::login_behind_others`)
    let answers = guesses.join_all().await;
    let checked = answers.iter().filter(|answer| answer.status == 401).count();
    let asked = answers
        .iter()
        .filter(|answer| needs_captcha(answer))
        .count();
    assert!(
        answers.iter().all(|answer| answer.errno != "0"),
        "a guess got in: {answers:?}"
    );
    assert_eq!(
        (checked, asked),
        (3, 27),
        "three wrong passwords are checked, then every login for the name needs a captcha: \
         {answers:?}"
    );

    // The owner, at 127.0.0.1, is asked for a captcha, and with one gets in.
    let own = |brings| room.login(1, "teacher", "the teacher's own", brings);
    let asked = own(Brings::Nothing).await;
    assert!(needs_captcha(&asked), "{asked:?}");
    let uuid = room.captcha().await;
    let owner = own(Brings::This(&uuid)).await;
    assert_eq!(owner.errno, "0", "the owner, with a captcha: {owner:?}");
    assert!(
        owner.session().is_some_and(|id| id.len() == 64),
        "{owner:?}"
    );

    // The same captcha again, or one guessed, counts for nothing.
    let replayed = own(Brings::This(&uuid)).await;
    assert_eq!(replayed.errno, "4004", "a captcha replayed: {replayed:?}");
    let guessed = own(Brings::This(&made_up())).await;
    assert_eq!(guessed.errno, "4004", "a captcha made up: {guessed:?}");
    room.user
        .logged("login for \"teacher\" from 127.0.0.2 needs a captcha")
        .await;
}

#[tokio::test]
async fn a_flood_at_one_name_from_one_address_is_refused_captchas_or_not() {
    let test = "a_flood_at_one_name_from_one_address_is_refused_captchas_or_not";
    let Some(room) = Room::with_one_registered(test, "victim", "the real password").await else {
        return;
    };
    // Someone at 127.0.0.3 who solves every captcha: five wrong passwords are checked (the
    // name's and address's limit), and then that address is refused for the name.
    for n in 0..5 {
        let guess = format!("guess number {n}");
        let answer = room.login(3, "victim", &guess, Brings::New).await;
        assert_eq!(
            answer.status, 401,
            "guess {n} is checked, and wrong: {answer:?}"
        );
    }
    for password in ["guess number 5", "the real password"] {
        let refused = room.login(3, "victim", password, Brings::New).await;
        assert_eq!(
            (refused.status, refused.errno.as_str()),
            (429, "4201"),
            "{password:?} from the flooding address: {refused:?}"
        );
    }
    // The owner, elsewhere, still gets in (with a captcha: the name has had wrong ones).
    let owner = room
        .login(1, "victim", "the real password", Brings::New)
        .await;
    assert_eq!(owner.errno, "0", "the owner: {owner:?}");
}

#[tokio::test]
async fn guesses_from_many_addresses_each_need_a_captcha() {
    let test = "guesses_from_many_addresses_each_need_a_captcha";
    let Some(room) = Room::with_one_registered(test, "victim", "the real password").await else {
        return;
    };
    // Three machines, one wrong password each: the name's count is of every address.
    for n in 4..7 {
        let answer = room
            .login(n, "victim", "a first guess", Brings::Nothing)
            .await;
        assert_eq!(answer.status, 401, "from 127.0.0.{n}: {answer:?}");
    }
    // Twenty more, each with a guess and no captcha, or a captcha made up: none is checked.
    for n in 10..30 {
        let none = room.login(n, "victim", "a guess", Brings::Nothing).await;
        assert!(
            needs_captcha(&none),
            "from 127.0.0.{n}, no captcha: {none:?}"
        );
        let guessed = room
            .login(n, "victim", "a guess", Brings::This(&made_up()))
            .await;
        assert_eq!(
            guessed.errno, "4004",
            "from 127.0.0.{n}, a captcha made up: {guessed:?}"
        );
    }
    // The log is read from the service's output as it comes: wait for the three lines,
    // then check that there are no more.
    let checked = |log: &str| log.matches("wrong name or password").count();
    room.user
        .logged_so("three wrong passwords", |log| checked(log) >= 3)
        .await;
    let log = room.user.log();
    assert_eq!(
        checked(&log),
        3,
        "only the first three guesses were checked:\n{log}"
    );
}

#[tokio::test]
async fn a_login_flood_is_cut_off_and_others_still_log_in() {
    let room = Room::new(&["--failures-per-name", "5"], Gateway::ChecksNone).await;
    let base = room.base.clone();
    room.register("victim", "the real password").await;
    room.register("other", "another good one").await;

    let mut flood = tokio::task::JoinSet::new();
    for n in 0..30 {
        let base = base.clone();
        let guess = format!("guess number {n}");
        flood.spawn(async move {
            http::login_behind_others(&base, loopback(1), "victim", &guess).await
        });
    }
    // While it floods, another user logs in.
    let other = http::login(&base, "other", "another good one").await;
    assert_eq!(
        other.errno, "0",
        "another user logs in during the flood: {other:?}"
    );
    // deadline: each guess's own, the test's deadline (`http::login_behind_others`).
    let answers = flood.join_all().await;
    let mut refused = 0;
    for answer in &answers {
        assert_ne!(answer.errno, "0", "a guess got in: {answer:?}");
        if needs_captcha(answer) || answer.status == 429 {
            refused += 1;
        }
    }
    assert!(
        refused >= 20,
        "at most a few guesses are checked; {refused} of 30 were refused before: {answers:?}"
    );
    // Now the right password needs a captcha, and this gateway checks none.
    let right = http::login(&base, "victim", "the real password").await;
    assert!(needs_captcha(&right), "{right:?}");
    room.user.logged("needs a captcha").await;
}
