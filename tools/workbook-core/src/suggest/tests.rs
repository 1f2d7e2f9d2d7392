use super::*;
use crate::testutil::Fixture;

/// Lessons named like the real course's, to test against what learners type.
fn course() -> (Fixture, Course) {
    let fx = Fixture::empty();
    fx.write("Cargo.toml", "[workspace]\nmembers = [\"lessons/*\"]\n");
    /// (folder, id, title, [(exercise id, title)]).
    type LessonSketch<'a> = (&'a str, &'a str, &'a str, &'a [(&'a str, &'a str)]);
    let lessons: [LessonSketch; 3] = [
        (
            "01-tcp",
            "tcp",
            "TCP sockets",
            &[
                ("tcp.echo", "Echo one connection until EOF"),
                ("tcp.many", "Serve many clients at once"),
            ],
        ),
        (
            "06-register",
            "register",
            "Consul: register a service",
            &[
                ("register.two-instances", "Two instances of one service"),
                (
                    "register.check-kinds",
                    "Build a TCP, HTTP, gRPC or TTL check",
                ),
                ("register.http-health", "Answer an HTTP health check"),
            ],
        ),
        (
            "11-micro",
            "micro",
            "A small service framework",
            &[
                ("micro.open-registry", "Open a registry by its address"),
                ("micro.keep-lease", "Keep the lease alive"),
            ],
        ),
    ];
    for (folder, id, title, exercises) in lessons {
        fx.write(
            &format!("lessons/{folder}/Cargo.toml"),
            &format!("[package]\nname = \"l{folder}\"\n"),
        );
        let mut toml = format!("id = \"{id}\"\ntitle = \"{title}\"\n");
        for (id, title) in exercises {
            toml.push_str(&format!(
                "[[exercise]]\nid = \"{id}\"\ntitle = \"{title}\"\nfile = \"src/x.rs\"\ntest = \"x\"\n"
            ));
        }
        fx.write(&format!("lessons/{folder}/lesson.toml"), &toml);
    }
    let course = Course::load(fx.path()).unwrap();
    (fx, course)
}

#[test]
fn the_start_of_a_lesson_s_name_suggests_the_lesson_then_its_exercises() {
    let (_fx, course) = course();
    assert_eq!(
        suggestions(&course, "registr"),
        ["register", "register.two-instances", "register.check-kinds"]
    );
}

#[test]
fn a_typo_of_an_id_suggests_that_id_first() {
    let (_fx, course) = course();
    assert_eq!(suggestions(&course, "tcp.ehco")[0], "tcp.echo");
    assert_eq!(
        suggestions(&course, "micro.keep-leese")[0],
        "micro.keep-lease"
    );
    assert_eq!(suggestions(&course, "regster")[0], "register");
}

#[test]
fn a_word_of_a_title_finds_its_exercise() {
    let (_fx, course) = course();
    assert_eq!(suggestions(&course, "lease"), ["micro.keep-lease"]);
    assert_eq!(suggestions(&course, "keep the lease"), ["micro.keep-lease"]);
}

#[test]
fn nothing_alike_suggests_nothing() {
    let (_fx, course) = course();
    assert!(suggestions(&course, "zzzzqqq").is_empty());
    assert!(suggestions(&course, "  ").is_empty());
}
