//! Which platform a bot channel is on and the credentials it holds, loaded with serde from
//! the app's TOML or JSON configuration. No IO happens here.

use std::fmt;

use serde::Deserialize;

use crate::{telegram, vk, whatsapp};

/// The messenger platforms this crate speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Messenger {
    Telegram,
    WhatsApp,
    Vk,
}

impl fmt::Display for Messenger {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Messenger::Telegram => "Telegram",
            Messenger::WhatsApp => "WhatsApp",
            Messenger::Vk => "VK",
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

    /// The credential itself, for the request or check that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// An empty string configures nothing (an unset environment variable often ends up so).
    pub(crate) fn is_set(&self) -> bool {
        !self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// One configured bot channel.
///
/// In TOML: `kind = "telegram" | "whatsapp" | "vk"` plus the platform's fields. API base URLs
/// have the platforms' defaults and are configurable so tests can point them at
/// [`crate::testing`] servers.
#[derive(Clone, Debug, Deserialize)]
#[serde(tag = "kind")]
pub enum Platform {
    /// Telegram Bot API (crm-apis.md §5).
    #[serde(rename = "telegram")]
    Telegram(telegram::Config),
    /// WhatsApp Business Cloud API (crm-apis.md §6).
    #[serde(rename = "whatsapp")]
    WhatsApp(whatsapp::Config),
    /// VK community bot through the Callback API (crm-apis.md §7).
    #[serde(rename = "vk")]
    Vk(vk::Config),
}

impl Platform {
    /// Which platform this channel is on.
    pub fn messenger(&self) -> Messenger {
        match self {
            Platform::Telegram(_) => Messenger::Telegram,
            Platform::WhatsApp(_) => Messenger::WhatsApp,
            Platform::Vk(_) => Messenger::Vk,
        }
    }
}
