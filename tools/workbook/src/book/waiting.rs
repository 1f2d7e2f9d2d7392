//! The book's address while the book's server is on its way.
//!
//! The map says "read http://127.0.0.1:3000/01-tcp.html" from the first second, and on a
//! fresh clone the book's server takes a minute or two to build. So whoever holds the book's
//! address until the server takes it over (the session, `book` while it builds the server,
//! the server while it makes its pages) answers there with this: a chapter's address is the
//! chapter, read from its Markdown (`preview.rs`), under a line that says how far the book
//! is ([`Stage`]); any other page of the book says that the book is being built and how far,
//! and reloads itself every two seconds, the same address, so that the reload that comes
//! after the server took over is the page itself. `/__workbook/waiting` says how far, for the
//! chapter's page to follow; the book's server does not answer it, which is how the page
//! knows to load the book.
//!
//! The runner has tokio but no HTTP stack, on purpose (its first build is what a learner
//! waits for before the map): the pages are answered by the few lines of HTTP/1.1 below. It
//! reads a request's head and nothing more, bounded in size and time, answers and closes,
//! and serves a bounded number of connections at once; what is not a request gets a `400`.

use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use workbook_core::cargo::Progress;
use workbook_core::language::messages::Msg;
use workbook_core::language::{self, Lang};
use workbook_core::ports::BOOK_SIGNATURE;

use super::preview::{self, Answer};

/// Where the book's server is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Waiting for cargo: the first check builds first.
    Queued,
    /// Being built, as far as cargo's bar says (nothing yet before its first step).
    Building(Option<Progress>),
    /// Built, and making the book's pages.
    Rendering,
    /// It does not build (the session's terminal says why).
    Broken,
}

/// The longest request head read: a browser's is well under it.
const MAX_HEAD: usize = 8 * 1024;

/// How long a client has to send its request's head.
const HEAD_WITHIN: Duration = Duration::from_secs(5);

/// How many connections are answered at once; more wait in the socket's queue.
const AT_ONCE: usize = 32;

/// Answers every connection on `listener` for the course at `root`, saying how far the
/// book's server is by `stage`, until dropped, or until `stage`'s sender is dropped: then it
/// stops accepting, and returns once the connections it took are answered (within their
/// deadline), so that the socket is handed over with nothing half-answered.
pub async fn serve(listener: Arc<TcpListener>, mut stage: watch::Receiver<Stage>, root: PathBuf) {
    let permits = Arc::new(Semaphore::new(AT_ONCE));
    let root = Arc::new(root);
    loop {
        let (permit, stream) = tokio::select! {
            next = next_connection(&listener, &permits) => next,
            changed = stage.changed() => match changed {
                Ok(()) => continue,
                Err(_) => break,
            },
        };
        let stage = *stage.borrow();
        let root = root.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let _ = tokio::time::timeout(HEAD_WITHIN * 2, answer(stream, stage, root)).await;
        });
    }
    let all = AT_ONCE as u32;
    let _ = tokio::time::timeout(HEAD_WITHIN * 2, permits.acquire_many(all)).await;
}

/// The next connection, once fewer than [`AT_ONCE`] are being answered.
async fn next_connection(
    listener: &TcpListener,
    permits: &Arc<Semaphore>,
) -> (OwnedSemaphorePermit, TcpStream) {
    loop {
        let Ok(permit) = permits.clone().acquire_owned().await else {
            // Never closed: nothing to accept for.
            return std::future::pending().await;
        };
        match listener.accept().await {
            Ok((stream, _)) => return (permit, stream),
            // Out of file descriptors, say: tried again after a pause, not in a busy loop.
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// Reads one request's head and answers it: a chapter or a file it shows, `/__workbook`'s
/// signature, how far the book is, the page that says it, or `400`.
async fn answer(mut stream: TcpStream, stage: Stage, root: Arc<PathBuf>) -> std::io::Result<()> {
    let head = match tokio::time::timeout(HEAD_WITHIN, read_head(&mut stream)).await {
        Ok(Ok(Some(head))) => head,
        Ok(Err(error)) => return Err(error),
        // Too long, cut short or too slow: not a request this page answers.
        _ => return respond(&mut stream, BAD_REQUEST, false).await,
    };
    let Some((path, head_only)) = request_path(&head) else {
        return respond(&mut stream, BAD_REQUEST, false).await;
    };
    let lang = language::current();
    let how_far = how_far(lang, stage);
    let answer = match path {
        "/__workbook" => Reply::ok("text/plain", BOOK_SIGNATURE.as_bytes()),
        "/__workbook/waiting" => Reply::ok("text/plain; charset=utf-8", how_far.into_bytes()),
        _ => {
            let path = path.to_string();
            let read =
                tokio::task::spawn_blocking(move || preview::answer(&root, &path, lang, &how_far));
            match read.await.ok().flatten() {
                Some(Answer::Page(page)) => {
                    Reply::ok("text/html; charset=utf-8", page.into_bytes())
                }
                Some(Answer::File {
                    content_type,
                    bytes,
                }) => Reply::ok(content_type, bytes),
                None => Reply {
                    status: "503 Service Unavailable",
                    content_type: "text/html; charset=utf-8",
                    body: page(lang, stage).into_bytes().into(),
                },
            }
        }
    };
    respond(&mut stream, answer, head_only).await
}

/// A response: its status line's end, what its body is, and the body.
struct Reply {
    status: &'static str,
    content_type: &'static str,
    body: Cow<'static, [u8]>,
}

impl Reply {
    fn ok(content_type: &'static str, body: impl Into<Cow<'static, [u8]>>) -> Reply {
        Reply {
            status: "200 OK",
            content_type,
            body: body.into(),
        }
    }
}

/// What is not a request this answers.
const BAD_REQUEST: Reply = Reply {
    status: "400 Bad Request",
    content_type: "text/plain",
    body: Cow::Borrowed(b"bad request\n"),
};

/// The request's head, up to its blank line; `None` when it is longer than [`MAX_HEAD`] or
/// the connection ends first.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > MAX_HEAD {
            return Ok(None);
        }
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            return Ok(None);
        }
        head.extend_from_slice(&chunk[..read]);
    }
    Ok(Some(head))
}

