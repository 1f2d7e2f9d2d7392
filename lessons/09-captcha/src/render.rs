//! Drawing the image: the `captcha` crate, and why it must not meet an `.await`.
//!
//! `captcha::Captcha` draws with the thread's own random number generator (`ThreadRng`, an
//! `Rc` inside) and a boxed font that is not `Send`. Neither may move to another thread, so
//! a `Captcha` is not `Send`, and neither is any future that holds one across an `.await`.
//! tonic runs each call on tokio's multi-threaded runtime, which may resume a future on
//! another thread after any `.await`: so a handler's future must be `Send`, and a handler
//! that keeps a `Captcha` alive over an `.await` does not compile.
//!
//! The way out is to draw in a plain function that returns only what is `Send` (the code
//! as a `String`, the PNG as bytes), and to call it where no `.await` can interrupt it.

use captcha::Captcha;
use captcha::filters::{Dots, Noise, Wave};

/// How many characters an image shows.
pub const CHARS: u32 = 4;
/// The image's size in pixels (the seed course's).
pub const WIDTH: u32 = 128;
pub const HEIGHT: u32 = 64;

/// What a rendering produces: the code to keep, the image to show. Both are `Send`.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub code: String,
    pub png: Vec<u8>,
}

// ANCHOR: render
/// Draws a new captcha of `chars` characters, `width` × `height` pixels. The `Captcha`
/// lives and dies inside this function: what leaves it is `Send`.
///
/// It takes a few milliseconds of CPU (several times that in an unoptimised build), during
/// which the thread that calls it does nothing else.
pub fn draw(chars: u32, width: u32, height: u32) -> Option<Rendered> {
    let mut captcha = Captcha::new();
    captcha
        .add_chars(chars)
        .apply_filter(Noise::new(0.2))
        .apply_filter(Wave::new(2.0, 8.0).horizontal())
        .apply_filter(Dots::new(8))
        .view(width, height);
    let (code, png) = captcha.as_tuple()?;
    Some(Rendered { code, png })
}
// ANCHOR_END: render

/// The service's captcha: [`CHARS`] characters, [`WIDTH`] × [`HEIGHT`] pixels.
pub fn render() -> Option<Rendered> {
    draw(CHARS, WIDTH, HEIGHT)
}

/// The width and height written in a PNG's header, or `None` when `bytes` is no PNG.
///
/// A PNG starts with an 8-byte signature, then the IHDR chunk: its length (4 bytes), its
/// type (`IHDR`), and the width and height as big-endian 32-bit numbers.
pub fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || &bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    Some((number(16), number(20)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_png_of_the_promised_size_with_its_code() {
        let rendered = render().expect("a captcha");
        assert_eq!(png_dimensions(&rendered.png), Some((WIDTH, HEIGHT)));
        assert_eq!(rendered.code.chars().count(), CHARS as usize);
    }

    #[test]
    fn what_is_not_a_png_has_no_dimensions() {
        assert_eq!(png_dimensions(b"GIF89a"), None);
        assert_eq!(png_dimensions(&[0; 40]), None);
    }
}
