//! Building ahead: while a learner reads a chapter, what its first check and its first
//! commands will need is built in the background, so that nobody waits minutes at a
//! lesson's door.
//!
//! A lesson's first check compiles its package and its tests, and, on a fresh clone or
//! after a lesson that needed little, the crates under them: tens of seconds, or minutes
//! (chapter 14's framework in release mode takes a quarter of an hour on two busy cores).
//! The session knows which lesson the learner is on, and which comes next; reading the
//! chapter leaves the machine idle. So after each check the session builds, one after the
//! other, the tests of the lesson it is on and of the next one, exactly as a check will ask
//! cargo for them (the same packages, test targets and features, so that the check finds
//! them fresh), then the commands a chapter says it runs first (its `ahead` in
//! `lesson.toml`, such as chapter 14's release builds).
//!
//! Every build runs at the lowest priority (`nice -n 19`), silently, and says what it
//! builds in one line the first time. The tests' builds share cargo's lock with the checks,
//! so a check stops them ([`Ahead::pause`]) and they go on after it, from what cargo had
//! finished; a chapter's release builds use a folder of their own and go on meanwhile.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

use crate::learner::check::select::build_request;
use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::{Course, Lesson};
use workbook_core::environment;
use workbook_core::language::messages::{Msg, say};
use workbook_core::ui;

/// One build the session does ahead.
#[derive(Debug, Clone)]
enum Step {
    /// A lesson's test targets, as its checks build them.
    Tests(BuildRequest),
    /// A command the chapter runs, as cargo's arguments.
    Command(Vec<String>),
}

impl Step {
    /// What the step builds, as a person would type it.
    fn describe(&self) -> String {
        match self {
            Step::Tests(request) => cargo::describe(request),
            Step::Command(args) => format!("cargo {}", args.join(" ")),
        }
    }
}

/// What the session is building ahead, and what it has built.
pub struct Ahead {
    root: PathBuf,
    /// The steps done (by what they build), this session.
    done: Arc<Mutex<HashSet<String>>>,
    /// The steps said in a line already.
    said: HashSet<String>,
    tests: Option<JoinHandle<()>>,
    commands: Option<JoinHandle<()>>,
}

impl Ahead {
    pub fn new(root: &Path) -> Ahead {
        Ahead {
            root: root.to_path_buf(),
            done: Arc::default(),
            said: HashSet::new(),
            tests: None,
            commands: None,
        }
    }

    /// Stops the tests' builds (a check needs cargo's lock, and the cores); [`Ahead::resume`]
    /// starts them again from what cargo had finished.
    pub fn pause(&mut self) {
        if let Some(task) = self.tests.take() {
            task.abort();
        }
    }

    /// Builds, in the background, what lesson `lesson` (the one the learner is on) and the
    /// one after it need; returns the line that says so, the first time a build is started.
    pub fn resume(&mut self, course: &Course, lesson: &str) -> Option<String> {
        self.pause();
        let at = course.lessons.iter().position(|l| l.id == lesson)?;
        let lessons: Vec<&Lesson> = course.lessons[at..].iter().take(2).collect();
        let done = self
            .done
            .lock()
            .map(|done| done.clone())
            .unwrap_or_default();
        let open = |steps: Vec<Step>| -> Vec<Step> {
            steps
                .into_iter()
                .filter(|step| !done.contains(&step.describe()))
                .collect()
        };
        let tests = open(lessons.iter().flat_map(|l| tests_of(l)).collect());
        let commands = open(lessons.iter().flat_map(|l| commands_of(l)).collect());
        let new: Vec<String> = tests
            .iter()
            .chain(&commands)
            .map(Step::describe)
            .filter(|what| !self.said.contains(what))
            .collect();
        let note = (!new.is_empty()).then(|| {
            let what = new.join("; ");
            say(
                Msg::BuildingAhead,
                &[("mark", &ui::dim("…")), ("what", &what)],
            )
        });
        self.said.extend(new);
        if !tests.is_empty() {
            self.tests = Some(self.spawn(tests, true));
        }
        let commands_running = self
            .commands
            .as_ref()
            .is_some_and(|task| !task.is_finished());
        if !commands.is_empty() && !commands_running {
            self.commands = Some(self.spawn(commands, false));
        }
        note
    }

    /// Builds `steps` one after the other, each marked done once cargo succeeds; `after_book`:
    /// once the book's server is built (the session starts it first, and the two share
    /// cargo's lock: the book the learner reads comes before what the next check needs).
    fn spawn(&self, steps: Vec<Step>, after_book: bool) -> JoinHandle<()> {
        let (root, done) = (self.root.clone(), self.done.clone());
        tokio::spawn(async move {
            if after_book {
                let _ = crate::handoff::full_program(&root, true).await;
            }
            for step in steps {
                if build(&root, &step).await
                    && let Ok(mut done) = done.lock()
                {
                    done.insert(step.describe());
                }
            }
        })
    }
}

impl Drop for Ahead {
    fn drop(&mut self) {
        self.pause();
        if let Some(task) = self.commands.take() {
            task.abort();
        }
    }
}

/// Builds `step` at the lowest priority, silently; whether it succeeded. Dropping the
/// future kills cargo.
async fn build(root: &Path, step: &Step) -> bool {
    match step {
        Step::Tests(request) => cargo::build_tests(root, request)
            .await
            .is_ok_and(|build| build.success),
        Step::Command(args) => {
            let mut command = tokio::process::Command::from(environment::cargo_low_priority());
            command
                .current_dir(root)
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true);
            command.status().await.is_ok_and(|status| status.success())
        }
    }
}

/// A lesson's tests as its checks build them: one build for the tests that run the
/// lesson's program and one for those that do not (built without it), since a check asks
/// for each in its own way (`check::select::build_request`).
fn tests_of(lesson: &Lesson) -> Vec<Step> {
    let (with, without): (Vec<_>, Vec<_>) = lesson
        .exercises
        .iter()
        .partition(|exercise| lesson.test_runs_the_program(&exercise.test));
    [with, without]
        .into_iter()
        .filter(|exercises| !exercises.is_empty())
        .map(|exercises| {
            let mut request = build_request(lesson, &exercises);
            request.quiet = true;
            request.low_priority = true;
            Step::Tests(request)
        })
        .collect()
}

/// The commands the lesson's chapter runs first (`ahead` in its `lesson.toml`).
fn commands_of(lesson: &Lesson) -> Vec<Step> {
    lesson
        .ahead
        .iter()
        .map(|args| Step::Command(args.split_whitespace().map(str::to_string).collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chapters_commands_are_cargos_arguments() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let course = Course::load(&root).unwrap();
        let deploy = course.lessons.iter().find(|l| l.id == "deploy").unwrap();
        let steps: Vec<String> = commands_of(deploy).iter().map(Step::describe).collect();
        assert_eq!(
            steps,
            [
                "cargo build --release -p l11-micro -p devconsul",
                "cargo build --release -p l14-deploy"
            ]
        );
        assert!(deploy.runs_released());
        // Each exercise's check finds its test built by one of the steps, as it asks.
        let tests = tests_of(deploy);
        for exercise in &deploy.exercises {
            let asked = build_request(deploy, &[exercise]);
            let built = tests.iter().any(|step| match step {
                Step::Tests(request) => {
                    request.without_programs == asked.without_programs
                        && request.tests.contains(&exercise.test)
                }
                Step::Command(_) => false,
            });
            assert!(built, "{}", exercise.id);
        }
    }
}
