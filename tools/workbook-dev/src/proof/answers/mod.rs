//! The exercise check: an exercise makes the learner think, so its hints name the trap, not
//! the recipe, and its answer is nowhere in sight before it is done (lessons/README.md,
//! "Hints lead"). Two measures, for each exercise, from its answer's lines:
//!
//! - **Hint quotes** (`hints.rs`): how many of the answer's lines hold code its hints quote
//!   in backticks, in English or Chinese. The lines counted are those that say something:
//!   not blank, comments, imports, attributes, brackets and keywords alone (`} else {`,
//!   `Ok(())`), nor lines the stub holds already (its signature). A line counts once,
//!   whatever it holds. And a hint that quotes an expression standing in the answer
//!   (`hints::EXPRESSION` characters or more, with a call or an operator) writes the answer
//!   in words.
//! - **Copies** (`copies.rs`): where the answer's lines stand, names changed or not, in the
//!   code and the chapter a learner reads before the exercise.
//!
//! An exercise marked `about = "one-call"` in lesson.toml (its point is one API call, which
//! its hints may name: `why` says why) is measured and shown, but fails neither.
//!
//! The thresholds, and why:
//!
//! - The course's goal is that at most [`TOTAL_SHARE`] of all answers' lines hold quoted
//!   code: the hints name types, traps and ideas, and a call now and then. `verify` fails
//!   above it.
//! - One exercise fails above [`SHARE_THAT_FAILS`], with two lines or more: twice the goal,
//!   since an answer is short (10 to 40 lines) and one line quoting a name the trap needs (a
//!   read that returns 0) is 3 to 10 % of it alone.
//! - Any expression of the answer written in a hint fails: that is the rule's own words
//!   ("none is the answer's code").
//! - A run of [`RUN_THAT_FAILS`] lines in a row found in one place fails: three lines in a
//!   row are often a shared skeleton (a loop with its stop signal, a builder's fixed
//!   steps), shown as a warning; four are a piece of the answer to copy.
//! - [`PLACE_SHARE_THAT_FAILS`] or more of the answer's lines found in one place (three
//!   lines or more, in any order) fails: half an answer in sight is half of it given.
//!   Lines that stand in [`IDIOM_FILES`] or more of the course's files are idioms (an
//!   accept, a spawn with a move), not the answer, and count for no place.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::PathBuf;

use workbook_core::course::{About, Course, Lesson};
use workbook_core::language::Lang;
use workbook_core::ui;

mod copies;
mod hints;
pub mod lines;
#[cfg(test)]
mod tests;

use copies::{Place, Run};
use lines::{code_lines, is_trivial};

/// The share of all answers' lines that may hold code the hints quote.
pub const TOTAL_SHARE: f64 = 0.10;
/// The share of one answer's lines above which it fails.
pub const SHARE_THAT_FAILS: f64 = 0.20;
/// This many lines of an answer in a row, found together in one place, fail.
pub const RUN_THAT_FAILS: usize = 4;
/// This share of an answer's lines found in one place fails (with three lines or more).
pub const PLACE_SHARE_THAT_FAILS: f64 = 0.5;
/// A line in this many of the course's files or more is an idiom.
pub const IDIOM_FILES: usize = 3;

/// An answer's line that holds code the hints quote.
#[derive(Debug, Clone)]
pub struct Quoted {
    pub line: usize,
    /// The spans it holds, as the hints wrote them.
    pub spans: Vec<String>,
}

/// What the check measured of one exercise.
#[derive(Debug, Clone)]
pub struct Measured {
    pub exercise: String,
    /// The answer, relative to the course's root.
    pub solution: PathBuf,
    pub one_call: bool,
    /// The answer's lines that say something (the hint measure's whole).
    pub lines: usize,
    pub quoted: Vec<Quoted>,
    /// Expressions a hint writes that stand in the answer: (hint, span, answer line).
    pub expressions: Vec<(usize, String, usize)>,
    /// The answer's lines that count for copies.
    pub counted: usize,
    /// Every run of the answer found in a place, longest first.
    pub runs: Vec<Run>,
    /// The place holding most of the answer's lines (idioms aside): how many, where, and
    /// their line numbers there.
    pub most_in_one_place: Option<(usize, PathBuf, Vec<usize>)>,
}

