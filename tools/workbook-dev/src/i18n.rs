//! `workbook-dev i18n`: keeping the book's translation catalogs (book/po/). `extract` lists
//! the English book's messages and brings each translation up to date with them, `import`
//! writes translations given as JSON, and `status` says how much of each chapter is
//! translated; `tests` lists the tests' messages a lesson's Chinese lacks. The catalogs' code is the book's (`workbook_book::i18n`); this is its
//! command line, for maintainers and translators.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use workbook_book::i18n::{self, coverage};

#[derive(Debug, clap::Subcommand)]
pub enum I18nAction {
    /// Regenerate book/po/messages.pot from the English book and bring each translation
    /// up to date with it (changed messages become fuzzy).
    Extract,
    /// Each chapter's translated share; with --missing, what a chapter still lacks.
    Status {
        /// A chapter (`01-tcp.md`): list its messages not translated, or fuzzy.
        #[arg(long)]
        missing: Option<String>,
    },
    /// Write translations from JSON files (`{"English": "译文"}`, or numbered beside a
    /// batch in ../batches/) into book/po/LANG.po.
    Import {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// The folder of the batches numbered translations refer to (default: ../batches
        /// beside each file).
        #[arg(long)]
        batches: Option<PathBuf>,
        #[arg(long, default_value = "zh-CN")]
        lang: String,
    },
    /// The tests' messages that a lesson's lesson.zh-CN.toml does not translate yet, as
    /// `[tests]` lines to fill in.
    Tests,
}

/// The `i18n` command.
pub fn command(root: &Path, action: I18nAction) -> Result<()> {
    match action {
        I18nAction::Extract => i18n::extract(root),
        I18nAction::Status { missing: None } => match coverage::print_report(root) {
            0 => Ok(()),
            problems => bail!("{problems} chapter(s) under their threshold"),
        },
        I18nAction::Status {
            missing: Some(chapter),
        } => coverage::print_missing(root, &chapter),
        I18nAction::Import {
            files,
            batches,
            lang,
        } => i18n::import(root, &files, batches.as_deref(), &lang),
        I18nAction::Tests => crate::proof::test_messages::print_missing(root),
    }
}
