//! Gettext catalogs (`.po`, `.pot`), read and written by the runner itself.
//!
//! mdBook's Gettext tools read catalogs with `polib`, which panics on a header missing a
//! field. The book is rebuilt on every save, and a translator's half-typed entry must not
//! take the book server down: this reader checks a file first and says what is wrong and on
//! which line. Only what the book uses is kept: the message, its translation, whether it is
//! fuzzy, where it comes from, the extractor's comments and its context.
//!
//! A context (`msgctxt`) keeps apart two messages with the same English that a reader must
//! see translated differently: the word `heartbeat` in a diagram's box is translated, the
//! same word in the glossary's English column is kept as it is.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The languages the book can be translated into: its code, and its name in itself.
pub const LANGUAGES: [(&str, &str); 1] = [("zh-CN", "中文")];

/// The English book's language code, for `--lang`.
pub const ENGLISH: &str = "en";

/// The translation of the book into `lang`.
pub fn po_file(root: &Path, lang: &str) -> PathBuf {
    root.join("book/po").join(format!("{lang}.po"))
}

/// The languages the book has a translation for.
pub fn translated(root: &Path) -> Vec<&'static str> {
    LANGUAGES
        .iter()
        .map(|(code, _)| *code)
        .filter(|code| po_file(root, code).is_file())
        .collect()
}

/// Whether a catalog's `reference` (`src/05-grpc.md`, or with a line, `src/05-grpc.md:40`)
/// is to `file` (`src/05-grpc.md`).
pub fn in_file(reference: &str, file: &str) -> bool {
    reference
        .strip_prefix(file)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
}

/// The header fields a translation must have: what Gettext tools and editors rely on.
pub const REQUIRED_HEADER: [&str; 6] = [
    "Project-Id-Version",
    "Language",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Plural-Forms",
];

/// One message: the English text, its translation (empty until translated), and notes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Entry {
    /// Where the English is used, when the same English elsewhere means something else.
    pub context: Option<String>,
    pub msgid: String,
    pub msgstr: String,
    /// The English changed since this was translated: shown in English until reviewed.
    pub fuzzy: bool,
    /// Where the message is, `src/01-tcp.md:12`, one per line of `#:`.
    pub references: Vec<String>,
    /// The extractor's comments (`#.`).
    pub comments: Vec<String>,
    /// The line of the file the entry starts on (0 for entries made in memory).
    pub line: usize,
}

impl Entry {
    pub fn new(msgid: &str) -> Entry {
        Entry {
            msgid: msgid.to_string(),
            ..Entry::default()
        }
    }

    /// Translated and current: what the translated book shows.
    pub fn is_translated(&self) -> bool {
        !self.msgstr.is_empty() && !self.fuzzy
    }

    /// What tells this message from every other of the catalog: its English and context.
    pub fn key(&self) -> String {
        key(self.context.as_deref(), &self.msgid)
    }
}

/// A message's English in its context as one string, the way Gettext's compiled catalogs
/// join them: the context, the byte 4 (EOT), the English. Without a context, the English.
pub fn key(context: Option<&str>, msgid: &str) -> String {
    match context {
        Some(context) => format!("{context}\u{4}{msgid}"),
        None => msgid.to_string(),
    }
}

/// The English of a key, its context left out: what a reader of a report wants to see.
pub fn english_of(key: &str) -> &str {
    key.split_once('\u{4}').map_or(key, |(_, msgid)| msgid)
}

/// A catalog: its header fields in order, then its messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    pub header: Vec<(String, String)>,
    /// The line the header starts on, for errors about it.
    pub header_line: usize,
    pub entries: Vec<Entry>,
}

impl Catalog {
    pub fn header_field(&self, name: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// Reads a translation and checks its header: the error names the file and the line.
pub fn read_translation(path: &Path) -> Result<Catalog> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| anyhow::anyhow!("{}: cannot read it: {err}", path.display()))?;
    let catalog = parse(&text, &path.display().to_string())?;
    check_header(&catalog, &path.display().to_string())?;
    Ok(catalog)
}

/// Checks that every required header field is there, and that the file says UTF-8.
pub fn check_header(catalog: &Catalog, file: &str) -> Result<()> {
    let line = catalog.header_line.max(1);
    for field in REQUIRED_HEADER {
        if catalog.header_field(field).is_none_or(str::is_empty) {
            bail!("{file}:{line}: the header has no `{field}` field");
        }
    }
    let content_type = catalog.header_field("Content-Type").unwrap_or_default();
    if !content_type.to_ascii_lowercase().contains("charset=utf-8") {
        bail!("{file}:{line}: the header's Content-Type must say charset=UTF-8");
    }
    Ok(())
}

/// Which string an entry is reading, for continuation lines.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    None,
    Msgctxt,
    Msgid,
    Msgstr,
}

