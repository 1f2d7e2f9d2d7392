//! The dashboard itself, in headless Chromium, every exercise of the course shown: how long
//! it takes to draw, by its own measure (`data-draw-ms`), sampled while the load runs.

use std::time::{Duration, Instant};

use testkit::browser::Browser;

/// The drawings sampled: each update's (the rows that changed), and the whole room's.
#[derive(Default)]
pub struct Drawn {
    pub updates: Vec<f64>,
    pub whole: Vec<f64>,
}

/// Opens the dashboard at `url` in `browser` and samples its drawing once a second until
/// `end`, asking for the whole room to be drawn again every fifth second.
pub async fn sample_until(browser: &Browser, url: &str, end: Instant) -> Drawn {
    let mut drawn = Drawn::default();
    let client = &browser.client;
    client.goto(url).await.unwrap();
    client
        .execute(
            "localStorage.setItem('class-lessons', 'all'); location.reload(); return null;",
            vec![],
        )
        .await
        .unwrap();
    // Each second, the last drawing (the rows that changed) and the last whole
    // one, which every fifth second is asked for (as a change of the menus does).
    let sample = |key: &'static str| async move {
        client
            .execute(
                &format!("return Number(document.body.dataset.{key} || 'NaN');"),
                vec![],
            )
            .await
            .ok()
            .and_then(|value| value.as_f64())
            .filter(|ms| ms.is_finite())
    };
    let mut second = 0;
    while Instant::now() < end {
        tokio::time::sleep(Duration::from_secs(1)).await;
        second += 1;
        if let Some(ms) = sample("drawMs").await {
            drawn.updates.push(ms);
        }
        if second % 5 == 0 {
            // The whole drawing asked for five seconds ago.
            if let Some(ms) = sample("wholeDrawMs").await {
                drawn.whole.push(ms);
            }
            let _ = client
                .execute(
                    "document.getElementById('show').dispatchEvent(new Event('change')); return null;",
                    vec![],
                )
                .await;
        }
    }
    drawn
}
