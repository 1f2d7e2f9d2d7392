//! The book: built with mdBook as a library into `book/build`, served on loopback.
//!
//! Building in-process means learners need nothing but cargo. The server is a plain
//! static file server; it answers `/__workbook` too, so that `doctor` can tell our
//! server from something else holding the port.
//!
//! Chapters link to the files a learner edits (`../../lessons/01-tcp/src/exercises/echo.rs`),
//! which is right when the book is read from the repository. In the browser the same link
//! resolves to `/lessons/…`, so the server hands out the course's source folders there too.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::routing::get;
use mdbook_driver::MDBook;
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::notes::TeacherNotes;
use crate::publish::Published;
use crate::reading::Reading;
use crate::{diagrams, i18n};
use workbook_core::chapter::SOURCE_FOLDERS;
use workbook_core::course::Course;
use workbook_core::language::messages::{Cmd, say, tell};
use workbook_core::ui::{self, open_browser};

/// What the identifying endpoint answers (one home: `workbook_core::ports`, where the
/// session's page for the book on its way answers the same).
pub use workbook_core::ports::BOOK_SIGNATURE as SIGNATURE;

/// Builds the book into its build folder and returns that folder.
///
/// Chapters listed in `SUMMARY.md` but missing are an error here, where mdBook would
/// quietly create empty files in the source tree. Diagrams in ```` ```svgbob ```` fences
/// become pictures on the way (`diagrams.rs`).
///
/// Where the book has translations (`book/po/`), their editions are built too, into
/// `<dir>/<lang>/` (`i18n/`); a translation that does not build is an error here.
pub fn build(root: &Path) -> Result<PathBuf> {
    let (dir, editions) = build_languages(root, None)?;
    editions.map(|()| dir)
}

/// Builds the book into `dir` (emptied first) instead of its build folder: a handout's copy,
/// with the teacher notes (folded) for a teacher, without them for learners.
pub fn build_into(root: &Path, dir: &Path, teacher: bool) -> Result<PathBuf> {
    build_with(root, Some(dir), TeacherNotes::of(teacher))
}

fn build_with(root: &Path, build_dir: Option<&Path>, notes: TeacherNotes) -> Result<PathBuf> {
    let mut config = i18n::config(root)?;
    if let Some(dir) = build_dir {
        config.build.build_dir = dir.to_path_buf();
    }
    let mut book =
        MDBook::load_with_config(root.join("book"), config).context("loading the book")?;
    book.with_preprocessor(diagrams::Diagrams::default());
    book.with_preprocessor(notes);
    book.with_preprocessor(crate::schedule::Schedule);
    book.build().context("building the book")?;
    Ok(book.build_dir_for("html"))
}

/// Builds the English book and the translated editions (or only `lang`'s). The outer error
/// is the English book's; the inner one a translation's, which leaves the English readable.
pub fn build_languages(root: &Path, lang: Option<&str>) -> Result<(PathBuf, Result<()>)> {
    build_languages_to(root, lang, None)
}

/// As [`build_languages`], into `build_dir` instead of the build folder when it is given:
/// a build of its own, which no other build of the book empties while it is read.
pub fn build_languages_to(
    root: &Path,
    lang: Option<&str>,
    build_dir: Option<&Path>,
) -> Result<(PathBuf, Result<()>)> {
    let dir = if lang.is_none_or(|lang| lang == i18n::ENGLISH) {
        build_with(root, build_dir, TeacherNotes::Folded)?
    } else if let Some(dir) = build_dir {
        dir.to_path_buf()
    } else {
        let book = MDBook::load_with_config(root.join("book"), i18n::config(root)?)
            .context("loading the book")?;
        book.build_dir_for("html")
    };
    let langs: Vec<&str> = i18n::translated(root)
        .into_iter()
        .filter(|l| lang.is_none_or(|lang| lang == *l))
        .collect();
    let editions = i18n::build_editions(root, &dir, &langs, TeacherNotes::Folded).map(drop);
    Ok((dir, editions))
}

/// Builds the book and says so, for the commands that serve it. A translation that does
/// not build is reported, and the rest of the book served.
pub fn build_verbosely(root: &Path, lang: Option<&str>) -> Result<PathBuf> {
    let started = Instant::now();
    let (dir, editions) = build_languages(root, lang)?;
    if let Err(err) = editions {
        let why = format!("{err:#}");
        let mark = ui::fail_mark();
        tell(
            Cmd::TranslationDoesNotBuild,
            &[("mark", &mark), ("why", &why)],
        );
    }
    let shown = dir.strip_prefix(root).unwrap_or(&dir).display().to_string();
    let elapsed = ui::seconds(started.elapsed().as_secs_f64());
    let args: [(&str, &dyn std::fmt::Display); 3] = [
        ("mark", &ui::pass_mark()),
        ("dir", &shown),
        ("elapsed", &elapsed),
    ];
    tell(Cmd::BuiltInto, &args);
    Ok(dir)
}

