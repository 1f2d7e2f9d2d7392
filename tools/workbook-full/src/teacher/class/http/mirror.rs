//! The room's mirror's routes (`../mirror/`): cargo's sparse registry (`/index/…`,
//! `/crates/NAME/VERSION/download`), the learner's cargo configuration, the course's
//! repository over git's dumb HTTP (`/course.git/…`) and the book (`/book/…`). Files are
//! streamed from disk (`tower-http`'s `ServeFile` and `ServeDir`), so a room downloading
//! every crate at once holds a few buffers per connection, not the crates.
//!
//! Every URL the mirror writes (in `config.json` and the cargo configuration) names the
//! server as the learner reached it, from the request's Host header: the teacher's address
//! on the room's network, whatever else the machine has.

use std::path::{Component, Path};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path as UrlPath, Request, State};
use axum::http::Uri;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};
use workbook_core::class;
use workbook_core::language::messages::ClassMsg;

use super::super::Class;
use super::super::mirror;
use super::request::refuse;

/// The mirror's paths on a server started without it: how to start it.
fn off(class: &Class) -> Response {
    refuse(
        StatusCode::NOT_FOUND,
        class.say(ClassMsg::RefuseMirrorOff, &[]),
    )
}

/// The host the learner reached this server at, as its request says.
fn host(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .filter(|host| mirror::is_host(host))
        .map(str::to_string)
}

fn no_host(class: &Class) -> Response {
    refuse(
        StatusCode::BAD_REQUEST,
        class.say(ClassMsg::RefuseNoHost, &[]),
    )
}

fn text(content_type: &'static str, body: impl Into<Body>) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body.into()).into_response()
}

pub(super) async fn config_json(State(class): State<Arc<Class>>, headers: HeaderMap) -> Response {
    if class.mirror.is_none() {
        return off(&class);
    }
    match host(&headers) {
        Some(host) => text("application/json", mirror::config_json(&host)),
        None => no_host(&class),
    }
}

pub(super) async fn cargo_config(State(class): State<Arc<Class>>, headers: HeaderMap) -> Response {
    if class.mirror.is_none() {
        return off(&class);
    }
    match host(&headers) {
        Some(host) => text("text/plain; charset=utf-8", mirror::cargo_config(&host)),
        None => no_host(&class),
    }
}

/// An index file: `1/a`, `3/s/syn`, `se/rd/serde`.
pub(super) async fn index(
    State(class): State<Arc<Class>>,
    path: Result<UrlPath<String>, PathRejection>,
    uri: Uri,
) -> Response {
    let Some(mirror) = class.mirror.as_deref() else {
        return off(&class);
    };
    let Ok(UrlPath(path)) = path else {
        return nothing(&class, uri.path());
    };
    if let Some(lines) = mirror.registry.index_file(&path) {
        return text("text/plain; charset=utf-8", lines);
    }
    let name = path.rsplit('/').next().unwrap_or(&path);
    let locked = mirror.registry.locked_versions(name);
    let its_path = mirror::registry::index_path(name).ok();
    // A crate of the lock file asked at another path than the index's own for its name:
    // not "not locked", which would be false; where its file is.
    if let (Some(_), Some(its)) = (locked, &its_path)
        && !its.eq_ignore_ascii_case(&path)
    {
        let (name, path) = (class::one_line(name, 80), class::one_line(&path, 200));
        return refuse(
            StatusCode::NOT_FOUND,
            class.say(
                ClassMsg::RefuseIndexPath,
                &[
                    ("path", &format!("/index/{path}")),
                    ("name", &name),
                    ("its", &format!("/index/{its}")),
                ],
            ),
        );
    }
    let name = class::one_line(name, 80);
    match locked {
        // In the lock file, not in the teacher's cache. Not a 404: cargo takes that for
        // "no such crate" and shows no body ("no matching package named …"). It shows the
        // body of a 503, once it has tried again as it does with a busy server: three
        // times, a second apart with `Retry-After: 1` (some ten seconds without).
        Some(versions) => {
            let why = class.say(
                ClassMsg::RefuseNotCached,
                &[("name", &name), ("version", &versions.join(", "))],
            );
            let mut answer = refuse(StatusCode::SERVICE_UNAVAILABLE, why);
            let again = HeaderValue::from_static("1");
            answer.headers_mut().insert(header::RETRY_AFTER, again);
            answer
        }
        None => refuse(
            StatusCode::NOT_FOUND,
            class.say(ClassMsg::RefuseNotLocked, &[("name", &name)]),
        ),
    }
}

