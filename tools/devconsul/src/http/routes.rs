//! The routing table: every `/v1/...` path this agent answers, the methods each allows (for
//! `405` and its `Allow` header), and the real Consul endpoints it does not implement (`501`).

use super::*;

/// Every endpoint the agent knows, with the path parameter it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Route {
    AgentSelf,
    AgentMembers,
    AgentReload,
    AgentLeave,
    AgentMaintenance,
    AgentServices,
    AgentServiceRegister,
    AgentServiceDeregister(String),
    AgentServiceMaintenance(String),
    AgentService(String),
    AgentChecks,
    AgentCheckRegister,
    AgentCheckDeregister(String),
    AgentCheckTtl(&'static str, String),
    AgentCheckUpdate(String),
    AgentHealthByName(String),
    AgentHealthById(String),
    CatalogServices,
    CatalogService(String),
    CatalogNodes,
    CatalogDatacenters,
    CatalogNodeServices(String),
    CatalogNode(String),
    HealthService(String),
    HealthChecks(String),
    HealthState(String),
    HealthNode(String),
    Kv(String),
    StatusLeader,
    StatusPeers,
    AgentJoin(String),
    AgentForceLeave(String),
    /// A client agent's copy of its node, sent to the server (`cluster::sync`).
    NodeSync,
    NotImplemented(&'static str),
}

impl Route {
    /// What a client agent of a cluster passes on to the server (`cluster::forward`).
    pub(super) fn reads_the_servers_catalog(&self) -> bool {
        use Route::*;
        matches!(
            self,
            CatalogServices
                | CatalogService(_)
                | CatalogNodes
                | CatalogNodeServices(_)
                | CatalogNode(_)
                | HealthService(_)
                | HealthChecks(_)
                | HealthState(_)
                | HealthNode(_)
                | Kv(_)
                | StatusLeader
                | StatusPeers
        )
    }
}

/// Real Consul endpoints (by path prefix) that this agent answers with 501.
pub(super) const NOT_IMPLEMENTED: &[&str] = &[
    "/v1/acl/",
    "/v1/agent/connect/",
    "/v1/agent/host",
    "/v1/agent/metrics",
    "/v1/agent/monitor",
    "/v1/agent/token/",
    "/v1/catalog/connect/",
    "/v1/catalog/deregister",
    "/v1/catalog/gateway-services/",
    "/v1/catalog/register",
    "/v1/config",
    "/v1/connect/",
    "/v1/coordinate/",
    "/v1/discovery-chain/",
    "/v1/event/",
    "/v1/health/connect/",
    "/v1/health/ingress/",
    "/v1/internal/",
    "/v1/operator/",
    "/v1/peering",
    "/v1/query",
    "/v1/session/",
    "/v1/snapshot",
    "/v1/txn",
];

/// Maps a (percent-decoded) path to its endpoint, as Consul's mux would.
pub(super) fn route(path: &str) -> Option<Route> {
    let exact = match path {
        "/v1/agent/self" => Some(Route::AgentSelf),
        "/v1/agent/members" => Some(Route::AgentMembers),
        "/v1/agent/reload" => Some(Route::AgentReload),
        "/v1/agent/leave" => Some(Route::AgentLeave),
        "/v1/agent/maintenance" => Some(Route::AgentMaintenance),
        "/v1/agent/services" => Some(Route::AgentServices),
        "/v1/agent/service/register" => Some(Route::AgentServiceRegister),
        "/v1/agent/checks" => Some(Route::AgentChecks),
        "/v1/agent/check/register" => Some(Route::AgentCheckRegister),
        "/v1/catalog/services" => Some(Route::CatalogServices),
        "/v1/catalog/nodes" => Some(Route::CatalogNodes),
        "/v1/catalog/datacenters" => Some(Route::CatalogDatacenters),
        "/v1/status/leader" => Some(Route::StatusLeader),
        "/v1/status/peers" => Some(Route::StatusPeers),
        crate::cluster::sync::SYNC_PATH => Some(Route::NodeSync),
        _ => None,
    };
    if exact.is_some() {
        return exact;
    }
    type Make = fn(String) -> Route;
    let prefixed: &[(&str, Make)] = &[
        (
            "/v1/agent/service/deregister/",
            Route::AgentServiceDeregister,
        ),
        (
            "/v1/agent/service/maintenance/",
            Route::AgentServiceMaintenance,
        ),
        ("/v1/agent/service/", Route::AgentService),
        ("/v1/agent/check/deregister/", Route::AgentCheckDeregister),
        ("/v1/agent/check/pass/", |id| {
            Route::AgentCheckTtl("passing", id)
        }),
        ("/v1/agent/check/warn/", |id| {
            Route::AgentCheckTtl("warning", id)
        }),
        ("/v1/agent/check/fail/", |id| {
            Route::AgentCheckTtl("critical", id)
        }),
        ("/v1/agent/check/update/", Route::AgentCheckUpdate),
        ("/v1/agent/health/service/name/", Route::AgentHealthByName),
        ("/v1/agent/health/service/id/", Route::AgentHealthById),
        ("/v1/catalog/service/", Route::CatalogService),
        ("/v1/catalog/node-services/", Route::CatalogNodeServices),
        ("/v1/catalog/node/", Route::CatalogNode),
        ("/v1/health/service/", Route::HealthService),
        ("/v1/health/checks/", Route::HealthChecks),
        ("/v1/health/state/", Route::HealthState),
        ("/v1/health/node/", Route::HealthNode),
        ("/v1/kv/", Route::Kv),
        ("/v1/agent/join/", Route::AgentJoin),
        ("/v1/agent/force-leave/", Route::AgentForceLeave),
    ];
    if let Some(endpoint) = NOT_IMPLEMENTED
        .iter()
        .find(|prefix| path.starts_with(*prefix))
    {
        return Some(Route::NotImplemented(endpoint));
    }
    prefixed
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map(|(prefix, make)| make(path[prefix.len()..].to_string()))
}

/// The methods an endpoint answers (besides OPTIONS).
pub(super) fn allowed(route: &Route) -> &'static [Method] {
    use Route::*;
    match route {
        AgentReload
        | AgentLeave
        | AgentMaintenance
        | AgentServiceRegister
        | AgentServiceDeregister(_)
        | AgentServiceMaintenance(_)
        | AgentCheckRegister
        | AgentCheckDeregister(_)
        | AgentCheckTtl(..)
        | AgentCheckUpdate(_)
        | AgentJoin(_)
        | AgentForceLeave(_)
        | NodeSync => &[Method::PUT],
        Kv(_) => &[Method::GET, Method::PUT, Method::DELETE],
        NotImplemented(_) => &[Method::GET, Method::PUT, Method::POST, Method::DELETE],
        _ => &[Method::GET],
    }
}

pub(super) fn allow_header(route: &Route) -> HeaderValue {
    let mut methods: Vec<&str> = allowed(route).iter().map(Method::as_str).collect();
    methods.push("OPTIONS");
    HeaderValue::from_str(&methods.join(",")).expect("method names are valid header values")
}
