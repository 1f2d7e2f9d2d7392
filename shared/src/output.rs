//! A program whose reader has gone ends quietly, as a Unix tool does.
//!
//! `l13-rpcx client | head -3`: once `head` has its three lines it exits, and the pipe
//! between the two has no reader any more. Unix tells a program that writes to such a pipe
//! with the signal SIGPIPE, whose default action is to end it, silently: the reader has
//! what it wanted, and nothing is left to do. A Rust program starts with SIGPIPE ignored,
//! so the write fails instead: `println!` panics with "failed printing to stdout: Broken
//! pipe", and a `write_all` to standard output returns the error.
//!
//! Putting SIGPIPE's default action back for the whole program would be wrong for a
//! server: a write to a connection the peer has closed can raise it too (a vectored write,
//! as HTTP/2 makes, is not sent with `MSG_NOSIGNAL`), and a server must see that as an
//! error on one connection, not die of it. So SIGPIPE stays ignored, and only a write to a
//! closed standard output ends the program, the way a Unix tool ends: by the signal itself,
//! raised at that moment, with no message.

use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;

/// Makes `println!` and `eprintln!` end the program by SIGPIPE when their reader has gone,
/// instead of panicking. Every lesson's binary calls this first; what writes to standard
/// output itself uses [`stdout`] or [`async_stdout`].
pub fn end_when_output_closes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        if is_a_print_to_a_closed_pipe(panic) {
            end_by_sigpipe();
        }
        report(panic);
    }));
}

/// `println!`'s and `eprintln!`'s panic when their reader has gone: "failed printing to
/// stdout: Broken pipe (os error 32)", the error number being EPIPE's.
#[cfg(unix)]
fn is_a_print_to_a_closed_pipe(panic: &std::panic::PanicHookInfo<'_>) -> bool {
    let message = panic
        .payload()
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.payload().downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to std")
        && message.ends_with(&format!("(os error {})", libc::EPIPE))
}

#[cfg(not(unix))]
fn is_a_print_to_a_closed_pipe(_panic: &std::panic::PanicHookInfo<'_>) -> bool {
    false
}

/// Ends the program by SIGPIPE, as the kernel would have ended a C program at its write.
fn end_by_sigpipe() {
    // SAFETY: the default action installs no handler of ours, and raising the signal then
    // ends the process at once; nothing of this program runs after it.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        libc::raise(libc::SIGPIPE);
    }
}

/// Standard output for a program that writes bytes to it: a write after the reader has
/// gone ends the program by SIGPIPE (`l04-protobuf encode - | head -c 1`).
pub fn stdout() -> Stdout<io::Stdout> {
    Stdout(io::stdout())
}

/// [`stdout`] for async code: tokio's standard output, with the same end.
pub fn async_stdout() -> Stdout<tokio::io::Stdout> {
    Stdout(tokio::io::stdout())
}

/// Standard output whose writes end the program by SIGPIPE when the reader has gone; any
/// other error is returned as it is.
pub struct Stdout<W>(W);

/// A write's result, or the program's end if it failed for want of a reader.
fn unless_closed<T>(result: io::Result<T>) -> io::Result<T> {
    if let Err(error) = &result
        && error.kind() == io::ErrorKind::BrokenPipe
    {
        end_by_sigpipe();
    }
    result
}

impl<W: Write> Write for Stdout<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        unless_closed(self.0.write(bytes))
    }

    fn flush(&mut self) -> io::Result<()> {
        unless_closed(self.0.flush())
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Stdout<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bytes: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.0)
            .poll_write(cx, bytes)
            .map(unless_closed)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_flush(cx).map(unless_closed)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.0).poll_shutdown(cx).map(unless_closed)
    }
}
