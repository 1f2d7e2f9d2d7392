//! Every command's `--help`, in each language: what each command does and each of its
//! arguments ([`text`] finds it by the command's path), and the words clap would otherwise
//! print in English (the headings, `-h`, its errors). `cli/localise.rs` writes them into
//! the command line at run time, so its declarations carry no text of their own.

use super::messages;

messages! {
    pub enum Help;
    Root => "The course runner: progress, checks, hints, the book and the services",
        "课程运行器（runner）：进度、检查、提示、本书和服务";
    RootAfter => "With no command, shows your progress, serves the book on http://127.0.0.1:3000/ and re-checks the current exercise every time you save it.\n\nThe runner's other two programs are built the first time they are needed: workbook-book (the book alone, a minute or two) for `book` and the session's book; workbook-full (several minutes) for `book --traces` and `book --pdf`, `bundle`, `report`, `doctor`, `up`, `status`, `down`, `ports`, `wire`, `services` and the teacher's `class` commands.",
        "不带命令运行时：显示你的进度，在 http://127.0.0.1:3000/ 提供本书，并在你每次保存时重新检查当前练习。\n\n运行器的另外两个程序在第一次需要时构建：workbook-book（只有本书，一两分钟）用于 `book` 和会话中的本书；workbook-full（几分钟）用于 `book --traces` 和 `book --pdf`、`bundle`、`report`、`doctor`、`up`、`status`、`down`、`ports`、`wire`、`services` 以及教师的 `class` 命令。";
    RootLang => "Speak `en` or `zh-CN` (中文) for this command; `lang` remembers a choice",
        "本次命令使用 `en` 或 `zh-CN`（中文）；`lang` 命令可以记住选择";
    List => "Every lesson and exercise with its progress", "每一课和每个练习及其进度";
    Watch => "The course session, starting at an exercise (`register.two-instances`) or at the first open exercise of a lesson (`06`, `register`, `l06-register`)",
        "课程会话，从一个练习（`register.two-instances`）或一课的第一个未完成练习（`06`、`register`、`l06-register`）开始";
    WatchTarget => "An exercise or a lesson; the first open exercise of the course if left out",
        "一个练习或一课；省略时为整门课程的第一个未完成练习";
    Check => "Build and run the tests of an exercise, a lesson, or (with no ID) everything",
        "构建并运行一个练习、一课或（不给 ID 时）全部练习的测试";
    CheckId => "An exercise (`tcp.echo`) or a lesson (`tcp`); all exercises if left out",
        "一个练习（`tcp.echo`）或一课（`tcp`）；省略时为全部练习";
    Hint => "The next hint for an exercise (the current one if no ID is given)",
        "某个练习的下一条提示（不给 ID 时为当前练习）";
    HintId => "An exercise (`tcp.echo`); the current one if left out", "一个练习（`tcp.echo`）；省略时为当前练习";
    HintAll => "Every hint at once", "一次给出全部提示";
    Solution => "The reference answer, once your own passes; a lesson id shows all of its answers",
        "参考答案，在你自己的答案通过之后；给出课的 id 时显示它的全部参考答案";
    SolutionId => "An exercise (`rpc.frame`) or a whole lesson (`rpc`, `02-rpc`)",
        "一个练习（`rpc.frame`）或整课（`rpc`、`02-rpc`）";
    SolutionForce => "Show it anyway (for teachers)", "无论如何都显示（供教师使用）";
    Reset => "Put an exercise file back to its stub (your version is kept in .workbook/backups)",
        "把练习文件恢复为初始桩代码（你的版本保存在 .workbook/backups）";
    ResetId => "The exercise (`tcp.echo`)", "要恢复的练习（`tcp.echo`）";
    ResetYes => "Do not ask first", "不先询问";
    Book => "Serve the book on 127.0.0.1, rebuilt when its sources change, with workbook-book, the book alone (built the first time: a minute or two, its chapters readable meanwhile); with workbook-full, which adds the trace view, once that is built or with --traces",
        "在 127.0.0.1 上提供本书，源文件改变时重新构建；由只含本书的 workbook-book 提供（第一次使用时构建：一两分钟，其间已能阅读各章）；workbook-full 已构建好或给出 --traces 时，由它提供，并带有链路视图";
    BookOpen => "Open it in the browser too", "同时在浏览器中打开";
    BookPort => "The port to serve it on (default: 3000, or the base port + 5; 0: any free port)", "提供本书的端口（默认 3000，或基础端口 + 5；0 表示任意空闲端口）";
    BookPdf => "Print the whole book to this PDF file instead (needs Chromium), and exit",
        "改为把整本书打印成这个 PDF 文件（需要 Chromium），然后退出";
    BookTeacher => "With --pdf: keep the teacher notes, opened (a learner's copy leaves them out)",
        "与 --pdf 一起：保留教师注释并展开（学员版不含教师注释）";
    BookTraces => "Serve it with the trace view, which receives the services' traces by OTLP (on 4317, or the base port + 9) and shows them at /traces: workbook-full, built first if it is not (several minutes the first time)",
        "带链路视图提供本书：通过 OTLP 接收各服务的链路（在 4317 上，或基础端口 + 9），并在 /traces 显示；由 workbook-full 提供，尚未构建时先构建它（第一次需要几分钟）";
    BookLang => "Build only this edition: `en`, or a translation (`zh-CN`, served at /zh-CN/)",
        "只构建这个版本：`en` 或某个译本（`zh-CN`，在 /zh-CN/ 提供）";
    BookForSession => "Serve every edition for the course session, and stop when standard input closes",
        "为课程会话提供所有版本，标准输入关闭时停止";
    Bundle => "Write the handout to DIR for a class with no network: the book to read from disk, the book as a PDF, and every lesson's solutions",
        "把讲义写入 DIR，供没有网络的课堂使用：可从磁盘阅读的本书、PDF 版本书和每一课的参考答案";
    BundleDir => "The folder to write it to", "写入的文件夹";
    BundleTeacher => "Print the PDF with the teacher notes", "打印带教师注释的 PDF";
    BundleLang => "The edition the PDF is printed from and the README points at (`zh-CN`); the English book is always there too",
        "打印 PDF 和 README 所指向的版本（`zh-CN`）；英文版总是一并包含";
    Report => "Your progress in one block; `--json` makes a file to hand in, `--class` reads many",
        "用一段文字显示你的进度；`--json` 生成要上交的文件，`--class` 读取多份报告";
    ReportName => "The name on the report (default: `git config user.name`, else $USER)",
        "报告上的名字（默认：`git config user.name`，其次 $USER）";
    ReportJson => "Print it as JSON, to save and hand in: `report --json > ada.json`",
        "以 JSON 输出，用于保存和上交：`report --json > ada.json`";
    ReportClass => "Handed-in reports (files, or folders of .json files): who needs help now, which exercise stops the class, and one row per learner",
        "上交的报告（文件，或装有 .json 文件的文件夹）：现在谁需要帮助、哪个练习卡住了全班，以及每位学员一行";
    Lang => "The language the runner speaks: `lang zh-CN` (中文) or `lang en` remembers it, `lang auto` follows the shell's locale again; alone, says which it is",
        "课程运行器使用的语言：`lang zh-CN`（中文）或 `lang en` 记住选择，`lang auto` 重新跟随 shell 的区域设置；不带参数时显示当前语言";
    LangCode => "`en`, `zh-CN` or `auto`", "`en`、`zh-CN` 或 `auto`";
    Doctor => "Is this machine ready for the course? Says how to fix what is not",
        "这台机器准备好上课了吗？并说明如何修复没准备好的部分";
    Up => "Start the system of lessons 09–12 in the background: Consul, Redis, NATS, two captcha instances that publish every check, the audit that counts them, and the gateway, with a Prometheus that scrapes their metrics where one is installed (lesson 15); waits until each is ready and prints the page's address and Prometheus'",
        "在后台启动第 09–12 课的系统：Consul、Redis、NATS、两个在每次验证后发布事件的验证码实例、统计这些事件的审计，以及网关；装有 Prometheus 时，再加上一个抓取它们指标的 Prometheus（第 15 课）；等每一部分都就绪后打印页面和 Prometheus 的地址";
    UpMine => "Run your own answers to lessons 09 and 10 instead of the reference answers (the gateway's routes are exercises of lesson 10: until yours pass, the page needs the reference answers to work); your lesson 09 publishes nothing, so no audit runs",
        "运行你自己的第 09、10 课答案，而不是参考答案（网关的路由是第 10 课的练习：在你的答案通过之前，页面要靠参考答案才能工作）；你的第 09 课什么也不发布，所以不运行审计";
    BasePort => "Run a separate copy on the ports from this one (Consul, Redis, two captchas and the gateway on the first five, NATS on the seventh, Prometheus on the ninth) instead of 8500, 6379, 7009, 7109, 7010, 4222 and 7090; give it to `status` and `down` too (or set WORKBOOK_BASE_PORT, or once for this clone: `ports --base`)",
        "从这个端口起运行一份独立的系统（前五个端口给 Consul、Redis、两个验证码实例和网关，第七个给 NATS，第九个给 Prometheus），而不是 8500、6379、7009、7109、7010、4222 和 7090；`status` 和 `down` 也要给出它（或设置 WORKBOOK_BASE_PORT，或为这份克隆设置一次：`ports --base`）";
    Ports => "Every port this copy of the course uses (Consul, Redis, NATS, the book, `up`, the lesson servers), and the lines that point a shell at its services",
        "这份课程用到的每个端口（Consul、Redis、NATS、本书、`up`、各课的服务器），以及让 shell 使用它的服务的设置";
    PortsBase => "Count every port of this clone from this one, in a block of 100 (several learners on one machine: 20000, 20100, …); kept in .workbook/ports.toml",
        "这份克隆的每个端口都从这个端口起算，共 100 个（一台机器上有几位学员时：20000、20100……）；保存在 .workbook/ports.toml";
    PortsClear => "Forget the base port: back to the book's own ports", "忘掉基础端口：回到书中的标准端口";
    Down => "Stop what `up` started (SIGTERM, then SIGKILL) and deregister what is left",
        "停止 `up` 启动的进程（先 SIGTERM，再 SIGKILL），并注销残留的服务";
    Status => "Each part of the system, its health in Consul, whether its process is alive, and the audit's counts",
        "系统的每一部分、它在 Consul 中的健康状态、它的进程是否还活着，以及审计的计数";
    Wire => "Relay a lesson's server (on its port + 200) and show every message at /wire, live",
        "转发一课的服务器（在它的端口 + 200 上），并在 /wire 实时显示每一条消息";
    WireLesson => "The lesson whose servers to relay: 01, 02, 03, 05, 11, 12 or 13 (or tcp, rpc, jsonrpc, grpc, micro, events, rpcx)",
        "要转发其服务器的课：01、02、03、05、11、12 或 13（或 `tcp`、`rpc`、`jsonrpc`、`grpc`、`micro`、`events`、`rpcx`）";
    WireListen => "Where a relay listens, on 127.0.0.1 (default: its server's port + 200). Give one for each server",
        "转发监听的地址，在 127.0.0.1 上（默认：它的服务器端口 + 200）。每个服务器给一个";
    WireTo => "A server to relay to, on 127.0.0.1 (default: the lesson's). Give one for each",
        "要转发到的服务器，在 127.0.0.1 上（默认：这一课的）。每个给一个";
    WireProtocol => "How to read the bytes of each `--to` (without a lesson): lines (lesson 01), frames (lesson 02), jsonrpc (lesson 03 over TCP), http (lesson 03 over HTTP, Consul's API), grpc (lessons 05–08), nats (lesson 12's NATS server), rpcx (lesson 13)",
        "如何解读每个 `--to` 的字节（不指定课时）：lines（第 01 课）、frames（第 02 课）、jsonrpc（第 03 课，TCP 上）、http（第 03 课，HTTP 上，以及 Consul 的 API）、grpc（第 05–08 课）、nats（第 12 课的 NATS 服务器）、rpcx（第 13 课）";
    WirePrint => "Also write one line per message to standard output", "同时把每条消息作为一行写到标准输出";
    Services => "The Consul registry, the Redis server and the NATS broker (with JetStream) the later lessons use",
        "后面几课使用的 Consul 注册中心、Redis 服务器和 NATS 消息中间件（开启 JetStream）";
    ServicesUp => "Start them in the background (Consul: the embedded agent unless one is running)",
        "在后台启动它们（Consul：除非已有一个在运行，否则使用内嵌的开发用 agent）";
    ServicesDown => "Stop what `up` started", "停止 `up` 启动的服务";
    ServicesStatus => "Which are up, where, with which pid", "哪些在运行、在哪里、pid 是多少";
    RunAgent => "Run the embedded Consul-compatible agent in the foreground (what `up` starts)",
        "在前台运行内嵌的 Consul 兼容 agent（`up` 启动的就是它）";
    RunAgentAddr => "The address to listen on", "监听的地址";
    Class => "A class, live: the teacher's class server, and joining it from a learner's copy",
        "实时课堂：教师的课堂服务器，以及从学员的副本加入它";
    ClassServe => "Start the class server: it keeps every verdict in a database in DIR and serves the live dashboard; prints the line for the projector",
        "启动课堂服务器：把每个结果保存在 DIR 里的数据库中，并提供实时仪表板；打印要放到投影上的那一行";
    ClassServeDir => "The class's folder (made if missing); the same folder carries a class on after a restart",
        "课堂的文件夹（不存在时创建）；重启后用同一个文件夹继续这个课堂";
    ClassServeAddr => "Where to listen (default: every interface, port 7800)", "监听的地址（默认：所有网络接口，端口 7800）";
    ClassServeMaxLearners => "The most learners who may join (default: 60); a join past it is told the class is full",
        "最多可以加入的学员数（默认：60）；超过时加入会被告知课堂已满";
    ClassServeStuckAfter => "How long a learner fails the exercise they are on before the dashboard says stuck (default: 3m; 90s, 3m, 1h); before it they are trying",
        "学员的当前练习未通过多久之后，仪表板才显示为卡住（默认：3m；例如 90s、3m、1h）；在那之前显示为正在尝试";
    ClassServeMirror => "Serve the room's mirror too: the course's crates as a cargo registry (what Cargo.lock names, from this machine's cargo cache), the course over git's HTTP, the book; prints the learner's first line",
        "同时提供教室的镜像：课程的 crate 作为 cargo 仓库（Cargo.lock 列出的，来自本机的 cargo 缓存）、通过 git 的 HTTP 提供课程、书；打印学员的第一行命令";
    ClassServeMirrorNoBook => "The mirror without the book, which takes a while to build", "镜像不提供书（构建书要花一些时间）";
    ClassRoster => "Change the class's roster while its server runs: remove, rename or merge learners, let one join again, close or open joining, issue a new code",
        "在课堂服务器运行时修改名单：移除、改名或合并学员，允许某人重新加入，关闭或开放加入，换一个新的课堂代码";
    ClassRosterDir => "The class's folder, as given to class serve", "课堂的文件夹，与 class serve 用的相同";
    ClassRosterAction => "What to do: remove NAME, rename NAME NEW, merge NAME INTO, rejoin NAME, close, open, new-code",
        "要做什么：remove 名字、rename 名字 新名字、merge 名字 并入的名字、rejoin 名字、close、open、new-code";
    ClassRosterName => "The learner, as the dashboard shows the name", "学员，名字照仪表板上的写";
    ClassRosterOther => "The new name (rename), or the learner to merge into (merge)", "新名字（rename），或要并入的学员（merge）";
    ClassBackup => "Copy the class whole into one new file, while its server runs or not (SQLite's online backup): a consistent copy of every learner and verdict",
        "把整个课堂复制到一个新文件里，无论课堂服务器是否在运行（SQLite 的在线备份）：每位学员和每个结果的一致副本";
    ClassBackupDir => "The class's folder, as given to class serve", "课堂的文件夹，与 class serve 用的相同";
    ClassBackupFile => "The new file to copy the class into", "要把课堂复制进去的新文件";
    ClassJoin => "Join a class: from then on every verdict of check and watch is sent to its server in the background (never your code)",
        "加入一个课堂：此后 check 和 watch 的每个结果都会在后台发给它的服务器（绝不发送你的代码）";
    ClassJoinUrl => "The class server's address, as the projector shows it (http://HOST:PORT)", "课堂服务器的地址，照投影上的写（http://主机:端口）";
    ClassJoinCode => "The class code on the projector", "投影上的课堂代码";
    ClassJoinName => "Your name, as the teacher will see it", "你的名字，教师会看到它";
    ClassJoinRejoin => "Join again under your name (a new clone, another machine) with the re-join code you were given when you joined",
        "用你加入时得到的重新加入码，以你的名字重新加入（新的克隆、另一台机器）";
    ClassStatus => "The class you are in, what waits to be sent, and whether its server answers", "你所在的课堂、等待发送的结果，以及它的服务器是否应答";
    ClassLeave => "Leave the class: nothing more is sent, and what waits is deleted", "离开课堂：不再发送任何东西，等待发送的结果会被删除";
    ClassSend => "Send the verdicts that wait (a check starts this in the background)", "发送等待中的结果（检查会在后台启动它）";
    ClassBookSite => "Build the book's static site, both editions (class serve --mirror runs this in a process of its own)",
        "构建书的静态网站，两个版本（class serve --mirror 在一个单独的进程里运行它）";
    ClassBookSiteDir => "The folder to write the site into", "写入网站的文件夹";

    // What clap itself says.
    PrintIt => "Print help", "打印帮助";
    Commands => "Commands", "命令";
    Arguments => "Arguments", "参数";
    Options => "Options", "选项";
    Usage => "Usage: ", "用法：";
    MoreInfo => "For more information, try '{help}'.", "更多信息请运行 '{help}'。";
    UnknownArgument => "unexpected argument '{arg}' found", "无法识别的参数 '{arg}'";
    UnknownCommand => "unrecognized subcommand '{arg}'", "无法识别的子命令 '{arg}'";
    InvalidValue => "invalid value '{value}' for '{arg}'", "'{value}' 不是 '{arg}' 可接受的值";
    MissingArgument => "the following required arguments were not provided: {arg}", "缺少必需的参数：{arg}";
    Conflict => "the argument '{arg}' cannot be used with '{other}'", "参数 '{arg}' 不能与 '{other}' 一起使用";
    MissingValue => "a value is required for '{arg}' but none was supplied", "'{arg}' 需要一个值，但没有给出";
    CannotRead => "the command line cannot be read ({kind})", "无法读取命令行（{kind}）";
}

