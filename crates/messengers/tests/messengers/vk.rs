//! VK Callback API and messages.send (crm-apis.md §7): community and secret checks,
//! confirmation, reading messages, and sends that VK itself deduplicates by `random_id`.

use std::time::{Duration, Instant};

use messengers::testing::{FakeVk, vk_confirmation_event, vk_message_event};
use messengers::vk::{Config, Event, parse, random_id};
use messengers::{Incoming, Secret, SendErrorKind};
use serde_json::{Value, json};

use crate::support::client;

const GROUP_ID: i64 = 12345;

fn community() -> Config {
    let mut config = Config::new(GROUP_ID, "1a2b3c4d", "vk1.a.token");
    config.secret = Some(Secret::new("MySecret"));
    config
}

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

// Callback API events (§7.1, §7.2).

#[test]
fn the_confirmation_event_asks_for_the_confirmation_string() {
    let event = vk_confirmation_event(GROUP_ID, Some("MySecret"));

    assert_eq!(parse(&community(), &bytes(&event)), Ok(Event::Confirmation));
}

#[test]
fn a_wrong_or_missing_secret_is_forbidden_confirmation_included() {
    let cases = [
        vk_confirmation_event(GROUP_ID, Some("NotMySecret")),
        vk_confirmation_event(GROUP_ID, None),
        vk_message_event(GROUP_ID, Some("MySecre"), "e1", 111, 5, "hello"),
        vk_message_event(GROUP_ID, None, "e1", 111, 5, "hello"),
    ];
    for event in cases {
        let error = parse(&community(), &bytes(&event)).expect_err("refused");
        assert!(error.is_forbidden(), "{event}");
    }
}

#[test]
fn an_event_for_another_community_is_forbidden() {
    let event = vk_message_event(777, Some("MySecret"), "e1", 111, 5, "hello");

    let error = parse(&community(), &bytes(&event)).expect_err("refused");

    assert!(error.is_forbidden());
    assert!(error.to_string().contains("group_id"), "{error}");
}

#[test]
fn without_a_configured_secret_key_every_event_is_refused() {
    let config = Config::new(GROUP_ID, "1a2b3c4d", "vk1.a.token");
    let event = vk_confirmation_event(GROUP_ID, Some("MySecret"));

    let error = parse(&config, &bytes(&event)).expect_err("refused");

    assert!(error.is_forbidden());
    assert!(
        error.to_string().contains("no secret key is configured"),
        "{error}"
    );
}

#[test]
fn the_documented_message_new_becomes_incoming() {
    let body = br#"{ "type": "message_new", "event_id": "a1b2c3", "v": "5.199", "group_id": 12345, "secret": "MySecret",
      "object": { "message": { "id": 10, "date": 1732700000, "peer_id": 2000000001, "from_id": 111,
                               "text": "hello", "conversation_message_id": 5, "payload": "{\"command\":\"start\"}",
                               "attachments": [], "fwd_messages": [] },
                  "client_info": { "button_actions": ["text","vkpay","open_app","location","open_link","callback"],
                                   "keyboard": true, "inline_keyboard": true, "carousel": true, "lang_id": 0 } } }"#;

    let event = parse(&community(), body).expect("readable");

    assert_eq!(
        event,
        Event::Message(Incoming {
            delivery_id: "a1b2c3".into(),
            chat: "2000000001".into(),
            text: "hello".into(),
            name: None,
            phone: None,
        })
    );
}

#[test]
fn without_an_event_id_the_delivery_is_named_by_community_peer_and_conversation_message() {
    let mut event = vk_message_event(GROUP_ID, Some("MySecret"), "", 111, 5, "hello");
    if let Some(object) = event.as_object_mut() {
        object.remove("event_id");
    }

    let Ok(Event::Message(incoming)) = parse(&community(), &bytes(&event)) else {
        panic!("a message expected");
    };

    assert_eq!(incoming.delivery_id, "12345:111:5");
}

#[test]
fn older_api_versions_send_the_message_itself_as_the_object() {
    let event = json!({ "type": "message_new", "group_id": GROUP_ID, "secret": "MySecret", "event_id": "e9",
        "object": { "id": 10, "date": 1, "peer_id": 111, "from_id": 111, "text": "старый формат",
                    "conversation_message_id": 3 } });

    let Ok(Event::Message(incoming)) = parse(&community(), &bytes(&event)) else {
        panic!("a message expected");
    };

    assert_eq!(
        (incoming.chat.as_str(), incoming.text.as_str()),
        ("111", "старый формат")
    );
}

#[test]
fn other_events_and_messages_without_text_only_need_ok() {
    let typing = json!({ "type": "message_typing_state", "group_id": GROUP_ID, "secret": "MySecret",
        "object": { "state": "typing", "from_id": 111, "to_id": -GROUP_ID } });
    let reply = json!({ "type": "message_reply", "group_id": GROUP_ID, "secret": "MySecret",
        "object": { "id": 11, "peer_id": 111, "from_id": -GROUP_ID, "text": "our own reply" } });
    let sticker = vk_message_event(GROUP_ID, Some("MySecret"), "e2", 111, 6, "");

    for event in [typing, reply, sticker] {
        assert_eq!(
            parse(&community(), &bytes(&event)),
            Ok(Event::Other),
            "{event}"
        );
    }
    assert_eq!(messengers::vk::OK_REPLY, "ok");
}

