//! Exercise: the page's files. Every path no route takes is a file of the `view/` folder,
//! like gin's `router.Static("/", "view")`; what is not there is an errno answer too.

use std::convert::Infallible;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt as _;
use tower_http::services::ServeDir;

use crate::errno::{ApiError, Errno};
use crate::routes::App;

/// The file of `app.view` at the request's path (`/` is `index.html`), revalidated on
/// every load (`Cache-Control: no-cache`). No such file: 404, errno 4002. A method other
/// than GET or HEAD: 405, errno 4201. A file that cannot be read: 500, errno 4302.
pub async fn view(State(app): State<App>, request: Request) -> Response {
    // TODO: let `ServeDir::new(&app.view)` answer the request (`.oneshot(request).await`),
    // then replace its empty 404, 405 and 5xx answers by `ApiError`s, and add the
    // Cache-Control header to a file it found (`response.map(Body::new)` makes it a
    // `Response`).
    todo!("serve {} from the view folder", request.uri().path())
}
