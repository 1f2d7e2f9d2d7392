//! Measuring every exercise: its answer read once against its hints, its stub, and every
//! place a learner reads before it.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use super::copies::{self, Place, Run};
use super::functions;
use super::hints;
use super::lines::{Line, code_lines, is_trivial};
use super::windows::{self, Index};
use super::{IDIOM_FILES, Measured, Quoted};
use workbook_core::course::{About, Course, Exercise, Lesson};
use workbook_core::language::Lang;

/// A place a learner reads, read once: its lines that count, and its windows.
struct Source {
    path: PathBuf,
    lines: Vec<(usize, String)>,
    windows: Vec<u64>,
}

impl Source {
    fn read(path: PathBuf, text: &str, numbers: Option<&[usize]>) -> Source {
        let at = |line: &Line| numbers.map_or(line.number, |n| n[line.number - 1]);
        let lines = copies::counted(text, &HashSet::new())
            .iter()
            .map(|line| (at(line), line.renamed.clone()))
            .collect();
        Source {
            path,
            lines,
            windows: windows::windows(&code_lines(text)),
        }
    }
}

/// Every exercise of `lessons`, measured.
pub fn check(course: &Course, lessons: &[&Lesson]) -> Vec<Measured> {
    let mut chinese = course.clone();
    chinese.speak(Lang::ZhCn);
    let sources: Vec<Source> = copies::sources(course)
        .into_iter()
        .map(|(path, text)| Source::read(path, &text, None))
        .collect();
    // How many files each renamed line and each window stand in: one in many is an idiom.
    let mut spread: HashMap<&str, usize> = HashMap::new();
    let mut index = Index::default();
    for (at, source) in sources.iter().enumerate() {
        let keys: HashSet<&str> = source.lines.iter().map(|(_, key)| key.as_str()).collect();
        for key in keys {
            *spread.entry(key).or_default() += 1;
        }
        index.add(at, &source.windows);
    }
    let idiom = |key: &str| spread.get(key).copied().unwrap_or(0) >= IDIOM_FILES;
    let mut measured = Vec::new();
    for lesson in lessons {
        let chapter = copies::chapter_listings(course, lesson)
            .map(|(name, text, numbers)| Source::read(name, &text, Some(&numbers)));
        for exercise in &lesson.exercises {
            let solution = lesson.solution_path(exercise);
            let Ok(answer) = fs::read_to_string(&solution) else {
                continue; // `verify` reports a missing solution already
            };
            let stub = fs::read_to_string(lesson.exercise_path(exercise)).unwrap_or_default();
            // A module of the framework is the answer by the functions its stub leaves undone.
            let answer = if lesson.answer_elsewhere(exercise) {
                functions::only_functions(&answer, &functions::unwritten_functions(&stub))
            } else {
                answer
            };
            // Where a learner reads before the exercise: this lesson's code and the lessons'
            // before it (the stubs aside), the shared crates (the answer's own file aside).
            let in_sight = |path: &Path| {
                path != solution
                    && !path.starts_with(lesson.dir.join("src/exercises"))
                    && course
                        .lessons
                        .iter()
                        .filter(|other| path.starts_with(&other.dir))
                        .all(|other| other.folder <= lesson.folder)
            };
            let places: Vec<&Source> = sources
                .iter()
                .filter(|source| in_sight(&source.path))
                .chain(&chapter)
                .collect();
            let mut one = Measured {
                exercise: exercise.id.clone(),
                solution: course.relative(&solution).to_path_buf(),
                one_call: exercise.about == About::OneCall,
                why: exercise.why.clone(),
                ..Measured::default()
            };
            let ladder = ladder(exercise, &chinese);
            quotes(&mut one, &answer, &stub, &ladder);
            copied_lines(&mut one, &answer, &stub, &places, &idiom, course);

            // The windows: how much of the answer one place shows, reshaped or not.
            let given: HashSet<u64> = windows::windows(&code_lines(&stub)).into_iter().collect();
            let stub_keys: HashSet<String> = code_lines(&stub).into_iter().map(|l| l.key).collect();
            let own: Vec<Line> = code_lines(&answer)
                .into_iter()
                .filter(|line| !stub_keys.contains(&line.key))
                .collect();
            let ours: Vec<u64> = windows::windows(&own)
                .into_iter()
                .filter(|window| !given.contains(window))
                .collect();
            let mut found: HashMap<usize, usize> = HashMap::new();
            let mut in_chapter = 0;
            for window in &ours {
                let there = index.places(*window);
                if there.len() >= IDIOM_FILES {
                    continue;
                }
                for &at in there {
                    if in_sight(&sources[at].path) {
                        *found.entry(at).or_default() += 1;
                    }
                }
                if chapter.as_ref().is_some_and(|c| c.windows.contains(window)) {
                    in_chapter += 1;
                }
            }
            let best_file = found
                .into_iter()
                .max_by_key(|(_, count)| *count)
                .map(|(at, count)| (count, course.relative(&sources[at].path).to_path_buf()));
            let best_chapter = chapter
                .as_ref()
                .filter(|_| in_chapter > 0)
                .map(|c| (in_chapter, c.path.clone()));
            one.windows = ours.len();
            one.most_windows = best_file
                .into_iter()
                .chain(best_chapter)
                .max_by_key(|b| b.0);
            measured.push(one);
        }
    }
    measured
}

