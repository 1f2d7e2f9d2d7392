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
//! so a check stops them ([`Ahead::pause`], or [`stop_for_check`] from another process) and
//! they go on after it, from what cargo had finished; a chapter's release builds use a
//! folder of their own and go on meanwhile.
//!
//! The book's server builds ahead too, when a learner opens a lesson's chapter without a
//! session ([`Ahead::for_reader`], [`Ahead::opened`]); one process at a time does
//! (`owner.rs`), and while a session is open it is the session.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, Weak};

use tokio::task::JoinHandle;

use crate::learner::check::select::build_request;
use owner::{Owner, Running};
use workbook_core::cargo::{self, BuildRequest};
use workbook_core::course::{Course, Lesson};
use workbook_core::environment;
use workbook_core::language::messages::{Msg, say};
use workbook_core::ui;

mod owner;

pub use owner::stop_for_check;

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

/// What the session (or the book's server) is building ahead, and what it has built.
pub struct Ahead {
    root: PathBuf,
    target: PathBuf,
    /// The steps done (by what they build), this session.
    done: Arc<Mutex<HashSet<String>>>,
    /// The steps said in a line already.
    said: HashSet<String>,
    tests: Running,
    commands: Option<JoinHandle<()>>,
    /// The lesson built ahead for last.
    lesson: Option<String>,
    /// The session's: it holds the course's building ahead from its start to its end. The
    /// book's server holds it only while its builds run (they keep the [`Owner`] alive).
    session: bool,
    _held: Option<Arc<Owner>>,
    owner: Weak<Owner>,
}

impl Ahead {
    /// The session's, which takes the course's building ahead now and keeps it.
    pub fn for_session(course: &Course) -> Ahead {
        let mut ahead = Ahead::new(course, true);
        ahead.owner();
        ahead
    }

    /// The book's server's, which builds ahead only while no session does.
    pub fn for_reader(course: &Course) -> Ahead {
        Ahead::new(course, false)
    }

    fn new(course: &Course, session: bool) -> Ahead {
        Ahead {
            root: course.root.clone(),
            target: course.target_dir(),
            done: Arc::default(),
            said: HashSet::new(),
            tests: Running::default(),
            commands: None,
            lesson: None,
            session,
            _held: None,
            owner: Weak::new(),
        }
    }

    /// The course's building ahead: this one's already, or taken now if nobody has it (and
    /// then kept by the session until it ends).
    fn owner(&mut self) -> Option<Arc<Owner>> {
        if let Some(owner) = self.owner.upgrade() {
            return Some(owner);
        }
        let owner = Arc::new(Owner::claim(
            &self.target,
            self.tests.clone(),
            !self.session,
        )?);
        self.owner = Arc::downgrade(&owner);
        if self.session {
            self._held = Some(owner.clone());
        }
        Some(owner)
    }

    /// Stops the tests' builds (a check needs cargo's lock, and the cores); [`Ahead::resume`]
    /// starts them again from what cargo had finished.
    pub fn pause(&mut self) {
        let running = self.tests.lock().ok().and_then(|mut tests| tests.take());
        if let Some(task) = running {
            task.abort();
        }
    }

    /// A chapter of `lesson` was opened in the book: builds ahead for it, unless its tests'
    /// builds are under way already (what is built is not built again; what a check
    /// stopped goes on). Returns the line that says so.
    pub fn opened(&mut self, course: &Course, lesson: &str) -> Option<String> {
        let tests_building = self
            .tests
            .lock()
            .is_ok_and(|tests| tests.as_ref().is_some_and(|task| !task.is_finished()));
        if self.lesson.as_deref() == Some(lesson) && tests_building {
            return None;
        }
        self.resume(course, lesson)
    }

    /// Builds, in the background, what lesson `lesson` (the one the learner is on) and the
    /// one after it need; returns the line that says so, the first time a build is started.
    /// Nothing, while another process builds ahead for the course.
    pub fn resume(&mut self, course: &Course, lesson: &str) -> Option<String> {
        self.pause();
        let owner = self.owner()?;
        self.lesson = Some(lesson.to_string());
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
            let task = self.spawn(tests, owner.clone());
            if let Ok(mut running) = self.tests.lock() {
                *running = Some(task);
            }
        }
        let commands_running = self
            .commands
            .as_ref()
            .is_some_and(|task| !task.is_finished());
        if !commands.is_empty() && !commands_running {
            self.commands = Some(self.spawn(commands, owner));
        }
        note
    }

    /// Builds `steps` one after the other, each marked done once cargo succeeds, holding the
    /// course's building ahead until they end. (The session starts building ahead only once
    /// the book's server is built, `session/book.rs`: the two would share cargo's lock, and the
    /// book the learner reads comes before what the next check needs.)
    fn spawn(&self, steps: Vec<Step>, owner: Arc<Owner>) -> JoinHandle<()> {
        let (root, done) = (self.root.clone(), self.done.clone());
        tokio::spawn(async move {
            let _owner = owner;
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
    use workbook_core::testutil::Fixture;

    #[cfg(unix)]
    #[tokio::test]
    async fn while_a_session_builds_ahead_the_book_server_does_not() {
        let fixture = Fixture::course();
        let course = Course::load(fixture.path()).unwrap();
        let session = Ahead::for_session(&course);
        let mut reader = Ahead::for_reader(&course);
        assert_eq!(reader.opened(&course, "tcp"), None);
        drop(session);
        let said = reader
            .opened(&course, "tcp")
            .expect("builds ahead once the session ends");
        assert!(said.contains("cargo test -p l01-tcp --test echo"), "{said}");
        // Its builds under way, a second chapter view starts nothing more.
        assert_eq!(reader.opened(&course, "tcp"), None);
    }

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
                "cargo build --release -p l14-deploy",
                "cargo run --release -p l11-micro -- prebuild",
                "cargo build --release --manifest-path target/l11-new/greeter/Cargo.toml"
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
