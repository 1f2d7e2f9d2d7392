//! A thing found wrong, and where: what the book's checks and the schedule's report.

/// One thing wrong with the book, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `book/src/01-tcp.md:12`, relative to the workspace root.
    pub location: String,
    pub message: String,
}

/// As every check prints one: `location: message`.
impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}
