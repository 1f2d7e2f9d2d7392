//! The transcripts' rows as verify prints them: a row per chapter, and under a row that
//! failed, each problem with its place in the book, its command and what differed.

use workbook_core::ui;

use super::{Chapter, Transcripts};

/// Prints a row per chapter that has transcripts, and what went wrong. Returns the
/// number of rows that passed, and the chapters that failed.
pub fn print(transcripts: &Transcripts) -> (usize, Vec<String>) {
    let rows: Vec<&Chapter> = transcripts
        .chapters
        .iter()
        .filter(|c| {
            c.compared + c.abridged + c.commands_only + c.not_lessons > 0 || !c.problems.is_empty()
        })
        .collect();
    println!();
    println!(
        "{} {}",
        ui::bold("The book's transcripts"),
        ui::dim(&format!(
            "(commands run, output compared; {:.1} s)",
            transcripts.seconds
        ))
    );
    let width = rows.iter().map(|c| c.file.len()).max().unwrap_or(0);
    let mut failed = Vec::new();
    for chapter in &rows {
        let mut counts = format!(
            "{} compared / {} abridged / {} with no output shown / {} not run",
            chapter.compared, chapter.abridged, chapter.commands_only, chapter.not_lessons
        );
        if chapter.ran_by_story > 0 {
            counts.push_str(&format!(
                " ({} of those with no output shown taken as run from a story's report)",
                chapter.ran_by_story
            ));
        }
        if !chapter.missing.is_empty() {
            counts.push_str(&format!(" (no {})", chapter.missing.join(", no ")));
        }
        if chapter.problems.is_empty() {
            println!("{} {:<width$}  {}", ui::pass_mark(), chapter.file, counts);
            continue;
        }
        failed.push(chapter.file.clone());
        println!(
            "{} {:<width$}  {counts}: {}",
            ui::fail_mark(),
            chapter.file,
            ui::red(&ui::plural(chapter.problems.len(), "problem"))
        );
        for problem in &chapter.problems {
            match &problem.command {
                Some(command) => println!("    {}  $ {command}", problem.location),
                None => println!("    {}", problem.location),
            }
            println!("      {}", ui::red(&problem.message));
            for line in &problem.details {
                println!("        {}", ui::dim(line));
            }
        }
    }
    let compared: usize = transcripts.chapters.iter().map(|c| c.compared).sum();
    let abridged: usize = transcripts.chapters.iter().map(|c| c.abridged).sum();
    let commands_only: usize = transcripts.chapters.iter().map(|c| c.commands_only).sum();
    let not_run: usize = transcripts.chapters.iter().map(|c| c.not_lessons).sum();
    let by_story: usize = transcripts.chapters.iter().map(|c| c.ran_by_story).sum();
    let by_story = match by_story {
        0 => String::new(),
        n => format!("; {n} of them taken as run from a story's report instead"),
    };
    println!(
        "  {}",
        ui::dim(&format!(
            "{compared} compared; skipped: {} marked abridged; {} with no output shown (their servers and a lab's commands run, nothing to compare{by_story}); not run: {} of other programs",
            ui::plural(abridged, "block"),
            ui::plural(commands_only, "block"),
            ui::plural(not_run, "block"),
        ))
    );
    (rows.len() - failed.len(), failed)
}
