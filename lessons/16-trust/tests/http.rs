//! The gateway's API as a browser calls it, one request at a time, cookies by hand.

use std::net::IpAddr;

use serde_json::Value;

/// What the gateway answered: the status, the errno, the name in `data` if any, and the
/// session cookie it set, if it set one.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub errno: String,
    pub name: Option<String>,
    pub set_cookie: Option<String>,
}

impl Answer {
    /// The session id the cookie carries (empty when it asks the browser to forget it).
    pub fn session(&self) -> Option<String> {
        let cookie = self.set_cookie.as_deref()?;
        let value = cookie.split(';').next()?.strip_prefix("session=")?;
        Some(value.to_string())
    }
}

/// Sends `method path` with `body` (JSON) and `cookie`, to the gateway at `base`: one step,
/// answered within a step's deadline.
pub async fn send(
    method: reqwest::Method,
    base: &str,
    path: &str,
    body: Option<Value>,
    cookie: Option<&str>,
) -> Answer {
    let patience = testkit::deadline::STEP;
    send_within(method, base, path, body, cookie, None, patience).await
}

/// [`send`] from the address `from` of this machine (any by default), answered within
/// `patience`.
async fn send_within(
    method: reqwest::Method,
    base: &str,
    path: &str,
    body: Option<Value>,
    cookie: Option<&str>,
    from: Option<IpAddr>,
    patience: std::time::Duration,
) -> Answer {
    // Which request went unanswered, if one does: a test sends many at once.
    let what = match body.as_ref().and_then(|body| body["name"].as_str()) {
        Some(name) => format!("the gateway's answer to {method} {path} for {name:?}"),
        None => format!("the gateway's answer to {method} {path}"),
    };
    // rustls, not the system's OpenSSL: a client made over OpenSSL loads the system's
    // trusted certificates, a tenth of a second of CPU in a debug build. Thirty requests at
    // once, each with its client, made them one after another on the test's one thread: on
    // a loaded machine the first connection waited over ten seconds to send its request,
    // and the gateway rightly closed it at its header deadline. Over rustls a client takes
    // a tenth of a millisecond.
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .local_address(from)
        .build()
        .expect("an HTTP client");
    let sent = std::time::Instant::now();
    let mut request = client.request(method, format!("{base}{path}"));
    if let Some(body) = body {
        request = request.json(&body);
    }
    if let Some(cookie) = cookie {
        request = request.header("cookie", format!("session={cookie}"));
    }
    let response = tokio::time::timeout(patience, request.send())
        .await
        .unwrap_or_else(|_| panic!("gave up after {patience:?} waiting for {what}"))
        .unwrap_or_else(|err| panic!("{what} failed after {:?}: {err:?}", sent.elapsed()));
    let status = response.status().as_u16();
    let set_cookie = response
        .headers()
        .get("set-cookie")
        .and_then(|value| value.to_str().ok())
        .map(String::from);
    let json: Value = testkit::within("the answer's body", response.json())
        .await
        .expect("errno JSON");
    Answer {
        status,
        errno: json["errno"].as_str().unwrap_or_default().to_string(),
        name: json["data"]["name"].as_str().map(String::from),
        set_cookie,
    }
}

pub async fn register(base: &str, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({"name": name, "password": password});
    send(
        reqwest::Method::POST,
        base,
        "/api/v1.0/users",
        Some(body),
        None,
    )
    .await
}

pub async fn login(base: &str, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({"name": name, "password": password});
    send(
        reqwest::Method::POST,
        base,
        "/api/v1.0/sessions",
        Some(body),
        None,
    )
    .await
}

/// [`login`] from the address `from` of this machine (`127.0.0.2`: see [`login_from`]), as
/// one of many at once: the service checks one password at a time a core and a name, so
/// this one may wait behind the others' checks, the whole test's deadline (a check took
/// seconds under `flaky.sh --stress` on a slower machine).
pub async fn login_behind_others(base: &str, from: IpAddr, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({"name": name, "password": password});
    let patience = testkit::deadline::TEST;
    let (post, path, from) = (reqwest::Method::POST, "/api/v1.0/sessions", Some(from));
    send_within(post, base, path, Some(body), None, from, patience).await
}

/// [`register`] as one of many at once: each waits for a core to hash on, the whole test's
/// deadline.
pub async fn register_behind_others(base: &str, name: &str, password: &str) -> Answer {
    let body = serde_json::json!({"name": name, "password": password});
    let patience = testkit::deadline::TEST;
    let (post, path) = (reqwest::Method::POST, "/api/v1.0/users");
    send_within(post, base, path, Some(body), None, None, patience).await
}

/// A login as a person at the address `from` makes it (a loopback address of this
/// machine: `127.0.0.2`), with the `(uuid, code)` of a captcha if it brings one.
pub async fn login_from(
    base: &str,
    from: IpAddr,
    name: &str,
    password: &str,
    captcha: Option<(&str, &str)>,
) -> Answer {
    let mut body = serde_json::json!({"name": name, "password": password});
    if let Some((uuid, code)) = captcha {
        body["uuid"] = uuid.into();
        body["code"] = code.into();
    }
    let patience = testkit::deadline::STEP;
    let path = "/api/v1.0/sessions";
    let (post, from) = (reqwest::Method::POST, Some(from));
    send_within(post, base, path, Some(body), None, from, patience).await
}

pub async fn session(base: &str, cookie: Option<&str>) -> Answer {
    send(
        reqwest::Method::GET,
        base,
        "/api/v1.0/session",
        None,
        cookie,
    )
    .await
}

pub async fn logout(base: &str, cookie: Option<&str>) -> Answer {
    send(
        reqwest::Method::DELETE,
        base,
        "/api/v1.0/session",
        None,
        cookie,
    )
    .await
}
