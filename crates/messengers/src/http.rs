//! One HTTP exchange with a platform: send once, read the whole answer, and turn a missing
//! answer into a transient [`SendError`]. Which answers are errors is each platform's call.

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::config::Messenger;
use crate::error::{Error, SendError, SendErrorKind};

/// Longest piece of an unreadable answer kept in an error; proxies answer with HTML pages.
const MAX_BODY_CHARS: usize = 300;

/// A platform's answer, whatever its status.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// `Retry-After` in delay-seconds. An HTTP-date yields `None`: then the caller's
    /// backoff applies, which is safe, only slower to use the window again.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        value.trim().parse().ok().map(Duration::from_secs)
    }
}

/// Sends `request` once with `timeout`. Only the lack of any answer is an error here.
pub(crate) async fn exchange(
    request: reqwest::RequestBuilder,
    timeout: Duration,
    messenger: Messenger,
    step: &str,
) -> Result<Answer, SendError> {
    let failed = |error: reqwest::Error| {
        SendError::new(
            SendErrorKind::Transient,
            None,
            format!(
                "{messenger} gave no usable answer to {step}: {}",
                describe(&error)
            ),
        )
    };
    let response = request.timeout(timeout).send().await.map_err(failed)?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.text().await.map_err(failed)?;
    tracing::debug!(%messenger, step, status, "Messenger answered.");
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// What went wrong with a request that got no answer, without the URL: Telegram's holds
/// the bot token.
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

/// Parses a configured API base; https needs the `tls` feature.
pub(crate) fn base_url(
    messenger: Messenger,
    field: &'static str,
    value: &str,
) -> Result<Url, Error> {
    let invalid = |expected: String| Error::Config {
        messenger,
        field,
        expected,
    };
    let url = Url::parse(value.trim())
        .map_err(|error| invalid(format!("an absolute http(s) URL ({error})")))?;
    match url.scheme() {
        "http" => Ok(url),
        "https" if cfg!(feature = "tls") => Ok(url),
        "https" => Err(invalid(
            "an http URL: this build of `messengers` lacks the `tls` feature".to_string(),
        )),
        other => Err(invalid(format!(
            "an absolute http(s) URL, not scheme {other:?}"
        ))),
    }
}

/// `base` with `segments` appended as path segments (each percent-encoded).
pub(crate) fn endpoint(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    url.set_query(None);
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_append_encoded_segments_to_the_base_path() {
        let base = Url::parse("https://graph.facebook.com/v21.0").expect("url");
        assert_eq!(
            endpoint(&base, &["106540352242922", "messages"]).as_str(),
            "https://graph.facebook.com/v21.0/106540352242922/messages"
        );
        let base = Url::parse("http://127.0.0.1:9/method/").expect("url");
        assert_eq!(
            endpoint(&base, &["messages.send"]).as_str(),
            "http://127.0.0.1:9/method/messages.send"
        );
        let base = Url::parse("http://h").expect("url");
        assert_eq!(
            endpoint(&base, &["bot123:AA/x"]).as_str(),
            "http://h/bot123:AA%2Fx"
        );
    }

    #[test]
    fn api_bases_must_be_http_urls() {
        assert!(base_url(Messenger::Vk, "api_base", "http://127.0.0.1:1").is_ok());
        assert!(base_url(Messenger::Vk, "api_base", "api.vk.com").is_err());
        assert!(base_url(Messenger::Vk, "api_base", "ftp://api.vk.com").is_err());
        assert_eq!(
            base_url(Messenger::Vk, "api_base", "https://api.vk.com/method").is_ok(),
            cfg!(feature = "tls")
        );
    }

    #[test]
    fn long_bodies_are_cut() {
        assert_eq!(cut(&"x".repeat(1000)).chars().count(), MAX_BODY_CHARS + 1);
        assert_eq!(cut("short"), "short");
    }
}
