//! The client the app holds per CRM connection: validates the update, then hands it to
//! the CRM's own module. One client shares one rate limiter across all its pushes.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::amocrm::AmoCrm;
use crate::bitrix24::Bitrix24;
use crate::config::{Connection, Crm};
use crate::error::{ConfigError, PushError};
use crate::hubspot::HubSpot;
use crate::limit::{Limiter, Policy};
use crate::salesforce::Salesforce;
use crate::transport::Transport;
use crate::update::{Pushed, Update};

/// Pushes updates to one CRM connection. Cheap to clone; clones share the rate limiter,
/// so concurrent pushes from many tasks still respect the CRM's limit together.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    target: Target,
}

enum Target {
    AmoCrm(AmoCrm),
    Bitrix24(Bitrix24),
    HubSpot(HubSpot),
    Salesforce(Salesforce),
}

impl Client {
    /// How long one request may take before it counts as a transient failure.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// A client for `connection` with [`Client::DEFAULT_TIMEOUT`].
    pub fn new(connection: &Connection) -> Result<Client, ConfigError> {
        Client::with_timeout(connection, Client::DEFAULT_TIMEOUT)
    }

    /// A client whose requests time out after `timeout` (a timeout is a transient error).
    pub fn with_timeout(connection: &Connection, timeout: Duration) -> Result<Client, ConfigError> {
        let crm = connection.crm();
        let target = match connection {
            Connection::AmoCrm {
                base_url,
                access_token,
                score_field_id,
                reasons_field_id,
            } => Target::AmoCrm(AmoCrm {
                base: parse_url(crm, "base_url", base_url)?,
                token: access_token.clone(),
                score_field_id: *score_field_id,
                reasons_field_id: *reasons_field_id,
            }),
            Connection::Bitrix24 {
                webhook_url,
                score_field,
                reasons_field,
            } => Target::Bitrix24(Bitrix24 {
                webhook: parse_url(crm, "webhook_url", webhook_url.expose())?,
                score_field: score_field.clone(),
                reasons_field: reasons_field.clone(),
            }),
            Connection::HubSpot {
                base_url,
                token,
                score_property,
                reasons_property,
            } => Target::HubSpot(HubSpot {
                base: parse_url(crm, "base_url", base_url)?,
                token: token.clone(),
                score_property: score_property.clone(),
                reasons_property: reasons_property.clone(),
            }),
            Connection::Salesforce {
                instance_url,
                access_token,
                api_version,
                score_field,
                reasons_field,
            } => Target::Salesforce(Salesforce {
                base: endpoint(
                    &parse_url(crm, "instance_url", instance_url)?,
                    &["services", "data", &api_version_segment(api_version)?, ""],
                ),
                token: access_token.clone(),
                score_field: score_field.clone(),
                reasons_field: reasons_field.clone(),
            }),
        };
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10).min(timeout))
            .user_agent(concat!("fundament-crm/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| ConfigError::Http {
                crm,
                reason: error.to_string(),
            })?;
        let transport = Transport::new(crm, http, Limiter::new(Policy::of(crm)), timeout);
        Ok(Client {
            inner: Arc::new(Inner { transport, target }),
        })
    }

    /// The CRM this client pushes to.
    pub fn crm(&self) -> Crm {
        self.inner.transport.crm
    }

    /// Writes the score and reasons onto the deal and, if the update has a task, creates
    /// it unless a task with the update's key already exists.
    ///
    /// Each request is tried once. On a retryable error nothing needs undoing: pushing
    /// the same update again converges (fields are overwritten, the task is found by its
    /// key). Two concurrent pushes of the same key may both create the task; the caller's
    /// queue runs one job per key at a time.
    pub async fn push(&self, update: &Update) -> Result<Pushed, PushError> {
        update.validate(self.crm())?;
        let transport = &self.inner.transport;
        match &self.inner.target {
            Target::AmoCrm(amo) => amo.push(transport, update).await,
            Target::Bitrix24(bitrix) => bitrix
                .push_many(transport, std::slice::from_ref(update))
                .await
                .pop()
                .unwrap_or_else(|| {
                    Err(transport
                        .ctx(&update.crm_deal_id, "pushing")
                        .unexpected("one result per update", ""))
                }),
            Target::HubSpot(hubspot) => hubspot.push(transport, update).await,
            Target::Salesforce(salesforce) => salesforce.push(transport, update).await,
        }
    }

    /// Pushes several updates; one result per update, in order. Bitrix24 packs them into
    /// `batch` calls of at most 50 commands; the other CRMs get them one by one, paced by
    /// the rate limiter. One failed update does not stop the others.
    pub async fn push_many(&self, updates: &[Update]) -> Vec<Result<Pushed, PushError>> {
        if let Target::Bitrix24(bitrix) = &self.inner.target {
            // The Bitrix24 module validates each update itself, so one bad update only
            // fails its own slot.
            return bitrix.push_many(&self.inner.transport, updates).await;
        }
        let mut results = Vec::with_capacity(updates.len());
        for update in updates {
            results.push(self.push(update).await);
        }
        results
    }
}

