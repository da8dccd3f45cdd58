//! Channel configuration and what every client checks before it sends anything.

use messengers::testing::{FakeTelegram, FakeVk, FakeWhatsApp};
use messengers::{Client, Error, Messenger, Platform, SendErrorKind, telegram, vk, whatsapp};

use crate::support::client;

#[test]
fn platforms_load_from_toml_with_the_documented_defaults() {
    // Arrange
    let text = r#"
        [shop_telegram]
        kind = "telegram"
        token = "123456:ABC-DEF"
        secret_token = "s3cret_token-1"

        [shop_whatsapp]
        kind = "whatsapp"
        access_token = "EAAG..."
        app_secret = "app-secret"
        verify_token = "verify-me"
        phone_number_id = "106540352242922"

        [shop_vk]
        kind = "vk"
        group_id = 12345
        secret = "MySecret"
        confirmation = "1a2b3c4d"
        access_token = "vk1.a.token"
    "#;

    // Act
    let channels: std::collections::BTreeMap<String, Platform> =
        toml::from_str(text).expect("valid configuration");

    // Assert
    let Platform::Telegram(bot) = &channels["shop_telegram"] else {
        panic!("telegram expected")
    };
    assert_eq!(bot.api_base, telegram::DEFAULT_API_BASE);
    assert_eq!(bot.per_chat_interval_ms, 1000);
    let Platform::WhatsApp(number) = &channels["shop_whatsapp"] else {
        panic!("whatsapp expected")
    };
    assert_eq!(number.api_base, "https://graph.facebook.com/v21.0");
    let Platform::Vk(community) = &channels["shop_vk"] else {
        panic!("vk expected")
    };
    assert_eq!(community.api_base, "https://api.vk.com/method");
    assert_eq!(community.version, "5.199");
    assert_eq!(channels["shop_vk"].messenger(), Messenger::Vk);
}

#[test]
fn printed_configurations_hide_every_credential() {
    let json = r#"{"kind":"whatsapp","access_token":"EAAG-token","app_secret":"app-secret",
                   "verify_token":"verify-me","phone_number_id":"1"}"#;
    let platform: Platform = serde_json::from_str(json).expect("valid");
    let printed = format!("{platform:?}");
    for secret in ["EAAG-token", "app-secret", "verify-me"] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("[redacted]"), "{printed}");
}

#[test]
fn an_unknown_kind_is_refused() {
    let json = r#"{"kind":"viber","token":"x"}"#;
    assert!(serde_json::from_str::<Platform>(json).is_err());
}

#[test]
fn clients_refuse_configurations_that_cannot_work() {
    let config_error = |platform: Platform| match Client::new(&platform) {
        Err(Error::Config { field, .. }) => field,
        Err(other) => panic!("expected a configuration error, got {other}"),
        Ok(_) => panic!("expected a configuration error"),
    };

    assert_eq!(
        config_error(Platform::Telegram(telegram::Config::new("no-colon"))),
        "token"
    );
    let mut bad_secret = telegram::Config::new("1:x");
    bad_secret.secret_token = Some(messengers::Secret::new("has spaces"));
    assert_eq!(config_error(Platform::Telegram(bad_secret)), "secret_token");
    let mut bad_base = telegram::Config::new("1:x");
    bad_base.api_base = "api.telegram.org".into();
    assert_eq!(config_error(Platform::Telegram(bad_base)), "api_base");
    let number = whatsapp::Config::new("t", "s", "v", "not-a-number");
    assert_eq!(config_error(Platform::WhatsApp(number)), "phone_number_id");
    let mut community = vk::Config::new(1, "c", "t");
    community.version = "v5".into();
    assert_eq!(config_error(Platform::Vk(community)), "version");
}

#[tokio::test]
async fn nothing_is_sent_for_an_invalid_chat_an_empty_text_or_an_empty_key() {
    // Arrange
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());

    // Act
    let results = [
        bot.send("ann", "hi", "k1").await,
        bot.send("111", "  \n ", "k2").await,
        bot.send("111", "hi", "").await,
    ];

    // Assert
    for result in results {
        let error = result.expect_err("refused");
        assert_eq!(error.kind, SendErrorKind::Invalid, "{error}");
        assert!(!error.retryable);
    }
    assert_eq!(fake.requests(), 0);
}

#[tokio::test]
async fn each_platform_checks_its_own_chat_ids() {
    let whatsapp_fake = FakeWhatsApp::start().await.expect("fake starts");
    let vk_fake = FakeVk::start().await.expect("fake starts");
    let whatsapp = client(&whatsapp_fake.platform());
    let vk = client(&vk_fake.platform());

    let error = whatsapp
        .send("ann@example.com", "hi", "k")
        .await
        .expect_err("refused");
    assert_eq!(error.kind, SendErrorKind::Invalid);
    let error = vk.send("id111", "hi", "k").await.expect_err("refused");
    assert_eq!(error.kind, SendErrorKind::Invalid);
    assert_eq!(whatsapp_fake.requests() + vk_fake.requests(), 0);
}

#[tokio::test]
async fn polling_is_telegrams_only() {
    let fake = FakeVk::start().await.expect("fake starts");
    let error = telegram::poll(&client(&fake.platform()), None, 0)
        .await
        .expect_err("refused");
    assert_eq!(error.kind, SendErrorKind::Invalid);
}
