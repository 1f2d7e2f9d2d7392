//! What a test tells `workbook-dev verify` it ran of the book.
//!
//! A chapter's lab commands can take minutes each, and a lesson's story may run the very
//! same commands against a lab of its own: lesson 17's swarm story runs every fault that
//! chapter 17 lists, under load, checking what each costs. Running them a second time,
//! on a second swarm, only for verify to see that they succeed, would double the lab's
//! minutes. So the story prints a line for each command it ran that succeeded ([`line`]),
//! nextest keeps the story's output in its report (`junit.store-success-output`), and
//! verify, given that report, takes a block of the chapter's commands as run when the
//! story, passing, ran every one of them ([`commands`]).

/// What starts a line that says a command ran and succeeded.
pub const RAN: &str = "ran, as a chapter shows it: ";

/// The line that says `program ARGS…` ran and succeeded.
pub fn line(program: &str, args: &[&str]) -> String {
    format!("{RAN}{program} {}", args.join(" "))
}

/// The commands that `output` (a test's) says ran, each as `program ARGS…`.
pub fn commands(output: &str) -> impl Iterator<Item = &str> {
    output
        .lines()
        .filter_map(|line| line.trim_end().strip_prefix(RAN))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_said_is_a_command_read() {
        let output = format!(
            "something else\n{}\n{}\n",
            line("l17-orchestrate", &["kill-engine", "worker-1"]),
            line("l17-orchestrate", &["down"])
        );
        let read: Vec<&str> = commands(&output).collect();
        assert_eq!(
            read,
            [
                "l17-orchestrate kill-engine worker-1",
                "l17-orchestrate down"
            ]
        );
    }
}
