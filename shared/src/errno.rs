//! The seed's errno table, and the one error type every route answers with.
//!
//! The seed's web front answers every API call with the same JSON shape,
//! `{"errno": "4101", "errmsg": "用户未登录"}`, and its page looks only at `errno`: "0" is
//! success, anything else is a failure it shows `errmsg` for. The codes are strings, grouped
//! by hundreds (41xx: the user or the request, 42xx: the caller, 43xx: the systems behind,
//! 45xx: the gateway itself). Keeping the table in one module means every route, the
//! fallback and every rejection speak the same language, and a page written for the seed
//! works unchanged. It lives here, not in a lesson, because lesson 10's gateway and lesson 16's
//! both answer with it.
//!
//! The HTTP status says whether the request could be served at all (400 for a bad
//! parameter, 404 for nothing there, 503 when the captcha service cannot be reached); the
//! errno says what came of it. A wrong captcha code is a served request: 200, errno 4004.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

// ANCHOR: table
/// The seed's `RECODE_*` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Errno {
    Ok,
    DbErr,
    NoData,
    DataExist,
    DataErr,
    SessionErr,
    LoginErr,
    ParamErr,
    UserErr,
    RoleErr,
    PwdErr,
    ReqErr,
    IpErr,
    ThirdErr,
    IoErr,
    ServerErr,
    UnknownErr,
}

impl Errno {
    /// Every code, in the seed's order.
    pub const ALL: [Errno; 17] = [
        Errno::Ok,
        Errno::DbErr,
        Errno::NoData,
        Errno::DataExist,
        Errno::DataErr,
        Errno::SessionErr,
        Errno::LoginErr,
        Errno::ParamErr,
        Errno::UserErr,
        Errno::RoleErr,
        Errno::PwdErr,
        Errno::ReqErr,
        Errno::IpErr,
        Errno::ThirdErr,
        Errno::IoErr,
        Errno::ServerErr,
        Errno::UnknownErr,
    ];

    /// The code as the JSON carries it, its message as the seed had it, and in English.
    pub fn row(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Errno::Ok => ("0", "成功", "OK"),
            Errno::DbErr => ("4001", "数据库查询错误", "database query error"),
            Errno::NoData => ("4002", "无数据", "no data"),
            Errno::DataExist => ("4003", "数据已存在", "data already exists"),
            Errno::DataErr => ("4004", "数据错误", "data error"),
            Errno::SessionErr => ("4101", "用户未登录", "not logged in"),
            Errno::LoginErr => ("4102", "用户登录失败", "login failed"),
            Errno::ParamErr => ("4103", "参数错误", "parameter error"),
            Errno::UserErr => (
                "4104",
                "用户不存在或未激活",
                "no such user, or not activated",
            ),
            Errno::RoleErr => ("4105", "用户身份错误", "wrong user role"),
            Errno::PwdErr => ("4106", "密码错误", "wrong password"),
            Errno::ReqErr => ("4201", "非法请求或请求次数受限", "bad request, or too many"),
            Errno::IpErr => ("4202", "IP受限", "IP address not allowed"),
            Errno::ThirdErr => ("4301", "第三方系统错误", "a system behind failed"),
            Errno::IoErr => ("4302", "文件读写错误", "file read or write error"),
            Errno::ServerErr => ("4500", "内部错误", "internal error"),
            Errno::UnknownErr => ("4501", "未知错误", "unknown error"),
        }
    }

    /// `"4101"`.
    pub fn code(self) -> &'static str {
        self.row().0
    }

    /// The seed's message, in Chinese: `"用户未登录"`.
    pub fn zh(self) -> &'static str {
        self.row().1
    }

    /// The message in English: `"not logged in"`.
    pub fn en(self) -> &'static str {
        self.row().2
    }
}
// ANCHOR_END: table

// ANCHOR: body
/// The JSON every API answer has: `{"errno": "4101", "errmsg": "not logged in (用户未登录)"}`.
#[derive(Debug, Serialize)]
pub struct Body {
    pub errno: &'static str,
    pub errmsg: String,
}

impl Body {
    /// The body for `errno`, its message in English with the seed's after it, and a reason
    /// when there is one: `"data error (数据错误): the code is wrong, expired or used"`.
    pub fn new(errno: Errno, reason: Option<&str>) -> Body {
        let mut errmsg = format!("{} ({})", errno.en(), errno.zh());
        if let Some(reason) = reason {
            errmsg = format!("{errmsg}: {reason}");
        }
        Body {
            errno: errno.code(),
            errmsg,
        }
    }
}

/// A success, or a served request's verdict: 200 and the errno JSON.
pub fn answer(errno: Errno, reason: Option<&str>) -> Response {
    (StatusCode::OK, Json(Body::new(errno, reason))).into_response()
}
// ANCHOR_END: body

// ANCHOR: error
/// Why a request was not served: an HTTP status, an errno, and a reason meant for the
/// user. Internal details (a gRPC message, an address) go to the log, never in here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub errno: Errno,
    pub reason: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, errno: Errno) -> ApiError {
        ApiError {
            status,
            errno,
            reason: None,
        }
    }

    /// The same error with a reason the user may read.
    pub fn because(mut self, reason: impl Into<String>) -> ApiError {
        self.reason = Some(reason.into());
        self
    }

    /// 503, errno 4301: the captcha service cannot answer now.
    pub fn unavailable(reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, Errno::ThirdErr).because(reason)
    }

    /// 400, errno 4103: the request's parameters are wrong.
    pub fn bad_parameter(reason: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, Errno::ParamErr).because(reason)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body::new(self.errno, self.reason.as_deref());
        (self.status, Json(body)).into_response()
    }
}
// ANCHOR_END: error
