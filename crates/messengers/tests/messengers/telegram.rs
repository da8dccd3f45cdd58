//! Telegram (crm-apis.md §5): the webhook secret, reading updates, sending within the
//! per-chat and global limits, 429 handling, and long polling with offsets.

use std::time::{Duration, Instant};

use messengers::telegram::{self, Config, parse_update, verify};
use messengers::testing::{
    FakeTelegram, TELEGRAM_JITTER_ALLOWANCE, TELEGRAM_SECRET_TOKEN, TelegramSetup,
    telegram_callback_update, telegram_contact_update, telegram_text_update, telegram_webhook,
};
use messengers::{Incoming, Secret, SendErrorKind};
use serde_json::json;

use crate::support::{client, closed_port_url, shortest_gap};

fn bot_with_secret(secret: &str) -> Config {
    let mut config = Config::new("123:ABC");
    config.secret_token = Some(Secret::new(secret));
    config
}

// Verification (§5.2).

#[test]
fn the_secret_token_header_must_equal_the_configured_secret() {
    let config = bot_with_secret("s3cret_token-1");

    assert_eq!(verify(&config, Some("s3cret_token-1")), Ok(()));
    for wrong in [
        Some("s3cret_token-2"),
        Some(""),
        Some("s3cret_token-1 "),
        None,
    ] {
        let error = verify(&config, wrong).expect_err("refused");
        assert!(error.is_forbidden(), "{wrong:?}: {error}");
    }
}

#[test]
fn webhook_mode_requires_a_configured_secret() {
    let config = Config::new("123:ABC");

    let error = verify(&config, Some("anything")).expect_err("refused");

    assert!(error.is_forbidden());
    assert!(error.to_string().contains("requires"), "{error}");
    let empty = bot_with_secret("");
    assert!(verify(&empty, Some("")).is_err());
}

#[test]
fn a_fake_webhook_delivery_passes_verification_and_parses() {
    let fake_config = Config {
        secret_token: Some(Secret::new(TELEGRAM_SECRET_TOKEN)),
        ..Config::new("1:x")
    };
    let delivery = telegram_webhook(
        &telegram_text_update(7, 111, "Ann", "hi"),
        Some(TELEGRAM_SECRET_TOKEN),
    );

    let (name, value) = delivery.header.expect("a secret header");
    assert_eq!(name, telegram::SECRET_HEADER);
    assert_eq!(verify(&fake_config, Some(&value)), Ok(()));
    let incoming = parse_update(&delivery.body)
        .expect("readable")
        .expect("a message");
    assert_eq!(incoming.text, "hi");
}

// Reading updates (§5.3).

#[test]
fn the_documented_text_message_becomes_incoming() {
    let body = br#"{ "update_id": 123456789,
      "message": { "message_id": 42, "date": 1732700000,
                   "from": { "id": 111, "is_bot": false, "first_name": "Ann", "username": "ann", "language_code": "en" },
                   "chat": { "id": 111, "type": "private", "first_name": "Ann" },
                   "text": "/start", "entities": [ { "type": "bot_command", "offset": 0, "length": 6 } ] } }"#;

    let incoming = parse_update(body).expect("readable");

    assert_eq!(
        incoming,
        Some(Incoming {
            delivery_id: "123456789".into(),
            chat: "111".into(),
            text: "/start".into(),
            name: Some("Ann".into()),
            phone: None,
        })
    );
}

#[test]
fn an_edited_message_is_read_like_a_new_one_with_the_full_name() {
    let body = json!({ "update_id": 5, "edited_message": { "message_id": 1, "date": 1,
        "from": { "id": 9, "is_bot": false, "first_name": "Анна", "last_name": "Петрова" },
        "chat": { "id": -100123, "type": "supergroup" }, "text": "исправила" } });

    let incoming = parse_update(body.to_string().as_bytes())
        .expect("readable")
        .expect("a message");

    assert_eq!(incoming.chat, "-100123");
    assert_eq!(incoming.text, "исправила");
    assert_eq!(incoming.name.as_deref(), Some("Анна Петрова"));
}

