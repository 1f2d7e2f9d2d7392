//! The wall as a room sees it, in headless Chromium with a room of thirty on the real
//! course: at every width a room's screen has, 800 to 1920 px, zoomed 100 %, 125 % and
//! 150 % (a zoomed page is laid out in a narrower window: width / zoom CSS pixels), with the
//! lessons the room is on and with every lesson of the course, nothing scrolls sideways
//! and the stuck list is in view; and from the back of the room, at 1024×768 on the
//! projector, the stuck list is in letters of 20 px or more, each line showing at least 40
//! columns of its reason (a Chinese character counts two, as a terminal counts it), in
//! both languages.

use std::time::{Duration, Instant};

use fantoccini::Client;
use serde_json::Value;
use testkit::browser::Browser;

use super::page::{choose, no_page_errors, open_room_of_thirty};
use super::thirty::ROOM;

/// A room's screens, in CSS pixels at 100 %: a projector's 800 and 1024, the widths where
/// the page once grew wider than its window (849), laptops', a wall's 1920.
const WIDTHS: [u32; 7] = [800, 849, 1024, 1280, 1366, 1600, 1920];

/// The zooms a teacher sets to be read from the back.
const ZOOMS: [f64; 3] = [1.0, 1.25, 1.5];

/// The least of the reason each stuck line shows, in columns.
const REASON_COLUMNS: usize = 40;

/// What the page's width and the stuck list's box are, and the window's width the page last
/// fitted its grid to (`fitted`), read at one moment.
const MEASURE: &str = "const root = document.documentElement;\
    const stuck = document.getElementById('stuck-section').getBoundingClientRect();\
    const grid = document.getElementById('grid');\
    return { width: innerWidth, height: innerHeight, scroll: root.scrollWidth, client: root.clientWidth,\
      fitted: Number(grid.dataset.fittedTo), gridRight: grid.getBoundingClientRect().right,\
      stuckLeft: stuck.left, stuckRight: stuck.right, stuckTop: stuck.top,\
      columns: document.querySelectorAll('#grid th.exercise').length,\
      lines: document.querySelectorAll('#stuck tr.line').length };";

