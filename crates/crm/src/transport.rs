//! One HTTP exchange with a CRM: wait for the rate limiter, send once, read the answer,
//! and the error shapes all four CRMs share. Which answers are errors is each CRM's call.

use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde::de::DeserializeOwned;

use crate::config::Crm;
use crate::error::PushError;
use crate::limit::Limiter;

/// Longest error body kept in an error; CRMs and proxies can answer with whole HTML pages.
const MAX_BODY_CHARS: usize = 2_000;

/// The HTTP client, limiter and timeout of one connection.
pub(crate) struct Transport {
    pub(crate) crm: Crm,
    pub(crate) http: reqwest::Client,
    limiter: Limiter,
    timeout: Duration,
}

/// A CRM's answer, whatever its status.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

/// Who an error is about: the CRM, the deal and the step being taken.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) crm: Crm,
    pub(crate) deal: &'a str,
    pub(crate) step: &'static str,
}

impl Transport {
    pub(crate) fn new(
        crm: Crm,
        http: reqwest::Client,
        limiter: Limiter,
        timeout: Duration,
    ) -> Self {
        Transport {
            crm,
            http,
            limiter,
            timeout,
        }
    }

    /// A context for errors about `deal` at `step`.
    pub(crate) fn ctx<'a>(&self, deal: &'a str, step: &'static str) -> Ctx<'a> {
        Ctx {
            crm: self.crm,
            deal,
            step,
        }
    }

    /// Sends `request` once, when the limiter allows, and reads the whole answer.
    /// Only a failure to get any answer is an error here.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        ctx: Ctx<'_>,
    ) -> Result<Answer, PushError> {
        let _permit = self.limiter.acquire().await;
        let response = request
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|error| ctx.transient(describe(&error)))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .text()
            .await
            .map_err(|error| ctx.transient(describe(&error)))?;
        tracing::debug!(crm = %ctx.crm, deal = ctx.deal, step = ctx.step, status, "CRM answered.");
        Ok(Answer {
            status,
            headers,
            body,
        })
    }
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `Retry-After` header, in seconds or as an HTTP date.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        parse_retry_after(value, chrono::Utc::now())
    }

    /// The error every CRM gives the same meaning: 401 refuses the credentials, 429 asks
    /// to slow down, 408 and 5xx are transient, any other 4xx rejects the request.
    pub(crate) fn common_error(&self, ctx: Ctx<'_>, rate_limit_wait: Duration) -> PushError {
        match self.status {
            401 => ctx.auth(&self.body),
            429 => ctx.rate_limited(self.retry_after().unwrap_or(rate_limit_wait)),
            408 | 500..=599 => ctx.transient(format!("HTTP {}: {}", self.status, cut(&self.body))),
            status => ctx.rejected(status, &self.body),
        }
    }
}

impl Ctx<'_> {
    pub(crate) fn transient(&self, detail: impl Into<String>) -> PushError {
        PushError::Transient {
            crm: self.crm,
            deal: self.deal.to_string(),
            step: self.step,
            detail: detail.into(),
        }
    }

    pub(crate) fn rate_limited(&self, retry_after: Duration) -> PushError {
        tracing::warn!(crm = %self.crm, deal = self.deal, step = self.step, ?retry_after, "CRM rate limit hit.");
        PushError::RateLimited {
            crm: self.crm,
            deal: self.deal.to_string(),
            step: self.step,
            retry_after,
        }
    }

    pub(crate) fn auth(&self, body: &str) -> PushError {
        PushError::Auth {
            crm: self.crm,
            deal: self.deal.to_string(),
            step: self.step,
            body: cut(body),
        }
    }

    pub(crate) fn rejected(&self, status: u16, body: &str) -> PushError {
        PushError::Rejected {
            crm: self.crm,
            deal: self.deal.to_string(),
            step: self.step,
            status,
            body: cut(body),
        }
    }

    pub(crate) fn unexpected(&self, expected: &'static str, body: &str) -> PushError {
        PushError::Unexpected {
            crm: self.crm,
            deal: self.deal.to_string(),
            step: self.step,
            expected,
            body: cut(body),
        }
    }

    pub(crate) fn invalid(&self, expected: impl Into<String>) -> PushError {
        PushError::Invalid {
            crm: self.crm,
            deal: self.deal.to_string(),
            expected: expected.into(),
        }
    }

    /// Parses a success body, or says what was expected instead.
    pub(crate) fn parse<T: DeserializeOwned>(
        &self,
        answer: &Answer,
        expected: &'static str,
    ) -> Result<T, PushError> {
        serde_json::from_str(&answer.body).map_err(|_| self.unexpected(expected, &answer.body))
    }
}

/// `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
fn parse_retry_after(value: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    Some(
        (at.with_timezone(&chrono::Utc) - now)
            .to_std()
            .unwrap_or(Duration::ZERO),
    )
}

/// What went wrong with a request that got no answer, without the URL (it may hold a
/// Bitrix24 webhook code).
fn describe(error: &reqwest::Error) -> String {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "the answer broke off"
    } else if error.is_builder() {
        "could not build the request"
    } else {
        "the connection failed"
    };
    let mut detail = kind.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    detail
}

/// The body, shortened for an error message.
pub(crate) fn cut(body: &str) -> String {
    if body.chars().count() <= MAX_BODY_CHARS {
        return body.to_string();
    }
    let mut short: String = body.chars().take(MAX_BODY_CHARS).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = chrono::DateTime::parse_from_rfc3339("2015-10-21T07:28:00Z")
            .expect("date")
            .with_timezone(&chrono::Utc);
        let cases = [
            ("seconds", "35", Some(Duration::from_secs(35))),
            ("padded", " 2 ", Some(Duration::from_secs(2))),
            (
                "date",
                "Wed, 21 Oct 2015 07:28:30 GMT",
                Some(Duration::from_secs(30)),
            ),
            (
                "past date",
                "Wed, 21 Oct 2015 07:27:00 GMT",
                Some(Duration::ZERO),
            ),
            ("garbage", "soon", None),
        ];
        for (name, value, expected) in cases {
            assert_eq!(parse_retry_after(value, now), expected, "{name}");
        }
    }

    #[test]
    fn common_statuses_map_to_error_kinds() {
        let ctx = Ctx {
            crm: Crm::AmoCrm,
            deal: "5",
            step: "updating the deal's fields",
        };
        let answer = |status: u16| Answer {
            status,
            headers: HeaderMap::new(),
            body: "{}".into(),
        };
        let wait = Duration::from_secs(1);
        assert!(matches!(
            answer(401).common_error(ctx, wait),
            PushError::Auth { .. }
        ));
        assert!(matches!(
            answer(429).common_error(ctx, wait),
            PushError::RateLimited { retry_after, .. } if retry_after == wait
        ));
        for status in [408, 500, 502, 503, 504] {
            assert!(
                matches!(
                    answer(status).common_error(ctx, wait),
                    PushError::Transient { .. }
                ),
                "{status}"
            );
        }
        for status in [400, 403, 404, 422] {
            assert!(
                matches!(
                    answer(status).common_error(ctx, wait),
                    PushError::Rejected { status: s, .. } if s == status
                ),
                "{status}"
            );
        }
    }

    #[test]
    fn long_bodies_are_cut() {
        let body = "x".repeat(MAX_BODY_CHARS + 10);
        assert_eq!(cut(&body).chars().count(), MAX_BODY_CHARS + 1);
        assert_eq!(cut("short"), "short");
    }
}
