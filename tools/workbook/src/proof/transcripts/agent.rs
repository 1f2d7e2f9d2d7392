//! The chapter's own Consul agent: the embedded one on a free port, when the runner is
//! built with it.

/// An embedded Consul-compatible agent on a free loopback port, for one chapter.
pub(super) struct ChapterAgent {
    pub(super) port: u16,
    #[cfg(feature = "embedded-agent")]
    pub(super) agent: devconsul::Agent,
}

impl ChapterAgent {
    #[cfg(feature = "embedded-agent")]
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

    /// Without the embedded agent, the Consul chapters' programs find none.
    #[cfg(not(feature = "embedded-agent"))]
    pub(super) async fn start() -> Option<ChapterAgent> {
        None
    }

    pub(super) async fn stop(self) {
        #[cfg(feature = "embedded-agent")]
        self.agent.shutdown().await;
    }
}