/// The window made `width` × `height` CSS pixels, and the page as it is once it has fitted
/// its grid to it. The window has its new width first; the page fits the grid again when
/// the resize reaches it, a moment later, and says so (the grid's `data-fitted-to`): until
/// then the grid is still the last window's.
async fn window(client: &Client, width: u32, height: u32) -> Value {
    client.set_window_size(width, height).await.unwrap();
    let deadline = Instant::now() + super::DEADLINE;
    loop {
        let seen: Value = client.execute(MEASURE, Vec::new()).await.unwrap();
        let inner = seen["width"].as_f64().unwrap();
        if (inner - f64::from(width)).abs() <= 1.0 && seen["fitted"].as_f64() == Some(inner) {
            return seen;
        }
        assert!(
            Instant::now() < deadline,
            "the grid was never fitted to a window {width} px wide in {:?}: {seen}",
            super::DEADLINE
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn the_wall_fits_every_width_and_zoom_with_every_lesson() {
    let Some(browser) = Browser::or_skip(1024, 768).await else {
        return;
    };
    let client = &browser.client;
    let _class = open_room_of_thirty(client, "en").await;
    let stuck = ROOM.iter().filter(|seat| seat.failing()).count();
    let course = workbook_core::course::Course::load(&crate::real_course::course_root()).unwrap();
    let every = course.exercises().count();
    for (lessons, columns) in [("now", 6), ("all", every)] {
        choose(client, "lessons", lessons).await;
        for width in WIDTHS {
            for zoom in ZOOMS {
                let css = (f64::from(width) / zoom).round() as u32;
                let height = (768.0 / zoom).round() as u32;
                let seen = window(client, css, height).await;
                let at = format!(
                    "{width} px at {}% ({lessons} lessons): {seen}",
                    zoom * 100.0
                );
                let number = |key: &str| seen[key].as_f64().unwrap();
                assert!(
                    number("scroll") <= number("client"),
                    "the page scrolls sideways, {at}"
                );
                assert!(
                    number("stuckLeft") >= 0.0 && number("stuckRight") <= number("client"),
                    "the stuck list is wider than the window, {at}"
                );
                assert!(
                    number("stuckTop") >= 0.0 && number("stuckTop") < number("height") / 2.0,
                    "the stuck list is not in view, {at}"
                );
                assert!(
                    number("gridRight") <= number("client"),
                    "the grid runs off the window, {at}"
                );
                assert_eq!(seen["columns"], columns, "{at}");
                assert_eq!(seen["lines"], stuck, "{at}");
            }
        }
    }
    no_page_errors(client, "every width and zoom").await;
    let _ = client.clone().close().await;
}

/// Each stuck line as the back of the room reads it: its letters' size, whether it is in
/// view, and whether the first [`REASON_COLUMNS`] columns of its reason (its message up to
/// the place at its end) fit the line's room for it, measured in the line's own font.
const LEGIBLE: &str = "const wide = /[\\u1100-\\u115F\\u2E80-\\uA4CF\\uAC00-\\uD7A3\\uF900-\\uFAFF\\uFE30-\\uFE4F\\uFF00-\\uFF60\\uFFE0-\\uFFE6]/;\
    const columns = (text, most) => { let n = 0, out = ''; for (const c of text) { const w = wide.test(c) ? 2 : 1; if (n + w > most) break; n += w; out += c; } return out; };\
    const canvas = document.createElement('canvas').getContext('2d');\
    return [...document.querySelectorAll('#stuck tr.line')].map((tr) => {\
      const td = tr.querySelector('td.message'); const style = getComputedStyle(td);\
      const text = td.textContent; const place = text.lastIndexOf(' (');\
      const reason = place > 0 ? text.slice(0, place) : text;\
      const shown = columns(reason, COLUMNS);\
      canvas.font = style.font;\
      const room = td.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);\
      return { name: tr.querySelector('td.name').textContent, font: parseFloat(style.fontSize),\
        nameFont: parseFloat(getComputedStyle(tr.querySelector('td.name')).fontSize),\
        reason: shown, needs: canvas.measureText(shown).width, room,\
        bottom: tr.getBoundingClientRect().bottom, height: innerHeight };\
    });";

#[tokio::test]
async fn the_stuck_list_reads_from_the_back_of_the_room() {
    let Some(browser) = Browser::or_skip(1024, 768).await else {
        return;
    };
    let client = &browser.client;
    let legible = LEGIBLE.replace("COLUMNS", &REASON_COLUMNS.to_string());
    for lang in ["en", "zh-CN"] {
        let _class = open_room_of_thirty(client, lang).await;
        for show in ["initials", "seats"] {
            choose(client, "show", show).await;
            let lines = client.execute(&legible, Vec::new()).await.unwrap();
            let lines = lines.as_array().unwrap();
            assert_eq!(lines.len(), 10, "{lang}, {show}: {lines:?}");
            for line in lines {
                let at = format!("{lang}, {show}: {line}");
                let number = |key: &str| line[key].as_f64().unwrap();
                assert!(number("font") >= 20.0 && number("nameFont") >= 20.0, "{at}");
                assert!(
                    number("needs") <= number("room"),
                    "the reason cut short, {at}"
                );
                assert!(number("bottom") <= number("height"), "out of view, {at}");
            }
            // A Chinese name's initial is its given name's first character: 张伟 is 伟,
            // stuck longest.
            if lang == "zh-CN" && show == "initials" {
                assert_eq!(lines[0]["name"], "伟", "{lines:?}");
            }
        }
        no_page_errors(client, lang).await;
    }
    let _ = client.clone().close().await;
}
