//! Where settings come from: command-line flags, then `FUNDAMENT_*`
//! environment variables (clap reads both), then the TOML config file, then
//! defaults.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The config file's contents; every key is optional.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// Database URL: `sqlite://PATH` or `postgres://...`.
    pub db: Option<String>,
    /// Data directory (the SQLite file, uploads, presets).
    pub data_dir: Option<PathBuf>,
    /// Address `serve` listens on.
    pub listen: Option<String>,
    /// Directory of the user's own mapping presets.
    pub presets_dir: Option<PathBuf>,
    /// Region of phone numbers written without a country code (`RU`).
    pub default_region: Option<String>,
    /// Currency of amounts that name none (`RUB`).
    pub default_currency: Option<String>,
    /// UTC offset of local times in exports, in hours (3 for Moscow).
    pub utc_offset_hours: Option<i32>,
    /// CRMs to write scores and tasks back to, by the source system of the
    /// records: `[crm.bitrix24] kind = "bitrix24"`, `webhook_url = ...`, `score_field = "UF_CRM_SCORE"`.
    #[serde(default)]
    pub crm: std::collections::BTreeMap<String, app::CrmConnection>,
    /// A model directory `fundament nlu train` wrote; `POST /model/parse` uses it.
    pub nlu_model: Option<PathBuf>,
    /// Chatbot flow files (`bot chat --flow` tries one); their NLU files sit beside them.
    #[serde(default)]
    pub bots: Vec<PathBuf>,
    /// Messenger channels of the bots: `[[channels]] bot = "shop"`, `kind = "telegram"`,
    /// `token = "…"`, `secret_token = "…"` (webhook at `/channels/telegram/shop`; without a
    /// secret the bot long-polls); `kind = "whatsapp"` (`access_token`, `app_secret`,
    /// `verify_token`, `phone_number_id`); `kind = "vk"` (`group_id`, `secret`,
    /// `confirmation`, `access_token`).
    #[serde(default)]
    pub channels: Vec<ChannelEntry>,
    /// A language model the bots' knowledge answers are phrased by:
    /// `[generation] base_url = "http://127.0.0.1:8080/v1"`, `model = "…"`,
    /// `api_key` and `timeout_secs` optional (llama.cpp, vLLM, Ollama). Off when absent.
    pub generation: Option<Generation>,
    /// `serve --demo` adds the three example bots when no file names any.
    #[serde(skip)]
    pub example_bots: bool,
}

impl FileConfig {
    /// Reads the config file, if one is named or exists in the default place.
    pub fn load(explicit: Option<&Path>) -> Result<Self> {
        let path = match explicit {
            Some(path) => path.to_path_buf(),
            None => match dirs::config_dir().map(|dir| dir.join("fundament/fundament.toml")) {
                Some(path) if path.exists() => path,
                _ => return Ok(Self::default()),
            },
        };
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("config file {}", path.display()))
    }
}

/// The store and the directories one command works with.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The database URL.
    pub db: String,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The application settings.
    pub app: app::AppConfig,
}

