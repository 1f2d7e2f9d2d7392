//! The loop's messages: the course map, `check`, `hint` and `solution`, the session,
//! why a test failed, `lang`, `doctor`, and what the book's preprocessors write.

use super::messages;

messages! {
    pub enum Msg;
    // The course map (`list`, the session's start).
    NoLessons => "  No lessons yet (each one is lessons/NN-topic/lesson.toml).",
        "  还没有课（每一课是一个 lessons/NN-topic/lesson.toml）。";
    TimeLeft => "  · about {time} left", "  · 约剩 {time}";
    NextPointer => "◀ next", "◀ 下一个";
    CurrentFile => "  file   {file}", "  文件   {file}";
    CurrentRun => "  run    {command}", "  运行   {command}";
    ModelRebuild => "         (you rebuild parts of the worked example beside it; it runs as it is)",
        "         （你在示例代码旁重写它的一部分；示例代码本身照常运行）";
    ModelCallsYours => "         (the worked example calls your code, and names an exercise it meets unfinished; with `--features solution` it runs on the reference answers)",
        "         （示例代码会调用你的代码，遇到还没完成的练习时会说出它的名字；加上 `--features solution`，它就用参考答案运行）";
    CurrentCheck => "  check  {command}", "  检查   {command}";
    CurrentAddr => "  addr   --addr {addr} for this lesson's server: your ports start at {base} (see {ports})",
        "  地址   这一课的服务器用 --addr {addr}：你的端口从 {base} 开始（见 {ports}）";
    CurrentRead => "  read   {url}", "  阅读   {url}";
    WhereIs => "{id} (lesson {number})", "{id}（第 {number} 课）";

    // `check`.
    NothingToCheck => "There are no exercises to check yet.", "还没有可以检查的练习。";
    Checking => "Checking", "正在检查";
    Passed => "{mark} {id} passed ({count} tests, {elapsed})   {lesson} {progress}",
        "{mark} {id} 通过（{count} 个测试，{elapsed}）   {lesson} {progress}";
    CompareWithAnswer => "  Compare with the reference answer: {how}",
        "  对照参考答案：{how}";
    NextToCheck => "  Next: {where} · {title}  ({file})\n        {command}",
        "  下一个：{where} · {title}（{file}）\n        {command}";
    LastExerciseDone => "That was the last open exercise: the course is done!",
        "这是最后一个未完成的练习：整门课程完成了！";
    Failed => "{mark} {id}: {why} ({elapsed}).", "{mark} {id} 未通过：{why}（{elapsed}）。";
    TestsDidNotEnd => "its tests did not run to the end", "测试没有运行完";
    MoreErrors => "… and {count} more errors", "… 还有 {count} 个错误";
    TestsFailed => "{failed} of {total} tests failed", "{total} 个测试中有 {failed} 个失败";
    TimedOut => "its tests did not finish within {seconds} s (something waits for a reply that never comes)",
        "测试没有在 {seconds} 秒内结束（有代码在等一个永远不会到来的应答）";
    TimedOutShort => "timed out", "超时";
    DoesNotCompile => "it does not compile", "代码无法编译";
    DoesNotCompileAt => "does not compile: {at}", "无法编译：{at}";
    NotBuilt => "cargo built no test `{test}` for {package}; is tests/{test}.rs there?",
        "cargo 没有为 {package} 构建测试 `{test}`；tests/{test}.rs 存在吗？";
    NoTestTarget => "no test target `{test}`", "没有测试目标 `{test}`";
    EditThenCheck => "  Edit {file}, then {command}", "  修改 {file}，然后运行 {command}";
    EditAndSave => "  Edit {file} and save it: it is checked again.",
        "  修改 {file} 并保存：保存后会重新检查。";
    StuckHint => "  Stuck? {how} ({seen} of {total} hints seen)",
        "  卡住了？{how}（已看 {seen}/{total} 条提示）";
    NotCheckedBuildFailed => "{mark} {id} was not checked: the build failed before its test was built ({elapsed}).",
        "{mark} {id} 没有检查：构建在它的测试之前就失败了（{elapsed}）。";
    NotCheckedErrorIn => "{mark} {id} was not checked: the build stops at an error in {at}{whose} ({elapsed}).",
        "{mark} {id} 没有检查：构建停在 {at}{whose} 的一个错误上（{elapsed}）。";
    StaysPassed => "stays passed", "仍算通过";
    KeepsProgress => "keeps its progress", "的进度保留";
    FixFirstThenCheck => "  Fix that file first; {id} {kept}. Then {command}",
        "  先修好那个文件；{id} {kept}。然后运行 {command}";
    FixAndSave => "  Fix that file and save it; {id} {kept}.",
        "  修好那个文件并保存；{id} {kept}。";
    NotCheckedDoesNotCompile => "not checked: {at} does not compile", "没有检查：{at} 无法编译";
    NotCheckedBuild => "not checked: the build failed", "没有检查：构建失败";
    ExercisesPass => "{mark} {passed} of {total} exercises pass.   course {progress}",
        "{mark} {total} 个练习中有 {passed} 个通过。   课程 {progress}";
    Details => "  Details: {command}", "  详情：{command}";

    // `hint` and `solution`.
    NoHints => "{id} has no hints, sorry. Its test file says what is checked.",
        "抱歉，{id} 没有提示。它的测试文件写明了检查什么。";
    HintOf => "Hint {number} of {total} for {id}:", "{id} 的提示 {number}/{total}：";
    AnotherHint => "  Another hint: {how}", "  下一条提示：{how}";
    EveryHintShown => "  That is every hint. The solution unlocks once {check} passes.",
        "  提示已经全部给出。{check} 通过后，参考答案就会解锁。";
    SolutionLocked => "{mark} The solution of {id} unlocks once your own passes: {command}",
        "{mark} 你自己的 {id} 通过后，参考答案才会解锁：{command}";
    StuckTeachers => "  Stuck? {command}  (teachers: add --force)",
        "  卡住了？{command}（教师：加上 --force）";
    SolutionLockedKey => "{mark} The solution of {id} unlocks once your own passes. Stuck? {how}",
        "{mark} 你自己的 {id} 通过后，参考答案才会解锁。卡住了？{how}";
    PressKey => "press {key}", "按 {key}";

    // The session.
    Keys => "h hint (again: the next) · s solution · l list, go to · n next · c check all · r re-check · q quit",
        "h 提示（再按：下一条） · s 参考答案 · l 列表、跳转 · n 下一个 · c 全部检查 · r 重新检查 · q 退出";
    SessionNext => "  Next: {where} · {title}  (press {key} to go on)",
        "  下一个：{where} · {title}（按 {key} 继续）";
    CourseDone => "Every exercise is done: the course is done!", "所有练习都完成了：整门课程完成了！";
    SaveToCheck => "  Save the file and it is checked again (save another exercise's file to go there).",
        "  保存文件就会重新检查（保存另一个练习的文件就会转到那个练习）。";
    NoExercisesYet => "There are no exercises yet.", "还没有练习。";
    AllDoneWellDone => "{mark} {done}/{total}: every exercise is done. Well done!",
        "{mark} {done}/{total}：所有练习都完成了。干得好！";
    NothingToHint => "Nothing left to hint at: every exercise is done.",
        "没有需要提示的了：所有练习都已完成。";
    NotAnExerciseOf => "lesson {lesson} has {count} exercises: {typed} is not one of them",
        "第 {lesson} 课有 {count} 个练习：{typed} 不是其中之一";
    NameOneForHints => "every exercise is done; name one to see its hints",
        "所有练习都已完成；要看提示，请指明一个练习";
    LessonHasNoExercises => "lesson {lesson} has no exercises yet", "{lesson} 这一课还没有练习";
    AllDoneAnyAnswer => "Every exercise is done: {command} shows any answer.",
        "所有练习都已完成：{command} 可以查看任意参考答案。";
    NoExerciseAfter => "There is no exercise after this one.", "这之后没有练习了。";
    SavedOtherLesson => "{mark} saved {file}, of lesson {number} ({lesson}); still on {current}: press {key} to go to another exercise",
        "{mark} 保存了第 {number} 课（{lesson}）的 {file}；当前仍是 {current}：按 {key} 转到另一个练习";
    Polling => "{mark} file events are unavailable: looking for saves every second",
        "{mark} 无法收到文件事件：改为每秒查看一次是否保存";
    NowOn => "{mark} now on {where}", "{mark} 当前练习：{where}";
    BookIsAt => "{mark} the book is at {url}", "{mark} 本书在 {url}";
    BuildingAhead => "{mark} built ahead while you read, in the background at low priority: {what}",
        "{mark} 趁你阅读时在后台以低优先级提前构建：{what}";
    AheadStopped => "{mark} stopped building ahead: a check needs cargo; it goes on when you open a chapter again",
        "{mark} 已停止提前构建：有检查需要 cargo；再次打开章节时继续";
    BookBeingBuilt => "{mark} the book's server is being built, the first time only (a minute or two; a check started meanwhile waits for it): meanwhile {url} shows each chapter from its Markdown and says how far, and turns into the book when it is up",
        "{mark} 正在构建本书的服务器，仅第一次需要（一两分钟；其间开始的检查会等它完成）：这期间 {url} 直接从 Markdown 显示各章并显示进度，服务器就绪后自动变成本书";
    // The page at the book's address while its server is on its way (`book/waiting.rs` in tools/workbook).
    WaitingTitle => "The book is on its way", "本书正在路上";
    WaitingQueued => "Its server is built as soon as your first check's build is done (the first time only).",
        "你的第一次检查构建完成后，马上构建它的服务器（仅第一次需要）。";
    WaitingBuilding => "Its server is being built (the first time only): {done} of {total} steps done.",
        "正在构建它的服务器（仅第一次需要）：{total} 步中已完成 {done} 步。";
    WaitingStarting => "Its server is being built (the first time only).",
        "正在构建它的服务器（仅第一次需要）。";
    WaitingRendering => "Its server is built; the pages of both editions are being made.",
        "服务器已构建好，正在生成两个版本的页面。";
    WaitingBroken => "Its server does not build: the session's terminal says why.",
        "它的服务器无法构建：会话的终端里写明了原因。";
    WaitingReloads => "This page turns into the chapter by itself once the book is up.",
        "本书就绪后，这个页面会自动变成该章节。";
    // A chapter's page until then (`book/preview.rs` there), under the line that says how far.
    PreviewNote => "Until then, here is the chapter in plain form, its listings included: it turns into the book's page by itself.",
        "在此之前，先在这里以简单的形式阅读本章，代码清单都已包含：本书就绪后，它会自动变成书中的这一页。";
    PreviewInEnglish => "The translated edition is made by the book's server: until then, the chapter is in English.",
        "译本由本书的服务器生成：在此之前，本章先以英文显示。";
    FullDoesNotBuild => "the runner's other program ({program}) does not build",
        "运行器的另一个程序（{program}）无法构建";
    NowPointer => " ◀ now", " ◀ 当前";
    GoTo => "Go to: a lesson ({lesson}), an exercise ({exercise}) or an id, then Enter; Enter alone stays here.",
        "转到：输入课号（{lesson}）、练习编号（{exercise}）或 id，然后按 Enter；直接按 Enter 留在这里。";
    Bye => "\nBye! Your progress is saved; {command} picks up where you left off.",
        "\n再见！进度已保存；{command} 会从你离开的地方继续。";

    // Why a test failed (`learner/failure.rs`): the panic's place and message stay as
    // the program printed them.
    NotWrittenYet => "your code is not written yet: {at}", "你的代码还没有写：{at}";
    NotWrittenYetWhat => "your code is not written yet: {at}: {what}",
        "你的代码还没有写：{at}：{what}";
    YourCodePanicked => "your code panicked: {at}: {message}",
        "你的代码 panic 了：{at}：{message}";
    TestGaveUp => "the test gave up after {after} waiting for {what}; look at {file}",
        "测试等了 {after} 后放弃了，它在等：{what}；请看 {file}";
    TestAssertion => "the test's assertion: {at}: {message}", "测试的断言：{at}：{message}";
    TestPanicked => "the test panicked: {at}: {message}", "测试 panic 了：{at}：{message}";
    TestStopped => "the test stopped at {at}: {message}", "测试停在 {at}：{message}";
    // The same, as the class's wall shows it: the reason first, its place after it.
    ReasonNotWrittenYet => "not written yet", "还没有写";
    ReasonNotWrittenYetWhat => "not written yet: {what}", "还没有写：{what}";
    ReasonYourCodePanicked => "their code panicked: {message}", "代码 panic 了：{message}";
    ReasonTestGaveUp => "the test gave up after {after} waiting for {what}", "测试等了 {after} 后放弃了，它在等：{what}";
    // Rust's own words in a failed assertion, and the two sides of an `assert_eq!` named by
    // the expressions the test compared (so that the learner's value is told from the one
    // expected).
    AssertionFailed => "assertion failed", "断言不成立";
    AssertionSidesFailed => "assertion `left {op} right` failed", "断言 `left {op} right` 不成立";
    AssertionSide => "  {side}{expr}: {value}", "  {side}{expr}：{value}";

    // `lang`, said in the language just chosen.
    LangChosen => "{mark} the runner speaks English from now on",
        "{mark} 课程运行器（runner）从现在起说中文";
    LangAuto => "{mark} the runner follows the shell's locale again (LANG, LC_ALL, LANGUAGE)",
        "{mark} 课程运行器（runner）重新跟随 shell 的区域设置（LANG、LC_ALL、LANGUAGE）";

    // `doctor`'s frame and advice.
    DoctorToolchain => "Toolchain", "工具链";
    DoctorServices => "Services", "服务";
    DoctorEtcd => "Lessons 11 and 13 (etcd)", "第 11 课和第 13 课（etcd）";
    DoctorNats => "Lesson 12 (NATS)", "第 12 课（NATS）";
    DoctorDockerLab => "Lesson 14 (Docker)", "第 14 课（Docker）";
    DoctorBuild => "Build and test needs", "构建和测试所需";
    DoctorPorts => "Ports", "端口";
    DoctorFix => "      fix: {command}", "      修复：{command}";
    DoctorReady => "{mark} ready. Start the services once with {services}, or all of lessons 09–10 with {up}",
        "{mark} 一切就绪。用 {services} 启动一次服务，或用 {up} 启动第 09–10 课的整个系统";
    DoctorFixAll => "To fix everything at once:", "一次修复全部：";
    DoctorMissing => "{count} required thing(s) missing", "缺少 {count} 项必需的东西";

    // `doctor`'s findings on its tools (names, versions and addresses stay English).
    DoctorNoCargo => "cargo is not installed", "cargo 没有安装";
    DoctorNoRustc => "rustc is not installed", "rustc 没有安装";
    DoctorNoEtcd => "etcd is not installed (the tests of lessons 11 and 13 start a private etcd cluster)",
        "etcd 没有安装（第 11 课和第 13 课的测试会启动一个私有的 etcd 集群）";
    DoctorNoEtcdctl => "etcdctl is not installed (chapters 11 and 13 look at the cluster with it)",
        "etcdctl 没有安装（第 11 章和第 13 章用它查看集群）";
    DoctorNoNats => "nats-server is not installed (lesson 12's tests start a private NATS server)",
        "nats-server 没有安装（第 12 课的测试会启动一个私有的 NATS 服务器）";
    DoctorNoProtoc => "protoc is not installed (building the etcd client of lessons 11 and 13 needs it)",
        "protoc 没有安装（构建第 11 课和第 13 课的 etcd 客户端需要它）";
    DoctorNoRedis => "redis-server is not installed (lessons 09-10 and their tests need it)",
        "redis-server 没有安装（第 09-10 课和它们的测试需要它）";
    DoctorNoConsul => "consul is not installed: the embedded agent will be used (that is fine)",
        "consul 没有安装：将使用内嵌的开发用 agent（这没有问题）";
    DoctorNoPython => "python3 is not installed (lesson 03's interoperability test runs a Python client)",
        "python3 没有安装（第 03 课的互操作测试会运行一个 Python 客户端）";
    DoctorMirrorAnswers => "cargo takes the course's crates from the room's mirror at {url} (set in {file}), and it answers",
        "cargo 从教室的镜像 {url} 获取课程的 crate（在 {file} 中设置），镜像有应答";
    DoctorMirrorSilent => "cargo takes the course's crates from the room's mirror at {url} (set in {file}), which does not answer: is the teacher's class serve --mirror running, and this laptop on the room's network? Without the room, remove the file: cargo goes back to the public registry",
        "cargo 从教室的镜像 {url} 获取课程的 crate（在 {file} 中设置），但镜像没有应答：老师的 class serve --mirror 在运行吗？这台电脑连在教室的网络上吗？离开教室后请删除这个文件，cargo 就会回到公共仓库";
    DoctorEtcdctlFound => "{version} (chapters 11 and 13 look at the cluster with it)",
        "{version}（第 11 章和第 13 章用它查看集群）";
    DoctorProtocFound => "{version} (the etcd client of lessons 11 and 13 is built with it)",
        "{version}（第 11 课和第 13 课的 etcd 客户端用它构建）";
    DoctorConsulFromEnv => "consul: CONSUL_HTTP_ADDR={value} will be used",
        "consul：将使用 CONSUL_HTTP_ADDR={value}";
    DoctorConsulFound => "{version} (a real agent will be used)", "{version}（将使用真实的 Consul agent）";

    // Any command's failure, before its reason (which may stay English).
    ErrorPrefix => "error: ", "错误：";

    // What the book's preprocessors write into each edition's chapters.
    BookLessonTime => "About {total} min: reading {reading}, running {run}, exercises {exercises}, going over the solutions {solutions}.",
        "约 {total} 分钟：阅读 {reading}，运行 {run}，练习 {exercises}，讲解参考答案 {solutions}。";
    BookSittings => " In {count} sittings ({minutes} min): the chapter marks where to stop.",
        "分 {count} 次学完（{minutes} 分钟）：章节中标出了在哪里停下。";
    BookPlaceToStop => "⏸ A place to stop: sitting {n} of {count} ends here, about {minutes} min with its exercises ({exercises}), which need nothing below. The next sitting is about {next} min.",
        "⏸ 可以在这里停下：第 {n} 次（共 {count} 次）到此结束，连同练习（{exercises}）约 {minutes} 分钟，这些练习不需要下面的内容。下一次约 {next} 分钟。";
    BookTeacherNotes => "Teacher notes", "教师注释";
}
