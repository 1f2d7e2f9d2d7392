//! The course runner a learner starts: `cargo run -p workbook`. The learner's commands run
//! here (src/start.rs); `book` starts here, answering at once while the book's server builds
//! (src/book/command.rs); the others are handed to `workbook-full` (src/handoff.rs).

use std::process::ExitCode;

use workbook::cli::Commands;
use workbook::{book, handoff, start};

#[tokio::main]
async fn main() -> ExitCode {
    workbook_core::ui::end_quietly_when_output_is_cut();
    let cli = match start::parse(std::env::args_os().collect()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    if let Some(Commands::Book {
        pdf: None,
        for_session: false,
        ..
    }) = &cli.command
    {
        return book::command::run(cli).await;
    }
    if cli.command.as_ref().is_some_and(|c| !c.is_the_learners()) {
        return handoff::hand_on().await;
    }
    let outcome = match start::start(&cli) {
        Ok(started) => start::run_learners(started, cli.command).await,
        Err(err) => Err(err),
    };
    start::exit_code(outcome)
}