/// Which message explains which command (`report`) or argument (`report --name` is
/// `report name`, by the argument's id); the empty path is the runner itself.
const TEXTS: &[(&str, Help)] = &[
    ("", Help::Root),
    (" lang", Help::RootLang),
    ("list", Help::List),
    ("watch", Help::Watch),
    ("watch target", Help::WatchTarget),
    ("check", Help::Check),
    ("check id", Help::CheckId),
    ("hint", Help::Hint),
    ("hint id", Help::HintId),
    ("hint all", Help::HintAll),
    ("solution", Help::Solution),
    ("solution id", Help::SolutionId),
    ("solution force", Help::SolutionForce),
    ("reset", Help::Reset),
    ("reset id", Help::ResetId),
    ("reset yes", Help::ResetYes),
    ("book", Help::Book),
    ("book open", Help::BookOpen),
    ("book port", Help::BookPort),
    ("book pdf", Help::BookPdf),
    ("book teacher", Help::BookTeacher),
    ("book lang", Help::BookLang),
    ("book traces", Help::BookTraces),
    ("book for_session", Help::BookForSession),
    ("bundle", Help::Bundle),
    ("bundle dir", Help::BundleDir),
    ("bundle teacher", Help::BundleTeacher),
    ("bundle lang", Help::BundleLang),
    ("report", Help::Report),
    ("report name", Help::ReportName),
    ("report json", Help::ReportJson),
    ("report class", Help::ReportClass),
    ("lang", Help::Lang),
    ("lang code", Help::LangCode),
    ("doctor", Help::Doctor),
    ("up", Help::Up),
    ("up base_port", Help::BasePort),
    ("up mine", Help::UpMine),
    ("down", Help::Down),
    ("down base_port", Help::BasePort),
    ("status", Help::Status),
    ("status base_port", Help::BasePort),
    ("ports", Help::Ports),
    ("ports base", Help::PortsBase),
    ("ports clear", Help::PortsClear),
    ("wire", Help::Wire),
    ("wire lesson", Help::WireLesson),
    ("wire listen", Help::WireListen),
    ("wire to", Help::WireTo),
    ("wire protocol", Help::WireProtocol),
    ("wire print", Help::WirePrint),
    ("services", Help::Services),
    ("services up", Help::ServicesUp),
    ("services down", Help::ServicesDown),
    ("services status", Help::ServicesStatus),
    ("services run-agent", Help::RunAgent),
    ("services run-agent addr", Help::RunAgentAddr),
    ("class", Help::Class),
    ("class serve", Help::ClassServe),
    ("class serve dir", Help::ClassServeDir),
    ("class serve addr", Help::ClassServeAddr),
    ("class serve max_learners", Help::ClassServeMaxLearners),
    ("class serve stuck_after", Help::ClassServeStuckAfter),
    ("class serve mirror", Help::ClassServeMirror),
    ("class serve mirror_no_book", Help::ClassServeMirrorNoBook),
    ("class roster", Help::ClassRoster),
    ("class roster dir", Help::ClassRosterDir),
    ("class roster action", Help::ClassRosterAction),
    ("class roster name", Help::ClassRosterName),
    ("class roster other", Help::ClassRosterOther),
    ("class backup", Help::ClassBackup),
    ("class backup dir", Help::ClassBackupDir),
    ("class backup file", Help::ClassBackupFile),
    ("class join", Help::ClassJoin),
    ("class join url", Help::ClassJoinUrl),
    ("class join code", Help::ClassJoinCode),
    ("class join name", Help::ClassJoinName),
    ("class join rejoin", Help::ClassJoinRejoin),
    ("class status", Help::ClassStatus),
    ("class leave", Help::ClassLeave),
    ("class send", Help::ClassSend),
    ("class book-site", Help::ClassBookSite),
    ("class book-site dir", Help::ClassBookSiteDir),
];

pub fn text(path: &str) -> Option<Help> {
    TEXTS
        .iter()
        .find(|(key, _)| *key == path)
        .map(|(_, help)| *help)
}