#[test]
fn unreadable_events_are_malformed_not_forbidden() {
    let no_peer = json!({ "type": "message_new", "group_id": GROUP_ID, "secret": "MySecret",
        "object": { "message": { "text": "hi" } } });
    for body in [
        b"ok".to_vec(),
        bytes(&json!({ "type": "x" })),
        bytes(&no_peer),
    ] {
        let error = parse(&community(), &body).expect_err("refused");
        assert!(!error.is_forbidden(), "{error}");
    }
}

// messages.send (§7.4).

#[tokio::test]
async fn a_reply_sends_form_parameters_with_a_random_id_derived_from_the_key() {
    let fake = FakeVk::start().await.expect("fake starts");
    let bot = client(&fake.platform());

    bot.send("2000000001", "Здравствуйте!", "reply-7")
        .await
        .expect("sent");

    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].peer_id, "2000000001");
    assert_eq!(sent[0].message, "Здравствуйте!");
    assert_eq!(sent[0].random_id, random_id("reply-7", 0));
}

#[tokio::test]
async fn a_retried_send_is_dropped_by_vk_as_a_repeat() {
    // Arrange: the first attempt's answer is lost to the caller, who retries from another
    // worker (a fresh client, so nothing is remembered in process).
    let fake = FakeVk::start().await.expect("fake starts");
    client(&fake.platform())
        .send("111", "Ваш заказ №42 принят", "order-42")
        .await
        .expect("sent");

    // Act
    client(&fake.platform())
        .send("111", "Ваш заказ №42 принят", "order-42")
        .await
        .expect("the repeat is answered as a success");

    // Assert
    assert_eq!(fake.sent().len(), 1);
    assert_eq!(fake.dropped_repeats(), 1);
}

#[tokio::test]
async fn long_texts_go_in_9000_character_parts_each_with_its_own_random_id() {
    let fake = FakeVk::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    let text = "слово ".repeat(2000); // 12000 characters

    bot.send("111", &text, "long").await.expect("sent");

    let sent = fake.sent();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|part| part.message.chars().count() <= 9000));
    assert_eq!(
        sent.iter().map(|part| part.random_id).collect::<Vec<_>>(),
        vec![random_id("long", 0), random_id("long", 1)]
    );
}

#[tokio::test]
async fn errors_6_9_and_10_are_retryable_and_others_are_not() {
    let fake = FakeVk::start().await.expect("fake starts");
    let mut outcomes = Vec::new();

    for (index, code) in [6, 9, 10, 901, 100].into_iter().enumerate() {
        fake.error_next(1, code);
        // A client each: after error 6 a client pauses for the second VK asked for.
        let bot = client(&fake.platform());
        let error = bot
            .send("111", "hi", &format!("k{index}"))
            .await
            .expect_err("refused");
        outcomes.push((code, error.kind, error.retryable));
    }

    assert_eq!(
        outcomes,
        vec![
            (6, SendErrorKind::RateLimited, true),
            (9, SendErrorKind::RateLimited, true),
            (10, SendErrorKind::Transient, true),
            (901, SendErrorKind::Rejected, false),
            (100, SendErrorKind::Rejected, false),
        ]
    );
    assert!(fake.sent().is_empty());
}

#[tokio::test]
async fn too_many_requests_per_second_asks_for_a_second_and_then_the_retry_is_sent() {
    let fake = FakeVk::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    fake.error_next(1, 6);

    let error = bot.send("111", "hi", "reply-1").await.expect_err("error 6");
    assert_eq!(error.retry_in, Some(Duration::from_secs(1)));
    tokio::time::sleep(error.retry_in.unwrap_or_default()).await;
    bot.send("111", "hi", "reply-1").await.expect("sent");

    assert_eq!(fake.sent().len(), 1);
}

#[tokio::test]
async fn a_bad_token_is_unauthorized_and_not_echoed() {
    let fake = FakeVk::start().await.expect("fake starts");
    let mut config = fake.config();
    config.access_token = Secret::new("vk1.a.revoked-token");
    let bot = client(&messengers::Platform::Vk(config));

    let error = bot.send("111", "hi", "reply-1").await.expect_err("error 5");

    assert_eq!(error.kind, SendErrorKind::Unauthorized);
    assert!(!error.retryable);
    assert!(!error.message.contains("revoked-token"), "{error}");
}

#[tokio::test]
async fn a_burst_stays_within_twenty_requests_a_second() {
    let fake = FakeVk::start().await.expect("fake starts");
    let bot = client(&fake.platform());
    let started = Instant::now();

    let mut tasks = Vec::new();
    for peer in 1..=25 {
        let bot = bot.clone();
        tasks.push(tokio::spawn(async move {
            bot.send(
                &peer.to_string(),
                "Акция до пятницы",
                &format!("promo-{peer}"),
            )
            .await
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("sent");
    }

    assert_eq!(fake.refused_by_limit(), 0);
    assert_eq!(fake.sent().len(), 25);
    assert!(started.elapsed() >= Duration::from_secs(1));
}
