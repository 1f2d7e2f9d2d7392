//! Prometheus' own graph page, photographed: its classic page (Debian's Prometheus serves
//! it), with one graph for each PromQL expression, each showing its expression above it and
//! its series' labels below, over the last `range` seconds.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use testkit::browser::Browser;

/// The window the page is looked at in: narrow, so that the picture keeps its words
/// readable in the book's column.
const WINDOW: (u32, u32) = (1000, 2000);

/// How long the page may take to draw its graphs.
const PATIENCE: Duration = Duration::from_secs(30);

/// The graph page of the Prometheus at `prometheus` (`127.0.0.1:PORT`) for `graphs`, each
/// over the `range` seconds up to now.
pub fn page(prometheus: &str, graphs: &[&str], range: u64) -> String {
    let mut url = format!("http://{prometheus}/classic/graph?");
    for (index, promql) in graphs.iter().enumerate() {
        if index > 0 {
            url.push('&');
        }
        url.push_str(&format!(
            "g{index}.expr={}&g{index}.tab=0&g{index}.range_input={range}s",
            testkit::query_encoded(promql)
        ));
    }
    url
}

/// Opens `url` in headless Chromium, waits until each graph is drawn, and writes the
/// graphs (expression, graph and legend each, without the page's menu) to `file` as a PNG.
pub async fn photograph(url: &str, file: &Path) -> Result<()> {
    let browser = Browser::start(WINDOW.0, WINDOW.1)
        .await
        .map_err(|why| anyhow::anyhow!("{why}"))?;
    let client = &browser.client;
    client.goto(url).await.context("opening the graph page")?;
    until_drawn(client).await?;
    // Drawn again, lower: two graphs and their expressions fit in one picture.
    client
        .execute(LOWER, Vec::new())
        .await
        .context("lowering the graphs")?;
    until_drawn(client).await?;
    client
        .execute(TIDY, Vec::new())
        .await
        .context("tidying the page")?;
    let graphs = client
        .find(fantoccini::Locator::Id("graph_container"))
        .await
        .context("the graphs")?;
    let png = graphs.screenshot().await.context("the screenshot")?;
    std::fs::write(file, png).with_context(|| format!("writing {}", file.display()))?;
    let _ = client.clone().close().await;
    Ok(())
}

/// Waits until the page has drawn every graph.
async fn until_drawn(client: &fantoccini::Client) -> Result<()> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let drawn = client
            .execute(DRAWN, Vec::new())
            .await
            .context("asking the page")?;
        if drawn == serde_json::Value::Bool(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("the graphs were not drawn within {PATIENCE:?}: {drawn}");
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Whether every graph has its lines (an SVG path in its area) and no query is under way;
/// else what is missing.
const DRAWN: &str = r#"
const graphs = [...document.querySelectorAll('.graph_wrapper')];
if (graphs.length === 0) return 'no graph yet';
for (const graph of graphs) {
    const error = graph.querySelector('.error');
    if (error && error.offsetParent !== null && error.textContent.trim()) {
        return 'an error: ' + error.textContent.trim();
    }
    if (!graph.querySelector('.graph_area svg path')) return 'a graph not drawn yet';
    const spinner = graph.querySelector('.spinner');
    if (spinner && spinner.offsetParent !== null) return 'a query under way';
}
return true;
"#;

/// Makes each graph lower than the page's 400 pixels, and has it drawn again (its old
/// drawing removed, so that the new one is waited for).
const LOWER: &str = r#"
const style = document.createElement('style');
style.textContent = '.graph { min-height: 260px !important; }';
document.head.appendChild(style);
document.querySelectorAll('.graph_area').forEach(area => area.replaceChildren());
document.querySelectorAll('.execute_btn').forEach(button => button.click());
"#;

/// Removes what says nothing of the graphs: the query history's switch, the button that
/// adds a graph, the links that remove one, the cursor in an expression.
const TIDY: &str = r#"
document.querySelector('.query-history')?.remove();
document.getElementById('add_graph')?.parentElement?.remove();
document.querySelectorAll('a[name=remove]').forEach(link => link.remove());
document.activeElement?.blur();
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_graph_is_numbered_and_its_expression_encoded() {
        let url = page("127.0.0.1:8083", &["up", r#"sum by (host) (x{a="b"})"#], 90);
        assert_eq!(
            url,
            "http://127.0.0.1:8083/classic/graph?g0.expr=up&g0.tab=0&g0.range_input=90s&\
             g1.expr=sum%20by%20%28host%29%20%28x%7Ba%3D%22b%22%7D%29&g1.tab=0&g1.range_input=90s"
        );
    }
}
