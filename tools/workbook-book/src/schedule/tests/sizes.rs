//! Measuring: a chapter by its words and listings, an exercise by its tests, and the
//! minutes a lesson has left.

use super::*;

#[test]
fn a_chapter_is_counted_by_its_words_and_the_lines_of_its_listings() {
    let fx = Fixture::empty();
    fx.write(
        "lessons/x.rs",
        "// ANCHOR: part\nfn a() {}\nfn b() {}\n// ANCHOR_END: part\nfn c() {}\n",
    );
    let chapter = format!(
        "# Title here\n\n{}\n\n| a | b |\n|---|---|\n\n```rust\n{}\n```\n\n~~~text\nout\n~~~\n\n<!-- teacher-notes -->\n{}\n<!-- /teacher-notes -->\n",
        words(896),
        "{{#include ../../lessons/x.rs:part}}\nfn more() {}",
        words(1000)
    );
    fx.write("book/src/SUMMARY.md", "");
    let size = measure_chapter(&chapter, &fx.path().join("book/src"));
    // Two words of title, 896 of prose, a and b; the notes are not presented.
    assert_eq!(size.words, 900);
    // Two lines included from the anchor, one typed, one of output.
    assert_eq!(size.listing_lines, 4);
    let model = Model::CLASS;
    assert_eq!(model.words_per_minute, 90);
    assert_eq!(model.seconds_per_listing_line, 3);
    // 900 words at 90 a minute, 4 lines at 3 s each (rounded up to a minute).
    assert_eq!(model.reading(size), 10 + 1);
    let long = ChapterSize {
        words: 2000,
        listing_lines: 300,
    };
    // 2000 / 90 = 22.2, up to 23; 300 × 3 s = 15 min.
    assert_eq!(model.reading(long), 23 + 15);
}

#[test]
fn an_exercise_is_counted_by_its_tests_with_a_floor() {
    let model = Model::CLASS;
    let source = test_file(3, 60);
    let size = TestSize::measure(&source, None);
    assert_eq!(
        size,
        TestSize {
            tests: 3,
            lines: 60
        }
    );
    // 5 + 3 × 3 + 60 / 20.
    assert_eq!(model.exercise(size), 17);
    let big = TestSize {
        tests: 8,
        lines: 222,
    };
    assert_eq!(model.exercise(big), 5 + 24 + 12);
    assert_eq!(model.exercise(TestSize::default()), model.exercise_floor);
    assert_eq!(
        model.exercise(TestSize {
            tests: 1,
            lines: 20
        }),
        15
    );
    // A filter keeps its tests, and that share of the file.
    let named = "#[test]\nfn frame_a() {}\n#[test]\nfn frame_b() {}\n#[test]\nfn call_a() {}\n//\n//\n//\n//\n//\n//\n";
    assert_eq!(
        TestSize::measure(named, Some("frame")),
        TestSize { tests: 2, lines: 8 }
    );
}

#[test]
fn minutes_left_counts_what_is_not_done() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    let rpc = &course.lessons[1];
    assert_eq!(minutes_left(rpc, |_| false), 30);
    assert_eq!(minutes_left(rpc, |e| e.id == "rpc.frame"), 15);
    assert_eq!(minutes_left(&course.lessons[0], |_| false), 17);
    assert_eq!(duration(55), "55 min");
    assert_eq!(duration(120), "2 h");
    assert_eq!(duration(185), "3 h 05 min");
    assert_eq!(duration_in(Lang::ZhCn, 185), "3 小时 05 分钟");
    assert_eq!(duration_in(Lang::ZhCn, 55), "55 分钟");
}
