//! Exercise `captcha.render`: draw what a page asks for, within a size limit, off the
//! runtime.
//!
//! The service draws one size of image, on tokio's blocking pool (`Drawer`). A page may
//! want another size or more characters, and a PNG of noise compresses badly: a page may
//! not want to show a big one. Draw what the `Spec` says, give up on a drawing larger than
//! its limit and draw again, a few times, before failing — and all of it without taking a
//! thread the runtime needs for its other tasks.

use anyhow::Context as _;

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
    // The closure runs on tokio's blocking pool; only its `Send` result comes back.
    let drawing = tokio::task::spawn_blocking(move || draw_within_limit(spec));
    drawing.await.context("the drawing thread panicked")?
}

/// Draws up to [`ATTEMPTS`] times until a PNG fits the limit. A plain function: each
/// `Captcha` lives and dies on the thread that calls it.
fn draw_within_limit(spec: Spec) -> anyhow::Result<Rendered> {
    let mut smallest = usize::MAX;
    for _ in 0..ATTEMPTS {
        let rendered =
            draw(spec.chars, spec.width, spec.height).context("the captcha could not be drawn")?;
        if rendered.png.len() <= spec.max_png_bytes {
            return Ok(rendered);
        }
        smallest = smallest.min(rendered.png.len());
    }
    anyhow::bail!(
        "no drawing fit in {} bytes: the smallest of {ATTEMPTS} was {smallest} bytes",
        spec.max_png_bytes
    )
}
