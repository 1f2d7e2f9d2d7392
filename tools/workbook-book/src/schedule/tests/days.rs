//! Packing parts into days: short days, long chapters in pieces, recaps, breaks and lunch.

use super::*;

#[test]
fn short_days_hold_no_more_than_their_length_and_every_part_once() {
    let fx = timed();
    let course = Course::load(fx.path()).unwrap();
    // Days of 50 min: setup alone fills day 1.
    let model = Model {
        day: 50,
        ..Model::CLASS
    };
    let whole = whole_course(&model, &course);
    assert_days_fit(&model, &whole.days);
    let parts: Vec<Part> = whole.days.iter().flat_map(|d| d.parts.clone()).collect();
    assert_placed_once(&course, &parts, &[]);
    let items: Vec<Item> = whole.days[1].parts.iter().map(|p| p.item).collect();
    assert_eq!(items, [Item::Recap, Item::Introduction]);

    // The short plan: two days of 50 min hold the setup and the introduction only.
    let model = Model {
        short_plan_days: 2,
        ..model
    };
    let short = short_plan(&model, &course);
    assert_eq!(short.days.len(), 2);
    assert_eq!(short.left_out, [0, 1]);
    // Days of 2 h hold both lessons with their first exercises; the rest is homework.
    let model = Model {
        day: 120,
        ..Model::CLASS
    };
    let short = short_plan(&model, &course);
    assert!(short.left_out.is_empty(), "{short:?}");
    assert_days_fit(&model, &short.days);
    let parts: Vec<Part> = short.days.iter().flat_map(|d| d.parts.clone()).collect();
    let homework: Vec<(usize, usize)> =
        short.days.iter().flat_map(|d| d.homework.clone()).collect();
    assert_eq!(homework, [(1, 1)], "rpc.call is homework");
    assert_placed_once(&course, &parts, &homework);
}

#[test]
fn a_long_chapter_is_presented_in_pieces() {
    let fx = timed();
    fx.write(
        "book/src/02-rpc.md",
        &format!("# RPC\n\n{}\n", words(90 * 100)),
    );
    let course = Course::load(fx.path()).unwrap();
    let model = Model::CLASS;
    let parts = plan::course_parts(&model, &course, plan::InClass::All);
    // 101 min of reading and 10 of running: 111 min in two pieces of 56 and 55.
    let rpc: Vec<(Item, u32)> = parts
        .iter()
        .filter(|p| matches!(p.item, Item::Presenting { lesson: 1, .. }))
        .map(|p| (p.item, p.minutes))
        .collect();
    assert_eq!(
        rpc,
        [
            (
                Item::Presenting {
                    lesson: 1,
                    piece: 1,
                    pieces: 2
                },
                56
            ),
            (
                Item::Presenting {
                    lesson: 1,
                    piece: 2,
                    pieces: 2
                },
                55
            ),
        ]
    );
    assert!(
        parts
            .iter()
            .all(|p| p.minutes <= model.longest_part.max(model.setup))
    );
}

#[test]
fn a_part_that_does_not_fit_starts_the_next_day_with_a_recap() {
    let model = Model {
        day: 100,
        ..Model::CLASS
    };
    let part = |minutes| Part {
        item: Item::Introduction,
        minutes,
    };
    let days = pack(&model, &[part(60), part(40), part(50), part(40)]);
    let minutes: Vec<Vec<u32>> = days
        .iter()
        .map(|d| d.parts.iter().map(|p| p.minutes).collect())
        .collect();
    assert_eq!(minutes, [vec![60, 40], vec![15, 50], vec![15, 40]]);
}

#[test]
fn a_day_has_breaks_and_lunch_in_the_gaps() {
    let parts: Vec<(String, u32)> = (0..6).map(|n| (format!("p{n}"), 50)).collect();
    let words = TimelineWords {
        header: "| Time | | Minutes |".into(),
        pause: "*Break*".into(),
        lunch: "*Lunch*".into(),
        end: "*End*".into(),
    };
    let day = timeline(&Model::CLASS, &parts, &words);
    let rows: Vec<&str> = day.lines().skip(2).collect();
    assert_eq!(
        rows,
        [
            "| 09:00 | p0 | 50 |",
            "| 09:50 | p1 | 50 |",
            "| 10:40 | *Break* | 15 |",
            "| 10:55 | p2 | 50 |",
            "| 11:45 | p3 | 50 |",
            "| 12:35 | *Lunch* | 60 |",
            "| 13:35 | p4 | 50 |",
            "| 14:25 | p5 | 50 |",
            "| 15:15 | *End* | |",
        ]
    );
}
