//! The dashboard page, in the teacher's language: one HTML file (`page.html`, its script in
//! `page.js`) with its words put in as JSON, which its script writes into the page as text.
//! Nothing a learner sent is ever written as markup: every name, test and message reaches the page through
//! `textContent`, so `<script>` in a name shows as those characters.

use serde_json::{Map, Value};
use workbook_core::language::Lang;
use workbook_core::language::messages::{ClassMsg, Message};

const PAGE: &str = include_str!("page.html");
/// The page's script, put in where the page says `/* page.js */`.
const SCRIPT: &str = include_str!("page.js");

/// The words the page's script uses, by the names it uses them by.
const WORDS: &[(&str, ClassMsg)] = &[
    ("title", ClassMsg::PageTitle),
    ("learner", ClassMsg::PageLearner),
    ("notStarted", ClassMsg::PageNotStarted),
    ("failing", ClassMsg::PageFailing),
    ("passed", ClassMsg::PagePassed),
    ("minutes", ClassMsg::PageMinutes),
    ("hours", ClassMsg::PageHours),
    ("days", ClassMsg::PageDays),
    ("test", ClassMsg::PageTest),
    ("stuck", ClassMsg::PageStuck),
    ("trying", ClassMsg::PageTrying),
    ("listSeparator", ClassMsg::PageListSeparator),
    ("nobodyStuck", ClassMsg::PageNobodyStuck),
    ("exercises", ClassMsg::PageExercises),
    ("exercise", ClassMsg::PageExercise),
    ("passedCount", ClassMsg::PagePassedCount),
    ("commonFailure", ClassMsg::PageCommonFailure),
    ("hints", ClassMsg::PageHints),
    ("noLearners", ClassMsg::PageNoLearners),
    ("live", ClassMsg::PageLive),
    ("reconnecting", ClassMsg::PageReconnecting),
    ("exportCsv", ClassMsg::PageExportCsv),
    ("exportJson", ClassMsg::PageExportJson),
    ("learners", ClassMsg::PageLearners),
    ("learnersOne", ClassMsg::PageLearnersOne),
    ("lessons", ClassMsg::PageLessons),
    ("lessonsNow", ClassMsg::PageLessonsNow),
    ("lessonsAll", ClassMsg::PageLessonsAll),
    ("show", ClassMsg::PageShow),
    ("showNames", ClassMsg::PageShowNames),
    ("showInitials", ClassMsg::PageShowInitials),
    ("showSeats", ClassMsg::PageShowSeats),
    ("seat", ClassMsg::PageSeat),
    ("roster", ClassMsg::PageRoster),
    ("code", ClassMsg::PageCode),
    ("joiningOpen", ClassMsg::PageJoiningOpen),
    ("joiningClosed", ClassMsg::PageJoiningClosed),
    ("closeJoining", ClassMsg::PageCloseJoining),
    ("openJoining", ClassMsg::PageOpenJoining),
    ("newCode", ClassMsg::PageNewCode),
    ("rename", ClassMsg::PageRename),
    ("remove", ClassMsg::PageRemove),
    ("rejoin", ClassMsg::PageRejoin),
    ("mayRejoin", ClassMsg::PageMayRejoin),
    ("mergeInto", ClassMsg::PageMergeInto),
    ("confirmRemove", ClassMsg::PageConfirmRemove),
    ("confirmMerge", ClassMsg::PageConfirmMerge),
    ("renamePrompt", ClassMsg::PageRenamePrompt),
    ("room", ClassMsg::PageRoom),
    ("roomUndo", ClassMsg::PageRoomUndo),
];

/// The page for class `name`, in `lang`.
pub fn page(lang: Lang, name: &str) -> String {
    let mut words: Map<String, Value> = WORDS
        .iter()
        .map(|(key, msg)| (key.to_string(), Value::from(msg.template(lang))))
        .collect();
    words.insert("class".into(), Value::from(name));
    // Inside a <script> element: no `</script>` (or `<!--`) can end it early.
    let words = Value::Object(words).to_string().replace('<', "\\u003c");
    PAGE.replace("/* page.js */", SCRIPT)
        .replace("__LANG__", lang.code())
        .replace("__WORDS__", &words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_class_name_cannot_end_the_script() {
        let page = page(Lang::En, "</script><script>alert(1)</script>");
        assert!(!page.contains("</script><script>alert(1)"));
        assert!(page.contains(r"\u003c/script>"));
        assert!(page.contains(r#"<html lang="en">"#));
        assert!(
            super::page(Lang::ZhCn, "c").contains("仪表板")
                || super::page(Lang::ZhCn, "c").contains("学员")
        );
    }
}
