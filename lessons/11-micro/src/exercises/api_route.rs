//! `micro api`'s first step: from a URL path to a service's name and a method.

/// Where a request goes: the service, by its name in the registry, and the method, as
/// go-micro writes it: `Handler.Method` (`Say.Hello`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub service: String,
    pub method: String,
}

/// go-micro's rules (its `apiRoute`): the path cleaned as Go's `path.Clean` cleans it (no
/// empty or `.` segment, and a `..` takes away the segment before it, if any), then
/// - one segment `/greeter`: service `greeter`, method `Greeter.Call`;
/// - two `/greeter/hello`: service `greeter`, method `Greeter.Hello`;
/// - three beginning with a version `/v1/foo/bar`: service `v1.foo`, method `Foo.Bar`;
/// - otherwise `/a/b/say/hello`: the last two make the method `Say.Hello`, the rest, joined
///   with `.`, the service `a.b`.
///
/// A method segment is camel-cased at its dashes: `say-hello` is `SayHello`. No segment at
/// all: `None`.
pub fn route(path: &str) -> Option<Route> {
    // TODO: the route of `path` by the rules above.
    todo!("route {path:?}")
}