impl Measured {
    pub fn quoted_share(&self) -> f64 {
        share(self.quoted.len(), self.lines)
    }

    pub fn copied_share(&self) -> f64 {
        let most = self.most_in_one_place.as_ref().map_or(0, |m| m.0);
        share(most, self.counted)
    }

    pub fn longest_run(&self) -> usize {
        self.runs.first().map_or(0, |run| run.length)
    }

    /// Whether its answer stands, whole or in part, where a learner reads it.
    pub fn copied(&self) -> bool {
        self.longest_run() >= RUN_THAT_FAILS
            || self.most_in_one_place.as_ref().is_some_and(|(most, _, _)| {
                *most >= 3 && share(*most, self.counted) >= PLACE_SHARE_THAT_FAILS
            })
    }

    /// Why it fails, one line each; nothing for an exercise about one call.
    pub fn failures(&self) -> Vec<String> {
        if self.one_call {
            return Vec::new();
        }
        let mut why = Vec::new();
        if self.quoted.len() >= 2 && self.quoted_share() > SHARE_THAT_FAILS {
            let shown: Vec<String> = self
                .quoted
                .iter()
                .map(|q| format!("{} `{}`", q.line, q.spans.join("`, `")))
                .collect();
            why.push(format!(
                "{} of {} lines of the answer ({}) hold code the hints quote, over {}: line {}",
                self.quoted.len(),
                self.lines,
                percent(self.quoted_share()),
                percent(SHARE_THAT_FAILS),
                shown.join("; ")
            ));
        }
        for (hint, span, line) in &self.expressions {
            why.push(format!(
                "hint {hint} writes `{span}`, which stands in the answer ({}:{line})",
                self.solution.display()
            ));
        }
        if let Some(run) = self.runs.first().filter(|r| r.length >= RUN_THAT_FAILS) {
            why.push(format!(
                "{} lines in a row of the answer ({}:{}) stand, names aside, in {}:{}: {}",
                run.length,
                self.solution.display(),
                run.line,
                run.found_in.display(),
                run.found_line,
                run.text
            ));
        }
        if let Some((most, place, at)) = &self.most_in_one_place
            && self.copied()
            && self.longest_run() < RUN_THAT_FAILS
        {
            why.push(format!(
                "{most} of {} lines of the answer ({}) stand, names aside, in {} (lines {})",
                self.counted,
                percent(self.copied_share()),
                place.display(),
                numbers(at)
            ));
        }
        why
    }
}