#[test]
fn a_pressed_button_reads_as_its_callback_data_in_the_buttons_chat() {
    let body = br#"{ "update_id": 123456790,
      "callback_query": { "id": "4382bfdwdsb323b2d9", "from": { "id": 111, "is_bot": false, "first_name": "Ann" },
                          "message": { "message_id": 43, "chat": { "id": 111, "type": "private" }, "date": 1732700001 },
                          "chat_instance": "-8412", "data": "order:42:confirm" } }"#;

    let incoming = parse_update(body).expect("readable").expect("a message");

    assert_eq!(incoming.delivery_id, "123456790");
    assert_eq!(incoming.chat, "111");
    assert_eq!(incoming.text, "order:42:confirm");
    assert_eq!(incoming.name.as_deref(), Some("Ann"));
}

#[test]
fn a_shared_contact_is_the_users_phone_only_when_it_is_their_own_card() {
    let own = telegram_contact_update(1, 111, "79161234567", true);
    let forwarded = telegram_contact_update(2, 111, "+79990000000", false);

    let own = parse_update(own.to_string().as_bytes())
        .expect("readable")
        .expect("a message");
    let forwarded = parse_update(forwarded.to_string().as_bytes())
        .expect("readable")
        .expect("a message");

    assert_eq!(own.phone.as_deref(), Some("+79161234567"));
    assert_eq!(own.text, "79161234567");
    assert_eq!(forwarded.phone, None);
    assert_eq!(forwarded.text, "+79990000000");
}

#[test]
fn updates_without_text_need_only_an_acknowledgement() {
    let photo = json!({ "update_id": 1, "message": { "message_id": 1, "date": 1,
        "chat": { "id": 111, "type": "private" }, "photo": [{ "file_id": "x", "width": 1, "height": 1 }] } });
    let member = json!({ "update_id": 2, "my_chat_member": { "chat": { "id": 111 } } });
    let inline = json!({ "update_id": 3, "inline_query": { "id": "1", "query": "x" } });

    for update in [photo, member, inline] {
        assert_eq!(
            parse_update(update.to_string().as_bytes()),
            Ok(None),
            "{update}"
        );
    }
}

#[test]
fn malformed_updates_name_what_was_expected_without_echoing_the_body() {
    let cases: [&[u8]; 3] = [
        b"not json",
        br#"{"message": {"text": "hi"}}"#,
        br#"{"update_id": "+79161234567"}"#,
    ];
    for body in cases {
        let error = parse_update(body).expect_err("refused");
        let text = error.to_string();
        assert!(!error.is_forbidden());
        assert!(text.contains("expected an Update object"), "{text}");
        assert!(!text.contains("7916"), "{text}");
    }
}

// Sending (§5.4, §5.6).

#[tokio::test]
async fn a_reply_is_one_send_message_to_the_chat() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());

    bot.send("111", "Здравствуйте! Чем помочь?", "reply-1")
        .await
        .expect("sent");
    bot.send("@shop_news", "Новости", "reply-2")
        .await
        .expect("sent");

    let sent = fake.sent();
    assert_eq!(sent.len(), 2);
    assert_eq!(
        (sent[0].chat_id.as_str(), sent[0].text.as_str()),
        ("111", "Здравствуйте! Чем помочь?")
    );
    assert_eq!(sent[1].chat_id, "@shop_news");
}

#[tokio::test]
async fn texts_over_4096_characters_go_as_several_messages_in_order() {
    let fake = FakeTelegram::start_with(TelegramSetup {
        per_chat_interval: Duration::from_millis(50),
        ..TelegramSetup::default()
    })
    .await
    .expect("fake starts");
    let bot = client(&fake.platform());
    let first = "а".repeat(4000);
    let second = "б".repeat(3000);

    bot.send("111", &format!("{first}\n\n{second}"), "long")
        .await
        .expect("sent");

    let texts: Vec<String> = fake.sent().into_iter().map(|sent| sent.text).collect();
    assert_eq!(texts, vec![first, second]);
}

