//! `micro.api-route`: from a URL path to a service and a method, by go-micro's rules
//! (go-micro v2, `api/resolver/micro/route.go`: `apiRoute`, `methodName`, `toCamel`).

use l11_micro::exercises::api_route::{Route, route};

fn to(service: &str, method: &str) -> Option<Route> {
    Some(Route {
        service: service.to_string(),
        method: method.to_string(),
    })
}

#[test]
fn three_segments_are_a_service_a_handler_and_a_method() {
    assert_eq!(route("/user/say/hello"), to("user", "Say.Hello"));
    assert_eq!(
        route("/greeter/greeter/say-hello"),
        to("greeter", "Greeter.SayHello")
    );
    assert_eq!(
        route("/captcha/captcha/new-captcha"),
        to("captcha", "Captcha.NewCaptcha")
    );
}

#[test]
fn fewer_segments_take_the_service_as_the_handler() {
    assert_eq!(
        route("/greeter/say-hello"),
        to("greeter", "Greeter.SayHello")
    );
    assert_eq!(route("/greeter"), to("greeter", "Greeter.Call"));
    assert_eq!(route("/v1/foo"), to("v1", "V1.Foo"));
}

#[test]
fn more_segments_make_a_dotted_service() {
    assert_eq!(
        route("/go/micro/srv/user/say/hello"),
        to("go.micro.srv.user", "Say.Hello")
    );
    assert_eq!(route("/a/b/c-d"), to("a", "B.CD"));
}

#[test]
fn a_version_first_belongs_to_the_service() {
    assert_eq!(route("/v1/foo/bar"), to("v1.foo", "Foo.Bar"));
    assert_eq!(route("/v22/user/say"), to("v22.user", "User.Say"));
    // Not a version: `v` alone, or letters after it.
    assert_eq!(route("/v/foo/bar"), to("v", "Foo.Bar"));
    assert_eq!(route("/v1a/foo/bar"), to("v1a", "Foo.Bar"));
    // A version in a longer path is only a name.
    assert_eq!(route("/v1/a/foo/bar"), to("v1.a", "Foo.Bar"));
}

#[test]
fn the_path_is_cleaned_first() {
    assert_eq!(route("//user///say/hello/"), to("user", "Say.Hello"));
    assert_eq!(route("/user/./say/hello"), to("user", "Say.Hello"));
    assert_eq!(route("/admin/../user/say/hello"), to("user", "Say.Hello"));
    assert_eq!(route("/../../user/say/hello"), to("user", "Say.Hello"));
}

#[test]
fn a_method_word_is_camel_cased_at_its_dashes_only() {
    assert_eq!(route("/s/say-hello-stream"), to("s", "S.SayHelloStream"));
    assert_eq!(route("/s/sayHello"), to("s", "S.SayHello"));
    assert_eq!(route("/s/say--hello-"), to("s", "S.SayHello"));
    assert_eq!(route("/s/ünïcode/élan"), to("s", "Ünïcode.Élan"));
}

#[test]
fn no_segment_is_no_route() {
    for path in ["", "/", "//", "/.", "/..", "/a/.."] {
        assert_eq!(route(path), None, "{path:?}");
    }
}