/// Every exercise of `lessons`, measured.
pub fn check(course: &Course, lessons: &[&Lesson]) -> Vec<Measured> {
    let mut chinese = course.clone();
    chinese.speak(Lang::ZhCn);
    let sources = copies::sources(course);
    // Every file's lines that count, read once; an exercise leaves out what its stub gives.
    let read: Vec<(PathBuf, Vec<(usize, String)>)> = sources
        .iter()
        .map(|(path, text)| {
            let lines = copies::counted(text, &HashSet::new())
                .into_iter()
                .map(|l| (l.number, l.renamed))
                .collect();
            (path.clone(), lines)
        })
        .collect();
    // How many files each renamed line stands in: a line in many is an idiom.
    let mut spread: HashMap<&str, usize> = HashMap::new();
    for (_, lines) in &read {
        let keys: HashSet<&str> = lines.iter().map(|(_, key)| key.as_str()).collect();
        for key in keys {
            *spread.entry(key).or_default() += 1;
        }
    }
    let mut measured = Vec::new();
    for lesson in lessons {
        let chapter = copies::chapter_listings(course, lesson);
        for exercise in &lesson.exercises {
            let solution = lesson.solution_path(exercise);
            let Ok(answer) = fs::read_to_string(&solution) else {
                continue; // `verify` reports a missing solution already
            };
            let stub = fs::read_to_string(lesson.exercise_path(exercise)).unwrap_or_default();
            let translated = chinese
                .exercises()
                .find(|(_, e)| e.id == exercise.id)
                .map(|(_, e)| e.hints.clone())
                .unwrap_or_default();
            let ladder: Vec<(usize, &str)> = exercise
                .hints
                .iter()
                .enumerate()
                .chain(translated.iter().enumerate())
                .map(|(i, hint)| (i + 1, hint.as_str()))
                .collect();
            let (lines, quoted, expressions) = quotes(&answer, &stub, &ladder);

            // Where the answer stands: in the code of this lesson, the lessons before it, the
            // shared crates, and in its chapter before the exercises.
            let given: HashSet<String> = code_lines(&stub).into_iter().map(|l| l.renamed).collect();
            let counted = copies::counted(&answer, &given);
            let in_sight = |path: &PathBuf| {
                *path != solution
                    && !(path.starts_with(lesson.dir.join("src/exercises")))
                    && course
                        .lessons
                        .iter()
                        .filter(|other| path.starts_with(&other.dir))
                        .all(|other| other.folder <= lesson.folder)
            };
            let keep = |lines: &[(usize, String)]| {
                lines
                    .iter()
                    .filter(|(_, key)| !given.contains(key))
                    .cloned()
                    .collect()
            };
            let mut places: Vec<Place> = read
                .iter()
                .filter(|(path, _)| in_sight(path))
                .map(|(path, lines)| Place {
                    name: course.relative(path).to_path_buf(),
                    lines: keep(lines),
                })
                .collect();
            if let Some((name, text, numbers)) = &chapter {
                let lines: Vec<(usize, String)> = copies::counted(text, &HashSet::new())
                    .into_iter()
                    .map(|l| (numbers[l.number - 1], l.renamed))
                    .collect();
                places.push(Place {
                    name: name.clone(),
                    lines: keep(&lines),
                });
            }
            let mut runs: Vec<Run> = places
                .iter()
                .flat_map(|place| copies::find_runs(&counted, place))
                .collect();
            runs.sort_by(|a, b| b.length.cmp(&a.length).then(a.line.cmp(&b.line)));
            let most_in_one_place = places
                .iter()
                .map(|place| {
                    let there: HashMap<&str, usize> = place
                        .lines
                        .iter()
                        .map(|(n, key)| (key.as_str(), *n))
                        .collect();
                    let found: Vec<usize> = counted
                        .iter()
                        .filter(|l| {
                            spread.get(l.renamed.as_str()).copied().unwrap_or(0) < IDIOM_FILES
                        })
                        .filter_map(|l| there.get(l.renamed.as_str()).copied())
                        .collect();
                    (found.len(), place.name.clone(), found)
                })
                .filter(|(found, _, _)| *found > 0)
                .max_by_key(|(found, _, _)| *found);

            measured.push(Measured {
                exercise: exercise.id.clone(),
                solution: course.relative(&solution).to_path_buf(),
                one_call: exercise.about == About::OneCall,
                lines,
                quoted,
                expressions,
                counted: counted.len(),
                runs,
                most_in_one_place,
            });
        }
    }
    measured
}

/// What the hints of `ladder` quote of `answer`: how many of its lines say something, those
/// that hold quoted code, and the expressions a hint writes that stand in it.
#[allow(clippy::type_complexity)]
fn quotes(
    answer: &str,
    stub: &str,
    ladder: &[(usize, &str)],
) -> (usize, Vec<Quoted>, Vec<(usize, String, usize)>) {
    let stub_keys: HashSet<String> = code_lines(stub).into_iter().map(|l| l.key).collect();
    let answer_lines: Vec<_> = code_lines(answer)
        .into_iter()
        .filter(|l| !is_trivial(&l.key) && !stub_keys.contains(&l.key))
        .collect();
    let needles = hints::needles(ladder, stub);
    let mut quoted = Vec::new();
    let mut expressions: Vec<(usize, String, usize)> = Vec::new();
    for line in &answer_lines {
        let held = hints::held_by(line, &needles);
        for needle in held.iter().filter(|n| n.expression) {
            if !expressions.iter().any(|(_, span, _)| span == &needle.span) {
                expressions.push((needle.hint, needle.span.clone(), line.number));
            }
        }
        if !held.is_empty() {
            let mut spans: Vec<String> = held.iter().map(|n| n.code.clone()).collect();
            spans.dedup();
            quoted.push(Quoted {
                line: line.number,
                spans,
            });
        }
    }
    (answer_lines.len(), quoted, expressions)
}

