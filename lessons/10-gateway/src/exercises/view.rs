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
    // TODO: the file, or the errno answer, of the doc comment. Serving files is a solved
    // problem (paths with `..`, Content-Type): tower-http solves it; what is yours is the
    // errno shape of its failures and the Cache-Control of its files.
    todo!("serve {} from the view folder", request.uri().path())
}
