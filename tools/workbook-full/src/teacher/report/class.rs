//! `report --class`: handed-in reports read from files and folders, one row per learner,
//! one column per lesson.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;
use unicode_width::UnicodeWidthStr;

use super::{Count, Report, cell};
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, io_error, say, tell};
use workbook_core::ui;

/// What `report --class` found: the reports, and the files it could not read, with why.
#[derive(Debug, Default)]
pub struct Class {
    pub reports: Vec<Report>,
    /// Names that more than one learner handed in under, each shown on rows of its own.
    pub shared_names: Vec<String>,
    pub unreadable: Vec<(PathBuf, String)>,
}

/// Reads every report named: files as given, folders for their `*.json` files.
pub fn read_class(course: &Course, paths: &[PathBuf]) -> Class {
    let mut class = Class::default();
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            match fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|entry| entry.ok().map(|e| e.path()))
                        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "json"))
                        .collect();
                    if found.is_empty() {
                        class
                            .unreadable
                            .push((path.clone(), say(Cmd::ClassEmptyFolder, &[])));
                    }
                    found.sort();
                    files.extend(found);
                }
                Err(err) => class.unreadable.push((path.clone(), io_error(&err))),
            }
        } else {
            files.push(path.clone());
        }
    }
    for file in files {
        let read = fs::read_to_string(&file)
            .map_err(|err| anyhow::anyhow!(io_error(&err)))
            .and_then(|text| Report::parse_all(course, &text));
        match read {
            Ok(reports) => {
                for mut report in reports {
                    report.source = file
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    class.reports.push(report);
                }
            }
            Err(err) => class.unreadable.push((file, format!("{err:#}"))),
        }
    }
    // By name, ignoring case, then by id. Reports with one id are one copy of the course
    // handed in twice: one row, with everything done in either, as of the later file.
    // Reports with one name and two ids (or none) are two learners: rows of their own,
    // never added together.
    class.reports.sort_by_cached_key(|report| {
        (
            report.learner.to_lowercase(),
            report.id.clone(),
            report.source.clone(),
        )
    });
    let mut merged: Vec<Report> = Vec::with_capacity(class.reports.len());
    for report in class.reports {
        match merged.last_mut() {
            Some(last)
                if !report.id.is_empty()
                    && last.id == report.id
                    && last.learner.to_lowercase() == report.learner.to_lowercase() =>
            {
                let mut done = last.done.clone();
                done.extend(report.done);
                // The later report knows the later state of each exercise.
                let exercises = if report.generated >= last.generated {
                    report.exercises
                } else {
                    last.exercises.clone()
                };
                let generated = last.generated.clone().max(report.generated);
                let (id, source) = (last.id.clone(), last.source.clone());
                *last = Report::new(course, &last.learner, &done, generated);
                (last.id, last.source, last.exercises) = (id, source, exercises);
            }
            _ => merged.push(report),
        }
    }
    // A name on several rows: each row says which copy (its id's first digits) or file.
    let mut index = 0;
    while index < merged.len() {
        let name = merged[index].learner.to_lowercase();
        let same = merged[index..]
            .iter()
            .take_while(|r| r.learner.to_lowercase() == name)
            .count();
        if same > 1 {
            class.shared_names.push(merged[index].learner.clone());
            for report in &mut merged[index..index + same] {
                let which = if report.id.is_empty() {
                    report.source.clone()
                } else {
                    report.id.chars().take(6).collect()
                };
                report.learner = format!("{} ({which})", report.learner);
            }
        }
        index += same;
    }
    class.reports = merged;
    class
}

/// One row per learner, one column per lesson, and the total.
pub fn render_class(course: &Course, class: &Class) -> String {
    let mut header = vec![say(Cmd::ClassLearner, &[])];
    header.extend(course.lessons.iter().map(|l| l.id.clone()));
    header.push(say(Cmd::ClassTotal, &[]));

    let rows: Vec<Vec<Count>> = class
        .reports
        .iter()
        .map(|report| {
            let mut counts: Vec<Count> = report.lessons.0.iter().map(|(_, c)| *c).collect();
            counts.push(Count {
                done: report.done.len(),
                total: report.total,
            });
            counts
        })
        .collect();

    // Widths are measured on the plain text; colour is added after padding.
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for (report, counts) in class.reports.iter().zip(&rows) {
        widths[0] = widths[0].max(report.learner.width());
        for (column, count) in counts.iter().enumerate() {
            let width = format!("{}/{}", count.done, count.total).len();
            widths[column + 1] = widths[column + 1].max(width);
        }
    }

    let mut out = String::new();
    let titles: Vec<String> = header
        .iter()
        .zip(&widths)
        .enumerate()
        .map(|(column, (title, &width))| {
            // Padded by hand: a Chinese title is two columns wide per character.
            let pad = " ".repeat(width - title.width());
            if column == 0 {
                format!("{title}{pad}")
            } else {
                format!("{pad}{title}")
            }
        })
        .collect();
    out.push_str(&ui::bold(titles.join("  ").trim_end()));
    out.push('\n');
    for (report, counts) in class.reports.iter().zip(&rows) {
        let pad = widths[0] - report.learner.width();
        let mut line = format!("{}{}", report.learner, " ".repeat(pad));
        for (column, count) in counts.iter().enumerate() {
            let plain = format!("{}/{}", count.done, count.total);
            let pad = widths[column + 1] - plain.len();
            line.push_str(&format!(
                "  {}{}",
                " ".repeat(pad),
                cell(count.done, count.total)
            ));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `report --class`: the table, then every file that could not be read. It is a failure
/// only when nothing could be read at all.
pub fn run_class(course: &Course, paths: &[PathBuf]) -> Result<bool> {
    let class = read_class(course, paths);
    if !class.reports.is_empty() {
        print!("{}", super::needs::render_needs(&class));
        println!();
        print!("{}", render_class(course, &class));
    }
    for name in &class.shared_names {
        let command = ui::cmd("report --name \"FULL NAME\" --json");
        let mark = ui::yellow("!");
        let args: [(&str, &dyn std::fmt::Display); 3] =
            [("mark", &mark), ("name", name), ("command", &command)];
        tell(Cmd::ClassSharedName, &args);
    }
    if !class.unreadable.is_empty() {
        if !class.reports.is_empty() {
            println!();
        }
        let (mark, count) = (ui::yellow("!"), class.unreadable.len());
        tell(Cmd::ClassNotRead, &[("mark", &mark), ("count", &count)]);
        for (path, why) in &class.unreadable {
            println!("  {}: {why}", path.display());
        }
    }
    if class.reports.is_empty() {
        let command = ui::cmd("report --json > NAME.json");
        tell(Cmd::ClassNoReports, &[("command", &command)]);
    }
    Ok(!class.reports.is_empty())
}