/// Parses a configured base URL; https needs the `tls` feature.
fn parse_url(crm: Crm, field: &'static str, value: &str) -> Result<Url, ConfigError> {
    // The parse error never repeats the URL, which for Bitrix24 holds the webhook code.
    let url = Url::parse(value.trim()).map_err(|error| ConfigError::BadUrl {
        crm,
        field,
        reason: error.to_string(),
    })?;
    match url.scheme() {
        "http" => Ok(url),
        "https" if cfg!(feature = "tls") => Ok(url),
        "https" => Err(ConfigError::TlsDisabled { crm, field }),
        other => Err(ConfigError::BadUrl {
            crm,
            field,
            reason: format!("scheme {other:?} is not http or https"),
        }),
    }
}

/// `61.0` or `v61.0` → `v61.0`.
fn api_version_segment(value: &str) -> Result<String, ConfigError> {
    let number = value.trim().trim_start_matches('v');
    let valid = number.split_once('.').is_some_and(|(major, minor)| {
        !major.is_empty()
            && !minor.is_empty()
            && major.chars().all(|c| c.is_ascii_digit())
            && minor.chars().all(|c| c.is_ascii_digit())
    });
    if valid {
        Ok(format!("v{number}"))
    } else {
        Err(ConfigError::BadApiVersion {
            crm: Crm::Salesforce,
            value: value.to_string(),
        })
    }
}

/// `base` with `segments` appended as path segments (each percent-encoded).
/// An empty last segment leaves a trailing slash.
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
    use crate::config::Secret;

    fn hubspot(base_url: &str) -> Connection {
        Connection::HubSpot {
            base_url: base_url.into(),
            token: Secret::new("t"),
            score_property: "s".into(),
            reasons_property: None,
        }
    }

    #[test]
    fn endpoints_append_encoded_segments() {
        let base = Url::parse("http://127.0.0.1:8080/rest/1/code/").expect("url");
        assert_eq!(
            endpoint(&base, &["batch"]).as_str(),
            "http://127.0.0.1:8080/rest/1/code/batch"
        );
        let base = Url::parse("http://h").expect("url");
        assert_eq!(
            endpoint(&base, &["deals", "a/b c"]).as_str(),
            "http://h/deals/a%2Fb%20c"
        );
    }

    #[test]
    fn urls_and_versions_are_checked() {
        assert!(Client::new(&hubspot("http://127.0.0.1:1")).is_ok());
        assert!(matches!(
            Client::new(&hubspot("not a url")),
            Err(ConfigError::BadUrl { .. })
        ));
        assert!(matches!(
            Client::new(&hubspot("ftp://h")),
            Err(ConfigError::BadUrl { .. })
        ));
        if cfg!(feature = "tls") {
            assert!(Client::new(&hubspot("https://api.hubapi.com")).is_ok());
        } else {
            assert!(matches!(
                Client::new(&hubspot("https://api.hubapi.com")),
                Err(ConfigError::TlsDisabled { .. })
            ));
        }
        assert_eq!(api_version_segment("61.0").expect("ok"), "v61.0");
        assert_eq!(api_version_segment("v62.0").expect("ok"), "v62.0");
        assert!(api_version_segment("latest").is_err());
        assert!(api_version_segment("61").is_err());
    }

    #[test]
    fn a_bad_webhook_url_error_does_not_leak_the_code() {
        let connection = Connection::Bitrix24 {
            webhook_url: Secret::new("portal/rest/1/supersecretcode/"),
            score_field: "UF_CRM_1".into(),
            reasons_field: None,
        };
        let error = Client::new(&connection).err().expect("refused");
        assert!(!error.to_string().contains("supersecretcode"), "{error}");
    }
}
