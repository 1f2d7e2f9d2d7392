//! What a class says: the learner's `class join`, `status` and `leave`, the teacher's
//! `class serve`, the server's refusals, and the words of the class's dashboard page.

use super::messages;
use crate::class::BadName;

messages! {
    pub enum ClassMsg;
    // The learner's side.
    BadUrl => "`{url}` is not a class server's address: give it as the projector shows it, http://HOST:PORT",
        "`{url}` 不是课堂服务器的地址：请照投影上的写法给出，http://主机:端口";
    NameEmpty => "a name is needed: --name \"Your Name\"", "需要一个名字：--name \"你的名字\"";
    NameTooLong => "the name is longer than {max} characters", "名字超过了 {max} 个字符";
    NameControl => "the name holds a control character (a line break, an escape)", "名字里有控制字符（换行、转义符）";
    NameInvisible => "the name holds a character that shows as nothing or turns the text around (a zero-width space, a direction mark)",
        "名字里有显示不出来或会让文字倒转的字符（零宽空格、方向标记）";
    Unreachable => "no class server answers at {url}: {why}", "{url} 上没有课堂服务器应答：{why}";
    WrongCode => "the class server at {url} does not know the class code `{code}`: check it against the projector",
        "{url} 上的课堂服务器不认识课堂代码 `{code}`：请对照投影检查";
    NameTaken => "someone in this class is already called {name}: choose another name with --name, or, if it is you (a new clone, another machine), join with --rejoin and the re-join code you were given when you joined ({command} shows it in your old copy), or ask the teacher to let you join again",
        "这个课堂里已经有人叫 {name}：请用 --name 换一个名字；如果那就是你（新的克隆、另一台机器），请用 --rejoin 加上你加入时得到的重新加入码来加入（在原来的副本里 {command} 会显示它），或者请老师允许你重新加入";
    AlreadyIn => "You are in this class already, as {name}: nothing to do.",
        "你已经以 {name} 的身份在这个课堂里了：不需要再加入。";
    Moved => "You were {was} in this class; you are {name} now: your row and its verdicts moved with you, none left behind.",
        "你在这个课堂里原来叫 {was}，现在叫 {name}：你的那一行和它的结果都跟着你改了名，没有留下旧的一行。";
    RenamedByTeacher => "class: the teacher renamed you in {class}: you are {name} now (you were {was}); {command} shows your re-join line under it.",
        "课堂：老师在 {class} 里给你改了名：你现在叫 {name}（原来叫 {was}）；{command} 会显示用新名字重新加入的那一行。";
    MergedByTeacher => "class: in {class}, the teacher merged your row {was} into {name}'s, one learner joined from two copies: this copy's verdicts go to {name}'s row now, and your re-join code is the one {command} shows in the other copy.",
        "课堂：在 {class} 里，老师把你的 {was} 这一行合并到了 {name} 那一行（同一个人从两个副本加入）：这个副本的结果现在记到 {name} 那一行，你的重新加入码是另一个副本里 {command} 显示的那个。";
    RejoinRefused => "the re-join code is not {name}'s (or was used already: each works once, and the runner prints the next): check it, or ask the teacher to let you join again",
        "这个重新加入码不是 {name} 的（或者已经用过了：每个只能用一次，课程运行器会打印下一个）：请检查它，或者请老师允许你重新加入";
    RejoinCode => "Your re-join code is {code}: write it down. Should this copy be lost (a new clone, another machine), this joins again under your name, with the class code on the projector: {command}",
        "你的重新加入码是 {code}：请把它记下来。如果这个副本丢了（新的克隆、另一台机器），用投影上的课堂代码运行这一行即可用你的名字重新加入：{command}";
    JoinRefused => "the class server at {url} refused: {why}", "{url} 上的课堂服务器拒绝了：{why}";
    Joined => "You joined {class} at {url} as {name}.", "你以 {name} 的身份加入了 {url} 上的 {class}。";
    WhatIsSent => "From now on every verdict of `check` and `watch` is sent to the class server in the background: the exercise's id, passed or failed, the first failing test's name and its one-line message, how many hints you have read, and the time. Never your code.",
        "从现在起，`check` 和 `watch` 的每个结果都会在后台发给课堂服务器：练习的 id、通过与否、第一个失败测试的名字和它的一行消息、你看过几条提示，以及时间。绝不发送你的代码。";
    HowToLeave => "{command} stops it.", "{command} 可以停止发送。";
    Dropped => "class: the class server has not answered for a while; the oldest unsent verdict was dropped ({kept} are kept).",
        "课堂：课堂服务器已经有一阵没有应答；最早一条未发送的结果被丢弃了（最多保留 {kept} 条）。";
    InNoClass => "You are in no class: {command} joins one.", "你不在任何课堂里：{command} 可以加入一个。";
    InClass => "In {class} at {url} as {name}.", "在 {url} 上的 {class} 里，名字是 {name}。";
    AllSent => "Every verdict has been sent.", "每个结果都已发送。";
    Waiting => "{count} verdicts wait to be sent.", "有 {count} 个结果等待发送。";
    WaitingOne => "1 verdict waits to be sent.", "有 1 个结果等待发送。";
    NoLongerKnown => "The class server no longer knows you (was the class started again from nothing?): {command} joins again.",
        "课堂服务器已经不认识你了（课堂是不是从头重新开始了？）：{command} 可以重新加入。";
    RemovedByTeacher => "The teacher removed {name} from the class: nothing more is sent. If it was a mistake, ask the teacher; {command} joins again.",
        "老师把 {name} 从课堂里移除了：不会再发送任何东西。如果弄错了，请问老师；{command} 可以重新加入。";
    JoinedElsewhere => "{name} joined this class again from another copy (another clone or machine): its verdicts go from there now, and this copy's no longer do. To send from here again, {command} with --rejoin and the re-join code that copy printed.",
        "{name} 已经从另一个副本（另一个克隆或另一台机器）重新加入了这个课堂：现在从那里发送结果，这个副本的不再发送。要从这里重新发送，请运行 {command}，加上 --rejoin 和那个副本打印的重新加入码。";
    LastTryFailed => "The last try to send failed: {why}", "上一次发送失败：{why}";
    ServerAnswers => "The class server answers.", "课堂服务器有应答。";
    ServerSilent => "The class server does not answer now; what waits is sent once it does: within seconds while `watch` runs, else at your next command.",
        "课堂服务器现在没有应答；等它恢复后，等待的结果就会发送：`watch` 运行时几秒之内，否则在你的下一个命令时。";
    Left => "You left {class}: nothing more is sent ({count} unsent verdicts deleted).",
        "你离开了 {class}：不会再发送任何东西（删除了 {count} 个未发送的结果）。";
    LeftOne => "You left {class}: nothing more is sent (1 unsent verdict deleted).",
        "你离开了 {class}：不会再发送任何东西（删除了 1 个未发送的结果）。";

    // The teacher's side.
    ServeOpen => "Class {class} is open. Put this line on the projector:", "课堂 {class} 已开始。把这一行放到投影上：";
    ServeDashboard => "The dashboard, for you alone (the link carries your teacher token):", "仪表板，只给你自己看（链接里带有你的教师令牌）：";
    ServeKept => "Kept in {path}; Ctrl-C stops the server (that file alone holds the class then), and `class serve --dir` with the same folder carries on. While it runs, `class backup --dir DIR FILE` copies the class whole.",
        "保存在 {path}；Ctrl-C 停止服务器（之后这一个文件就包含整个课堂），用同一个文件夹再次运行 `class serve --dir` 即可继续。运行期间，`class backup --dir 文件夹 文件` 可以完整复制课堂。";
    ServeStopped => "Stopped: the class is in {path} alone, the file to keep (a copy of it is the class).",
        "已停止：课堂完整地保存在 {path} 这一个文件里，要保留的就是它（复制它就是复制整个课堂）。";
    ServeLoopback => "Only this machine reaches {url}: for the room, listen on its network (the default, --addr 0.0.0.0:7800).",
        "只有本机能访问 {url}：要让教室里的人访问，请监听网络（默认即是，--addr 0.0.0.0:7800）。";
    YourName => "YOUR NAME", "你的名字";
    // The room's mirror (`class serve --mirror`).
    MirrorPreparing => "Preparing the room's mirror: the course's crates from this machine's cargo cache, the course as a git repository, the book (both editions)...",
        "正在准备教室的镜像：本机 cargo 缓存里课程的 crate、作为 git 仓库的课程、书（两种语言）……";
    MirrorPreparingNoBook => "Preparing the room's mirror: the course's crates from this machine's cargo cache, the course as a git repository...",
        "正在准备教室的镜像：本机 cargo 缓存里课程的 crate、作为 git 仓库的课程……";
    MirrorGaps => "{count} of Cargo.lock's versions are not in this machine's cargo cache, and the mirror fetches nothing from the Internet (the first: {first}): run cargo fetch --locked in the course's folder where there is Internet, then start the class again. The others are served.",
        "Cargo.lock 里有 {count} 个版本不在本机的 cargo 缓存里，而镜像不会从互联网获取任何东西（第一个：{first}）：请在有网络的地方于课程文件夹中运行 cargo fetch --locked，然后重新开始课堂。其余的照常提供。";
    MirrorPartFailed => "The room's mirror goes without {part}: {why}", "教室的镜像缺少{part}：{why}";
    MirrorPartCourse => "the course's git repository", "课程的 git 仓库";
    MirrorPartBook => "the book", "书";
    MirrorNotServed => "(not served)", "（不提供）";
    MirrorDetached => "no branch is checked out (HEAD is detached at {commit}), and the room clones a branch: switch to one (git switch -c NAME makes one here) and start the class again",
        "没有检出任何分支（HEAD 游离在 {commit}），而教室克隆的是一个分支：请切换到一个分支（git switch -c 名字 在此处新建一个），然后重新开始课堂";
    MirrorNotTop => "{path} is inside the git repository of {top}, not one of its own: serve the class from a clone of the course (git clone it into a folder outside {top}, then run class serve there), or make {path} a repository (git init there, then commit the course), then start the class again",
        "{path} 位于 {top} 的 git 仓库之内，本身不是一个仓库：请从课程的克隆来开课（把课程 git clone 到 {top} 之外的文件夹，再在那里运行 class serve），或者把 {path} 变成一个仓库（在那里 git init，然后提交课程），然后重新开始课堂";
    MirrorBookNeedsCourse => "it is built from the commit the course is served from, and no course is served", "书是从提供课程的那个提交构建的，而课程没有提供";
    MirrorReady => "The room's mirror: the crates of Cargo.lock ({crates} crates, {versions} versions, {megabytes} MB{missing}), the course at {git}, the book at {book}.",
        "教室的镜像：Cargo.lock 中的 crate（{crates} 个 crate，{versions} 个版本，{megabytes} MB{missing}），课程在 {git}，书在 {book}。";
    MirrorReadyMissing => "; not the {count} versions said above", "；不含上面说的 {count} 个版本";
    MirrorLine => "A learner with only Rust installed starts with this line (it clones the course, then points cargo at this mirror for the course alone):",
        "只装了 Rust 的学员从这一行开始（它克隆课程，然后只为这门课把 cargo 指向这个镜像）：";
    MirrorNoClone => "Learners cannot clone the course from this room, so there is no line for them to start with: {why}. The crates are served to a course a learner already has.",
        "学员无法从这个教室克隆课程，所以没有让他们开始的那一行：{why}。crate 照常提供给学员手上已有的课程。";
    MirrorServedBranch => "{url} (the branch {branch}, at {commit})", "{url}（分支 {branch}，提交 {commit}）";
    MirrorUndo => "Then the line to join, below. To undo, in the course's folder: {command}",
        "然后是下面加入课堂的那一行。要撤销，在课程文件夹里运行：{command}";
    RefuseMirrorOff => "the room's mirror is off: the teacher starts it with class serve --mirror",
        "教室的镜像没有开启：老师用 class serve --mirror 启动它";
    RefuseNotLocked => "{name} is not in the course's Cargo.lock: the room's mirror holds the course's crates alone, and fetches nothing from the Internet",
        "{name} 不在课程的 Cargo.lock 里：教室的镜像只有课程用到的 crate，也不会从互联网获取任何东西";
    RefuseNotCached => "{name} {version} is not in the teacher's cargo cache, and the room's mirror fetches nothing from the Internet: the teacher fills the cache with cargo fetch --locked in the course's folder, where there is Internet, then starts the class again",
        "{name} {version} 不在老师的 cargo 缓存里，而教室的镜像不会从互联网获取任何东西：老师需要在有网络的地方于课程文件夹中运行 cargo fetch --locked 补齐缓存，然后重新开始课堂";
    RefuseIndexPath => "{path} is not where the sparse index keeps {name}: its index file is at {its}",
        "{path} 不是稀疏索引存放 {name} 的位置：它的索引文件在 {its}";
    RefuseOtherVersion => "the course locks {name} at {locked}, not {version}: the room's mirror serves the versions of the course's Cargo.lock alone",
        "课程把 {name} 锁定在 {locked}，而不是 {version}：教室的镜像只提供课程 Cargo.lock 里的版本";
    RefuseUnreadable => "{path} could not be read on the teacher's machine", "{path} 在老师的机器上读不出来";
    RefuseNoHost => "the request names no host (its Host header): the mirror's files name the address the learner reached it at",
        "请求没有给出主机（Host 头）：镜像的文件要写明学员访问它所用的地址";
    RosterNoClass => "{path} holds no class: give the folder class serve runs with", "{path} 里没有课堂：请给出 class serve 使用的文件夹";
    RosterNotServing => "no class server runs for {path} now: start it with class serve --dir {path}",
        "现在没有为 {path} 运行的课堂服务器：用 class serve --dir {path} 启动它";
    RosterNeedsName => "{action} needs a learner's name (rename and merge a second one)", "{action} 需要一个学员的名字（rename 和 merge 还需要第二个）";
    RosterOpen => "Done: the class takes joins with the code {code}.", "完成：课堂接受用代码 {code} 加入。";
    BadDuration => "give a number and its unit: 90s, 3m or 1h", "请给出数字和单位：90s、3m 或 1h";
    RosterClosed => "Done: the class takes no joins now (its code is {code}).", "完成：课堂现在不接受加入（代码是 {code}）。";
    RosterRemoved => "Done: {name} is no longer in the class, nor any verdict of theirs.", "完成：{name} 已不在课堂里，其所有结果也已删除。";
    RosterRenamed => "Done: {name} is called {other} now.", "完成：{name} 现在叫 {other}。";
    RosterMerged => "Done: {name}'s verdicts are {other}'s now.", "完成：{name} 的结果现在归 {other} 所有。";
    RosterRejoin => "Done: {name} may join again under their name, once (a new clone, another machine).",
        "完成：{name} 可以用自己的名字重新加入一次（新的克隆、另一台机器）。";
    BackupDone => "The class is copied whole into {path}: that one file holds it.", "课堂已完整复制到 {path}：这一个文件就包含了它。";
    BackupExists => "{path} exists already: give a new file's name", "{path} 已经存在：请给一个新文件的名字";

    // The server's refusals, in the teacher's language.
    RefuseCode => "wrong class code", "课堂代码不对";
    RefuseNameTaken => "the name is taken", "名字已被占用";
    RefuseName => "bad name: {why}", "名字不合要求：{why}";
    RefuseClosed => "the class takes no more joins now: ask the teacher", "课堂现在不再接受加入：请问老师";
    RefuseNoLearner => "no learner is called {name}", "没有叫 {name} 的学员";
    RefuseFull => "the class is full ({max} learners)", "课堂已满（{max} 位学员）";
    RefuseBusy => "too many requests at once: try again in a moment", "同时的请求太多：请稍后再试";
    RefuseToken => "unknown learner token: join the class again", "未知的学员令牌：请重新加入课堂";
    RefuseRemoved => "the teacher removed this learner from the class", "老师已把这位学员从课堂里移除";
    RefuseJoinedElsewhere => "this learner's name joined again from another copy, which sends now", "这位学员的名字已从另一个副本重新加入，现在由那里发送";
    RefuseNoRoute => "this class server has nothing at {path}", "这个课堂服务器在 {path} 上什么都没有";
    RefuseMethod => "{path} takes {allowed}, not {method}", "{path} 只接受 {allowed} 请求，不接受 {method}";
    RefuseTeacher => "this needs the teacher token", "这需要教师令牌";
    RefuseJson => "not a request this server reads: {why}", "不是本服务器能读懂的请求：{why}";
    RefuseBatch => "a batch holds 1 to {max} verdicts", "一批包含 1 到 {max} 个结果";
    RefuseExercise => "the course has no exercise `{id}`", "课程里没有练习 `{id}`";
    RefuseTooLong => "{field} is longer than {max} characters", "{field} 超过了 {max} 个字符";
    RefuseHints => "more than {max} hints read", "看过的提示超过了 {max} 条";
    RefuseSlow => "the body did not arrive within {seconds} s", "请求体没有在 {seconds} 秒内到达";
    RefuseTooLarge => "the body is larger than {max} bytes", "请求体超过了 {max} 字节";

    // The dashboard page.
    PageTitle => "Class {class}", "课堂 {class}";
    PageLearner => "Learner", "学员";
    PageNotStarted => "not started", "未开始";
    PageFailing => "failing", "未通过";
    PagePassed => "passed", "已通过";
    PageMinutes => "{m} min", "{m} 分钟";
    PageStuck => "Stuck: failing the exercise they are on for {minutes} min or more, longest first",
        "卡住的学员：当前练习未通过已有 {minutes} 分钟或更久，时间最长的在前";
    PageListSeparator => ", ", "、";
    PageTrying => "Trying (failing for less than {minutes} min): {names}", "正在尝试（未通过不到 {minutes} 分钟）：{names}";
    PageNobodyStuck => "Nobody is stuck now.", "现在没有人卡住。";
    PageExercises => "Each exercise", "每个练习";
    PageExercise => "Exercise", "练习";
    PagePassedCount => "Passed", "通过人数";
    PageCommonFailure => "Most common failing test", "最常见的失败测试";
    PageHints => "Hints read", "看过的提示";
    PageHours => "{h} h", "{h} 小时";
    PageDays => "{d} d", "{d} 天";
    PageTest => "Failing test:", "失败的测试：";
    PageNoLearners => "No learner has joined yet: put the join line on the projector.", "还没有学员加入：把加入的那一行放到投影上。";
    PageLive => "live", "实时";
    PageReconnecting => "reconnecting…", "正在重新连接…";
    PageExportCsv => "Export CSV", "导出 CSV";
    PageExportJson => "Export JSON (report --class)", "导出 JSON（report --class）";
    PageLearners => "{count} learners", "{count} 位学员";
    PageLearnersOne => "1 learner", "1 位学员";
    PageLessons => "Lessons:", "课：";
    PageLessonsNow => "the room's now", "全班正在做的";
    PageLessonsAll => "all", "全部";
    PageShow => "Learners shown as:", "学员显示为：";
    PageShowNames => "names", "名字";
    PageShowInitials => "initials", "首字母";
    PageShowSeats => "seat numbers", "座位号";
    PageSeat => "seat {n}", "{n} 号座位";
    PageRoster => "Roster", "名单";
    PageCode => "Class code:", "课堂代码：";
    PageJoiningOpen => "joining is open", "可以加入";
    PageJoiningClosed => "joining is closed", "已关闭加入";
    PageCloseJoining => "Close joining", "关闭加入";
    PageOpenJoining => "Open joining", "开放加入";
    PageNewCode => "New code", "换新代码";
    PageRename => "Rename", "改名";
    PageRemove => "Remove", "移除";
    PageRejoin => "Let join again", "允许重新加入";
    PageMayRejoin => "may join again, once", "可以重新加入一次";
    PageMergeInto => "Merge into…", "合并到…";
    PageConfirmRemove => "Remove {name} and every verdict of theirs?", "移除 {name} 以及其所有结果？";
    PageConfirmMerge => "Merge {name} into {into}? {name}'s verdicts become {into}'s.", "把 {name} 合并到 {into}？{name} 的结果将归 {into} 所有。";
    PageRenamePrompt => "New name for {name}:", "{name} 的新名字：";
    PageRoom => "The room's mirror: a learner with only Rust installed starts with this line", "教室的镜像：只装了 Rust 的学员从这一行开始";
    PageRoomUndo => "It clones the course from this machine and points cargo at its crates, for the course alone. Then class join with the code below. To undo, in the course's folder:", "它从这台机器克隆课程，并只为这门课把 cargo 指向这里的 crate。然后用下面的代码运行 class join。要撤销，在课程文件夹里运行：";
}

impl BadName {
    /// Why, as both sides say it (`max` is [`crate::class::MAX_NAME_CHARS`]).
    pub fn message(self) -> ClassMsg {
        match self {
            BadName::Empty => ClassMsg::NameEmpty,
            BadName::TooLong => ClassMsg::NameTooLong,
            BadName::ControlCharacter => ClassMsg::NameControl,
            BadName::Invisible => ClassMsg::NameInvisible,
        }
    }
}