/// Parses a catalog. The header (the entry with an empty msgid) becomes `header`; obsolete
/// entries (`#~`) and previous strings (`#|`) are dropped.
pub fn parse(text: &str, file: &str) -> Result<Catalog> {
    let mut catalog = Catalog::default();
    let mut entry = Entry::default();
    let mut started = false; // a msgid has been read for `entry`
    let mut field = Field::None;
    let finish = |catalog: &mut Catalog, entry: &mut Entry, started: &mut bool| {
        if *started {
            catalog.entries.push(std::mem::take(entry));
        }
        *started = false;
    };
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim();
        let error = |what: &str| anyhow::anyhow!("{file}:{number}: {what}");
        if line.is_empty() || line.starts_with("#~") || line.starts_with("#|") {
            finish(&mut catalog, &mut entry, &mut started);
            field = Field::None;
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            finish(&mut catalog, &mut entry, &mut started);
            field = Field::None;
            if entry.line == 0 {
                entry.line = number;
            }
            if let Some(refs) = comment.strip_prefix(':') {
                entry
                    .references
                    .extend(refs.split_whitespace().map(str::to_string));
            } else if let Some(flags) = comment.strip_prefix(',') {
                entry.fuzzy |= flags.split(',').any(|flag| flag.trim() == "fuzzy");
            } else if let Some(note) = comment.strip_prefix('.') {
                entry.comments.push(note.trim().to_string());
            }
            continue;
        }
        let (keyword, rest) = match line.find(' ') {
            Some(at) if !line.starts_with('"') => (&line[..at], line[at..].trim()),
            _ => ("", line),
        };
        let value = unquote(rest).map_err(|what| error(&what))?;
        match keyword {
            "" => match field {
                Field::Msgctxt => entry.context.get_or_insert_default().push_str(&value),
                Field::Msgid => entry.msgid.push_str(&value),
                Field::Msgstr => entry.msgstr.push_str(&value),
                Field::None => return Err(error("a string outside any msgid or msgstr")),
            },
            "msgctxt" | "msgid" => {
                finish(&mut catalog, &mut entry, &mut started);
                if entry.line == 0 {
                    entry.line = number;
                }
                if keyword == "msgctxt" {
                    entry.context = Some(value);
                    field = Field::Msgctxt;
                } else {
                    started = true;
                    entry.msgid = value;
                    field = Field::Msgid;
                }
            }
            "msgstr" => {
                if !started || field != Field::Msgid {
                    return Err(error("msgstr without a msgid before it"));
                }
                entry.msgstr = value;
                field = Field::Msgstr;
            }
            "msgid_plural" => return Err(error("plural messages are not used by the book")),
            other => return Err(error(&format!("unknown keyword `{other}`"))),
        }
    }
    finish(&mut catalog, &mut entry, &mut started);
    if let Some(at) = catalog.entries.iter().position(|e| e.msgid.is_empty()) {
        let header = catalog.entries.remove(at);
        for (offset, field) in header.msgstr.lines().enumerate() {
            let Some((key, value)) = field.split_once(':') else {
                bail!(
                    "{file}:{}: the header line `{field}` is not `Name: value`",
                    header.line + offset
                );
            };
            catalog
                .header
                .push((key.trim().to_string(), value.trim().to_string()));
        }
        catalog.header_line = header.line;
    }
    Ok(catalog)
}

/// A quoted PO string without its quotes, its escapes resolved.
fn unquote(text: &str) -> std::result::Result<String, String> {
    let inner = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|_| text.len() >= 2)
        .ok_or_else(|| format!("expected a quoted string, found `{text}`"))?;
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some('"') => out.push('"'),
                Some('\\') => out.push('\\'),
                Some(other) => return Err(format!("unknown escape `\\{other}`")),
                None => return Err("a string ends in a lone backslash".to_string()),
            },
            '"' => return Err(format!("an unescaped quote inside `{text}`")),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// A string as PO writes it: quoted and escaped, split after each newline when it has
/// several lines, so that diffs show the line that changed.
fn quote(keyword: &str, text: &str) -> String {
    let escape = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\t', "\\t")
            .replace('\r', "\\r")
            .replace('\n', "\\n")
    };
    let pieces: Vec<&str> = text.split_inclusive('\n').collect();
    if pieces.len() <= 1 {
        return format!("{keyword} \"{}\"\n", escape(text));
    }
    let mut out = format!("{keyword} \"\"\n");
    for piece in pieces {
        let _ = writeln!(out, "\"{}\"", escape(piece));
    }
    out
}

/// Writes a catalog in the layout Gettext's tools write.
pub fn write(catalog: &Catalog) -> String {
    let header: String = catalog
        .header
        .iter()
        .map(|(key, value)| format!("{key}: {value}\n"))
        .collect();
    let mut out = quote("msgid", "");
    out.push_str(&quote("msgstr", &header));
    for entry in &catalog.entries {
        out.push('\n');
        for comment in &entry.comments {
            let _ = writeln!(out, "#. {comment}");
        }
        for reference in &entry.references {
            let _ = writeln!(out, "#: {reference}");
        }
        if entry.fuzzy {
            out.push_str("#, fuzzy\n");
        }
        if let Some(context) = &entry.context {
            out.push_str(&quote("msgctxt", context));
        }
        out.push_str(&quote("msgid", &entry.msgid));
        out.push_str(&quote("msgstr", &entry.msgstr));
    }
    out
}
