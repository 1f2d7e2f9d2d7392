//! Exercise `captcha.render`: `cargo test -p l09-captcha --test render`.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use l09_captcha::exercises::render::{Spec, render_off_runtime};
use l09_captcha::render::png_dimensions;
use testkit::within;

const SPEC: Spec = Spec {
    chars: 4,
    width: 160,
    height: 64,
    max_png_bytes: 64 * 1024,
};

/// Fails to compile unless the future is `Send`: a tonic handler's must be.
fn assert_send<T: Send>(value: T) -> T {
    value
}

// On a runtime with one thread, a drawing made on that thread stops everything else: a
// ticker that counts milliseconds would not move while it runs.
#[tokio::test(flavor = "current_thread")]
async fn drawing_leaves_the_runtime_free() {
    let ticks = Arc::new(AtomicU64::new(0));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            let mut every_ms = tokio::time::interval(Duration::from_millis(1));
            loop {
                every_ms.tick().await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        }
    });
    tokio::task::yield_now().await; // let the ticker start

    for _ in 0..3 {
        let before = ticks.load(Ordering::Relaxed);
        let drawing = assert_send(render_off_runtime(SPEC));
        let rendered = within("a drawing", drawing).await.expect("a drawing");
        let after = ticks.load(Ordering::Relaxed);
        assert!(
            after > before,
            "the ticker did not tick while the image was drawn: the drawing ran on the \
             runtime's only thread, which stopped everything else"
        );
        assert!(!rendered.png.is_empty());
    }
    ticker.abort();
}

#[tokio::test]
async fn draws_what_the_spec_asks_for() {
    for spec in [
        SPEC,
        Spec {
            chars: 6,
            width: 220,
            height: 80,
            ..SPEC
        },
    ] {
        let rendered = within("a drawing", render_off_runtime(spec))
            .await
            .expect("a drawing");
        assert_eq!(
            png_dimensions(&rendered.png),
            Some((spec.width, spec.height)),
            "a PNG of {}×{} (its header's width and height)",
            spec.width,
            spec.height
        );
        assert_eq!(
            rendered.code.chars().count(),
            spec.chars as usize,
            "the code {:?} should have {} characters",
            rendered.code,
            spec.chars
        );
        assert!(rendered.png.len() <= spec.max_png_bytes);
    }
}

#[tokio::test]
async fn a_limit_no_drawing_fits_is_an_error_that_says_so() {
    let spec = Spec {
        max_png_bytes: 100,
        ..SPEC
    };
    let outcome = within("a drawing", render_off_runtime(spec)).await;
    let error = match outcome {
        Ok(rendered) => panic!(
            "a {}-byte PNG came back for a limit of 100 bytes",
            rendered.png.len()
        ),
        Err(error) => format!("{error:#}"),
    };
    // A panic on the drawing thread comes back as an error too (tokio's JoinError, "task 7
    // panicked with message …"), but a server whose drawing panics prints a backtrace for
    // every image too big: the limit is an error the answer returns.
    assert!(
        !error.contains("panicked"),
        "the drawing panicked instead of returning an error: {error:?}"
    );
    assert!(
        error.contains("100") && error.contains("bytes"),
        "the error should name the limit in bytes: {error:?}"
    );
}
