//! The room's thirty learners: each one's name in English and in Chinese (the page shows
//! the teacher's language's), how far through the lesson they are, and, for the ten
//! failing the exercise they are on, since when, on which of its tests and how it failed:
//! a panic of the lesson's own tests at the line where it stands (or its stub's `todo!()`,
//! or testkit giving up), as libtest prints it, or the compiler's error, from which the
//! runner's own code makes the message it sends (`thirty.rs`).

/// Where a learner is: how many of the lesson's exercises they have passed, in order,
/// and what they are doing now.
#[derive(Debug, Clone, Copy)]
pub enum Now {
    /// Writing the next exercise, not checked yet (or done with the lesson).
    Writing,
    /// Failing the next exercise, checked alone, since `minutes` ago (a half minute more,
    /// so that the whole minutes the page shows hold through a test's run): its first
    /// failing test and how it failed.
    Failing {
        minutes: u64,
        test: &'static str,
        failure: Failure,
    },
    /// Only ran the lesson's check (`check grpc`) at the start: every stub failed, and
    /// nothing is started.
    LessonCheck,
    /// Joined, and nothing checked yet.
    Nothing,
}

/// How a learner's check failed, as the lesson's files have it.
#[derive(Debug, Clone, Copy)]
pub enum Failure {
    /// A panic in the file `file` of the lesson (`tests/deadline.rs`), on the call that
    /// stands on the first line holding `find` (or the line of the `assert`, `panic!` or
    /// `todo!` above it, where Rust says a call of several lines panicked), with the
    /// message libtest prints.
    Panic {
        file: &'static str,
        find: &'static str,
        message: &'static str,
    },
    /// testkit's `within` gave up waiting for `what`.
    GaveUp { what: &'static str },
    /// The lesson did not compile: rustc's first line, in the exercise's file at the line
    /// holding `find`.
    Compiler {
        error: &'static str,
        file: &'static str,
        find: &'static str,
    },
}

/// One learner: their name in each language, the exercises passed, and what they do now.
pub struct Seat {
    pub en: &'static str,
    pub zh: &'static str,
    pub passed: usize,
    pub now: Now,
}

impl Seat {
    pub fn name(&self, lang: &str) -> &'static str {
        if lang == "zh-CN" { self.zh } else { self.en }
    }

    /// Failing the exercise they are on: stuck once the teacher's while has passed.
    pub fn failing(&self) -> bool {
        matches!(self.now, Now::Failing { .. })
    }
}

const fn seat(en: &'static str, zh: &'static str, passed: usize, now: Now) -> Seat {
    Seat {
        en,
        zh,
        passed,
        now,
    }
}

const fn failing(minutes: u64, test: &'static str, failure: Failure) -> Now {
    Now::Failing {
        minutes,
        test,
        failure,
    }
}

const fn panic(file: &'static str, find: &'static str, message: &'static str) -> Failure {
    Failure::Panic {
        file,
        find,
        message,
    }
}

use Now::{LessonCheck, Nothing, Writing};

