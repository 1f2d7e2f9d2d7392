//! The status page: `/` redirects to `/ui/`, which lists services and, per service, each
//! instance's checks with status and output.

use crate::common::agent;
use serde_json::json;

#[tokio::test]
async fn the_root_redirects_to_the_ui() {
    let (agent, _api) = agent().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let reply = client.get(agent.url() + "/").send().await.unwrap();
    assert_eq!(reply.status(), 301);
    assert_eq!(reply.headers()["location"], "/ui/");
}

#[tokio::test]
async fn the_ui_shows_services_checks_and_outputs() {
    let (_agent, api) = agent().await;
    api.register(json!({"Name": "web", "ID": "web-1", "Port": 8080, "Check": {"TTL": "60s"}}))
        .await;
    api.register(json!({"Name": "<script>", "Check": {"TTL": "60s", "Status": "passing"}}))
        .await;
    api.put("/v1/agent/check/warn/service:web-1?note=slow%20disk", "")
        .await
        .expect(200);

    let overview = api.get("/ui/").await.expect(200);
    assert!(
        overview
            .header("Content-Type")
            .unwrap()
            .starts_with("text/html")
    );
    let page = overview.text();
    assert!(page.contains("href=\"/ui/?service=web\""));
    assert!(page.contains("badge warning"));
    assert!(page.contains("&lt;script&gt;"), "names are escaped");
    assert!(!page.contains("<script>"));
    assert!(page.contains("http-equiv=\"refresh\""));

    let detail = api.get("/ui/?service=web").await.expect(200).text();
    assert!(detail.contains("web-1"));
    assert!(detail.contains("slow disk"));
    assert!(detail.contains("Serf Health Status"));
    assert!(detail.contains("badge warning"));
    api.get("/ui/nope").await.expect(404);
}
