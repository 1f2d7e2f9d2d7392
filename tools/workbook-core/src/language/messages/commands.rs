//! What the commands beside the loop say: `reset`, `report`, `lang`, `services`,
//! `up`/`status`/`down`, `book`, the rest of `doctor`, the errors a learner meets, and the
//! units and cuts of what is printed.

use super::messages;

messages! {
    pub enum Cmd;
    // Units and cuts.
    Seconds => "{value} s", "{value} 秒";
    MoreLines => "… {count} more lines", "… 还有 {count} 行";

    // Errors a learner meets; the system's own words for the commonest (std says them
    // in English whatever the locale).
    IoNotFound => "No such file or directory", "没有这个文件或文件夹";
    IoPermissionDenied => "Permission denied", "没有权限";
    IoAddrInUse => "Address already in use", "地址已被占用";
    IoNotADirectory => "Not a directory", "不是文件夹";
    NoSuchId => "no lesson or exercise is called `{id}` (the `list` command shows them all)",
        "没有叫 `{id}` 的课或练习（`list` 命令会列出全部）";
    NoWorkspace => "no Cargo workspace found above {dir}: run this inside the course's repository",
        "在 {dir} 及其上级目录中找不到 Cargo 工作区：请在课程的仓库里运行";
    NoSuchIdDidYouMean => "no lesson or exercise is called `{id}`; did you mean {close}?",
        "没有叫 `{id}` 的课或练习；你是不是想说 {close}？";
    LessonNotExercise => "`{id}` is a lesson; name one of its exercises: {exercises}",
        "`{id}` 是一课；请指明它的一个练习：{exercises}";
    ItHasNone => "(it has none)", "（它没有练习）";
    UnknownLang => "the runner speaks `en` and `zh-CN`, not `{text}`",
        "课程运行器（runner）只说 `en` 和 `zh-CN`，不说 `{text}`";

    // `reset`.
    NoPristineCopy => "there is no pristine copy of {file}: none in {dir}/stubs and none committed to git",
        "{file} 没有原始副本：{dir}/stubs 里没有，git 里也没有提交过";
    AlreadyStub => "{mark} {file} is already the stub.", "{mark} {file} 已经是初始桩代码。";
    RefuseWithoutAsking => "refusing to overwrite {file} without asking; pass --yes to reset it",
        "不询问就不会覆盖 {file}；要恢复它，请加上 --yes";
    ResetAsk => "Reset {file} to its stub? Your changes go to {dir}/backups/. [y/N] ",
        "把 {file} 恢复为初始桩代码吗？你的改动会保存到 {dir}/backups/。[y/N] ";
    LeftAsItIs => "Left as it is.", "保持原样。";
    BackToStub => "{mark} {file} is back to its stub.", "{mark} {file} 已恢复为初始桩代码。";

    // `lang`, alone.
    LangFromFlag => "{code} (--lang)", "{code}（--lang）";
    LangRemembered => "{code} (remembered by `lang`)", "{code}（由 `lang` 记住）";
    LangFromLocale => "{code} (from the shell's locale)", "{code}（来自 shell 的区域设置）";
    LangDefault => "{code} (the default)", "{code}（默认）";

    // `report`.
    ReportDone => "{name}  {count} done  {time}", "{name}  完成 {count}  {time}";
    ReportDoneIds => "  done: {ids}", "  已完成：{ids}";
    ReportNothingYet => "(nothing yet)", "（还没有）";
    ClassLearner => "learner", "学员";
    ClassTotal => "total", "合计";
    ClassSharedName => "{mark} more than one learner is named {name}: each has a row of their own (ask them to hand in again with {command})",
        "{mark} 不止一位学员叫 {name}：每人各占一行（请他们用 {command} 重新上交）";
    ClassNotRead => "{mark} {count} file(s) not read:", "{mark} 有 {count} 个文件没有读取：";
    ClassNoReports => "No reports found. Each learner runs {command} and hands in the file.",
        "没有找到报告。每位学员运行 {command} 并上交生成的文件。";
    WhoNeedsYou => "Who needs you now (stuck the longest first, as of each report):",
        "现在谁需要你（卡得最久的在前，以各自报告的时间为准）：";
    NobodyStuck => "  Nobody is stuck: every exercise checked last passed.", "  没有人卡住：每个最近检查的练习都通过了。";
    StuckOn => "  {name}  stuck on {id} for {minutes} min (checks: {attempts}, hints: {hints})",
        "  {name}  卡在 {id} 上 {minutes} 分钟（检查 {attempts} 次，看了 {hints} 条提示）";
    WhatStopsTheClass => "Which exercise stops the class:", "哪个练习卡住了全班：";
    ExerciseStops => "  {id}  {count} learners stuck on it, the longest for {minutes} min",
        "  {id}  {count} 位学员卡在这里，最长的已 {minutes} 分钟";
    ExerciseStopsOne => "  {id}  1 learner stuck on it, for {minutes} min",
        "  {id}  1 位学员卡在这里，已 {minutes} 分钟";
    ClassEmptyFolder => "a folder with no .json files", "文件夹里没有 .json 文件";
    ClassNotAReport => "not a report", "不是一份报告";
    ClassNotAReportAt => "not a report (line {line}, column {column})", "不是一份报告（第 {line} 行第 {column} 列有误）";
    ClassNoName => "the learner's name is empty", "学员的名字是空的";

    // `services`.
    ServicesFailed => "{count} service(s) did not start", "有 {count} 个服务没有启动";
    ServicesStopSee => "  Stop them with {down}; see them with {status}", "  用 {down} 停止它们；用 {status} 查看它们";
    UsingConsulAtEnv => "using the Consul at {value} (CONSUL_HTTP_ADDR)", "使用 {value} 上的 Consul（CONSUL_HTTP_ADDR）";
    AgentAlreadyRunning => "the embedded agent is already running on {addr} (pid {pid})",
        "内嵌的开发用 agent 已经在 {addr} 上运行（pid {pid}）";
    AnEmbeddedAgent => "an embedded agent", "一个内嵌的开发用 agent";
    AConsulAgent => "a Consul agent", "一个 Consul agent";
    AlreadyAnswersUsingIt => "{which} already answers on {addr}; using it", "{which} 已经在 {addr} 上应答；就用它";
    StartedAgent => "started the embedded agent on {addr} (pid {pid}); UI: {url}",
        "已在 {addr} 上启动内嵌的开发用 agent（pid {pid}）；UI：{url}";
    AlreadyRunningOn => "already running on {addr} (pid {pid})", "已经在 {addr} 上运行（pid {pid}）";
    RedisAlreadyAnswers => "a Redis server already answers on {addr}; using it", "已有一个 Redis 服务器在 {addr} 上应答；就用它";
    StartedRedis => "started redis-server on {addr} (pid {pid})", "已在 {addr} 上启动 redis-server（pid {pid}）";
    PortNotConsul => "port {port} is taken by something that is not Consul", "端口 {port} 被一个不是 Consul 的程序占用";
    PortNotRedis => "port {port} is taken by something that is not Redis", "端口 {port} 被一个不是 Redis 的程序占用";
    NatsAlreadyAnswers => "a NATS server with JetStream already answers on {addr}; using it",
        "已有一个开启了 JetStream 的 NATS 服务器在 {addr} 上应答；就用它";
    NatsAnswersWithoutJetStream => "a NATS server already answers on {addr}; using it, but it has no JetStream, which lesson 12's durable subscribers need (nats-server -js)",
        "已有一个 NATS 服务器在 {addr} 上应答；就用它，但它没有开启 JetStream，而第 12 课的持久订阅者需要它（nats-server -js）";
    StartedNats => "started nats-server on {addr} with JetStream (pid {pid}); its store: {store}",
        "已在 {addr} 上启动开启了 JetStream 的 nats-server（pid {pid}）；它的存储目录：{store}";
    PortNotNats => "port {port} is taken by something that is not NATS", "端口 {port} 被一个不是 NATS 的程序占用";
    NatsNotInstalled => "nats-server is not installed (lesson 12 needs it); install it with: {command}",
        "nats-server 没有安装（第 12 课需要它）；用这个命令安装：{command}";
    RedisNotInstalled => "redis-server is not installed; install it with: {command}", "redis-server 没有安装；用这个命令安装：{command}";
    StoppedAtOnce => "{name} stopped at once ({status}); the end of its log:\n{log}", "{name} 一启动就停止了（{status}）；它的日志末尾：\n{log}";
    DidNotAnswer => "{name} did not answer on {addr} within {seconds} s; see {log}", "{name} 在 {seconds} 秒内没有在 {addr} 上应答；请看 {log}";
    StoppedPid => "stopped (pid {pid})", "已停止（pid {pid}）";
    NotStartedHereLeftAlone => "not started by workbook; the one answering on {addr} is left alone",
        "不是 workbook 启动的；在 {addr} 上应答的那个保持不动";
    NotRunning => "not running", "没有运行";
    ConsulAtEnvAnswers => "the Consul at {value} (CONSUL_HTTP_ADDR) answers", "{value} 上的 Consul（CONSUL_HTTP_ADDR）有应答";
    UpStartedByWorkbook => "up    {addr}  pid {pid}  ({what} started by workbook)", "运行中  {addr}  pid {pid}（workbook 启动的{what}）";
    TheEmbeddedAgent => "embedded agent", "内嵌的开发用 agent";
    StartingOrStuck => "starting or stuck: pid {pid} does not answer on {addr}", "正在启动或卡住了：pid {pid} 没有在 {addr} 上应答";
    UpNotOurs => "up    {addr}  ({what})", "运行中  {addr}（{what}）";
    AgentNotStartedHere => "an embedded agent not started here", "一个不是在这里启动的内嵌 agent";
    RedisNotOurs => "a Redis server not started by workbook", "一个不是 workbook 启动的 Redis 服务器";
    NatsNotOurs => "a NATS server not started by workbook", "一个不是 workbook 启动的 NATS 服务器";
    NatsNotOursNoJetStream => "a NATS server not started by workbook, without JetStream", "一个不是 workbook 启动的 NATS 服务器，没有开启 JetStream";
    Down => "down  {why}", "未运行  {why}";
    NoConsulAnswers => "no Consul agent answers at {addr}: start one with {services} (or {up} for all of lessons 09–10), or point CONSUL_HTTP_ADDR at yours",
        "{addr} 上没有 Consul agent 应答：用 {services} 启动一个（或用 {up} 启动第 09–10 课的全部），或者把 CONSUL_HTTP_ADDR 指向你自己的";
    NoRedisAnswers => "no Redis answers at {addr}: start one with {services} (or {up} for all of lessons 09–10), or point REDIS_URL at yours",
        "{addr} 上没有 Redis 应答：用 {services} 启动一个（或用 {up} 启动第 09–10 课的全部），或者把 REDIS_URL 指向你自己的";
    NoNatsAnswers => "no NATS server answers at {addr}: start one with {services}, or point NATS_URL at yours",
        "{addr} 上没有 NATS 服务器应答：用 {services} 启动一个，或者把 NATS_URL 指向你自己的";
    NoConsulAtEnv => "no Consul agent answers at {value} (CONSUL_HTTP_ADDR): start it, or unset CONSUL_HTTP_ADDR and {services} starts the embedded agent",
        "{value}（CONSUL_HTTP_ADDR）上没有 Consul agent 应答：启动它，或者取消 CONSUL_HTTP_ADDR，由 {services} 启动内嵌的开发用 agent";
    NothingAnswersInSystem => "nothing answers at {addr}: {up} starts it again", "{addr} 上没有应答：{up} 会重新启动它";

    // `ports`: one base port for everything a copy of the course starts.
    BaseOutOfRange => "a base port must leave room for its block of 100 ports: 1..={last}",
        "基础端口之后要留出 100 个端口的位置：1..={last}";
    BaseNotAPort => "{var}={value} is not a port", "{var}={value} 不是一个端口";
    PortsBlock => "This copy of the course uses ports {base}–{last} (base port from {from}):",
        "这份课程使用端口 {base}–{last}（基础端口来自 {from}）：";
    PortsStandard => "This copy of the course uses the book's own ports (no base port set):",
        "这份课程使用书中的标准端口（没有设置基础端口）：";
    PortsUpSystem => "the system of `up`", "`up` 的系统";
    PortsUpParts => "captcha {one}, {two}; gateway {gateway}; Prometheus {prometheus}",
        "图片验证码 {one}、{two}；网关 {gateway}；Prometheus {prometheus}";
    PortsLessonServers => "lesson servers", "各课的服务器";
    PortsLab => "lesson 14's lab", "第 14 课的实验环境";
    PortsLabParts => "gateways {a}, {b}, {c}; Prometheus {prometheus} (on 127.0.0.1; {var} moves them; `l14-deploy down` frees them)",
        "网关 {a}、{b}、{c}；Prometheus {prometheus}（在 127.0.0.1 上；{var} 可以移动它们；`l14-deploy down` 释放它们）";
    PortsYourShell => "Point your shell at your own services, and give each lesson's server your port instead of the book's:",
        "让你的 shell 使用你自己的服务，并给每一课的服务器指定你的端口，而不是书中的端口：";
    StartedOnAnotherPort => "still running on the port of another base port (pid {pid}): stop it first with {down}",
        "仍在另一个基础端口的端口上运行（pid {pid}）：先用 {down} 停止它";
    ServicesYourShell => "  Point your own cargo run -p … at them, in each shell:",
        "  在每个 shell 中这样设置，你自己的 cargo run -p … 就会用它们：";

    // `up`, `status`, `down`.
    NothingStartedHere => "{mark} nothing started by {up} here (no {dir}/started.json)", "{mark} 这里没有 {up} 启动的东西（没有 {dir}/started.json）";
    ThePage => "  The page: {url}", "  页面：{url}";
    UpLogsSeeStop => "  Logs in {dir}; see the system with {status}, stop it with {down}", "  日志在 {dir}；用 {status} 查看系统，用 {down} 停止它";
    LogsStay => "  Their logs stay in {dir}", "  它们的日志保留在 {dir}";
    Answers => "{url}  answers", "{url}  有应答";
    AnswersWord => "answers", "有应答";
    DoesNotAnswer => "does not answer", "没有应答";
    InConsulAs => "{status} in Consul as {id}", "在 Consul 中为 {id}，状态 {status}";
    NotRegistered => "not registered in Consul", "没有在 Consul 中注册";
    NotStarted => "{url}  not started", "{url}  没有启动";
    NoGatewayYet => "lesson 10 is not in the workspace yet", "第 10 课还不在工作区里";
    PidAlive => "pid {pid} alive", "pid {pid} 运行中";
    PidNotRunning => "pid {pid} NOT running", "pid {pid} 没有在运行";
    NotStartedByUp => "not started by `up`", "不是 `up` 启动的";
    NotStartedByUpLeftAlone => "not started by `up`: left alone", "不是 `up` 启动的：保持不动";
    HadAlreadyStopped => "pid {pid} had already stopped", "pid {pid} 已经停止了";
    KilledAfterTerm => "killed (pid {pid}): it did not stop within {seconds} s of SIGTERM", "已强制结束（pid {pid}）：收到 SIGTERM 后 {seconds} 秒内没有停止";
    Deregistered => "deregistered {id} (it had not left Consul)", "已注销 {id}（它没有离开 Consul）";
    CouldNotDeregister => "could not deregister {id}: the agent answered {status}", "无法注销 {id}：agent 的应答是 {status}";
    Passing => "passing", "通过";
    Warning => "warning", "警告";
    Critical => "critical", "严重";

    BuildingWith => "  building {packages} with {answers} ...", "  正在用{answers}构建 {packages} ……";
    ReferenceAnswers => "the reference answers (--mine: yours)", "参考答案（--mine：你的答案）";
    YourAnswers => "your answers", "你的答案";
    BuildFailed => "the build of {packages} failed (cargo's messages are above)", "{packages} 构建失败（cargo 的消息在上面）";
    NoExecutable => "cargo built no executable named {package}", "cargo 没有构建出名为 {package} 的可执行文件";
    LessonPortTaken => "port {port} is taken (by a server of yours? `ss -ltnp 'sport = :{port}'` shows what)",
        "端口 {port} 已被占用（是你自己的服务器吗？`ss -ltnp 'sport = :{port}'` 可以看到是谁）";
    WasNotReady => "{name} was not ready within {seconds} s; see {log} (`down` stops what was started)",
        "{name} 在 {seconds} 秒内没有就绪；请看 {log}（`down` 会停止已启动的部分）";
    NoGatewayStartedRest => "lesson 10 is not in the workspace yet (no lessons/10-gateway/Cargo.toml): started everything else",
        "第 10 课还不在工作区里（没有 lessons/10-gateway/Cargo.toml）：其余部分都已启动";
    PageAnswers => "{url} answers (pid {pid})", "{url} 有应答（pid {pid}）";
    PassingInConsul => "{addr}, passing in Consul as `{service}` (pid {pid})", "{addr}，在 Consul 中以 `{service}` 通过健康检查（pid {pid}）";
    AgentOfServicesUp => "the embedded agent started by `services up`", "`services up` 启动的内嵌开发用 agent";
    AlreadyRunningAs => "already running on {addr} (pid {pid}), but as {running}: {down}, then {up}, runs {package}",
        "已经在 {addr} 上运行（pid {pid}），但运行的是 {running}：先 {down}，再 {up}，就会运行 {package}";
    AuditSubscribed => "subscribed to captcha.verified on {url} (pid {pid})", "已在 {url} 上订阅 captcha.verified（pid {pid}）";
    AuditCounts => "{checked} checked: {right} right, {wrong} wrong", "已验证 {checked} 次：{right} 次正确，{wrong} 次错误";
    AuditNotSubscribed => "not subscribed yet (see {log})", "还没有订阅（请看 {log}）";
    TheAudit => "  The audit: {counts} (a line for each check in {log})", "  审计：{counts}（每次验证在 {log} 中记一行）";
    NoAuditNoNats => "not started: the audit needs NATS (lesson 12), and nats-server is not installed (install it with: {command}); the captcha instances are lesson 09's, publishing nothing",
        "没有启动：审计需要 NATS（第 12 课），而 nats-server 没有安装（用这个命令安装：{command}）；验证码实例是第 09 课的，什么也不发布";
    NoAuditNoLesson12 => "not started: lesson 12 is not in the workspace yet; the captcha instances are lesson 09's, publishing nothing",
        "没有启动：第 12 课还不在工作区里；验证码实例是第 09 课的，什么也不发布";
    NoAuditMine => "not started: --mine runs your own lesson 09, which publishes nothing (the audit counts what lesson 12's captcha service publishes)",
        "没有启动：--mine 运行你自己的第 09 课，它什么也不发布（审计统计的是第 12 课的验证码服务发布的事件）";
    ThePrometheus => "  Prometheus: {url}", "  Prometheus：{url}";
    PrometheusScraping => "{url} ready, scraping the /metrics of {parts} every {seconds} s (pid {pid})",
        "{url} 已就绪，每 {seconds} 秒抓取一次 {parts} 的 /metrics（pid {pid}）";
    PrometheusTargetsUp => "ready, {up} of {all} targets up", "已就绪，{all} 个目标中有 {up} 个在线";
    NoPrometheus => "not installed: `up` started the system without it (lesson 15 reads the captcha service's metrics on it); install it with: {command}",
        "没有安装：`up` 在没有它的情况下启动了系统（第 15 课在它上面读验证码服务的指标）；用这个命令安装：{command}";
    PrometheusNothingToScrape => "not started: no part of this system serves /metrics (lesson 09's captcha service has none; lesson 12's, on lesson 11's framework, has)",
        "没有启动：这个系统里没有哪一部分提供 /metrics（第 09 课的验证码服务没有；第 12 课的验证码服务建在第 11 课的框架上，有）";

    // `book --pdf`.
    PdfPages => "{count} pages", "{count} 页";
    PdfPagesNotCounted => "pages not counted", "页数未统计";
    PdfSummary => "{pages}, {size} MB, {elapsed}", "{pages}，{size} MB，{elapsed}";
    PdfPrinted => "{mark} printed the book to {file} ({summary})", "{mark} 本书已打印到 {file}（{summary}）";
    PdfNoPrintPage => "the book has no print.html to print (book/book.toml must not turn off [output.html.print])",
        "本书没有可打印的 print.html（book/book.toml 不能关闭 [output.html.print]）";
    PdfNoBrowser => "the PDF is printed by headless Chromium, which does not start (`{why}`): install Chromium and its chromedriver with `{command}` (or set CHROME and CHROMEDRIVER to their paths)",
        "PDF 由无头 Chromium 打印，但它启动不了（`{why}`）：用 `{command}` 安装 Chromium 和它的 chromedriver（或把 CHROME 和 CHROMEDRIVER 设为它们的路径）";
    PdfTooSlow => "Chromium did not finish printing within {seconds} s", "Chromium 在 {seconds} 秒内没有打印完";
    PdfNotPrinted => "Chromium did not print the book: `{why}`", "Chromium 没有打印出本书：`{why}`";

    // `bundle`.
    BundleFolderNotEmpty => "{dir} already holds {name}, which a bundle does not write: give a new or empty folder",
        "{dir} 里已经有 {name}，它不是讲义包会写的文件：请给一个新的或空的文件夹";
    BundleNoAnswer => "{id} has no answer at {path}", "{id} 在 {path} 没有参考答案";

    // `book`.
    BuiltInto => "{mark} built the book into {dir} ({elapsed})", "{mark} 本书已构建到 {dir}（{elapsed}）";
    TranslationDoesNotBuild => "{mark} the translation does not build: {why}", "{mark} 译本无法构建：{why}";
    BookDoesNotBuild => "{mark} the book does not build: {why}", "{mark} 本书无法构建：{why}";
    StillServingLastGood => "{mark} the book does not build: {why}; still serving the last good one", "{mark} 本书无法构建：{why}；继续提供上一个能构建的版本";
    Serving => "{mark} serving the book on {url}", "{mark} 本书在 {url} 上提供";
    Rebuilt => "{mark} rebuilt the book", "{mark} 已重新构建本书";
    CtrlCToStop => "  Ctrl-C to stop.", "  按 Ctrl-C 停止。";
    PortBusy => "port {port} is busy (is the book already being served?)", "端口 {port} 已被占用（本书是不是已经在提供了？）";
    BookNotServed => "{mark} {why}; the book is not served here ({command} says who holds it)", "{mark} {why}；这里不提供本书（{command} 会说明是谁占用了端口）";
    OpenYourself => "  (could not start {opener}; open {url} yourself)", "  （无法启动 {opener}；请自己打开 {url}）";
    BookMeanwhile => "{mark} {url} answers at once with the book's chapters, read from their Markdown; it turns into the book once {program}, the book's server, is built (the first time only: a minute or two) and has made its pages",
        "{mark} {url} 立即提供本书的各章（直接从 Markdown 读取）；本书的服务器 {program} 构建好（仅第一次需要，一两分钟）并生成页面后，它会自动变成本书";
    BookServerDoesNotBuild => "the book's server ({program}) does not build", "本书的服务器（{program}）无法构建";

    // The book server's trace view (`/traces`).
    TracesReceiving => "{mark} receiving traces: run a service with OTEL_EXPORTER_OTLP_ENDPOINT={endpoint} and see its calls on {page}",
        "{mark} 正在接收链路：用 OTEL_EXPORTER_OTLP_ENDPOINT={endpoint} 运行服务，在 {page} 上看它的调用";
    TracesNotReceiving => "{mark} {page} shows no traces: {why}", "{mark} {page} 不会显示链路：{why}";
    // `/traces` on the book served alone (workbook-book), whose server has no trace view.
    TracesElsewhereTitle => "The trace view", "链路视图";
    TracesElsewhere => "This book is served alone, without lesson 15's trace view: the runner's other program serves the book with it. Quit the course session ({quit}) and start it again ({command}): on lesson 15, its book has the trace view. Without a session, {book} serves it.",
        "这里只提供本书本身，不带第 15 课的链路视图：运行器的另一个程序提供带链路视图的本书。退出课程会话（{quit}）再重新启动（{command}）：到了第 15 课，会话提供的本书就带有链路视图。不开会话时，{book} 会提供它。";
    TracesCannotListen => "the trace receiver cannot listen on {address} (does a collector or another book server hold it?)",
        "链路接收器无法在 {address} 上监听（是不是有一个收集器或另一个本书服务器占用了它？）";
    PortTheTraces => "the book's trace receiver (OTLP)", "本书的链路接收器（OTLP）";

    // `wire`: the banner (the `wire:` before it is the program's name) and the errors.
    WireRelay => "{protocol} relay listening on {relay}, forwarding to {to}", "{protocol} 中继在 {relay} 上监听，转发到 {to}";
    WireFeed => "the /wire page's feed listening on {feed}", "/wire 页面的数据源在 {feed} 上监听";
    WirePointClient => "point your client at {relays}; see each message on {page}. Ctrl-C stops.",
        "让你的客户端连接 {relays}；在 {page} 上看每条消息。按 Ctrl-C 停止。";
    WireOr => " or ", " 或 ";
    WireNoBook => "nothing serves {page} yet: `{command}` (or the runner with no command) serves the book and its /wire page; meanwhile `--print` shows each message here",
        "{page} 还没有人提供：`{command}`（或不带命令的运行器）会提供本书和它的 /wire 页面；在那之前，`--print` 会在这里显示每条消息";
    WireNoBookPrinting => "nothing serves {page} yet: `{command}` (or the runner with no command) serves the book and its /wire page; meanwhile each message is shown here",
        "{page} 还没有人提供：`{command}`（或不带命令的运行器）会提供本书和它的 /wire 页面；在那之前，每条消息都显示在这里";
    WireUnknownLesson => "the wire view knows lessons 01, 02, 03, 05, 11, 12 and 13; for another server say --to ADDR --protocol P",
        "wire 视图认识第 01、02、03、05、11、12 和 13 课；其他服务器请用 --to ADDR --protocol P";
    WireLesson04 => "lesson 04 has no server: `cargo run -p l04-protobuf -- addressbook` shows its bytes. Its messages cross the wire in lesson 05: `wire 05`",
        "第 04 课没有服务器：`cargo run -p l04-protobuf -- addressbook` 会显示它的字节。它的消息在第 05 课才在网络上传输：`wire 05`";
    WireProtocolPerTo => "give one --protocol for each --to", "每个 --to 都要有一个 --protocol";
    WireToPerServer => "this lesson has {count} server(s): give as many --to", "这一课有 {count} 个服务器：请给出同样多的 --to";
    WireListenPerServer => "give one --listen for each of the {count} server(s)", "{count} 个服务器每个都要有一个 --listen";
    WireLoopbackOnly => "the relay works on loopback only: {listen} → {to} is not", "中继只在回环地址上工作：{listen} → {to} 不是";
    WireCannotListen => "cannot listen on {listen} (is a relay already running?)", "无法在 {listen} 上监听（是不是已经有一个中继在运行？）";

    // `doctor`, the rest.
    DoctorCjkFontMac => "a CJK font (macOS has one)", "CJK 字体（macOS 自带）";
    DoctorDocker => "Docker {engine} and Compose {compose} (lesson 14's lab of three hosts)",
        "Docker {engine} 和 Compose {compose}（第 14 课的三台主机实验环境）";
    DoctorNoDocker => "Docker is not installed: lesson 14's lab needs it (every other lesson runs without it); install Docker Engine and Compose (Debian: `apt-get install docker.io docker-compose`)",
        "Docker 没有安装：第 14 课的实验环境需要它（其余各课都不需要）；请安装 Docker Engine 和 Compose（Debian：`apt-get install docker.io docker-compose`）";
    DoctorDockerNotRunning => "Docker is installed but its daemon does not answer: start it (`sudo systemctl start docker`) for lesson 14's lab",
        "Docker 已安装，但它的守护进程没有应答：为第 14 课的实验环境启动它（`sudo systemctl start docker`）";
    DoctorNoCompose => "Docker runs, but Compose is missing (neither `docker compose` nor `docker-compose`): lesson 14's lab needs it (Debian: `apt-get install docker-compose`)",
        "Docker 在运行，但缺少 Compose（`docker compose` 和 `docker-compose` 都没有）：第 14 课的实验环境需要它（Debian：`apt-get install docker-compose`）";
    DoctorCjkFont => "a CJK font for the book's Chinese text ({font})", "用于本书中文的 CJK 字体（{font}）";
    DoctorNoCjkFont => "no CJK font (`fc-list :lang=zh` finds none): the book's Chinese text shows as boxes; install one with: {command}",
        "没有 CJK 字体（`fc-list :lang=zh` 找不到）：本书的中文会显示成方框；用这个命令安装：{command}";
    DoctorChromium => "{version} and chromedriver (the browser checks, the book's PDF)", "{version} 和 chromedriver（浏览器检查、本书的 PDF）";
    DoctorChromiumCannotPrint => "{version} and chromedriver print no PDF, so `book --pdf` and `bundle` fail: {why}",
        "{version} 和 chromedriver 打印不出 PDF，所以 `book --pdf` 和 `bundle` 会失败：{why}";
    DoctorNoChromium => "chromium or chromedriver is missing: the browser checks of the book and of lesson 10's page will be skipped; install them with: {command}",
        "缺少 chromium 或 chromedriver：本书和第 10 课页面的浏览器检查会跳过；用这个命令安装：{command}";
    DoctorOpenSsl => "OpenSSL headers {version}", "OpenSSL 头文件 {version}";
    DoctorNoOpenSslNeeded => "OpenSSL headers not found (no dependency needs them)", "没有找到 OpenSSL 头文件（没有依赖需要它们）";
    DoctorNoPkgConfig => "pkg-config is not installed (needed to find OpenSSL when building)", "pkg-config 没有安装（构建时要靠它找到 OpenSSL）";
    DoctorNoOpenSsl => "OpenSSL headers are missing (a dependency links OpenSSL)", "缺少 OpenSSL 头文件（有依赖链接 OpenSSL）";
    DoctorRustOld => "{version} is older than the {needed} this course needs", "{version} 比本课程需要的 {needed} 旧";
    DoctorInstallWith => "install {packages} with your system's package manager (Debian's names)", "用系统的包管理器安装 {packages}（Debian 的包名）";
    DoctorPortFree => "port {port} is free ({usual})", "端口 {port} 空闲（{usual}）";
    DoctorPortUsedBy => "port {port} is in use by {who}", "端口 {port} 正被{who}使用";
    DoctorPortBusy => "port {port} ({usual}) is in use by something else; `ss -ltnp 'sport = :{port}'` shows what",
        "端口 {port}（{usual}）被别的程序占用；`ss -ltnp 'sport = :{port}'` 可以看到是谁";
    DoctorOurBookServer => "the course's book server", "本课程的本书服务器";
    DoctorOurAgent => "the embedded agent started by workbook (pid {pid})", "workbook 启动的内嵌开发用 agent（pid {pid}）";
    DoctorOurRedis => "redis-server started by workbook (pid {pid})", "workbook 启动的 redis-server（pid {pid}）";
    DoctorARedis => "a Redis server", "一个 Redis 服务器";
    DoctorOurNats => "nats-server started by workbook (pid {pid})", "workbook 启动的 nats-server（pid {pid}）";
    DoctorANats => "a NATS server", "一个 NATS 服务器";
    PortTheBook => "the book", "本书";
    PortLesson09Captcha => "lesson 09's captcha", "第 09 课的验证码服务";
    PortSecondCaptcha => "the second captcha of `up`", "`up` 的第二个验证码服务";
    PortLesson10Gateway => "lesson 10's gateway", "第 10 课的网关";
    PortUpPrometheus => "the Prometheus of `up`", "`up` 的 Prometheus";
}
