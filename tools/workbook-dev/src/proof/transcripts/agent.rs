//! The chapter's own Consul agent: the embedded one (tools/devconsul) on a free port.

/// An embedded Consul-compatible agent on a free loopback port, for one chapter.
pub(super) struct ChapterAgent {
    pub(super) port: u16,
    pub(super) agent: devconsul::Agent,
}

impl ChapterAgent {
    /// The agent, or None where it does not start (the Consul chapters' programs then find
    /// none, and their transcripts say so).
    pub(super) async fn start() -> Option<ChapterAgent> {
        let config = devconsul::Config {
            http_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            ui: false,
            ..Default::default()
        };
        let agent = devconsul::Agent::start(config).await.ok()?;
        Some(ChapterAgent {
            port: agent.http_addr().port(),
            agent,
        })
    }

    pub(super) async fn stop(self) {
        self.agent.shutdown().await;
    }
}
