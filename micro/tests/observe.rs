//! What an operator sees of the framework (lesson 15): every service, web service and the
//! gateway serve `/metrics` that Prometheus' own linter accepts, and a real Prometheus,
//! pointed at the gateway's HTTP service discovery, finds a service when it registers,
//! scrapes it, answers a query over it, and lets it go when it deregisters.

use std::sync::Arc;
use std::time::Duration;

use micro::registry::Registry;
use micro::registry::memory::MemoryRegistry;
use micro::service::{NodeGreeter, Service};
use proto::hello::greeter_server::GreeterServer;
use tokio::sync::oneshot;
use tonic::server::NamedService;

use crate::support::{api, unique_service};
use testkit::{PrometheusServer, http_get, within};

/// A greeter on the framework, registered in `registry`; it leaves when `stop` is sent.
async fn greeter(registry: Arc<dyn Registry>, name: &str) -> (String, oneshot::Sender<()>) {
    let (stop, stopped) = oneshot::channel::<()>();
    let service = Service::new(name, registry.clone())
        .address("127.0.0.1:0")
        .handle(GreeterServer::new(NodeGreeter))
        .handle(micro::api::reflect::server(&[
            GreeterServer::<NodeGreeter>::NAME,
        ]));
    let mut nodes = registry.watch(name).await.expect("a memory watch");
    tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let registered = within("the greeter to register", nodes.wait_for(|n| !n.is_empty())).await;
    let address = registered.expect("the watch is open")[0].address.clone();
    (address, stop)
}

async fn get(address: &str, path: &str) -> String {
    let (status, body) = within(path, http_get(address, path)).await.unwrap();
    assert_eq!(status, 200, "GET {path} on {address}: {body}");
    body
}