/// The room, in the order its learners joined. Ten fail the exercise they are on: for 26,
/// 21, 17, 14, 11, 8, 6 and 4 minutes (stuck under the default 3), and for 2 and 0 (trying).
pub const ROOM: [Seat; 30] = [
    seat(
        "Olivia Brown",
        "张伟",
        3,
        failing(
            26,
            "count_replies_one_every_tick_then_the_end",
            Failure::GaveUp {
                what: "the next reply or the end",
            },
        ),
    ),
    seat("Liam Smith", "王芳", 6, Writing),
    seat(
        "Priya Sharma",
        "李娜",
        2,
        failing(
            4,
            "a_stuck_server_ends_in_deadline_exceeded",
            panic(
                "tests/deadline.rs",
                "should end with DeadlineExceeded",
                "assertion `left == right` failed: the call should end with DeadlineExceeded, got \
                 Status { code: Unavailable, message: \"tcp connect error\", source: \
                 Some(tonic::transport::Error(Transport, ConnectError(\"tcp connect error\", \
                 Os { code: 111, kind: ConnectionRefused, message: \"Connection refused\" }))) }\n  \
                 left: Unavailable\n right: DeadlineExceeded",
            ),
        ),
    ),
    seat("Noah Williams", "刘洋", 1, Writing),
    seat(
        "Emma Johnson",
        "陈静",
        4,
        failing(
            8,
            "check_and_watch_see_the_greeter_switch",
            panic(
                "tests/health.rs",
                "should say NOT_SERVING",
                "assertion `left == right` failed: after set_greeter_status(false), \
                 Check(\"hello.Greeter\") should say NOT_SERVING\n  left: Serving\n right: NotServing",
            ),
        ),
    ),
    seat("Mateo Rossi", "杨磊", 0, LessonCheck),
    seat(
        "Ava Jones",
        "赵敏",
        2,
        failing(
            0,
            "a_fast_server_answers_within_the_deadline",
            panic(
                "src/exercises/deadline.rs",
                "todo!(",
                "not yet implemented: grpc.deadline: call SayHello with a deadline",
            ),
        ),
    ),
    seat("Kenji Sato", "黄勇", 3, Writing),
    seat(
        "Sophia Miller",
        "周杰",
        0,
        failing(
            21,
            "say_hello_greets_by_name",
            panic(
                "tests/say_hello.rs",
                "should reply \\\"Hello {name}!",
                "assertion `left == right` failed: SayHello{name: \"Ада\"} should reply \"Hello Ада!\"\n  \
                 left: \"Hello !\"\n right: \"Hello Ада!\"",
            ),
        ),
    ),
    seat(
        "Elijah Davis",
        "吴婷",
        5,
        failing(
            6,
            "a_call_without_one_gets_a_fresh_id",
            panic(
                "tests/request_id.rs",
                "should get one from the interceptor",
                "a call without x-request-id should get one from the interceptor, echoed back",
            ),
        ),
    ),
    seat("Aisha Khan", "徐强", 4, Writing),
    seat(
        "Lucas Taylor",
        "孙丽",
        1,
        failing(
            14,
            "good_names_are_greeted",
            Failure::Compiler {
                error: "error[E0308]: mismatched types",
                file: "src/exercises/invalid_argument.rs",
                find: "todo!(",
            },
        ),
    ),
    seat("Isabella Martinez", "胡军", 0, Nothing),
    seat(
        "James Wilson",
        "朱琳",
        3,
        failing(
            11,
            "a_client_that_hangs_up_stops_the_task",
            panic(
                "tests/stream.rs",
                "should hold `self.live.enter()`",
                "assertion `left == right` failed: while the replies come, the task making them \
                 should hold `self.live.enter()`\n  left: 0\n right: 1",
            ),
        ),
    ),
    seat("Mia Anderson", "高峰", 6, Writing),
    seat("Oliver Garcia", "林晓", 2, Writing),
    seat(
        "Fatima Okafor",
        "何欣",
        3,
        failing(
            2,
            "count_replies_one_every_tick_then_the_end",
            panic(
                "tests/stream.rs",
                "apart take at least",
                "3 replies one 40ms apart take at least 80ms, these came in 3.1ms",
            ),
        ),
    ),
    seat(
        "Henry Scott",
        "郭涛",
        2,
        failing(
            17,
            "a_fast_server_answers_within_the_deadline",
            panic(
                "tests/deadline.rs",
                "SayHello failed with",
                "SayHello failed with Status { code: DeadlineExceeded, message: \"Timeout expired\", \
                 source: None }",
            ),
        ),
    ),
    seat("Chloe Wright", "马超", 4, Writing),
    seat("Daniel King", "罗佳", 1, Writing),
    seat("Grace Young", "梁宇", 5, Writing),
    seat("Samuel Allen", "宋雪", 3, Writing),
    seat("Zoe Green", "郑浩", 0, LessonCheck),
    seat("Jack Baker", "谢颖", 2, Writing),
    seat("Harper Jackson", "韩冰", 4, Writing),
    seat("Yusuf Demir", "唐亮", 3, Writing),
    seat("Ella Hall", "冯雨", 6, Writing),
    seat("Arjun Patel", "于娟", 1, Writing),
    seat("Sofia Novak", "董鹏", 2, Writing),
    seat("Ethan White", "萧然", 5, Writing),
];

/// The room's names in the teacher's `lang`, in the order they joined.
pub fn names(lang: &str) -> Vec<&'static str> {
    ROOM.iter().map(|seat| seat.name(lang)).collect()
}
