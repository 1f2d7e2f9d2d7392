//! `micro api`'s first step: from a URL path to a service's name and a method.

/// Where a request goes: the service, by its name in the registry, and the method, as
/// go-micro writes it: `Handler.Method` (`Say.Hello`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub service: String,
    pub method: String,
}

/// go-micro's rules (its `apiRoute`): the path cleaned of empty, `.` and `..` segments,
/// then
/// - one segment `/greeter`: service `greeter`, method `Greeter.Call`;
/// - two `/greeter/hello`: service `greeter`, method `Greeter.Hello`;
/// - three beginning with a version `/v1/foo/bar`: service `v1.foo`, method `Foo.Bar`;
/// - otherwise `/a/b/say/hello`: the last two make the method `Say.Hello`, the rest, joined
///   with `.`, the service `a.b`.
///
/// A method segment is camel-cased at its dashes: `say-hello` is `SayHello`. No segment at
/// all: `None`.
pub fn route(path: &str) -> Option<Route> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    let (service, method): (Vec<&str>, Vec<&str>) = match parts.as_slice() {
        [] => return None,
        [service] => (vec![service], vec![service, "call"]),
        [service, method] => (vec![service], vec![service, method]),
        [version, handler, method] if is_version(version) => {
            (vec![version, handler], vec![handler, method])
        }
        [service @ .., handler, method] => (service.to_vec(), vec![handler, method]),
    };
    let method: Vec<String> = method.into_iter().map(camel).collect();
    Some(Route {
        service: service.join("."),
        method: method.join("."),
    })
}

/// `v` and digits: `v1`, `v22`.
fn is_version(part: &str) -> bool {
    part.strip_prefix('v')
        .is_some_and(|digits| !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// `say-hello` → `SayHello`: every word between dashes with its first letter upper-case.
fn camel(part: &str) -> String {
    part.split('-')
        .map(|word| {
            let mut letters = word.chars();
            match letters.next() {
                Some(first) => first.to_uppercase().chain(letters).collect(),
                None => String::new(),
            }
        })
        .collect()
}