#[tokio::test]
async fn messages_to_one_chat_keep_the_per_chat_interval_even_from_concurrent_clones() {
    // Arrange: the fake answers 429 to messages closer than its interval (less jitter).
    let interval = Duration::from_millis(200);
    let fake = FakeTelegram::start_with(TelegramSetup {
        per_chat_interval: interval,
        ..TelegramSetup::default()
    })
    .await
    .expect("fake starts");
    let bot = client(&fake.platform());
    let started = Instant::now();

    // Act: five replies at once, each from its own clone of the client.
    let mut tasks = Vec::new();
    for index in 0..5 {
        let bot = bot.clone();
        tasks.push(tokio::spawn(async move {
            bot.send("111", &format!("part {index}"), &format!("key-{index}"))
                .await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("sent");
    }

    // Assert
    assert_eq!(fake.refused_by_limit(), 0);
    let instants: Vec<Instant> = fake.sent().iter().map(|sent| sent.at).collect();
    assert_eq!(instants.len(), 5);
    assert!(
        shortest_gap(&instants) >= interval.mul_f64(TELEGRAM_JITTER_ALLOWANCE),
        "{instants:?}"
    );
    assert!(started.elapsed() >= interval * 4);
}

#[tokio::test]
async fn different_chats_do_not_wait_for_each_others_interval() {
    let fake = FakeTelegram::start().await.expect("fake starts"); // 1 s per chat
    let bot = client(&fake.platform());
    let started = Instant::now();

    for chat in 1..=5 {
        bot.send(&chat.to_string(), "hello", &format!("greeting-{chat}"))
            .await
            .expect("sent");
    }

    assert_eq!(fake.sent().len(), 5);
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_is_retryable_after_retry_after_and_pauses_the_whole_client() {
    // Arrange
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    fake.rate_limit_next(1, 35);

    // Act
    let refused = bot
        .send("111", "hi", "reply-1")
        .await
        .expect_err("rate-limited");
    let requests_after_refusal = fake.requests();
    let held = bot
        .send("222", "hi", "reply-2")
        .await
        .expect_err("held back");

    // Assert: the platform's wait is passed on, and nothing is sent before it is over.
    assert_eq!(refused.kind, SendErrorKind::RateLimited);
    assert!(refused.retryable);
    assert_eq!(refused.retry_in, Some(Duration::from_secs(35)));
    assert_eq!(held.kind, SendErrorKind::RateLimited);
    assert!(
        held.retry_in
            .is_some_and(|wait| wait > Duration::from_secs(30) && wait <= Duration::from_secs(35))
    );
    assert_eq!(fake.requests(), requests_after_refusal);
    assert!(fake.sent().is_empty());
}

#[tokio::test]
async fn server_errors_are_transient_and_the_retry_delivers() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    fake.fail_next(1);

    let error = bot.send("111", "hi", "reply-1").await.expect_err("502");
    assert_eq!(error.kind, SendErrorKind::Transient);
    assert!(error.retryable);
    assert_eq!(error.retry_in, None);

    bot.send("111", "hi", "reply-1")
        .await
        .expect("the retry is sent");
    assert_eq!(fake.sent().len(), 1);
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized_and_never_named_in_the_error() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let mut config = fake.config();
    config.token = Secret::new("999:WRONG-secret-token");
    let bot = client(&messengers::Platform::Telegram(config));

    let error = bot.send("111", "hi", "reply-1").await.expect_err("401");

    assert_eq!(error.kind, SendErrorKind::Unauthorized);
    assert!(!error.retryable);
    assert!(!error.message.contains("WRONG-secret-token"), "{error}");
}

#[tokio::test]
async fn an_unreachable_api_is_a_transient_failure_that_does_not_leak_the_token() {
    let mut config = Config::new("123:SECRET-part");
    config.api_base = closed_port_url();
    let bot = client(&messengers::Platform::Telegram(config));

    let error = bot
        .send("111", "hi", "reply-1")
        .await
        .expect_err("no answer");

    assert_eq!(error.kind, SendErrorKind::Transient);
    assert!(error.retryable);
    assert!(!error.message.contains("SECRET-part"), "{error}");
}

#[tokio::test]
async fn a_retry_after_a_failed_part_sends_only_the_parts_not_yet_delivered() {
    // Arrange: a two-part reply whose second part meets a 502.
    let fake = FakeTelegram::start_with(TelegramSetup {
        per_chat_interval: Duration::from_millis(50),
        ..TelegramSetup::default()
    })
    .await
    .expect("fake starts");
    let bot = client(&fake.platform());
    let text = format!("{}\n\n{}", "a".repeat(4000), "b".repeat(100));
    fake.fail_after(1, 1);

    // Act
    let failed = bot.send("111", &text, "long-reply").await;
    let retried = bot.send("111", &text, "long-reply").await;

    // Assert
    assert_eq!(
        failed.expect_err("second part failed").kind,
        SendErrorKind::Transient
    );
    retried.expect("the retry completes");
    let texts: Vec<String> = fake.sent().into_iter().map(|sent| sent.text).collect();
    assert_eq!(texts, vec!["a".repeat(4000), "b".repeat(100)]);
}

#[tokio::test]
async fn a_repeated_send_under_a_delivered_key_is_not_sent_again() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());

    bot.send("111", "Ваш заказ принят", "order-42-ack")
        .await
        .expect("sent");
    bot.clone()
        .send("111", "Ваш заказ принят", "order-42-ack")
        .await
        .expect("ok");

    assert_eq!(fake.sent().len(), 1);
}

// Long polling (§5.5).

#[tokio::test]
async fn polling_returns_the_messages_and_the_offset_that_confirms_every_update() {
    // Arrange
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    fake.queue_update(telegram_text_update(10, 111, "Ann", "привет"));
    fake.queue_update(json!({ "update_id": 11, "my_chat_member": { "chat": { "id": 111 } } }));
    fake.queue_update(telegram_callback_update(12, 111, "yes"));

    // Act
    let first = telegram::poll(&bot, None, 0).await.expect("polled");
    let unconfirmed = fake.pending_update_ids();
    let second = telegram::poll(&bot, first.next_offset, 0)
        .await
        .expect("polled");

    // Assert
    let texts: Vec<&str> = first
        .incoming
        .iter()
        .map(|message| message.text.as_str())
        .collect();
    assert_eq!(texts, vec!["привет", "yes"]);
    assert_eq!(first.next_offset, Some(13));
    assert_eq!(
        unconfirmed,
        vec![10, 11, 12],
        "nothing is forgotten before it is confirmed"
    );
    assert!(second.incoming.is_empty());
    assert_eq!(second.next_offset, Some(13));
    assert!(
        fake.pending_update_ids().is_empty(),
        "the offset confirmed them"
    );
}

#[tokio::test]
async fn an_unconfirmed_update_is_delivered_again() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    fake.queue_update(telegram_text_update(20, 111, "Ann", "раз"));

    let first = telegram::poll(&bot, None, 0).await.expect("polled");
    let again = telegram::poll(&bot, None, 0).await.expect("polled");

    assert_eq!(first.incoming, again.incoming);
}

#[tokio::test]
async fn a_long_poll_returns_an_update_as_soon_as_it_arrives() {
    let fake = std::sync::Arc::new(FakeTelegram::start().await.expect("fake starts"));
    let bot = client(&fake.platform());
    let started = Instant::now();
    let later = std::sync::Arc::clone(&fake);
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        later.queue_update(telegram_text_update(30, 111, "Ann", "есть кто?"));
    });

    let polled = telegram::poll(&bot, Some(30), 2).await.expect("polled");

    assert_eq!(polled.incoming.len(), 1);
    assert_eq!(polled.next_offset, Some(31));
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(150) && waited < Duration::from_millis(1500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn an_empty_long_poll_waits_its_timeout_and_keeps_the_offset() {
    let fake = FakeTelegram::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    let started = Instant::now();

    let polled = telegram::poll(&bot, Some(5), 1).await.expect("polled");

    assert!(polled.incoming.is_empty());
    assert_eq!(polled.next_offset, Some(5));
    assert!(started.elapsed() >= Duration::from_millis(900));
}
