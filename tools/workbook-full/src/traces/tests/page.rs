//! In headless Chromium: `/traces` draws each trace as a waterfall, live, newest first.

use std::time::{SystemTime, UNIX_EPOCH};

use fantoccini::Locator;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, status};
use serde_json::Value;
use testkit::browser::{Browser, WINDOW};

use super::support::{grpc_provider, shut_down, traced_call, view};

/// Each row the page shows: its trace, service, name (with its kind), indentation, bar
/// width, and whether it is marked an error.
const ROWS: &str =
    "return Array.from(document.querySelectorAll('section.trace')).flatMap((section) =>
    Array.from(section.querySelectorAll('tr.span')).map((row) => ({
        trace: section.dataset.traceId,
        service: row.querySelector('td.service').textContent,
        name: row.querySelector('td.name').firstChild.textContent,
        indent: parseInt(row.querySelector('td.name').style.paddingLeft),
        bar: row.querySelector('.bar').getBoundingClientRect().width,
        error: row.classList.contains('error'),
    })));";

#[tokio::test(flavor = "current_thread")]
async fn the_page_draws_each_trace_as_a_waterfall() {
    let Some(browser) = Browser::or_skip(WINDOW.0, WINDOW.1).await else {
        return;
    };
    let client = &browser.client;
    let view = view().await;
    client
        .goto(&format!("http://{}/traces", view.page))
        .await
        .unwrap();
    let receiver = client.find(Locator::Id("receiver")).await.unwrap();
    let said = client
        .wait()
        .at_most(testkit::PATIENCE)
        .for_element(Locator::XPath(
            "//p[@id='receiver'][contains(., 'OTEL_EXPORTER_OTLP_ENDPOINT=')]",
        ))
        .await;
    assert!(said.is_ok(), "{:?}", receiver.text().await);

    // A real call, then a trace that failed, sent after it (so it is the newest).
    let provider = grpc_provider(&view, "captcha");
    let request = traced_call(&provider).await;
    let mut otlp = TraceServiceClient::connect(format!("http://{}", view.receiver))
        .await
        .unwrap();
    otlp.export(failed_trace()).await.unwrap();

    // The rows of the call's trace and of the failed one, once both are drawn (the
    // gateway's calls for the service's schema are traces of their own).
    let deadline = std::time::Instant::now() + testkit::PATIENCE * 3;
    let failed_id = "ee".repeat(16);
    let (rows, call, failed) = loop {
        let rows = client.execute(ROWS, Vec::new()).await.unwrap();
        let rows: Vec<Value> = serde_json::from_value(rows).unwrap_or_default();
        let call_id = rows
            .iter()
            .find(|r| r["name"] == request)
            .map(|r| r["trace"].clone());
        let of = |id: &Value| -> Vec<Value> {
            rows.iter().filter(|r| r["trace"] == *id).cloned().collect()
        };
        let call = call_id.as_ref().map(of).unwrap_or_default();
        let failed = of(&Value::from(failed_id.clone()));
        if call.len() == 3 && failed.len() == 2 {
            break (rows, call, failed);
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the page shows {rows:#?}"
        );
        // The page is polled as a reader looks at it: nothing to wait on in the browser.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    shut_down(provider).await;

    // Newest first: the failed trace above the call; its child under it, marked.
    let position = |row: &Value| rows.iter().position(|r| r == row).unwrap();
    assert!(position(&failed[0]) < position(&call[0]), "{rows:#?}");
    let names = |rows: &[Value]| -> Vec<String> {
        rows.iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&failed), ["POST /checkout", "payments.Pay/Charge"]);
    assert_eq!(failed[1]["error"], true);
    assert_eq!(failed[0]["error"], false);
    // The call: each span indented under its caller, every bar drawn.
    assert_eq!(
        names(&call),
        [request.as_str(), "captcha.Captcha/Verify", "GETDEL"]
    );
    let indents: Vec<i64> = call.iter().map(|r| r["indent"].as_i64().unwrap()).collect();
    assert!(
        indents[0] < indents[1] && indents[1] < indents[2],
        "{call:#?}"
    );
    for row in &call {
        assert_eq!(row["service"], "captcha");
        assert!(row["bar"].as_f64().unwrap() >= 1.0, "{row:#}");
    }
    let failed = client
        .find(Locator::Css("section.trace.failed"))
        .await
        .unwrap();
    assert!(failed.text().await.unwrap().contains("POST /checkout"));

    // A click on a row shows its attributes.
    let call = client
        .find(Locator::XPath(
            "//tr[contains(@class,'span')][td[contains(., 'captcha.Captcha/Verify')]]",
        ))
        .await
        .unwrap();
    call.click().await.unwrap();
    let details = client.find(Locator::Css("tr.details")).await.unwrap();
    assert!(
        details.text().await.unwrap().contains("rpc.system"),
        "{:?}",
        details.text().await
    );
    let _ = client.clone().close().await;
}

/// A trace of two spans from now, the child failed.
fn failed_trace() -> ExportTraceServiceRequest {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let span = |id: u8, parent: Option<u8>, name: &str, failed: bool| Span {
        trace_id: vec![0xee; 16],
        span_id: vec![id; 8],
        parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
        name: name.into(),
        start_time_unix_nano: now + u64::from(id) * 1_000_000,
        end_time_unix_nano: now + 5_000_000,
        status: failed.then(|| Status {
            code: status::StatusCode::Error as i32,
            message: "card declined".into(),
        }),
        ..Default::default()
    };
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            scope_spans: vec![ScopeSpans {
                spans: vec![
                    span(1, None, "POST /checkout", false),
                    span(2, Some(1), "payments.Pay/Charge", true),
                ],
                ..Default::default()
            }],
            ..Default::default()
        }],
    }
}
