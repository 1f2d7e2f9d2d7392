//! What the runner writes into the book's pages itself, in each edition's language: the
//! schedule page, the durations, the words of mdBook's theme that a translated edition
//! replaces (the search box, its results, the buttons and the shortcuts' help, the 404 page),
//! and the wire view's page (`/wire`), served in the runner's language.

use super::messages;

messages! {
    pub enum Page;
    Minutes => "{m} min", "{m} 分钟";
    Hours => "{h} h", "{h} 小时";
    HoursMinutes => "{h} h {m} min", "{h} 小时 {m} 分钟";

    // The schedule page: the model.
    NotTimedYet => "**Not timed yet:** {lessons} (counted as 0 below).", "**尚未计时：** {lessons}（下面按 0 计）。";
    ModelTitle => "## How the minutes are counted", "## 时间怎么算";
    ModelText => "Every number on this page comes from this model. A class that reads faster or slower, or keeps other hours, changes its numbers in `tools/workbook-full/src/book/schedule/model.rs` and builds the book again.",
        "本页的每个数字都来自这个模型。读得更快或更慢、作息不同的班级，可以修改 `tools/workbook-full/src/book/schedule/model.rs` 里的数字，再重新构建本书。";
    ModelHeader => "| What | How long |", "| 内容 | 时长 |";
    ModelProse => "| A chapter's prose, presented and talked through (teacher notes left out) | {words} words a minute |",
        "| 一章的正文，讲解并讨论（不含教师注释） | 每分钟 {words} 个词 |";
    ModelListings => "| A chapter's listings, walked through line by line | {seconds} seconds a line |",
        "| 一章的代码清单，逐行讲解 | 每行 {seconds} 秒 |";
    ModelRun => "| Running the worked example | the lesson's own estimate (`run` in its `lesson.toml`) |",
        "| 运行示例代码 | 各课自己的估计（`lesson.toml` 中的 `run`） |";
    ModelExercise => "| An exercise, until `check` passes | {base}, {per_test} more for each of its tests, 1 more for every {lines} lines of its test file; at least {floor} |",
        "| 一个练习，直到 `check` 通过 | {base}，每个测试再加 {per_test}，测试文件每 {lines} 行再加 1 分钟；至少 {floor} |";
    ModelSolutions => "| Going over the solutions, after each lesson's exercises | {time} an exercise |",
        "| 讲解参考答案，在每课的练习之后 | 每个练习 {time} |";
    ModelSetup => "| Setup on day 1: installing the tools, building the course, `doctor` | {time} |",
        "| 第 1 天的准备：安装工具、构建课程、运行 `doctor` | {time} |";
    ModelIntroduction => "| The introduction, on day 1 | {time} |", "| 引言，第 1 天 | {time} |";
    ModelRecap => "| A recap at the start of every day after the first | {time} |", "| 第 2 天起每天开头的回顾 | {time} |";
    ModelDay => "| A class day | {day} of teaching from {start}, breaks and lunch apart; a chapter that takes longer than {part} is presented in pieces |",
        "| 一个上课日 | 从 {start} 开始，上课 {day}，不含休息和午饭；讲解超过 {part}的章节分几段进行 |";
    ModelSitting => "| A sitting | A learner alone: reading, running and the exercises of one stretch; a chapter longer than {sitting} marks places to stop, so that no sitting takes more than {sitting} |",
        "| 一次学习 | 自学时坐下来一次：阅读、运行和这一段的练习；超过 {sitting}的章节会标出可以停下的地方，使每次都不超过 {sitting} |";
    ModelBreaks => "| Breaks | {pause} before a part that would keep the class going for more than {stretch} without one; lunch, {lunch}, in the first gap from {lunch_from} |",
        "| 休息 | 如果下一个环节会让连续上课超过 {stretch}，先休息 {pause}；{lunch_from} 起的第一个空档吃午饭，{lunch} |";

    // The schedule page: the totals and the plans.
    TotalsHeader => "| Lesson | Reading | Running | Exercises | Solutions | Total |", "| 课 | 阅读 | 运行 | 练习 | 讲解答案 | 合计 |";
    ClassItems => "Setup, the introduction, {recaps} recaps", "准备、引言、{recaps} 次回顾";
    TheCourse => "**The course**", "**整门课程**";
    WholeCourse => "## The whole course, day by day", "## 整门课程，逐日安排";
    WholeCourseText => "Every chapter, example and exercise in class, the solutions gone over after each lesson: {days} days of {day} of teaching, none of them longer.",
        "每一章、每个示例、每个练习都在课上完成，每课之后讲解参考答案：共 {days} 天，每天上课 {day}，没有哪一天超过。";
    ShortPlan => "## {days} days: what they hold", "## {days} 天：排得下什么";
    ShortPlanText => "Each lesson's chapter, example and first exercise in class, its other exercises homework for that evening; lesson after lesson, as long as the {days} days have room for a whole one.",
        "每课的章节、示例代码和第一个练习在课上完成，其余练习作为当晚的课后作业；一课接一课，直到 {days} 天再也排不下完整的一课。";
    LeftForLater => "Left for later ({time} in class, each with its first exercise): {lessons}.",
        "留待以后（课上共 {time}，各含第一个练习）：{lessons}。";
    Day => "### Day {number}: {time} of teaching", "### 第 {number} 天：上课 {time}";
    Homework => "Homework ({time}): {parts}.", "课后作业（{time}）：{parts}。";
    LessonByLesson => "## Lesson by lesson", "## 逐课明细";
    PartsHeader => "| Part | Minutes |", "| 环节 | 分钟 |";
    ReadingTheChapter => "Presenting the chapter ({words} words, {lines} lines of listings)", "讲解本章（{words} 个词，{lines} 行代码清单）";
    RunningTheExample => "Running the worked example", "运行示例代码";
    ExerciseRow => "`{id}`: {title} ({tests} tests, {lines} lines)", "`{id}`：{title}（{tests} 个测试，{lines} 行）";
    SolutionsRow => "Going over the solutions", "讲解参考答案";
    TotalRow => "**Total**", "**合计**";

    // The parts of a day.
    Setup => "Setup: the tools, the course built, `doctor`", "准备：安装工具、构建课程、`doctor`";
    Introduction => "The introduction", "引言";
    Recap => "Recap of the day before", "回顾前一天";
    Presenting => "{lesson}: the chapter and its example", "{lesson}：本章及其示例代码";
    PresentingPiece => "{lesson}: the chapter and its example ({piece}/{pieces})", "{lesson}：本章及其示例代码（{piece}/{pieces}）";
    ExercisePart => "`{id}`: {title}", "`{id}`：{title}";
    Solutions => "{lesson}: going over the solutions", "{lesson}：讲解参考答案";
    PartsJoin => "; ", "；";
    TimelineHeader => "| Time | | Minutes |", "| 时间 | | 分钟 |";
    Lunch => "*Lunch*", "午饭";
    Break => "*Break*", "休息";
    EndOfDay => "*End of the day*", "当天结束";

    // mdBook's theme, as a translated edition shows it.
    SearchPlaceholder => "Search this book ...", "搜索本书……";
    SearchTitle => "Search (`/`)", "搜索（`/`）";
    SearchToggle => "Toggle Searchbar", "打开或关闭搜索栏";
    TocToggle => "Toggle Table of Contents", "显示或隐藏目录";
    ChangeTheme => "Change theme", "更换主题";
    Themes => "Themes", "主题";
    PrintBook => "Print this book", "打印本书";
    PreviousChapter => "Previous chapter", "上一章";
    NextChapter => "Next chapter", "下一章";
    PageNavigation => "Page navigation", "页面导航";
    TableOfContents => "Table of contents", "目录";
    // The theme menu's two plain words (Rust, Coal, Navy and Ayu are the themes' names).
    ThemeAuto => "mdbook-theme-default_theme\">Auto<", "mdbook-theme-default_theme\">自动<";
    ThemeLight => "mdbook-theme-light\">Light<", "mdbook-theme-light\">浅色<";
    // The copy button on every listing, as `book.js` words it.
    CopyButton => "'Copy to clipboard'", "'复制到剪贴板'";
    Copied => "'Copied!'", "'已复制！'";
    CopyFailed => "'Clipboard error!'", "'复制失败！'";
    ShortcutsTitle => ">Keyboard shortcuts<", ">键盘快捷键<";
    ShortcutChapters => "<p>Press <kbd>←</kbd> or <kbd>→</kbd> to navigate between chapters</p>",
        "<p>按 <kbd>←</kbd> 或 <kbd>→</kbd> 在章节之间切换</p>";
    ShortcutSearch => "<p>Press <kbd>S</kbd> or <kbd>/</kbd> to search in the book</p>",
        "<p>按 <kbd>S</kbd> 或 <kbd>/</kbd> 在书中搜索</p>";
    ShortcutShow => "<p>Press <kbd>?</kbd> to show this help</p>", "<p>按 <kbd>?</kbd> 显示此帮助</p>";
    ShortcutHide => "<p>Press <kbd>Esc</kbd> to hide this help</p>", "<p>按 <kbd>Esc</kbd> 隐藏此帮助</p>";
    OneResult => "1 search result for '{term}':", "“{term}”有 1 条搜索结果：";
    NoResults => "No search results for '{term}'.", "没有“{term}”的搜索结果。";
    Results => "{count} search results for '{term}':", "“{term}”有 {count} 条搜索结果：";
    NotFoundHead => "<title>Page not found", "<title>找不到页面";
    NotFoundTitle => "Document not found (404)", "找不到页面（404）";
    NotFoundText => "This URL is invalid, sorry. Please use the navigation bar or search to continue.",
        "抱歉，这个地址无效。请用导航栏或搜索继续。";

    // The wire view's page (`page.html`): each English fragment, and what replaces it (its
    // `<html lang>` is the language's code).
    WireTitle => "<title>The wire — From Sockets to Services</title>", "<title>网络上传输的消息 — 从套接字到服务</title>";
    WireHeading => "<h1>The wire</h1>", "<h1>网络上传输的消息</h1>";
    WireIntro => "Every message between your client and your server, as it crosses the relay. Click a row for its bytes.",
        "你的客户端和服务端之间的每条消息，在它经过中继时显示。点击一行可以看它的字节。";
    WireLooking => "Looking for relays…", "正在寻找中继…";
    WireColumns => "<th>time</th><th>#</th><th></th><th>size</th><th>message</th>",
        "<th>时间</th><th>#</th><th></th><th>大小</th><th>消息</th>";
    WireNoMessages => "No messages yet. Start a relay (<code>cargo run -p workbook -- wire 05</code>) and point your client at it.",
        "还没有消息。启动一个中继（<code>cargo run -p workbook -- wire 05</code>），再让你的客户端连接它。";
    WireNoRelay => "No relay is running: start one with cargo run -p workbook -- wire LESSON.",
        "没有中继在运行：用 cargo run -p workbook -- wire LESSON 启动一个。";
    WireRelays => r#""Relays: ""#, r#""中继：""#;
    WireMoreBytes => r#"" more bytes not shown""#, r#"" 个字节未显示""#;

    // The trace view's page (`traces/page.html`), the same way.
    TracesTitle => "<title>Traces — From Sockets to Services</title>", "<title>链路追踪 — 从套接字到服务</title>";
    TracesHeading => "<h1>Traces</h1>", "<h1>链路追踪</h1>";
    TracesIntro => "Each call your services traced, newest first: one row per span, under the span that called it, its bar on the call's time axis. Click a row for its attributes.",
        "你的服务追踪到的每次调用，最新的在前：每个 span 一行，排在调用它的 span 下面，条形是它在这次调用的时间轴上的位置。点击一行可以看它的属性。";
    TracesLooking => "Looking for the receiver…", "正在寻找接收器…";
    TracesColumns => "<th>service</th><th>span</th><th></th><th>duration</th>",
        "<th>服务</th><th>span</th><th></th><th>时长</th>";
    TracesNone => "No traces yet. Start a service with <code>OTEL_EXPORTER_OTLP_ENDPOINT</code> set to the receiver above, and call it.",
        "还没有链路。启动一个服务，把 <code>OTEL_EXPORTER_OTLP_ENDPOINT</code> 设为上面的接收器，再调用它。";
    TracesSendTo => r#""Services send their spans with OTEL_EXPORTER_OTLP_ENDPOINT=""#,
        r#""服务这样发送它们的 span：OTEL_EXPORTER_OTLP_ENDPOINT=""#;
    TracesNotRunning => r#""The receiver is not running: ""#, r#""接收器没有运行：""#;
    TracesDropped => r#"" more spans not kept""#, r#"" 个 span 没有保留""#;
    TracesError => r#"content: " error";"#, r#"content: " 错误";"#;
}

/// The wire view's page, fragment by fragment.
pub const WIRE_PAGE: &[Page] = &[
    Page::WireTitle,
    Page::WireHeading,
    Page::WireIntro,
    Page::WireLooking,
    Page::WireColumns,
    Page::WireNoMessages,
    Page::WireNoRelay,
    Page::WireRelays,
    Page::WireMoreBytes,
];

/// The trace view's page, fragment by fragment.
pub const TRACES_PAGE: &[Page] = &[
    Page::TracesTitle,
    Page::TracesHeading,
    Page::TracesIntro,
    Page::TracesLooking,
    Page::TracesColumns,
    Page::TracesNone,
    Page::TracesSendTo,
    Page::TracesNotRunning,
    Page::TracesDropped,
    Page::TracesError,
];
