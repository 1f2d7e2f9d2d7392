//! Records as go-micro v2.9.1 writes them into etcd, byte for byte.
//!
//! go-micro's etcd registry stores `json.Marshal(service)` (`registry/etcd/etcd.go` line 112,
//! `encode`; written at line 259) of a `registry.Service` holding one node (lines 229–235),
//! whose types are `registry/registry.go` lines 31–56. Go's `encoding/json` writes struct
//! fields in declaration order, a nil map as `null`, an empty slice as `[]`, map keys sorted,
//! and no spaces.

/// What a go-micro gRPC service `go.micro.srv.greeter` (default version "latest",
/// `server/server.go` line 142) with one handler `Greeter.Hello` registers: its node's
/// metadata from `server/grpc/grpc.go` lines 647–651, its endpoint from
/// `server/grpc/extractor.go` (`extractEndpoint`: empty metadata for a unary method; the
/// request and response shapes of protoc-gen-go 1.3 messages, whose `XXX_` fields are
/// tagged `json:"-"`).
pub const GREETER_RECORD: &str = concat!(
    r#"{"name":"go.micro.srv.greeter","version":"latest","metadata":null,"#,
    r#""endpoints":[{"name":"Greeter.Hello","#,
    r#""request":{"name":"Request","type":"Request","values":[{"name":"name","type":"string","values":null}]},"#,
    r#""response":{"name":"Response","type":"Response","values":[{"name":"msg","type":"string","values":null}]},"#,
    r#""metadata":{}}],"#,
    r#""nodes":[{"id":"go.micro.srv.greeter-8d1e4f4a-6d0b-4f3e-9b8a-2c4f5e6a7b8c","#,
    r#""address":"192.168.1.23:36535","#,
    r#""metadata":{"broker":"http","protocol":"grpc","registry":"etcd","server":"grpc","transport":"grpc"}}]}"#,
);

/// Where go-micro puts it: `nodePath` (etcd.go lines 123–127), `/` in names turned to `-`.
pub const GREETER_KEY: &str = "/micro/registry/go.micro.srv.greeter/go.micro.srv.greeter-8d1e4f4a-6d0b-4f3e-9b8a-2c4f5e6a7b8c";

/// The node id and address inside [`GREETER_RECORD`].
pub const GREETER_NODE_ID: &str = "go.micro.srv.greeter-8d1e4f4a-6d0b-4f3e-9b8a-2c4f5e6a7b8c";
pub const GREETER_ADDRESS: &str = "192.168.1.23:36535";

/// What go-micro writes for `registry.Service{Name: "greeter", Version: "1.0.0", Endpoints:
/// []*registry.Endpoint{}, Nodes: []*registry.Node{{Id: "greeter-127.0.0.1-7011", Address:
/// "127.0.0.1:7011", Metadata: map[string]string{"protocol": "grpc"}}}}`: a service with no
/// metadata and no endpoints, which is what this lesson's services register.
pub const PLAIN_RECORD: &str = concat!(
    r#"{"name":"greeter","version":"1.0.0","metadata":null,"endpoints":[],"#,
    r#""nodes":[{"id":"greeter-127.0.0.1-7011","address":"127.0.0.1:7011","metadata":{"protocol":"grpc"}}]}"#,
);

/// The nodes of `name` as go-micro's `GetService` reads them (etcd.go lines 325–363): every
/// value under the prefix decoded as a service — unknown fields ignored, a value that does
/// not decode skipped — and the nodes merged by the service's version. Here with
/// `serde_json::Value`, independently of the lesson's own types: (version, id, address).
pub fn go_micro_get_service<'a>(
    values: impl IntoIterator<Item = &'a [u8]>,
) -> Vec<(String, String, String)> {
    let mut nodes = Vec::new();
    for value in values {
        let Ok(service) = serde_json::from_slice::<serde_json::Value>(value) else {
            continue;
        };
        let version = service["version"].as_str().unwrap_or_default().to_string();
        for node in service["nodes"].as_array().into_iter().flatten() {
            nodes.push((
                version.clone(),
                node["id"].as_str().unwrap_or_default().to_string(),
                node["address"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    nodes.sort();
    nodes
}
