//! Exercise `gateway.status`: a failed gRPC call becomes an HTTP status and an errno, and
//! the service's message stays out of the answer.

use axum::http::StatusCode;
use l10_gateway::errno::Errno;
use l10_gateway::exercises::status::from_grpc;
use tonic::{Code, Status};

/// A message the browser must never see: it names internals.
const INTERNAL: &str = "Redis at redis://10.0.0.7:6379 refused: NOAUTH";

fn check(code: Code, status: StatusCode, errno: Errno) {
    let error = from_grpc(&Status::new(code, INTERNAL));
    assert_eq!(
        (error.status, error.errno),
        (status, errno),
        "a call that failed with {code:?} should answer {status} with errno {}, not {} with \
         errno {}",
        errno.code(),
        error.status,
        error.errno.code()
    );
    let reason = error.reason.unwrap_or_default();
    assert!(
        !reason.contains("10.0.0.7") && !reason.contains("NOAUTH"),
        "the reason repeats the service's message: {reason:?}"
    );
}

#[test]
fn the_callers_mistakes_are_400_and_409() {
    check(
        Code::InvalidArgument,
        StatusCode::BAD_REQUEST,
        Errno::ParamErr,
    );
    check(Code::AlreadyExists, StatusCode::CONFLICT, Errno::DataExist);
}

#[test]
fn try_again_is_503() {
    for code in [
        Code::Unavailable,
        Code::DeadlineExceeded,
        Code::ResourceExhausted,
    ] {
        check(code, StatusCode::SERVICE_UNAVAILABLE, Errno::ThirdErr);
    }
}

#[test]
fn the_services_own_failures_are_502() {
    for code in [
        Code::Internal,
        Code::Unknown,
        Code::Unimplemented,
        Code::DataLoss,
    ] {
        check(code, StatusCode::BAD_GATEWAY, Errno::ThirdErr);
    }
}

#[test]
fn every_answer_has_a_reason_for_the_user() {
    for code in [Code::InvalidArgument, Code::Unavailable, Code::Internal] {
        let error = from_grpc(&Status::new(code, INTERNAL));
        assert!(
            error
                .reason
                .as_deref()
                .is_some_and(|reason| !reason.is_empty()),
            "{code:?}: the answer should say why, in words for the user"
        );
    }
}
