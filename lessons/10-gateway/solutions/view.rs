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
    let what = format!("{} {}", request.method(), request.uri().path());
    // ServeDir answers 404 and 405 with empty bodies; it never fails as a service.
    let served: Result<_, Infallible> = ServeDir::new(&app.view).oneshot(request).await;
    let response = match served {
        Ok(response) => response,
        Err(never) => match never {},
    };
    match response.status() {
        StatusCode::NOT_FOUND => ApiError::new(StatusCode::NOT_FOUND, Errno::NoData)
            .because(format!("nothing at {what}"))
            .into_response(),
        StatusCode::METHOD_NOT_ALLOWED => {
            ApiError::new(StatusCode::METHOD_NOT_ALLOWED, Errno::ReqErr)
                .because(format!("{what}: only GET and HEAD"))
                .into_response()
        }
        status if status.is_server_error() => {
            ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, Errno::IoErr).into_response()
        }
        _ => {
            let mut response = response.map(Body::new);
            let revalidate = HeaderValue::from_static("no-cache");
            response.headers_mut().insert(CACHE_CONTROL, revalidate);
            response
        }
    }
}
