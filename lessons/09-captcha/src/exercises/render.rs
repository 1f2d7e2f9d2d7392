//! Exercise `captcha.render`: draw what a page asks for, within a size limit, off the
//! runtime.
//!
//! The service draws one size of image, on tokio's blocking pool (`Drawer`). A page may
//! want another size or more characters, and a PNG of noise compresses badly: a page may
//! not want to show a big one. Draw what the `Spec` says, give up on a drawing larger than
//! its limit and draw again, a few times, before failing — and all of it without taking a
//! thread the runtime needs for its other tasks.

use crate::render::{Rendered, draw};

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
