//! Teacher notes: prompts for whoever teaches a chapter, kept in the chapter itself between
//! two HTML comments, which the Markdown on GitHub hides and any editor shows as ordinary
//! text:
//!
//! ```text
//! <!-- teacher-notes -->
//! - **Show live:** …
//! <!-- /teacher-notes -->
//! ```
//!
//! A built page shows them folded away under the chapter (`<details>`, closed), and a
//! learner's handout leaves them out (tools/workbook-book's `notes.rs` is the preprocessor
//! that does either while mdBook builds).

use anyhow::{Result, bail};

/// The comment that opens a block of notes, alone on its line.
const OPEN: &str = "<!-- teacher-notes -->";
/// The comment that closes it.
const CLOSE: &str = "<!-- /teacher-notes -->";

/// Turns every block of notes in a chapter into a closed `<details>` under `label`. The
/// blank lines around the notes let Markdown inside them be read as Markdown.
pub fn fold_notes(markdown: &str, label: &str) -> Result<String> {
    rewrite_notes(markdown, Some(label))
}

/// Removes every block of notes from a chapter, for a learner's copy.
pub fn leave_out_notes(markdown: &str) -> Result<String> {
    rewrite_notes(markdown, None)
}

/// Folds the notes under `label` (`Teacher notes`, `教师注释`), or with `None` drops them.
fn rewrite_notes(markdown: &str, label: Option<&str>) -> Result<String> {
    let keep = label.is_some();
    let mut out = String::with_capacity(markdown.len() + 128);
    let mut open_at = None;
    for (index, line) in markdown.split_inclusive('\n').enumerate() {
        match (line.trim(), open_at) {
            (OPEN, None) => {
                open_at = Some(index + 1);
                if let Some(label) = label {
                    out.push_str(&format!(
                        "<details class=\"teacher-notes\"><summary>{label}</summary>\n\n"
                    ));
                }
            }
            (OPEN, Some(at)) => bail!(
                "line {}: teacher notes opened again before the ones of line {at} were closed",
                index + 1
            ),
            (CLOSE, Some(_)) => {
                open_at = None;
                if keep {
                    out.push_str("\n</details>\n");
                }
            }
            (CLOSE, None) => bail!("line {}: `{CLOSE}` closes no teacher notes", index + 1),
            _ if open_at.is_some() && !keep => {}
            _ => out.push_str(line),
        }
    }
    if let Some(at) = open_at {
        bail!("line {at}: teacher notes are never closed with `{CLOSE}`");
    }
    Ok(out)
}

/// Whether a chapter has teacher notes, for the check that every chapter has some.
pub fn has_notes(markdown: &str) -> bool {
    markdown.lines().any(|line| line.trim() == OPEN)
}

#[cfg(test)]
mod tests;