/// The path of a `GET` or `HEAD` request's first line (`GET /01-tcp.html HTTP/1.1`), and
/// whether it is a `HEAD` (answered without a body).
fn request_path(head: &[u8]) -> Option<(&str, bool)> {
    let line = head.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut words = line.split(' ');
    let (method, path, version) = (words.next()?, words.next()?, words.next()?);
    let well_formed = matches!(method, "GET" | "HEAD")
        && path.starts_with('/')
        && version.starts_with("HTTP/1.")
        && words.next().is_none();
    well_formed.then_some((path, method == "HEAD"))
}

async fn respond(stream: &mut TcpStream, reply: Reply, head_only: bool) -> std::io::Result<()> {
    let Reply {
        status,
        content_type,
        body,
    } = reply;
    // A page of the book not there yet is asked for again in two seconds.
    let retry = match status.starts_with("503") {
        true => "Retry-After: 2\r\n",
        false => "",
    };
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\n{retry}Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await?;
    if !head_only {
        stream.write_all(&body).await?;
    }
    stream.shutdown().await
}

/// Where the book's server is, in `lang`: one sentence.
pub fn how_far(lang: Lang, stage: Stage) -> String {
    let say =
        |msg, args: &[(&str, &dyn std::fmt::Display)]| language::messages::say_in(lang, msg, args);
    match stage {
        Stage::Queued => say(Msg::WaitingQueued, &[]),
        Stage::Building(Some(Progress { done, total })) => {
            say(Msg::WaitingBuilding, &[("done", &done), ("total", &total)])
        }
        Stage::Building(None) => say(Msg::WaitingStarting, &[]),
        Stage::Rendering => say(Msg::WaitingRendering, &[]),
        Stage::Broken => say(Msg::WaitingBroken, &[]),
    }
}

/// The page, in `lang`: what it is, how far, and that it reloads itself.
pub fn page(lang: Lang, stage: Stage) -> String {
    let say =
        |msg, args: &[(&str, &dyn std::fmt::Display)]| language::messages::say_in(lang, msg, args);
    let how_far = how_far(lang, stage);
    let title = say(Msg::WaitingTitle, &[]);
    let reloads = say(Msg::WaitingReloads, &[]);
    format!(
        r#"<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="2">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body {{ font: 1.1rem/1.6 system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #333; }}</style>
</head>
<body>
<h1>{title}</h1>
<p id="how-far">{how_far}</p>
<p>{reloads}</p>
</body>
</html>
"#,
        lang = lang.code(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_path_of_a_get_and_refuses_the_rest() {
        assert_eq!(
            request_path(b"GET /01-tcp.html HTTP/1.1\r\nHost: x\r\n\r\n"),
            Some(("/01-tcp.html", false))
        );
        assert_eq!(request_path(b"HEAD / HTTP/1.0\r\n\r\n"), Some(("/", true)));
        assert_eq!(request_path(b"POST / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(request_path(b"GET / HTTP/1.1 extra\r\n\r\n"), None);
        assert_eq!(request_path(b"\xff\xfe / HTTP/1.1\r\n\r\n"), None);
        assert_eq!(request_path(b"GET nowhere HTTP/1.1\r\n\r\n"), None);
        assert_eq!(request_path(b""), None);
    }

    #[test]
    fn the_page_says_how_far_in_each_language() {
        let done = Progress {
            done: 45,
            total: 180,
        };
        let english = page(Lang::En, Stage::Building(Some(done)));
        assert!(english.contains("45 of 180 steps"), "{english}");
        assert!(english.contains(r#"http-equiv="refresh""#));
        let chinese = page(Lang::ZhCn, Stage::Building(Some(done)));
        assert!(chinese.contains(r#"<html lang="zh-CN">"#));
        assert!(chinese.contains("180 步中已完成 45 步"), "{chinese}");
    }
}
