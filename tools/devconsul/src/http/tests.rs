//! The HTTP layer's own tests: routing, methods, bodies and errors.

use super::*;

#[test]
fn paths_route_like_consuls_mux() {
    assert_eq!(
        route("/v1/agent/service/register"),
        Some(Route::AgentServiceRegister)
    );
    assert_eq!(
        route("/v1/agent/service/web-1"),
        Some(Route::AgentService("web-1".into()))
    );
    assert_eq!(
        route("/v1/agent/check/fail/c"),
        Some(Route::AgentCheckTtl("critical", "c".into()))
    );
    assert_eq!(route("/v1/kv/a/b/c"), Some(Route::Kv("a/b/c".into())));
    assert_eq!(route("/v1/kv/"), Some(Route::Kv(String::new())));
    assert_eq!(
        route("/v1/session/create"),
        Some(Route::NotImplemented("/v1/session/"))
    );
    assert_eq!(route("/v1/agent/services/"), None);
    assert_eq!(route("/v1/nope"), None);
}