/// Resolves the database and directories from flags and the file.
pub fn resolve(
    db: Option<String>,
    data_dir: Option<PathBuf>,
    file: &FileConfig,
) -> Result<Resolved> {
    let data_dir = data_dir
        .or_else(|| file.data_dir.clone())
        .or_else(|| dirs::data_dir().map(|dir| dir.join("fundament")))
        .context("no data directory: pass --data-dir DIR")?;
    let db = match db.or_else(|| file.db.clone()) {
        Some(url) => url,
        None => format!("sqlite://{}", data_dir.join("fundament.db").display()),
    };
    let mut parse = domain::ParseContext::default();
    if let Some(region) = &file.default_region {
        parse.default_region = region.clone();
    }
    if let Some(currency) = &file.default_currency {
        parse.default_currency = domain::Currency::parse(currency)
            .map_err(|error| anyhow::anyhow!("config default_currency: {error}"))?;
    }
    if let Some(hours) = file.utc_offset_hours {
        if !(-12..=14).contains(&hours) {
            bail!("config utc_offset_hours must be between -12 and 14, not {hours}");
        }
        parse.local_offset = chrono_offset(hours)?;
    }
    let app = app::AppConfig {
        parse,
        presets_dir: file.presets_dir.clone(),
        uploads_dir: Some(data_dir.join("uploads")),
        crm: file.crm.clone().into_iter().collect(),
        nlu: match &file.nlu_model {
            Some(dir) => Some(std::sync::Arc::new(
                app::NluModel::load(dir).context("config nlu_model")?,
            )),
            None => None,
        },
        bots: bots(file)?,
        generator: match &file.generation {
            Some(g) => {
                let mut config = app::GeneratorConfig::new(g.base_url.clone(), g.model.clone());
                config.api_key = g.api_key.clone();
                if let Some(seconds) = g.timeout_secs {
                    config.timeout = std::time::Duration::from_secs(seconds);
                }
                Some(app::Generator::new(config).context("config generation")?)
            }
            None => None,
        },
        channels: file
            .channels
            .iter()
            .map(|c| (c.bot.clone(), c.platform.clone()))
            .collect(),
    };
    Ok(Resolved { db, data_dir, app })
}

/// An OpenAI-compatible endpoint.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generation {
    pub base_url: String,
    pub model: String,
    pub api_key: Option<String>,
    pub timeout_secs: Option<u64>,
}

/// One messenger channel of a bot.
#[derive(Debug, Clone, Deserialize)]
pub struct ChannelEntry {
    pub bot: String,
    #[serde(flatten)]
    pub platform: app::messengers::Platform,
}

/// The configured bots, or the examples for the demo.
fn bots(file: &FileConfig) -> Result<app::Bots> {
    let mut bots = Vec::new();
    for path in &file.bots {
        bots.push(
            app::Bot::load(path).with_context(|| format!("config bots: {}", path.display()))?,
        );
    }
    if bots.is_empty() && file.example_bots {
        bots = converse::example_bots().context("the example bots")?;
    }
    Ok(app::Bots::new(bots))
}

fn chrono_offset(hours: i32) -> Result<chrono::FixedOffset> {
    chrono::FixedOffset::east_opt(hours * 3600).context("utc offset out of range")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crm_connections_come_from_the_config_file() {
        let file: FileConfig = toml::from_str(
            r#"
            [crm.bitrix24]
            kind = "bitrix24"
            webhook_url = "http://127.0.0.1:9/rest/1/secret/"
            score_field = "UF_CRM_SCORE"
            "#,
        )
        .expect("valid config");
        let resolved = resolve(
            Some("sqlite::memory:".into()),
            Some(std::env::temp_dir()),
            &file,
        )
        .expect("resolved");
        assert_eq!(resolved.app.crm.len(), 1);
        assert_eq!(resolved.app.crm[0].0, "bitrix24");
        assert!(
            !format!("{:?}", resolved.app.crm).contains("secret"),
            "credentials never reach logs"
        );
    }

    #[test]
    fn messenger_channels_come_from_the_config_file() {
        let file: FileConfig = toml::from_str(
            r#"
            [[channels]]
            bot = "logistics"
            kind = "telegram"
            token = "123:secret-token"
            secret_token = "hook-secret"

            [[channels]]
            bot = "logistics"
            kind = "vk"
            group_id = 12345
            secret = "vk-secret"
            confirmation = "abc123"
            access_token = "vk-token"
            "#,
        )
        .expect("valid config");
        let resolved = resolve(
            Some("sqlite::memory:".into()),
            Some(std::env::temp_dir()),
            &file,
        )
        .expect("resolved");
        assert_eq!(resolved.app.channels.len(), 2);
        assert_eq!(resolved.app.channels[1].0, "logistics");
        assert!(
            !format!("{:?}", resolved.app.channels).contains("secret-token"),
            "credentials never reach logs"
        );
        let bad = toml::from_str::<FileConfig>("[[channels]]\nbot = \"x\"\nkind = \"icq\"\n")
            .expect_err("unknown messenger");
        assert!(bad.to_string().contains("icq"), "{bad}");
    }
}
