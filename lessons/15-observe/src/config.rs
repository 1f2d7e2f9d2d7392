//! The Prometheus configuration that finds the framework's services through `micro api`.
//!
//! Prometheus is told where to look, not what is there: one job scrapes the gateway itself
//! (its address is known), and one asks the gateway's HTTP service discovery every few
//! seconds which services run now, and scrapes each of them. Debian's Prometheus has
//! `http_sd_configs` (it has no `consul_sd_configs`), and through the gateway it follows
//! whichever registry holds the services: etcd, Consul or mDNS.

// ANCHOR: config
/// `prometheus.yml` for a gateway at `gateway` (`host:port`), scraping every `every`
/// seconds and asking for targets as often.
pub fn prometheus_yml(gateway: &str, every: u32) -> String {
    format!(
        "global:
  scrape_interval: {every}s
  scrape_timeout: {every}s
scrape_configs:
  # micro api itself: micro_api_requests_total, micro_api_request_duration_seconds
  - job_name: micro-api
    static_configs:
      - targets: ['{gateway}']
  # every service the registry holds, as the gateway lists them
  - job_name: micro
    http_sd_configs:
      - url: http://{gateway}{targets}
        refresh_interval: {every}s
",
        targets = micro::api::sd::TARGETS_PATH,
    )
}
// ANCHOR_END: config

#[cfg(test)]
mod tests {
    #[test]
    fn the_services_are_asked_of_the_gateway() {
        let yml = super::prometheus_yml("127.0.0.1:8080", 5);
        assert!(
            yml.contains("url: http://127.0.0.1:8080/metrics/targets"),
            "{yml}"
        );
        assert!(yml.contains("- targets: ['127.0.0.1:8080']"), "{yml}");
    }
}
