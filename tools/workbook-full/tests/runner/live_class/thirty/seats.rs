//! The room's thirty learners: each one's name in English and in Chinese (the page shows
//! the teacher's language's), how far through the lesson they are, and, for the ten
//! failing the exercise they are on, since when, on which of its tests and with what
//! message, as their runner would send it in each language.

/// Where a learner is: how many of the lesson's exercises they have passed, in order,
/// and what they are doing now.
#[derive(Debug, Clone, Copy)]
pub enum Now {
    /// Writing the next exercise, not checked yet (or done with the lesson).
    Writing,
    /// Failing the next exercise, checked alone, since `minutes` ago (a half minute more,
    /// so that the whole minutes the page shows hold through a test's run): its first
    /// failing test and the message in each language.
    Failing {
        minutes: u64,
        test: &'static str,
        en: &'static str,
        zh: &'static str,
    },
    /// Only ran the lesson's check (`check grpc`) at the start: every stub failed, and
    /// nothing is started.
    LessonCheck,
    /// Joined, and nothing checked yet.
    Nothing,
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

const fn failing(minutes: u64, test: &'static str, en: &'static str, zh: &'static str) -> Now {
    Now::Failing {
        minutes,
        test,
        en,
        zh,
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
            "the test gave up after 5s waiting for the next reply or the end; look at lessons/05-grpc/src/exercises/stream.rs",
            "测试等了 5s 后放弃了，它在等：下一个应答或流的结束；请看 lessons/05-grpc/src/exercises/stream.rs",
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
            "the call should end with DeadlineExceeded, got Status { code: Unavailable, message: \"tcp connect error\" }",
            "调用应该以 DeadlineExceeded 结束，却得到 Status { code: Unavailable, message: \"tcp connect error\" }",
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
            "after set_greeter_status(false), Check(\"hello.Greeter\") should say NOT_SERVING",
            "set_greeter_status(false) 之后，Check(\"hello.Greeter\") 应该回答 NOT_SERVING",
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
            "your code is not written yet: lessons/05-grpc/src/exercises/deadline.rs:31: grpc.deadline: call SayHello with a deadline",
            "你的代码还没有写：lessons/05-grpc/src/exercises/deadline.rs:31：grpc.deadline：带着截止时间调用 SayHello",
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
            "SayHello{name: \"Ада\"} should reply \"Hello Ада!\", got \"Hello !\"",
            "SayHello{name: \"Ада\"} 应该应答 \"Hello Ада!\"，却得到 \"Hello !\"",
        ),
    ),
    seat(
        "Elijah Davis",
        "吴婷",
        5,
        failing(
            6,
            "a_call_without_one_gets_a_fresh_id",
            "a call without x-request-id should get one from the interceptor, echoed back",
            "不带 x-request-id 的调用应该由拦截器分配一个，并在响应中原样带回",
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
            "SayHello(\"éééé…\") failed with Status { code: InvalidArgument, message: \"name over 100 characters\" }",
            "SayHello(\"éééé…\") 失败了：Status { code: InvalidArgument, message: \"name over 100 characters\" }",
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
            "while the replies come, the task making them should hold `self.live.enter()`",
            "应答陆续到来时，产生它们的任务应该持有 `self.live.enter()`",
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
            "3 replies one 1s apart take at least 2s, these came in 3ms",
            "3 个彼此相隔 1s 的应答至少需要 2s，这些却在 3ms 内就到了",
        ),
    ),
    seat(
        "Henry Scott",
        "郭涛",
        2,
        failing(
            17,
            "a_fast_server_answers_within_the_deadline",
            "SayHello failed with Status { code: DeadlineExceeded, message: \"Timeout expired\" }",
            "SayHello 失败了：Status { code: DeadlineExceeded, message: \"Timeout expired\" }",
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