/// The site: the book, the identifying endpoint, the wire view's page, the sources, and
/// `views`: the routes a program that serves the book adds (`workbook-full`'s trace view).
/// With `reading`, opening a lesson's chapter builds ahead for it (`reading.rs`).
fn router(book: Published, root: &Path, views: Router, reading: Option<Arc<Reading>>) -> Router {
    let mut router = Router::new()
        .route("/__workbook", get(|| async { SIGNATURE }))
        .merge(crate::wire_page::routes(root))
        .merge(views);
    // Shown as plain text, so a browser displays a `.rs` file instead of downloading it.
    let as_text = SetResponseHeaderLayer::overriding(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    for folder in SOURCE_FOLDERS {
        let files = ServiceBuilder::new()
            .layer(as_text.clone())
            .service(ServeDir::new(root.join(folder)));
        router = router.nest_service(&format!("/{folder}"), files);
    }
    router.fallback(move |request: Request| {
        let book = book.clone();
        if let Some(reading) = &reading {
            reading.opened(request.uri().path());
        }
        async move { book.page(request).await }
    })
}

/// Serves the built book in `dir`, the course sources under `root` and `views`, on an
/// already bound listener until the task is dropped.
pub async fn serve(
    listener: tokio::net::TcpListener,
    dir: PathBuf,
    root: PathBuf,
    views: Router,
) -> Result<()> {
    serve_published(listener, Published::new(dir), root, views, None).await
}

/// Serves the book that `book` keeps current.
async fn serve_published(
    listener: tokio::net::TcpListener,
    book: Published,
    root: PathBuf,
    views: Router,
    reading: Option<Arc<Reading>>,
) -> Result<()> {
    axum::serve(listener, router(book, &root, views, reading))
        .await
        .context("serving the book")
}

pub use workbook_core::ports::book_url as url;

/// The address of an edition: `/` for the English book, `/zh-CN/` for a translation.
fn edition_url(port: u16, lang: Option<&str>) -> String {
    match lang.filter(|lang| *lang != i18n::ENGLISH) {
        Some(lang) => format!("{}{lang}/", url(port)),
        None => url(port),
    }
}

/// What a program adds to the book it serves: its routes, and what it says once the book
/// is served on a port (`workbook-full`'s trace view: where services send their spans).
pub struct Views {
    pub routes: Router,
    pub announce: Box<dyn FnOnce(u16) + Send>,
}

impl Views {
    /// The book alone: `/traces` says where the trace view is served instead of leading
    /// nowhere (chapter 15 links to it).
    pub fn none() -> Views {
        Views {
            routes: Router::new().route("/traces", get(|| async { traces_elsewhere() })),
            announce: Box::new(|_| {}),
        }
    }
}

/// The page at `/traces` when this program serves the book alone, in the reader's language.
fn traces_elsewhere() -> axum::response::Html<String> {
    let lang = workbook_core::language::current();
    let say = |msg, args: &[(&str, &dyn std::fmt::Display)]| {
        workbook_core::language::messages::say_in(lang, msg, args)
    };
    let (quit, command, book) = (
        "<code>q</code>",
        "<code>cargo run -p workbook</code>",
        "<code>cargo run -p workbook -- book --traces</code>",
    );
    let title = say(Cmd::TracesElsewhereTitle, &[]);
    let text = say(
        Cmd::TracesElsewhere,
        &[("quit", &quit), ("command", &command), ("book", &book)],
    );
    axum::response::Html(format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body style=\"font: 1.1rem/1.6 system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem\">\n\
         <h1>{title}</h1>\n<p>{text}</p>\n</body>\n</html>\n",
        lang.code()
    ))
}

/// The `book` command: build, serve in the foreground, rebuild when sources change, build
/// ahead for the lesson whose chapter is opened.
pub async fn run(
    course: Course,
    port: u16,
    open: bool,
    lang: Option<String>,
    views: Views,
) -> Result<()> {
    let root = &course.root.clone();
    if let Some(lang) = &lang {
        i18n::check_language(root, lang)?;
    }
    let listener = crate::listener::take_or_bind(port).await?;
    // `--port 0` asks for any free port: say which one it is.
    let port = listener.local_addr().map_or(port, |addr| addr.port());
    let (root_to_build, edition) = (root.to_path_buf(), lang.clone());
    let (listener, dir) = crate::listener::answering_while(listener, root, move || {
        build_verbosely(&root_to_build, edition.as_deref())
    })
    .await?;
    let dir = dir?;
    let url = ui::bold(&edition_url(port, lang.as_deref()));
    let mark = ui::pass_mark();
    tell(Cmd::Serving, &[("mark", &mark), ("url", &url)]);
    (views.announce)(port);
    if open {
        open_browser(&edition_url(port, lang.as_deref()));
    }
    let book = Published::new(dir);
    let reading = Some(Arc::new(Reading::new(course)));

    // Rebuild whenever a chapter or a lesson's source changes, so listings stay current.
    let changes = workbook_core::watch::FileEvents::start(&[
        root.join("book/src"),
        root.join("book/po"),
        root.join("lessons"),
        root.join("shared"),
    ]);
    let root_for_rebuild = root.to_path_buf();
    let rebuilt = book.clone();
    // A thread, not a blocking task: the runtime waits for blocking tasks before it lets
    // the program end, and this one waits for saves forever, so Ctrl-C would never end it.
    std::thread::spawn(move || {
        while changes.wait_for_change(|path| {
            !path.components().any(|c| c.as_os_str() == "target")
                && path.extension().is_some_and(|e| {
                    e == "md" || e == "rs" || e == "proto" || e == "toml" || e == "po"
                })
        }) {
            match rebuilt.rebuild(&root_for_rebuild, lang.as_deref()) {
                Ok(()) => println!("{}", say(Cmd::Rebuilt, &[("mark", &ui::pass_mark())])),
                Err(err) => {
                    let (mark, why) = (ui::fail_mark(), format!("{err:#}"));
                    let args: [(&str, &dyn std::fmt::Display); 2] =
                        [("mark", &mark), ("why", &why)];
                    tell(Cmd::StillServingLastGood, &args);
                }
            }
        }
    });
    // Listened for from now on: once "Ctrl-C to stop" is printed, Ctrl-C (or SIGTERM) stops
    // the server rather than killing the program half-way through a rebuild.
    let stopping = crate::listener::stop_signal();
    tell(Cmd::CtrlCToStop, &[]);
    tokio::select! {
        result = serve_published(listener, book, root.to_path_buf(), views.routes, reading) => result,
        () = stopping => Ok(()),
    }
}
