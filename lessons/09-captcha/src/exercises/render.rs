//! Exercise `captcha.render`: draw off the runtime, within a size limit.
//!
//! The worked example calls `render()` right inside the gRPC handler. That compiles,
//! because the `Captcha` (not `Send`) is gone before the first `.await`, but the drawing
//! still runs on one of tokio's worker threads: for those milliseconds that thread serves
//! no other call, and on a runtime with one thread nothing else runs at all. Draw on a
//! thread meant for blocking work instead, and let the caller's task wait without blocking.
//!
//! A PNG of noise compresses badly, and a page may not want to show a big one: give up
//! on a drawing larger than the limit and draw again, a few times, before failing.

use crate::render::Rendered;

/// How many drawings may be tried before a size limit counts as impossible.
pub const ATTEMPTS: u32 = 3;

/// What to draw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// How many characters the image shows.
    pub chars: u32,
    /// The image's size in pixels.
    pub width: u32,
    pub height: u32,
    /// The largest PNG, in bytes, the caller accepts.
    pub max_png_bytes: usize,
}

/// Draws a captcha as `spec` says without blocking the runtime's threads. When each of
/// [`ATTEMPTS`] drawings comes out larger than `spec.max_png_bytes`, fails with an error
/// that names the size and the limit.
pub async fn render_off_runtime(spec: Spec) -> anyhow::Result<Rendered> {
    // TODO: draw as the doc comment says. While the drawing goes on, the runtime's own
    // threads stay free for other tasks, even on a runtime with only one.
    todo!("draw {spec:?} on a blocking thread")
}