/// A `.crate` file, streamed from the teacher's cargo cache.
pub(super) async fn download(
    State(class): State<Arc<Class>>,
    path: Result<UrlPath<(String, String)>, PathRejection>,
    request: Request,
) -> Response {
    let Some(mirror) = class.mirror.as_deref() else {
        return off(&class);
    };
    let Ok(UrlPath((name, version))) = path else {
        return nothing(&class, request.uri().path());
    };
    if let Some(file) = mirror.registry.crate_file(&name, &version) {
        let served = ServeFile::new(file).oneshot(request);
        return match served.await {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
    }
    let locked = mirror.registry.locked_versions(&name);
    let name = class::one_line(&name, 80);
    let shown = class::one_line(&version, 40);
    // Cargo shows the body of a download's 404, at once.
    let why = match locked {
        Some(versions) if versions.contains(&version) => class.say(
            ClassMsg::RefuseNotCached,
            &[("name", &name), ("version", &shown)],
        ),
        Some(versions) => class.say(
            ClassMsg::RefuseOtherVersion,
            &[
                ("name", &name),
                ("version", &shown),
                ("locked", &versions.join(", ")),
            ],
        ),
        None => class.say(ClassMsg::RefuseNotLocked, &[("name", &name)]),
    };
    refuse(StatusCode::NOT_FOUND, why)
}

/// The course's bare repository, as files (git's dumb HTTP protocol).
pub(super) async fn repository(State(class): State<Arc<Class>>, request: Request) -> Response {
    let Some(mirror) = class.mirror.as_deref() else {
        return off(&class);
    };
    let folder = mirror
        .repository
        .as_ref()
        .ok()
        .map(|served| served.path.clone());
    below(&class, folder.as_deref(), "/course.git", request).await
}

/// The book's static site, both editions.
pub(super) async fn book(State(class): State<Arc<Class>>, request: Request) -> Response {
    let Some(mirror) = class.mirror.as_deref() else {
        return off(&class);
    };
    let folder = mirror.book.clone();
    below(&class, folder.as_deref(), "/book", request).await
}

/// The request's path below `prefix`, from `folder` if it is served. The path is taken as
/// it came, percent-encoded: `ServeDir` decodes it, and a path no file can be named by (not
/// UTF-8, once decoded) is nothing here, in words, rather than a bare 400.
async fn below(class: &Class, folder: Option<&Path>, prefix: &str, request: Request) -> Response {
    let path = request
        .uri()
        .path()
        .strip_prefix(prefix)
        .unwrap_or_default()
        .trim_start_matches('/')
        .to_string();
    match folder {
        Some(folder) => files(class, folder, prefix, &path, request).await,
        None => nothing(class, request.uri().path()),
    }
}

fn nothing(class: &Class, path: &str) -> Response {
    let path = class::one_line(path, 200);
    refuse(
        StatusCode::NOT_FOUND,
        class.say(ClassMsg::RefuseNoRoute, &[("path", &path)]),
    )
}

/// The longest name of a file or folder most file systems allow, in bytes, and the
/// longest path the mirror reads below its folders (none of its files' is near it): a
/// longer one is no file of the mirror's, said so before the disk is asked (which would
/// fail with an error of its own).
const LONGEST_NAME: usize = 255;
const LONGEST_PATH: usize = 1024;

/// `path` below `folder`, served at `prefix` + `/` + `path`: a folder asked without its
/// slash is sent to it with one (so that its pages' relative links resolve), and a path
/// that would leave the folder, or names no file there, is nothing here, said in words.
async fn files(
    class: &Class,
    folder: &Path,
    prefix: &str,
    path: &str,
    request: Request,
) -> Response {
    let inside = path.len() <= LONGEST_PATH
        && Path::new(path).components().all(|part| match part {
            Component::Normal(name) => name.len() <= LONGEST_NAME,
            _ => false,
        });
    if !inside {
        return nothing(class, request.uri().path());
    }
    let a_folder_without_its_slash = if path.is_empty() {
        !request.uri().path().ends_with('/')
    } else {
        !path.ends_with('/') && folder.join(path).is_dir()
    };
    if a_folder_without_its_slash {
        let folder = if path.is_empty() {
            format!("{prefix}/")
        } else {
            format!("{prefix}/{path}/")
        };
        return Redirect::permanent(&folder).into_response();
    }
    let asked = request.uri().path().to_string();
    let (mut parts, body) = request.into_parts();
    parts.uri = match format!("/{path}").parse() {
        Ok(uri) => uri,
        Err(_) => return nothing(class, &asked),
    };
    let served = ServeDir::new(folder).oneshot(Request::from_parts(parts, body));
    let response = match served.await {
        Ok(response) => response.into_response(),
        Err(never) => match never {},
    };
    // `ServeDir` answers what it cannot serve with a status alone.
    match response.status() {
        StatusCode::NOT_FOUND => nothing(class, &asked),
        status if status.is_server_error() => {
            let path = class::one_line(&asked, 200);
            refuse(
                status,
                class.say(ClassMsg::RefuseUnreadable, &[("path", &path)]),
            )
        }
        _ => response,
    }
}
