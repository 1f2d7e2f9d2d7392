//! What the runner writes into the book's pages itself, in each edition's language: the
//! schedule page, the durations, and the words of mdBook's theme that a translated edition
//! replaces (the search box, its results, the 404 page).

use super::catalog;

catalog! {
    pub enum Page;
    Minutes => "{m} min", "{m} 分钟";
    Hours => "{h} h", "{h} 小时";
    HoursMinutes => "{h} h {m} min", "{h} 小时 {m} 分钟";

    // The schedule page.
    NotTimedYet => "**Not timed yet:** {lessons} (counted as 0 below).", "**尚未计时：** {lessons}（下面按 0 计）。";
    OneDay => "## One day: the tour", "## 一天：概览";
    OneDayText => "Every chapter presented and its example run; the first exercise of each lesson done in class while the {class} of class time have room for it. The rest, {rest}, is homework.",
        "讲解每一章并运行它的示例代码；在 {class} 的上课时间还排得下时，每课的第一个练习在课上完成。其余的 {rest} 作为课后作业。";
    ThreeDays => "## Three days: the whole course", "## 三天：整门课程";
    ThreeDaysText => "Every lesson, shared out so that the days are about as long. Where a day's parts take more than its {class} of class time, the last exercises of its longest lessons are homework for that evening.",
        "全部课程，分到三天里，每天大致一样长。如果一天的内容超过 {class} 的上课时间，当天最长的几课的最后几个练习就作为当晚的课后作业。";
    Day => "### Day {number}", "### 第 {number} 天";
    Homework => "Homework ({time}): {parts}.", "课后作业（{time}）：{parts}。";
    LessonByLesson => "## Lesson by lesson", "## 逐课明细";
    TotalsHeader => "| Lesson | Reading | Running | Exercises | Total |", "| 课 | 阅读 | 运行 | 练习 | 合计 |";
    TheCourse => "**The course**", "**整门课程**";
    PartsHeader => "| Part | Minutes |", "| 环节 | 分钟 |";
    ReadingTheChapter => "Reading the chapter", "阅读本章";
    RunningTheExample => "Running the worked example", "运行示例代码";
    TotalRow => "**Total**", "**合计**";
    Presenting => "{lesson}: the chapter and its example", "{lesson}：本章及其示例代码";
    PresentingAndFirst => "{lesson}: the chapter, its example, `{id}`", "{lesson}：本章、示例代码、`{id}`";
    ExercisePart => "`{id}`: {title}", "`{id}`：{title}";
    PartsJoin => "; ", "；";
    TimelineHeader => "| Time | | Minutes |", "| 时间 | | 分钟 |";
    Lunch => "*Lunch*", "午饭";
    Break => "*Break*", "休息";
    EndOfDay => "*End of the day*", "当天结束";

    // mdBook's theme, as a translated edition shows it.
    SearchPlaceholder => "Search this book ...", "搜索本书……";
    SearchTitle => "Search (`/`)", "搜索（`/`）";
    SearchToggle => "Toggle Searchbar", "打开或关闭搜索栏";
    OneResult => "1 search result for '{term}':", "“{term}”有 1 条搜索结果：";
    NoResults => "No search results for '{term}'.", "没有“{term}”的搜索结果。";
    Results => "{count} search results for '{term}':", "“{term}”有 {count} 条搜索结果：";
    NotFoundHead => "<title>Page not found", "<title>找不到页面";
    NotFoundTitle => "Document not found (404)", "找不到页面（404）";
    NotFoundText => "This URL is invalid, sorry. Please use the navigation bar or search to continue.",
        "抱歉，这个地址无效。请用导航栏或搜索继续。";
}
