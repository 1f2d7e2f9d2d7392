//! The captcha system tells what happens in it: lesson 09's service publishes
//! `captcha.verified` after every check, and an `audit` subscriber keeps the counts.
//!
//! The captcha service does not know who listens, and does not wait for them: an audit, a
//! fraud detector or nothing at all. That is what an event buys over a call. And what it
//! costs: the check the caller asked for must not fail, nor wait, because the event could
//! not be published. So the event is published beside the answer, not before it, and a lost
//! event is logged, never returned as the caller's error.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use proto::captcha::captcha_server::Captcha;
use proto::captcha::{NewCaptchaReply, NewCaptchaRequest, VerifyReply, VerifyRequest};
use proto::events::CaptchaVerified;
use shared::captcha::CaptchaService;
use tokio::sync::Semaphore;
use tonic::{Request, Response, Status};
use tracing::warn;

use micro::event::Publisher;

/// The topic of a captcha's check.
pub const VERIFIED_TOPIC: &str = "captcha.verified";

/// How many events may be on their way at once. While the broker is slow or gone each one
/// waits for it (up to its own timeout); past this many, an event is dropped and logged
/// rather than held, so that a broker outage cannot fill the service's memory.
pub const MAX_PENDING_EVENTS: usize = 1024;

// ANCHOR: audited
/// Lesson 09's captcha service, unchanged, with an event after every `Verify`.
pub struct AuditedCaptcha {
    inner: CaptchaService,
    verified: Arc<Publisher<CaptchaVerified>>,
    pending: Arc<Semaphore>,
}

impl AuditedCaptcha {
    pub fn new(inner: CaptchaService, verified: Publisher<CaptchaVerified>) -> AuditedCaptcha {
        AuditedCaptcha {
            inner,
            verified: Arc::new(verified),
            pending: Arc::new(Semaphore::new(MAX_PENDING_EVENTS)),
        }
    }
}

#[tonic::async_trait]
impl Captcha for AuditedCaptcha {
    async fn new_captcha(
        &self,
        request: Request<NewCaptchaRequest>,
    ) -> Result<Response<NewCaptchaReply>, Status> {
        self.inner.new_captcha(request).await
    }

    async fn verify(
        &self,
        request: Request<VerifyRequest>,
    ) -> Result<Response<VerifyReply>, Status> {
        let uuid = request.get_ref().uuid.clone();
        // Only a check that happened is an event: a bad uuid or a Redis that is down is
        // the caller's error, and nothing was verified.
        let reply = self.inner.verify(request).await?;
        let event = CaptchaVerified {
            uuid,
            right: reply.get_ref().ok,
            at: Some(prost_types::Timestamp::from(SystemTime::now())),
        };
        let Ok(permit) = self.pending.clone().try_acquire_owned() else {
            let waiting = MAX_PENDING_EVENTS;
            warn!(
                "{VERIFIED_TOPIC} for {} dropped: {waiting} events wait for the broker",
                event.uuid
            );
            return Ok(reply);
        };
        let verified = self.verified.clone();
        tokio::spawn(async move {
            if let Err(error) = verified.publish(&event).await {
                warn!(
                    "{VERIFIED_TOPIC} for {} not published: {error:#}",
                    event.uuid
                );
            }
            drop(permit);
        });
        Ok(reply)
    }
}
// ANCHOR_END: audited

// ANCHOR: counts
/// What the `audit` subscriber keeps: how many checks, right and wrong.
#[derive(Debug, Default)]
pub struct Audit {
    counts: Mutex<(u64, u64)>,
}

impl Audit {
    /// Counts one check, and says it in a line: `a1b2…: right (3 checked: 2 right, 1 wrong)`.
    pub fn record(&self, event: &CaptchaVerified) -> String {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if event.right {
            counts.0 += 1;
        } else {
            counts.1 += 1;
        }
        let (right, wrong) = *counts;
        let verdict = if event.right { "right" } else { "wrong" };
        format!(
            "{}: {verdict} ({} checked: {right} right, {wrong} wrong)",
            event.uuid,
            right + wrong
        )
    }
}
// ANCHOR_END: counts

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_counts_right_and_wrong() {
        let audit = Audit::default();
        let check = |uuid: &str, right| CaptchaVerified {
            uuid: uuid.into(),
            right,
            at: None,
        };
        assert_eq!(
            audit.record(&check("a", true)),
            "a: right (1 checked: 1 right, 0 wrong)"
        );
        assert_eq!(
            audit.record(&check("b", false)),
            "b: wrong (2 checked: 1 right, 1 wrong)"
        );
    }
}
