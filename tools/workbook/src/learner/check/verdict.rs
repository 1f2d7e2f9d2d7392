//! What a check concludes about one exercise, from its lesson's build and its test's run.

use std::path::Path;

use workbook_core::cargo::{Build, Location};
use workbook_core::testrun::{Outcome, TestJob, TestRun};

/// Why an exercise did not pass, or that it did.
#[derive(Debug)]
pub enum Verdict {
    Passed(TestRun),
    Failed(TestRun),
    TimedOut,
    /// The build failed; the files the compiler's errors point at, first error first.
    DoesNotCompile(Vec<Location>),
    /// Cargo produced no executable for the test and reported no compiler error.
    NotBuilt,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Passed(_))
    }

    /// Whether this verdict is about the learner's work on the exercise in `file`: its
    /// tests ran, or the compiler found an error in that very file. A build that broke
    /// elsewhere, or a test cargo did not build, says nothing about it.
    pub fn is_about(&self, file: &Path) -> bool {
        match self {
            Verdict::Passed(_) | Verdict::Failed(_) | Verdict::TimedOut => true,
            Verdict::DoesNotCompile(broken) => broken.iter().any(|at| at.file == file),
            Verdict::NotBuilt => false,
        }
    }
}

/// The verdict on an exercise whose test `job` cargo did or did not build, given its run
/// when it had one.
pub fn judge(build: &Build, root: &Path, job: Option<&TestJob>, run: Option<TestRun>) -> Verdict {
    match (job, run) {
        (None, _) if build.success => Verdict::NotBuilt,
        (None, _) => Verdict::DoesNotCompile(build.broken_files(root)),
        (Some(_), None) => Verdict::NotBuilt,
        (Some(_), Some(run)) => match run.outcome {
            Outcome::Passed => Verdict::Passed(run),
            Outcome::Failed => Verdict::Failed(run),
            Outcome::TimedOut => Verdict::TimedOut,
        },
    }
}
