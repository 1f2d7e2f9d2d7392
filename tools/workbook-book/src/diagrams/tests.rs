use super::draw::{Label, arrowheads, centre, label_spans, split_labels, strokes};
use super::*;

#[test]
fn draws_svgbob_fences_and_leaves_other_blocks_alone() {
    let chapter = "# T\n\n```svgbob\n┌──┐\n│  │──▶\n└──┘\n```\n\n```text\n+--+\n```\n";
    let drawn = draw_diagrams(chapter);
    assert!(
        drawn.starts_with("# T\n\n<figure class=\"diagram\">\n<svg"),
        "{drawn}"
    );
    assert!(
        drawn.ends_with("</figure>\n\n```text\n+--+\n```\n"),
        "{drawn}"
    );
    let figure = &drawn[drawn.find("<figure").unwrap()..drawn.find("</figure>").unwrap()];
    assert!(
        !figure.contains("\n\n"),
        "a blank line would end the HTML block"
    );
    assert!(figure.contains("<line"), "{figure}");
    assert!(figure.contains("<polygon class=\"filled\""), "{figure}");
}

#[test]
fn labels_are_set_as_written_and_lines_are_drawn() {
    let drawing = "│── 00 2b {\"id\":1} ──▶│ read_until('\\n') → \"hi\"\n";
    let (grid, labels) = split_labels(drawing);
    let lines: String = grid[0].iter().collect();
    assert_eq!(lines.trim_end(), format!("│──{}──▶│", " ".repeat(16)));
    assert_eq!(
        labels,
        [
            Label {
                row: 0,
                column: 4,
                text: "00 2b {\"id\":1}".into()
            },
            Label {
                row: 0,
                column: 24,
                text: "read_until('\\n') → \"hi\"".into()
            },
        ]
    );
    let html = figure(drawing, &Labels::new());
    assert!(
        html.contains("<text x=\"35.7\" y=\"12.6\">00 2b {\"id\":1}</text>"),
        "{html}"
    );
    assert!(html.contains("viewBox=\"0 0 "), "{html}");
}

#[test]
fn labels_stop_at_line_characters_and_wide_gaps() {
    let chars: Vec<char> = "|  client  |  +-->  a-b│POST /  (x)".chars().collect();
    let spans = label_spans(&chars);
    let texts: Vec<String> = spans
        .iter()
        .map(|&(start, end)| chars[start..end].iter().collect())
        .collect();
    assert_eq!(texts, ["|", "client", "|", "+-->", "a-b", "POST /", "(x)"]);
}

#[test]
fn neighbouring_cells_join_into_one_stroke() {
    let grid: Vec<Vec<char>> = ["┌──┐", "└──┘"]
        .iter()
        .map(|l| l.chars().collect())
        .collect();
    let strokes = strokes(&grid);
    let ((left, top), (right, bottom)) = (centre(0, 0), centre(1, 3));
    assert_eq!(strokes.len(), 4, "{strokes:?}");
    for side in [
        [left, top, right, top],
        [left, bottom, right, bottom],
        [left, top, left, bottom],
        [right, top, right, bottom],
    ] {
        assert!(strokes.contains(&side), "{side:?} in {strokes:?}");
    }
}

#[test]
fn an_arrow_ends_on_the_lifeline_it_points_at() {
    let grid: Vec<Vec<char>> = ["│──▶│"].iter().map(|l| l.chars().collect()).collect();
    let (arrow, lifeline) = (centre(0, 3), centre(0, 4));
    assert_eq!(
        strokes(&grid)[0],
        [centre(0, 0).0, arrow.1, arrow.0, arrow.1]
    );
    let [_, tip, _] = arrowheads(&grid)[0];
    assert_eq!(tip, lifeline, "the tip touches the line");
}

#[test]
fn reads_fences_as_markdown_does() {
    assert_eq!(opening_fence("```svgbob\n"), Some("```".into()));
    assert_eq!(
        opening_fence("  ~~~~ svgbob {.wide}\n"),
        Some("~~~~".into())
    );
    assert_eq!(opening_fence("```text\n"), None);
    assert_eq!(
        opening_fence("    ```svgbob\n"),
        None,
        "indented code, not a fence"
    );
    assert_eq!(opening_fence("``svgbob\n"), None);
    assert!(closes("````\n", "```"));
    assert!(!closes("``\n", "```"));
    assert!(!closes("~~~\n", "```"));
}

#[test]
fn wide_characters_take_two_cells_so_boxes_fit_them() {
    // As a terminal shows it: 服务注册 is 8 cells wide, and so is the box's inside.
    let drawing = "┌──────────┐\n│ 服务注册 │\n└──────────┘\n";
    let (grid, labels) = split_labels(drawing);
    assert_eq!(grid[1].len(), 12, "{:?}", grid[1]);
    assert_eq!(grid[1][11], '│', "the right side lines up with the corners");
    assert_eq!(labels[0].text, "服务注册");
    let html = figure(drawing, &Labels::new());
    assert!(
        html.contains("textLength=\"63.0\">服务注册</text>"),
        "{html}"
    );
}

#[test]
fn translated_labels_take_the_english_label_s_place() {
    let labels = Labels::from([
        ("client".to_string(), "客户端".to_string()),
        ("server".to_string(), "一个很长的服务端名字".to_string()),
    ]);
    let drawn = draw_translated("```svgbob\n│ client │ server │\n```\n", &labels);
    // 客户端 is 6 cells, as wide as `client`: set at its own width.
    assert!(
        drawn.contains("<text x=\"18.9\" y=\"12.6\" textLength=\"46.2\">客户端</text>"),
        "{drawn}"
    );
    // Wider than `server`: narrowed to its six cells.
    assert!(
        drawn.contains(
            "textLength=\"46.2\" lengthAdjust=\"spacingAndGlyphs\">一个很长的服务端名字</text>"
        ),
        "{drawn}"
    );
    assert_eq!(
        diagram_labels("# T\n\n```svgbob\n│ client │\n\n  server\n```\n"),
        [(4, "client".to_string()), (6, "server".to_string())]
    );
}

#[test]
fn an_unclosed_fence_stays_text() {
    let chapter = "a\n```svgbob\n+--+\n";
    assert_eq!(draw_diagrams(chapter), chapter);
}
