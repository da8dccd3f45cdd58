//! Where each CRM lives and which of its fields receive the score: the connection settings,
//! loaded with serde from the app's TOML or JSON configuration. No IO happens here.

use std::fmt;

use serde::Deserialize;

/// The CRMs this crate can push to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Crm {
    AmoCrm,
    Bitrix24,
    HubSpot,
    Salesforce,
}

impl fmt::Display for Crm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Crm::AmoCrm => "amoCRM",
            Crm::Bitrix24 => "Bitrix24",
            Crm::HubSpot => "HubSpot",
            Crm::Salesforce => "Salesforce",
        })
    }
}

/// A credential. `Debug` prints `[redacted]` so configurations can be logged.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The credential itself, for the request that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// How to reach one CRM account and where the score goes in it.
///
/// In TOML: `kind = "amocrm" | "bitrix24" | "hubspot" | "salesforce"` plus the variant's fields.
/// Base URLs are configurable so tests can point them at [`crate::testing`] servers.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind")]
pub enum Connection {
    /// amoCRM / Kommo API v4 (crm-apis.md §1).
    #[serde(rename = "amocrm")]
    AmoCrm {
        /// The account's own subdomain, e.g. `https://example.amocrm.ru` (§1.1).
        base_url: String,
        /// OAuth or long-lived token, sent as `Authorization: Bearer` (§1.2).
        access_token: Secret,
        /// The numeric custom field that receives the score in percent.
        score_field_id: i64,
        /// The text custom field that receives the reasons, if any.
        reasons_field_id: Option<i64>,
    },
    /// Bitrix24 through an inbound webhook (crm-apis.md §2.1).
    #[serde(rename = "bitrix24")]
    Bitrix24 {
        /// `https://{portal}/rest/{user_id}/{webhook_code}/`; the code is the credential.
        webhook_url: Secret,
        /// The deal's user field for the score, e.g. `UF_CRM_1704817278`.
        score_field: String,
        /// The deal's user field for the reasons, if any.
        reasons_field: Option<String>,
    },
    /// HubSpot CRM v3 with a private-app token (crm-apis.md §3.1).
    #[serde(rename = "hubspot")]
    HubSpot {
        /// Defaults to `https://api.hubapi.com` (§3.1).
        #[serde(default = "hubspot_base_url")]
        base_url: String,
        /// Private-app access token, sent as `Authorization: Bearer`.
        token: Secret,
        /// The deal property that receives the score in percent.
        score_property: String,
        /// The deal property that receives the reasons, if any.
        reasons_property: Option<String>,
    },
    /// Salesforce REST; deals are Opportunities (crm-apis.md §4.1).
    #[serde(rename = "salesforce")]
    Salesforce {
        /// `https://{MyDomain}.my.salesforce.com`.
        instance_url: String,
        /// Access token from the JWT bearer or client-credentials flow (§4.2).
        access_token: Secret,
        /// For example `61.0` (a leading `v` is accepted).
        api_version: String,
        /// The Opportunity field for the score, e.g. `Score__c`.
        score_field: String,
        /// The Opportunity field for the reasons, if any.
        reasons_field: Option<String>,
    },
}

impl Connection {
    /// Which CRM this connection reaches.
    pub fn crm(&self) -> Crm {
        match self {
            Connection::AmoCrm { .. } => Crm::AmoCrm,
            Connection::Bitrix24 { .. } => Crm::Bitrix24,
            Connection::HubSpot { .. } => Crm::HubSpot,
            Connection::Salesforce { .. } => Crm::Salesforce,
        }
    }
}

fn hubspot_base_url() -> String {
    "https://api.hubapi.com".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_load_from_toml() {
        // Arrange
        let text = r#"
            [amo]
            kind = "amocrm"
            base_url = "https://example.amocrm.ru"
            access_token = "amo-secret"
            score_field_id = 1278898021

            [bitrix]
            kind = "bitrix24"
            webhook_url = "https://example.bitrix24.ru/rest/1/code/"
            score_field = "UF_CRM_1"
            reasons_field = "UF_CRM_2"

            [hubspot]
            kind = "hubspot"
            token = "pat-secret"
            score_property = "fundament_score"

            [salesforce]
            kind = "salesforce"
            instance_url = "https://example.my.salesforce.com"
            access_token = "sf-secret"
            api_version = "61.0"
            score_field = "Score__c"
        "#;

        // Act
        let parsed: std::collections::BTreeMap<String, Connection> =
            toml::from_str(text).expect("valid config");

        // Assert
        assert!(matches!(
            &parsed["amo"],
            Connection::AmoCrm {
                score_field_id: 1278898021,
                reasons_field_id: None,
                ..
            }
        ));
        assert!(matches!(
            &parsed["bitrix"],
            Connection::Bitrix24 { reasons_field: Some(field), .. } if field == "UF_CRM_2"
        ));
        assert!(matches!(
            &parsed["hubspot"],
            Connection::HubSpot { base_url, .. } if base_url == "https://api.hubapi.com"
        ));
        assert_eq!(parsed["salesforce"].crm(), Crm::Salesforce);
    }

    #[test]
    fn connections_load_from_json_and_debug_hides_secrets() {
        let json = r#"{"kind":"hubspot","base_url":"http://127.0.0.1:9","token":"pat-secret",
                       "score_property":"s","reasons_property":"r"}"#;
        let connection: Connection = serde_json::from_str(json).expect("valid config");
        let printed = format!("{connection:?}");
        assert!(!printed.contains("pat-secret"), "{printed}");
        assert!(printed.contains("[redacted]"), "{printed}");
    }

    #[test]
    fn an_unknown_kind_is_refused() {
        let json = r#"{"kind":"pipedrive","token":"x"}"#;
        assert!(serde_json::from_str::<Connection>(json).is_err());
    }
}
