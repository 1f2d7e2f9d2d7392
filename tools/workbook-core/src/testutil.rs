//! Small fixture workspaces for the unit tests, written to a fresh temporary folder. The
//! maintainers' checks (tools/workbook-dev) test on them too, through the `testutil` feature.

use std::fs;
use std::path::Path;

use tempfile::TempDir;

/// Translations of [`Fixture::book`]'s first chapter, as `i18n import` takes them.
pub const TRANSLATIONS: &str = r#"{
    "Summary": "目录",
    "Services": "服务",
    "A service registers itself.": "服务注册自己。",
    "The registry answers.": "注册中心作答。",
    "client": "客户端"
}"#;

/// A temporary folder that is removed when the fixture is dropped.
pub struct Fixture {
    dir: TempDir,
}

impl Fixture {
    pub fn empty() -> Fixture {
        let dir = TempDir::with_prefix("workbook-test-").unwrap();
        Fixture { dir }
    }

    /// A workspace with two lessons (`tcp`: one exercise; `rpc`: two) and a small book.
    pub fn course() -> Fixture {
        let fx = Fixture::empty();
        fx.write("Cargo.toml", "[workspace]\nmembers = [\"lessons/*\"]\n");
        fx.write(
            "lessons/01-tcp/Cargo.toml",
            "[package]\nname = \"l01-tcp\"\nversion = \"0.1.0\"\n",
        );
        fx.write(
            "lessons/01-tcp/lesson.toml",
            r#"id = "tcp"
title = "TCP sockets"

[[exercise]]
id = "tcp.echo"
title = "Echo one connection"
file = "src/exercises/echo.rs"
test = "echo"
hints = ["The idea.", "The API."]
"#,
        );
        fx.write(
            "lessons/01-tcp/src/exercises/echo.rs",
            "pub fn echo() {\n    // TODO: echo\n    todo!()\n}\n",
        );
        fx.write(
            "lessons/01-tcp/src/server.rs",
            "// ANCHOR: accept\nfn accept() {}\n// ANCHOR_END: accept\n",
        );
        fx.write(
            "lessons/02-rpc/Cargo.toml",
            "[package]\nname = \"l02-rpc\"\nversion = \"0.1.0\"\n",
        );
        fx.write(
            "lessons/02-rpc/lesson.toml",
            r#"id = "rpc"
title = "RPC from scratch"

[[exercise]]
id = "rpc.frame"
title = "Frames"
file = "src/exercises/frame.rs"
test = "frame"
hints = ["One."]

[[exercise]]
id = "rpc.call"
title = "Calls"
file = "src/exercises/call.rs"
test = "call"
"#,
        );
        // A folder without lesson.toml is not a lesson (yet).
        fx.write("lessons/03-draft/Cargo.toml", "[package]\nname = \"l03\"\n");
        fx.write("book/book.toml", "[book]\ntitle = \"t\"\nsrc = \"src\"\n");
        fx.write(
            "book/src/SUMMARY.md",
            "# Summary\n\n[Intro](introduction.md)\n\n- [01](01-tcp.md)\n- [02](02-rpc.md)\n",
        );
        fx.write("book/src/introduction.md", "# Intro\n");
        fx.write(
            "book/src/01-tcp.md",
            "# TCP\n\n```rust\n{{#include ../../lessons/01-tcp/src/server.rs:accept}}\n```\n",
        );
        fx.write("book/src/02-rpc.md", "# RPC\n");
        fx
    }

    /// A book of two chapters, the first with a diagram, and no lessons.
    pub fn book() -> Fixture {
        let fx = Fixture::empty();
        fx.write("book/book.toml", "[book]\ntitle = \"t\"\nsrc = \"src\"\n");
        fx.write(
            "book/src/SUMMARY.md",
            "# Summary\n\n- [Services](01-services.md)\n- [Later](02-later.md)\n",
        );
        fx.write(
            "book/src/01-services.md",
            "# Services\n\nA service registers itself.\n\n```svgbob\n┌────────┐\n│ client │──▶\n└────────┘\n```\n\nThe registry answers.\n",
        );
        fx.write("book/src/02-later.md", "# Later\n\nNot translated yet.\n");
        fx
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn write(&self, relative: &str, contents: &str) {
        let path = self.path().join(relative);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }
}
