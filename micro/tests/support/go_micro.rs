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
/// metadata and no endpoints, which is what the framework's services register.
pub const PLAIN_RECORD: &str = concat!(
    r#"{"name":"greeter","version":"1.0.0","metadata":null,"endpoints":[],"#,
    r#""nodes":[{"id":"greeter-127.0.0.1-7011","address":"127.0.0.1:7011","metadata":{"protocol":"grpc"}}]}"#,
);

/// The nodes of `name` as go-micro's `GetService` reads them (etcd.go lines 325–363): every
/// value under the prefix decoded as a service — unknown fields ignored, a value that does
/// not decode skipped — and the nodes merged by the service's version. Here with
/// `serde_json::Value`, independently of the framework's own types: (version, id, address).
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

// What go-micro v2.9.1 announces over mDNS (repository micro/go-micro, tag v2.9.1, commit
// 94bd1025a64eaaba1d89189891ef49f3ab5eee7f): `registry/mdns_registry.go`, `Register`
// (lines 190–246) puts into each node's TXT record `encode(&mdnsTxt{...})` (lines 66–101)
// of the service's name, version and endpoints and the node's metadata. `mdnsTxt` (lines
// 28–33) has no json tags: its keys are capitalised. The strings below are what that code
// writes, produced by running `encode` and `mdnsTxt` copied as they are, with
// `registry.Endpoint` and `registry.Value`, on Go 1.19's encoding/json, compress/zlib and
// encoding/hex (Go's zlib closes with an empty stored block, `0000ffff`, then the Adler-32).

/// The JSON inside go-micro's TXT record of [`GREETER_RECORD`]'s node, announced with the
/// mDNS registry (so the node's metadata says `"registry":"mdns"`).
pub const GREETER_TXT_JSON: &str = concat!(
    r#"{"Service":"go.micro.srv.greeter","Version":"latest","#,
    r#""Endpoints":[{"name":"Greeter.Hello","#,
    r#""request":{"name":"Request","type":"Request","values":[{"name":"name","type":"string","values":null}]},"#,
    r#""response":{"name":"Response","type":"Response","values":[{"name":"msg","type":"string","values":null}]},"#,
    r#""metadata":{}}],"#,
    r#""Metadata":{"broker":"http","protocol":"grpc","registry":"mdns","server":"grpc","transport":"grpc"}}"#,
);

/// go-micro's TXT record for [`GREETER_TXT_JSON`]: two strings, the first cut at 255.
pub const GREETER_TXT: [&str; 2] = [
    concat!(
        "789c8c90c14ac5301045ffe5ae433f207bd18d1b0537f216b11d6a30cdc49969e151f2ef925aeb2b6e5c951e",
        "cecd8159f14cb2c49ee0317237c55eb85359ba51888c040e2f241a39c32305233538dce5a170cca6f0af2b72",
        "98dafcfe7bd13d504a0c07a1cfb9e9fe309e76e260d772064b48339d9edb3e87a926318f37629e5",
    ),
    concat!(
        "3aa97da325a382b9d3a3bba091de46f69d2f13fa1892c0cc102fc5aebc5e1f1f71f6fc21f24f078372b7028c",
        "2c63da7765529fd768d31aac9b5f586ac70509265dbec8649c85a58ec07d5fa150000ffff3a5d8ce7",
    ),
];

/// The JSON go-micro writes for `mdnsTxt{Service: "greeter", Version: "1.0.0", Endpoints:
/// []*registry.Endpoint{}, Metadata: map[string]string{"protocol": "grpc"}}`: what
/// the framework's services announce.
pub const PLAIN_TXT_JSON: &str =
    r#"{"Service":"greeter","Version":"1.0.0","Endpoints":[],"Metadata":{"protocol":"grpc"}}"#;

/// go-micro's TXT record for [`PLAIN_TXT_JSON`]: one string.
pub const PLAIN_TXT: [&str; 1] = [concat!(
    "789c1cccb10a80201006e077f967115b6f6f6c0a5aa241f408213c398f16f1dd835ee01bd859df9218845b99",
    "8d150e076b2f5241587cf0010e6bcd4d4ab50e3a2f878d2de6681134d0544c923cbfd012e6fc020000ffff9d",
    "f01bf4",
)];

/// go-micro's `decode` (mdns_registry.go lines 103–128) up to the JSON: the strings joined,
/// read as hex, unpacked with zlib. Here with the `hex` and `flate2` crates, independently
/// of the framework's own decoder.
pub fn go_micro_unpack(record: &[impl AsRef<str>]) -> Vec<u8> {
    use std::io::Read;
    let joined: String = record.iter().map(AsRef::as_ref).collect();
    let packed = hex::decode(joined).expect("go-micro's hex.DecodeString");
    let mut json = Vec::new();
    // deadline: a slice in memory, read to its end at once; nobody else is waited for
    flate2::read::ZlibDecoder::new(packed.as_slice())
        .read_to_end(&mut json)
        .expect("go-micro's zlib.NewReader");
    json
}

/// `bytes` as go-micro's `encode` carries them, whatever they are: zlib, hex, cut every 255
/// characters. For records go-micro never writes (not JSON, wrong types, a zlib bomb).
pub fn go_micro_pack(bytes: &[u8]) -> Vec<String> {
    use std::io::Write;
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(bytes).unwrap();
    let hex = hex::encode(zlib.finish().unwrap());
    hex.as_bytes()
        .chunks(255)
        .map(|part| String::from_utf8(part.to_vec()).unwrap())
        .collect()
}

/// What go-micro writes for a service that declares a method idempotent in its endpoint
/// metadata: `registry.Service{Name: "user", Version: "latest", Endpoints:
/// []*registry.Endpoint{{Name: "Say.Hello", Metadata: map[string]string{"idempotent":
/// "true"}}}, Nodes: []*registry.Node{{Id: "user-10.14.0.12-7021", Address:
/// "10.14.0.12:7021", Metadata: map[string]string{"protocol": "grpc"}}}}`. The endpoint's
/// `Request` and `Response` are nil pointers, written `null` (`registry/registry.go` lines
/// 41–46: `Name`, `Request *Value`, `Response *Value`, `Metadata map[string]string`, tagged
/// `name`, `request`, `response`, `metadata`); a go-micro gRPC server adds metadata to an
/// endpoint with `server.EndpointMetadata(name, md)` (`server/grpc/grpc.go`,
/// `newRpcHandler`, which copies `options.Metadata[name]` into the endpoint's).
pub const IDEMPOTENT_RECORD: &str = concat!(
    r#"{"name":"user","version":"latest","metadata":null,"#,
    r#""endpoints":[{"name":"Say.Hello","request":null,"response":null,"metadata":{"idempotent":"true"}}],"#,
    r#""nodes":[{"id":"user-10.14.0.12-7021","address":"10.14.0.12:7021","metadata":{"protocol":"grpc"}}]}"#,
);

/// The endpoint inside [`IDEMPOTENT_RECORD`], as Go's `json.Marshal(endpoint)` writes it:
/// what go-micro's Consul registry packs into an `e-` tag (`encodeEndpoints`).
pub const IDEMPOTENT_ENDPOINT: &str =
    r#"{"name":"Say.Hello","request":null,"response":null,"metadata":{"idempotent":"true"}}"#;