#[tokio::test]
async fn every_metrics_page_passes_promtool() {
    if !testkit::prometheus_installed() {
        eprintln!("{}", testkit::prometheus_missing());
        return;
    }
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("lint");
    let (service, _stop) = greeter(registry.clone(), &name).await;
    let api = api(registry, Default::default()).await;
    get(&api, &format!("/{name}/greeter/say-hello?name=lint")).await;
    let (status, _) = http_get(&api, "/no-such-service/call").await.unwrap();
    assert_eq!(status, 404);

    // The call's reply has come back; the service counts it when the reply's body is
    // dropped, which may be a moment after.
    let mut page = String::new();
    for _ in 0..200 {
        page = get(&service, "/metrics").await;
        if page.contains(r#"grpc_code="OK""#) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        page.contains(r#"grpc_server_handled_total{grpc_code="OK",grpc_method="SayHello",grpc_service="hello.Greeter"} 1"#),
        "{page}"
    );
    testkit::promtool_check_metrics(&page).unwrap_or_else(|said| panic!("{said}\n{page}"));

    let page = get(&api, "/metrics").await;
    let greeted = format!(
        r#"micro_api_requests_total{{code="200",method="Greeter.SayHello",service="{name}"}} 1"#
    );
    assert!(page.contains(&greeted), "{page}");
    let unknown = r#"micro_api_requests_total{code="404",method="unknown",service="unknown"} 1"#;
    assert!(page.contains(unknown), "{page}");
    testkit::promtool_check_metrics(&page).unwrap_or_else(|said| panic!("{said}\n{page}"));
}

#[tokio::test]
async fn prometheus_follows_the_registry_through_the_gateway() {
    if !testkit::prometheus_installed() {
        eprintln!("{}", testkit::prometheus_missing());
        return;
    }
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let api = api(registry.clone(), Default::default()).await;
    let config = format!(
        "global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: micro
    http_sd_configs:
      - url: http://{api}/metrics/targets
        refresh_interval: 1s
"
    );
    let prometheus = testkit::prometheus(&config).await;

    let name = unique_service("scraped");
    let (address, stop) = greeter(registry.clone(), &name).await;
    let of_service = |targets: &Vec<serde_json::Value>| -> Vec<serde_json::Value> {
        let mine = |target: &&serde_json::Value| target["labels"]["service"] == name.as_str();
        targets.iter().filter(mine).cloned().collect()
    };
    let up = |targets: &Vec<serde_json::Value>| {
        of_service(targets)
            .iter()
            .any(|target| target["health"] == "up")
    };
    let targets = prometheus
        .wait_for("the service's target, up", || prometheus.targets(), up)
        .await;
    let target = &of_service(&targets)[0];
    assert_eq!(target["labels"]["instance"], address.as_str(), "{target}");
    assert_eq!(target["labels"]["version"], "latest", "{target}");
    assert!(
        target["labels"]["node"]
            .as_str()
            .is_some_and(|node| node.starts_with(&name)),
        "{target}"
    );

    get(&api, &format!("/{name}/greeter/say-hello?name=prom")).await;
    answered(&prometheus, &name).await;

    let _ = stop.send(());
    prometheus
        .wait_for(
            "the target to go once the service deregistered",
            || prometheus.targets(),
            |targets| of_service(targets).is_empty(),
        )
        .await;
}

/// Waits until Prometheus has scraped the call the gateway passed on, and its query says so.
async fn answered(prometheus: &PrometheusServer, name: &str) {
    let promql =
        format!(r#"sum(grpc_server_handled_total{{service="{name}",grpc_method="SayHello"}})"#);
    let one =
        |samples: &Vec<serde_json::Value>| samples.first().is_some_and(|s| s["value"][1] == "1");
    prometheus
        .wait_for(
            "the query to count the call",
            || prometheus.query(&promql),
            one,
        )
        .await;
}

#[tokio::test]
async fn the_captcha_service_counts_its_redis_commands() {
    use micro::metrics::redis::RedisMetrics;
    use proto::captcha::VerifyRequest;
    use proto::captcha::captcha_client::CaptchaClient;
    use proto::captcha::captcha_server::CaptchaServer;
    use shared::captcha::CaptchaService;

    let redis = testkit::redis().await;
    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("captcha");
    let redis_metrics = RedisMetrics::new().unwrap();
    let captcha = CaptchaService::new(redis.url())
        .unwrap()
        .observed_by(Arc::new(redis_metrics.clone()));
    let (stop, stopped) = oneshot::channel::<()>();
    let service = Service::new(&name, registry.clone())
        .address("127.0.0.1:0")
        .metrics(redis_metrics.collectors())
        .handle(CaptchaServer::new(captcha));
    let mut nodes = registry.watch(&name).await.unwrap();
    tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let registered = within("the service to register", nodes.wait_for(|n| !n.is_empty())).await;
    let address = registered.unwrap()[0].address.clone();

    let mut client = CaptchaClient::connect(format!("http://{address}"))
        .await
        .unwrap();
    let uuid = "5f0c2a4e-8d8b-4a43-9a6e-2f3c1b0d9e7a".to_string();
    let code = "abcd".to_string();
    let verify = within("Verify", client.verify(VerifyRequest { uuid, code })).await;
    assert!(!verify.unwrap().into_inner().ok, "no code was stored");

    let page = get(&address, "/metrics").await;
    let getdel = r#"redis_commands_total{command="GETDEL",outcome="answered"} 1"#;
    assert!(page.contains(getdel), "{page}");
    let timed = r#"redis_command_duration_seconds_count{command="GETDEL"} 1"#;
    assert!(page.contains(timed), "{page}");
    if testkit::prometheus_installed() {
        testkit::promtool_check_metrics(&page).unwrap_or_else(|said| panic!("{said}\n{page}"));
    }
    let _ = stop.send(());
}

#[tokio::test]
async fn a_web_service_counts_its_requests_by_route() {
    use axum::extract::Path;
    use micro::web::WebService;

    let registry: Arc<dyn Registry> = Arc::new(MemoryRegistry::new());
    let name = unique_service("web-metrics");
    let hello = async |Path(name): Path<String>| format!("Hello {name}");
    let router = axum::Router::new().route("/hello/{name}", axum::routing::get(hello));
    let (stop, stopped) = oneshot::channel::<()>();
    let service = WebService::new(&name, registry.clone()).handle(router);
    let mut nodes = registry.watch(&name).await.unwrap();
    tokio::spawn(service.run(async {
        let _ = stopped.await;
    }));
    let registered = within("the service to register", nodes.wait_for(|n| !n.is_empty())).await;
    let address = registered.unwrap()[0].address.clone();

    assert_eq!(get(&address, "/hello/ferris").await, "Hello ferris");
    let (status, _) = http_get(&address, "/no/such/page").await.unwrap();
    assert_eq!(status, 404);
    let brew = reqwest::Method::from_bytes(b"BREW").unwrap();
    let url = format!("http://{address}/hello/teapot");
    let answer = within("BREW", reqwest::Client::new().request(brew, url).send()).await;
    assert_eq!(answer.unwrap().status().as_u16(), 405);

    // Each request is counted before its answer leaves: the page holds all three.
    let page = get(&address, "/metrics").await;
    for counted in [
        r#"http_server_requests_total{code="200",method="GET",route="/hello/{name}"} 1"#,
        r#"http_server_requests_total{code="404",method="GET",route="unknown"} 1"#,
        r#"http_server_requests_total{code="405",method="other",route="/hello/{name}"} 1"#,
        r#"http_server_request_duration_seconds_count{method="GET",route="/hello/{name}"} 1"#,
        "http_server_requests_in_flight 0",
    ] {
        assert!(page.contains(counted), "{counted} in\n{page}");
    }
    if testkit::prometheus_installed() {
        testkit::promtool_check_metrics(&page).unwrap_or_else(|said| panic!("{said}\n{page}"));
    } else {
        eprintln!("{}", testkit::prometheus_missing());
    }
    let _ = stop.send(());
}

#[tokio::test]
async fn a_method_no_one_serves_is_never_a_label() {
    use micro::metrics::grpc::GrpcMetrics;
    use tower::{Layer, ServiceExt};

    // Answers SayHello, and any other method Unimplemented, as a generated server does.
    let answer = async |request: http::Request<tonic::body::Body>| {
        let code = match request.uri().path() {
            "/hello.Greeter/SayHello" => "0",
            _ => "12",
        };
        let reply = http::Response::builder().header("grpc-status", code);
        Ok::<_, std::convert::Infallible>(reply.body(tonic::body::Body::empty()).unwrap())
    };
    let metrics = GrpcMetrics::new(["hello.Greeter"]).unwrap();
    let service = metrics.layer(tower::service_fn(answer));
    let paths = ["/hello.Greeter/MadeUp1", "/hello.Greeter/SayHello"];
    for path in paths
        .iter()
        .chain(&paths)
        .chain(&["/hello.Greeter/MadeUp2"])
    {
        let request = http::Request::post(*path)
            .header("content-type", "application/grpc")
            .body(tonic::body::Body::empty())
            .unwrap();
        let reply = service.clone().oneshot(request).await.unwrap();
        drop(reply);
    }

    let mut page = Vec::new();
    let families = metrics.registry().gather();
    prometheus::Encoder::encode(&prometheus::TextEncoder::new(), &families, &mut page).unwrap();
    let page = String::from_utf8(page).unwrap();
    assert!(!page.contains("MadeUp"), "{page}");
    for counted in [
        r#"grpc_server_handled_total{grpc_code="OK",grpc_method="SayHello",grpc_service="hello.Greeter"} 2"#,
        r#"grpc_server_handled_total{grpc_code="Unimplemented",grpc_method="unknown",grpc_service="hello.Greeter"} 3"#,
        r#"grpc_server_requests_in_flight{grpc_method="SayHello",grpc_service="hello.Greeter"} 0"#,
        r#"grpc_server_requests_in_flight{grpc_method="unknown",grpc_service="hello.Greeter"} 0"#,
    ] {
        assert!(page.contains(counted), "{counted} in\n{page}");
    }
}