/// Prints what failed and why, the worst five by each measure and the totals; returns how
/// many problems fail `verify`.
pub fn print(measured: &[Measured]) -> usize {
    println!();
    println!(
        "{}",
        ui::bold("Exercises that make the learner think: hints name the trap, no answer in sight")
    );
    let mut failing = 0;
    for m in measured {
        for why in m.failures() {
            failing += 1;
            println!("  {} {}: {why}", ui::fail_mark(), m.exercise);
        }
        let mut warned = HashSet::new();
        for run in m.runs.iter().filter(|r| r.length + 1 == RUN_THAT_FAILS) {
            if !warned.insert(run.line) {
                continue;
            }
            println!(
                "  {} {}: 3 lines in a row of the answer ({}:{}) stand, names aside, in {}:{}: {}",
                ui::yellow("!"),
                m.exercise,
                m.solution.display(),
                run.line,
                run.found_in.display(),
                run.found_line,
                run.text
            );
        }
    }

    let worst = |key: &dyn Fn(&Measured) -> f64| {
        let mut sorted: Vec<&Measured> = measured.iter().collect();
        sorted.sort_by(|a, b| key(b).total_cmp(&key(a)));
        sorted.into_iter().take(5).collect::<Vec<_>>()
    };
    println!("  the worst five by the share of the answer's lines that hold code the hints quote:");
    for m in worst(&|m| m.quoted_share()) {
        let one_call = if m.one_call { ", about one call" } else { "" };
        println!(
            "    {:>5}  {} ({} of {} lines{one_call})",
            percent(m.quoted_share()),
            m.exercise,
            m.quoted.len(),
            m.lines
        );
    }
    println!("  the worst five by the share of the answer found in one place, names aside:");
    // A share of a short answer says little: one line of one is 100 %.
    let weighed = |m: &Measured| {
        let most = m.most_in_one_place.as_ref().map_or(0, |most| most.0);
        m.copied_share() * (most.min(3) as f64 / 3.0) + m.longest_run() as f64 / 1000.0
    };
    for m in worst(&weighed) {
        let place = m
            .most_in_one_place
            .as_ref()
            .map_or("nowhere".to_string(), |(_, place, _)| {
                place.display().to_string()
            });
        println!(
            "    {:>5}  {} ({} of {} lines in {place}; longest run {})",
            percent(m.copied_share()),
            m.exercise,
            m.most_in_one_place.as_ref().map_or(0, |most| most.0),
            m.counted,
            m.longest_run()
        );
    }

    let design: Vec<&Measured> = measured.iter().filter(|m| !m.one_call).collect();
    let quoted: usize = design.iter().map(|m| m.quoted.len()).sum();
    let lines: usize = design.iter().map(|m| m.lines).sum();
    let total = share(quoted, lines);
    let copied = design.iter().filter(|m| m.copied()).count();
    let writing = design.iter().filter(|m| !m.expressions.is_empty()).count();
    let mark = if total > TOTAL_SHARE {
        failing += 1;
        ui::fail_mark()
    } else {
        ui::pass_mark()
    };
    println!(
        "  {mark} {quoted} of {lines} answer lines ({}) hold code the hints quote, across {} \
         (at most {}; {} about one call left out)",
        percent(total),
        ui::plural(design.len(), "exercise"),
        percent(TOTAL_SHARE),
        measured.len() - design.len()
    );
    let mark = if copied == 0 {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    println!(
        "  {mark} {} whose answer stands, whole or in part, where a learner reads it",
        ui::plural(copied, "exercise")
    );
    let mark = if writing == 0 {
        ui::pass_mark()
    } else {
        ui::fail_mark()
    };
    println!(
        "  {mark} {} whose hints write an expression of the answer",
        ui::plural(writing, "exercise")
    );
    failing
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// `3, 4, 9` for at most eight numbers, then `…`.
fn numbers(list: &[usize]) -> String {
    let mut list = list.to_vec();
    list.sort();
    list.dedup();
    let mut shown: Vec<String> = list.iter().take(8).map(usize::to_string).collect();
    if list.len() > 8 {
        shown.push("…".into());
    }
    shown.join(", ")
}