/// The hints of `exercise`, numbered, in English then in Chinese.
fn ladder(exercise: &Exercise, chinese: &Course) -> Vec<(usize, String)> {
    let translated = chinese
        .exercises()
        .find(|(_, e)| e.id == exercise.id)
        .map(|(_, e)| e.hints.clone())
        .unwrap_or_default();
    exercise
        .hints
        .iter()
        .enumerate()
        .chain(translated.iter().enumerate())
        .map(|(i, hint)| (i + 1, hint.clone()))
        .collect()
}

/// What the hints of `ladder` quote of `answer`: how many of its lines say something, those
/// that hold quoted code, and the expressions a hint writes that stand in it.
fn quotes(one: &mut Measured, answer: &str, stub: &str, ladder: &[(usize, String)]) {
    let stub_keys: HashSet<String> = code_lines(stub).into_iter().map(|l| l.key).collect();
    let answer_lines: Vec<_> = code_lines(answer)
        .into_iter()
        .filter(|l| !is_trivial(&l.key) && !stub_keys.contains(&l.key))
        .collect();
    let ladder: Vec<(usize, &str)> = ladder.iter().map(|(i, h)| (*i, h.as_str())).collect();
    let needles = hints::needles(&ladder, stub);
    for line in &answer_lines {
        let held = hints::held_by(line, &needles);
        for needle in held.iter().filter(|n| n.expression) {
            if !one
                .expressions
                .iter()
                .any(|(_, span, _)| span == &needle.span)
            {
                one.expressions
                    .push((needle.hint, needle.span.clone(), line.number));
            }
        }
        if !held.is_empty() {
            let mut spans: Vec<String> = held.iter().map(|n| n.span.clone()).collect();
            spans.sort();
            spans.dedup();
            one.quoted.push(Quoted {
                line: line.number,
                spans,
            });
        }
    }
    one.lines = answer_lines.len();
}

/// Where the answer's lines stand, names aside: its runs in each place, and the place that
/// holds most of them (idioms aside).
fn copied_lines(
    one: &mut Measured,
    answer: &str,
    stub: &str,
    places: &[&Source],
    idiom: &dyn Fn(&str) -> bool,
    course: &Course,
) {
    let given: HashSet<String> = code_lines(stub).into_iter().map(|l| l.renamed).collect();
    let counted = copies::counted(answer, &given);
    let places: Vec<Place> = places
        .iter()
        .map(|source| Place {
            name: course.relative(&source.path).to_path_buf(),
            lines: source
                .lines
                .iter()
                .filter(|(_, key)| !given.contains(key))
                .cloned()
                .collect(),
        })
        .collect();
    let mut runs: Vec<Run> = places
        .iter()
        .flat_map(|place| copies::find_runs(&counted, place))
        .collect();
    runs.sort_by(|a, b| b.length.cmp(&a.length).then(a.line.cmp(&b.line)));
    one.most_in_one_place = places
        .iter()
        .map(|place| {
            let there: HashMap<&str, usize> = place
                .lines
                .iter()
                .map(|(n, key)| (key.as_str(), *n))
                .collect();
            let found: Vec<usize> = counted
                .iter()
                .filter(|l| !idiom(&l.renamed))
                .filter_map(|l| there.get(l.renamed.as_str()).copied())
                .collect();
            (found.len(), place.name.clone(), found)
        })
        .filter(|(found, _, _)| *found > 0)
        .max_by_key(|(found, _, _)| *found);
    one.counted = counted.len();
    one.runs = runs;
}
