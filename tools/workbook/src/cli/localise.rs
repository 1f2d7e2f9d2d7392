//! The command line in the runner's language: the texts of the runner's messages (`Help`) put
//! into what `cli` declares, clap's own words replaced, and clap's errors said again.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

use workbook_core::language::Lang;
use workbook_core::language::messages::help::{Help, text};
use workbook_core::language::messages::{Message, say_in};

/// `cmd` (declared in `cli`, by the path `path` from the runner) with every text in
/// `lang`: its own, its arguments', its subcommands', and clap's headings and `-h`.
pub fn localise(cmd: Command, lang: Lang) -> Command {
    localise_at(cmd, "", lang)
}

fn localise_at(mut cmd: Command, path: &str, lang: Lang) -> Command {
    let say = |help: Help| say_in(lang, help, &[]);
    if let Some(about) = text(path) {
        cmd = cmd.about(say(about)).long_about(None);
    }
    if path.is_empty() {
        cmd = cmd.after_help(say(Help::RootAfter));
    }
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|arg| arg.get_id().to_string())
        .collect();
    for (order, id) in ids.into_iter().enumerate() {
        // `hint all` for an argument of `hint`, ` lang` for one of the root's.
        let key = format!("{path} {id}");
        let Some(help) = text(&key) else { continue };
        cmd = cmd.mut_arg(&id, |arg| {
            let heading = if arg.is_positional() {
                Help::Arguments
            } else {
                Help::Options
            };
            let takes_values = arg.get_action().takes_values();
            // Listed as declared (`class join URL CODE`): under a heading of its own, clap
            // would list them by name.
            arg.help(say(help))
                .display_order(order)
                .long_help(None)
                .hide_default_value(takes_values)
                .hide_env(takes_values)
                .hide_possible_values(takes_values)
                .help_heading(heading.template(lang))
        });
    }
    let help_flag = Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help(say(Help::PrintIt))
        .help_heading(Help::Options.template(lang));
    cmd = cmd
        .disable_help_flag(true)
        .arg(help_flag)
        .subcommand_help_heading(Help::Commands.template(lang))
        .help_template(format!(
            "{{about-with-newline}}\n{}{{usage}}\n\n{{all-args}}{{after-help}}",
            say(Help::Usage)
        ));
    if lang != Lang::En {
        // The usage's `[COMMAND]`, in the language's word.
        cmd = cmd.subcommand_value_name(Help::Commands.template(lang));
        // clap's own `help` subcommand has no text but its English.
        cmd = cmd.disable_help_subcommand(true);
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|sub| sub.get_name().to_string())
        .collect();
    for name in names {
        let inner = sub_path(path, &name);
        cmd = cmd.mut_subcommand(&name, |sub| localise_at(sub, &inner, lang));
    }
    cmd
}

/// The path of subcommand `name` of the command at `path`: the root's path is empty, so
/// its subcommands' paths are their names (`services`), and theirs `services up`.
fn sub_path(path: &str, name: &str) -> String {
    format!("{path} {name}").trim_start().to_string()
}

/// A help text as clap rendered it, finished in `lang`: clap writes each heading's colon
/// and the usage's `[OPTIONS]` itself, in English (`选项:`, `[OPTIONS]`), where Chinese has
/// its own colon and word (`选项：`, `[选项]`).
pub fn finish_help(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let mut text = text.to_string();
    for heading in [Help::Commands, Help::Arguments, Help::Options] {
        let word = heading.template(lang);
        text = text.replace(&format!("{word}:"), &format!("{word}："));
    }
    text.replace("[OPTIONS]", &format!("[{}]", Help::Options.template(lang)))
}

/// Prints the help clap stopped with (`--help`, or a command that needs a subcommand),
/// finished in `lang`, where clap would have printed it, and says how to exit.
pub fn print_help(err: &clap::Error, lang: Lang) -> std::process::ExitCode {
    use std::io::IsTerminal;
    let to_stderr = err.use_stderr();
    let terminal = if to_stderr {
        std::io::stderr().is_terminal()
    } else {
        std::io::stdout().is_terminal()
    };
    let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let rendered = err.render();
    let text = if colour {
        rendered.ansi().to_string()
    } else {
        rendered.to_string()
    };
    let text = finish_help(&text, lang);
    if to_stderr {
        eprint!("{text}");
    } else {
        print!("{text}");
    }
    std::process::ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(2))
}

/// clap's error in `lang`: the reason, the usage, and where to read more. `None` for what
/// is no error (`--help`) or what clap already printed in the language (help shown for a
/// missing subcommand).
pub fn error_text(err: &clap::Error, lang: Lang) -> Option<String> {
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return None;
    }
    let context = |kind: ContextKind| match err.get(kind) {
        Some(ContextValue::String(text)) => text.clone(),
        Some(ContextValue::Strings(texts)) => texts.join(", "),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = context(ContextKind::InvalidArg);
    let reason = match err.kind() {
        ErrorKind::UnknownArgument => say_in(lang, Help::UnknownArgument, &[("arg", &arg)]),
        ErrorKind::InvalidSubcommand => say_in(lang, Help::UnknownCommand, &[("arg", &arg)]),
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => say_in(
            lang,
            Help::InvalidValue,
            &[
                ("arg", &arg),
                ("value", &context(ContextKind::InvalidValue)),
            ],
        ),
        ErrorKind::MissingRequiredArgument => say_in(lang, Help::MissingArgument, &[("arg", &arg)]),
        ErrorKind::ArgumentConflict => say_in(
            lang,
            Help::Conflict,
            &[("arg", &arg), ("other", &context(ContextKind::PriorArg))],
        ),
        ErrorKind::NoEquals | ErrorKind::TooFewValues => {
            say_in(lang, Help::MissingValue, &[("arg", &arg)])
        }
        kind => say_in(lang, Help::CannotRead, &[("kind", &format!("{kind:?}"))]),
    };
    let usage = context(ContextKind::Usage);
    let usage = usage.trim().trim_start_matches("Usage:").trim();
    let mut text = format!("{reason}\n\n");
    if !usage.is_empty() {
        let usage = finish_help(usage, lang);
        text.push_str(&format!("{}{usage}\n\n", say_in(lang, Help::Usage, &[])));
    }
    text.push_str(&say_in(lang, Help::MoreInfo, &[("help", &"--help")]));
    Some(text)
}

/// Every visible command and argument of `cmd`, by the paths `help::text` reads, that has
/// no text.
#[cfg(test)]
pub fn without_text(cmd: &Command, path: &str) -> Vec<String> {
    let mut missing = Vec::new();
    if text(path).is_none() {
        missing.push(path.to_string());
    }
    for arg in cmd.get_arguments() {
        let id = arg.get_id().as_str();
        let key = format!("{path} {id}");
        if id != "help" && text(&key).is_none() {
            missing.push(key);
        }
    }
    for sub in cmd.get_subcommands() {
        missing.extend(without_text(sub, &sub_path(path, sub.get_name())));
    }
    missing
}
