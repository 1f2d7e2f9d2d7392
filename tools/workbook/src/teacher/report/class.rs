//! `report --class`: handed-in reports read from files and folders, one row per learner,
//! one column per lesson.

use std::fs;
use std::path::PathBuf;

use anyhow::Result;

use super::{Count, Report, cell};
use crate::common::course::Course;
use crate::common::ui;

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
                            .push((path.clone(), "a folder with no .json files".into()));
                    }
                    found.sort();
                    files.extend(found);
                }
                Err(err) => class.unreadable.push((path.clone(), err.to_string())),
            }
        } else {
            files.push(path.clone());
        }
    }
    for file in files {
        let read = fs::read_to_string(&file)
            .map_err(anyhow::Error::from)
            .and_then(|text| Report::parse(course, &text));
        match read {
            Ok(mut report) => {
                report.source = file
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                class.reports.push(report);
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
                let generated = last.generated.clone().max(report.generated);
                let (id, source) = (last.id.clone(), last.source.clone());
                *last = Report::new(course, &last.learner, &done, generated);
                (last.id, last.source) = (id, source);
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
    let mut header = vec!["learner".to_string()];
    header.extend(course.lessons.iter().map(|l| l.id.clone()));
    header.push("total".to_string());

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
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for (report, counts) in class.reports.iter().zip(&rows) {
        widths[0] = widths[0].max(report.learner.chars().count());
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
            if column == 0 {
                format!("{title:<width$}")
            } else {
                format!("{title:>width$}")
            }
        })
        .collect();
    out.push_str(&ui::bold(titles.join("  ").trim_end()));
    out.push('\n');
    for (report, counts) in class.reports.iter().zip(&rows) {
        let pad = widths[0] - report.learner.chars().count();
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
        print!("{}", render_class(course, &class));
    }
    for name in &class.shared_names {
        println!(
            "{} more than one learner is named {name}: each has a row of their own \
             (ask them to hand in again with {})",
            ui::yellow("!"),
            ui::cmd("report --name \"FULL NAME\" --json")
        );
    }
    if !class.unreadable.is_empty() {
        if !class.reports.is_empty() {
            println!();
        }
        println!(
            "{} {} not read:",
            ui::yellow("!"),
            ui::plural(class.unreadable.len(), "file")
        );
        for (path, why) in &class.unreadable {
            println!("  {}: {why}", path.display());
        }
    }
    if class.reports.is_empty() {
        println!(
            "No reports found. Each learner runs {} and hands in the file.",
            ui::cmd("report --json > NAME.json")
        );
    }
    Ok(!class.reports.is_empty())
}
