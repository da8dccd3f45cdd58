//! WhatsApp Cloud API (crm-apis.md §6): the handshake, the signature over the raw body,
//! reading notifications with several entries and changes, and sending.

use std::time::Duration;

use messengers::testing::{
    FakeWhatsApp, whatsapp_delivery, whatsapp_status_notification, whatsapp_text_notification,
};
use messengers::whatsapp::{Config, SIGNATURE_HEADER, handshake, parse, verify};
use messengers::{Incoming, SendErrorKind};
use serde_json::{Value, json};

use crate::support::client;

const PHONE_NUMBER_ID: &str = "106540352242922";

fn number() -> Config {
    Config::new("token", "app-secret", "verify-me", PHONE_NUMBER_ID)
}

fn signed(notification: &Value) -> (Vec<u8>, String) {
    let delivery = whatsapp_delivery("app-secret", notification);
    let (name, value) = delivery.header.expect("signature header");
    assert_eq!(name, SIGNATURE_HEADER);
    (delivery.body, value)
}

fn bytes(value: &Value) -> Vec<u8> {
    value.to_string().into_bytes()
}

// Handshake (§6.1).

#[test]
fn the_handshake_echoes_the_challenge_for_subscribe_with_the_verify_token() {
    let challenge = handshake(
        &number(),
        Some("subscribe"),
        Some("verify-me"),
        Some("1158201444"),
    );

    assert_eq!(challenge.as_deref(), Some("1158201444"));
}

#[test]
fn the_handshake_refuses_other_modes_and_wrong_or_missing_tokens() {
    let config = number();
    let refused = [
        (Some("unsubscribe"), Some("verify-me"), Some("1")),
        (Some("subscribe"), Some("verify-me!"), Some("1")),
        (Some("subscribe"), None, Some("1")),
        (None, Some("verify-me"), Some("1")),
        (Some("subscribe"), Some("verify-me"), None),
    ];
    for (mode, token, challenge) in refused {
        assert_eq!(
            handshake(&config, mode, token, challenge),
            None,
            "{mode:?} {token:?}"
        );
    }
    let unset = Config::new("token", "app-secret", "", PHONE_NUMBER_ID);
    assert_eq!(
        handshake(&unset, Some("subscribe"), Some(""), Some("1")),
        None
    );
}

// Signature (§6.2).

#[test]
fn the_signature_over_the_exact_raw_body_is_accepted() {
    let notification =
        whatsapp_text_notification(PHONE_NUMBER_ID, "16505551234", "Sheena", "wamid.A", "hi");
    let (body, signature) = signed(&notification);

    assert_eq!(verify(&number(), &body, Some(&signature)), Ok(()));
}

#[test]
fn a_reserialised_body_no_longer_matches_its_signature() {
    // Arrange: the same JSON, pretty-printed as a framework might re-serialise it.
    let notification =
        whatsapp_text_notification(PHONE_NUMBER_ID, "16505551234", "Sheena", "wamid.A", "hi");
    let (body, signature) = signed(&notification);
    let parsed: Value = serde_json::from_slice(&body).expect("json");
    let reserialised = serde_json::to_vec_pretty(&parsed).expect("json");

    // Act
    let verdict = verify(&number(), &reserialised, Some(&signature));

    // Assert
    assert!(verdict.expect_err("refused").is_forbidden());
}

#[test]
fn missing_malformed_or_foreign_signatures_are_refused() {
    let notification =
        whatsapp_text_notification(PHONE_NUMBER_ID, "16505551234", "Sheena", "wamid.A", "hi");
    let (body, signature) = signed(&notification);
    let foreign = whatsapp_delivery("another-app", &notification)
        .header
        .expect("header")
        .1;
    let hex_only = signature.trim_start_matches("sha256=").to_string();
    let cases = [
        None,
        Some(hex_only.as_str()),
        Some("sha256=zz"),
        Some("sha256="),
        Some(foreign.as_str()),
    ];
    for header in cases {
        let error = verify(&number(), &body, header).expect_err("refused");
        assert!(error.is_forbidden(), "{header:?}");
    }
    let no_secret = Config::new("token", "", "verify-me", PHONE_NUMBER_ID);
    assert!(verify(&no_secret, &body, Some(&signature)).is_err());
}

// Reading notifications (§6.3).

#[test]
fn the_documented_text_notification_becomes_incoming() {
    let body = br#"{ "object": "whatsapp_business_account",
      "entry": [ { "id": "102290129340398",
        "changes": [ { "field": "messages",
          "value": { "messaging_product": "whatsapp",
                     "metadata": { "display_phone_number": "15550783881", "phone_number_id": "106540352242922" },
                     "contacts": [ { "profile": { "name": "Sheena" }, "wa_id": "16505551234" } ],
                     "messages": [ { "from": "16505551234", "id": "wamid.HBgLMTY1MDU1NTEyMzQ", "timestamp": "1739321024",
                                     "type": "text", "text": { "body": "hi" } } ] } } ] } ] }"#;

    let incoming = parse(&number(), body).expect("readable");

    assert_eq!(
        incoming,
        vec![Incoming {
            delivery_id: "wamid.HBgLMTY1MDU1NTEyMzQ".into(),
            chat: "16505551234".into(),
            text: "hi".into(),
            name: Some("Sheena".into()),
            phone: Some("+16505551234".into()),
        }]
    );
}

#[test]
fn every_message_of_several_entries_and_changes_is_read_in_order() {
    // Arrange: two entries; the first with two changes, one carrying two messages from
    // two people.
    let change = |messages: Value, contacts: Value| {
        json!({ "field": "messages", "value": { "messaging_product": "whatsapp",
            "metadata": { "display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID },
            "contacts": contacts, "messages": messages } })
    };
    let text = |from: &str, id: &str, body: &str| json!({ "from": from, "id": id, "timestamp": "1", "type": "text", "text": { "body": body } });
    let contact = |wa_id: &str, name: &str| json!({ "profile": { "name": name }, "wa_id": wa_id });
    let notification = json!({ "object": "whatsapp_business_account", "entry": [
        { "id": "1", "changes": [
            change(json!([text("79161111111", "wamid.1", "один"), text("79162222222", "wamid.2", "два")]),
                   json!([contact("79161111111", "Иван"), contact("79162222222", "Мария")])),
            change(json!([text("79161111111", "wamid.3", "три")]), json!([contact("79161111111", "Иван")])),
        ] },
        { "id": "2", "changes": [
            change(json!([text("79163333333", "wamid.4", "четыре")]), json!([contact("79163333333", "Олег")])),
        ] },
    ] });

    // Act
    let incoming = parse(&number(), &bytes(&notification)).expect("readable");

    // Assert
    let read: Vec<(&str, &str, Option<&str>)> = incoming
        .iter()
        .map(|message| {
            (
                message.delivery_id.as_str(),
                message.text.as_str(),
                message.name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        read,
        vec![
            ("wamid.1", "один", Some("Иван")),
            ("wamid.2", "два", Some("Мария")),
            ("wamid.3", "три", Some("Иван")),
            ("wamid.4", "четыре", Some("Олег")),
        ]
    );
}

#[test]
fn statuses_media_and_other_fields_are_skipped() {
    let status =
        whatsapp_status_notification(PHONE_NUMBER_ID, "16505551234", "wamid.OUT", "delivered");
    let image = json!({ "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [{
        "field": "messages", "value": { "metadata": { "phone_number_id": PHONE_NUMBER_ID },
        "messages": [{ "from": "16505551234", "id": "wamid.IMG", "timestamp": "1", "type": "image",
                       "image": { "id": "media-1", "mime_type": "image/jpeg" } }] } }] }] });
    let template = json!({ "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [{
        "field": "message_template_status_update", "value": { "event": "APPROVED" } }] }] });

    for notification in [status, image, template] {
        assert_eq!(
            parse(&number(), &bytes(&notification)),
            Ok(vec![]),
            "{notification}"
        );
    }
}

#[test]
fn interactive_and_quick_reply_buttons_read_as_their_titles() {
    let message = |id: &str, kind: &str, extra: Value| {
        let mut message = json!({ "from": "16505551234", "id": id, "timestamp": "1", "type": kind,
                                  "context": { "from": "15550783881", "id": "wamid.OUR" } });
        if let (Some(message), Value::Object(extra)) = (message.as_object_mut(), extra) {
            message.extend(extra);
        }
        message
    };
    let notification = json!({ "object": "whatsapp_business_account", "entry": [{ "id": "1", "changes": [{
        "field": "messages", "value": { "metadata": { "phone_number_id": PHONE_NUMBER_ID },
        "contacts": [{ "profile": { "name": "Sheena" }, "wa_id": "16505551234" }],
        "messages": [
            message("wamid.B", "interactive", json!({ "interactive": { "type": "button_reply",
                "button_reply": { "id": "yes", "title": "Да, подтверждаю" } } })),
            message("wamid.L", "interactive", json!({ "interactive": { "type": "list_reply",
                "list_reply": { "id": "slot-2", "title": "Завтра 10:00", "description": "Москва" } } })),
            message("wamid.Q", "button", json!({ "button": { "payload": "STOP", "text": "Отписаться" } })),
        ] } }] }] });

    let incoming = parse(&number(), &bytes(&notification)).expect("readable");

    let texts: Vec<&str> = incoming
        .iter()
        .map(|message| message.text.as_str())
        .collect();
    assert_eq!(texts, vec!["Да, подтверждаю", "Завтра 10:00", "Отписаться"]);
}

#[test]
fn messages_to_another_number_of_the_app_are_skipped() {
    let other =
        whatsapp_text_notification("999999999999999", "16505551234", "Sheena", "wamid.X", "hi");

    assert_eq!(parse(&number(), &bytes(&other)), Ok(vec![]));
}

#[test]
fn a_body_that_is_not_a_whatsapp_notification_is_malformed() {
    let page = json!({ "object": "page", "entry": [] });
    for body in [b"{".to_vec(), bytes(&page), bytes(&json!({ "entry": [] }))] {
        let error = parse(&number(), &body).expect_err("refused");
        assert!(!error.is_forbidden());
        assert!(error.to_string().contains("expected"), "{error}");
    }
}

// Sending (§6.4).

#[tokio::test]
async fn a_reply_is_the_documented_text_message_with_the_bearer_token() {
    let fake = FakeWhatsApp::start().await.expect("fake starts");
    let sender = client(&fake.platform());

    sender
        .send("16505551234", "Thanks for your message", "reply-1")
        .await
        .expect("sent");

    let sent = fake.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].request,
        json!({ "messaging_product": "whatsapp", "recipient_type": "individual", "to": "16505551234",
                "type": "text", "text": { "preview_url": false, "body": "Thanks for your message" } })
    );
    assert!(sent[0].wamid.starts_with("wamid."));
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let fake = FakeWhatsApp::start().await.expect("fake starts");
    let mut config = fake.config();
    config.access_token = messengers::Secret::new("EAAG-wrong");
    let sender = client(&messengers::Platform::WhatsApp(config));

    let error = sender
        .send("16505551234", "hi", "reply-1")
        .await
        .expect_err("401");

    assert_eq!(error.kind, SendErrorKind::Unauthorized);
    assert!(!error.retryable);
    assert!(error.message.contains("190"), "{error}");
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable_and_bad_requests_are_not() {
    let fake = FakeWhatsApp::start().await.expect("fake starts");
    let sender = client(&fake.platform());

    fake.rate_limit_next(1);
    let limited = sender
        .send("16505551234", "hi", "a")
        .await
        .expect_err("429");
    fake.fail_next(1);
    let failed = sender
        .send("16505551234", "hi", "b")
        .await
        .expect_err("500");
    let mut config = fake.config();
    config.phone_number_id = "123".into();
    let unknown_number = client(&messengers::Platform::WhatsApp(config))
        .send("16505551234", "hi", "c")
        .await
        .expect_err("400");

    assert_eq!(
        (limited.kind, limited.retryable),
        (SendErrorKind::RateLimited, true)
    );
    assert_eq!(
        (failed.kind, failed.retryable),
        (SendErrorKind::Transient, true)
    );
    assert_eq!(
        (unknown_number.kind, unknown_number.retryable),
        (SendErrorKind::Rejected, false)
    );
}

#[tokio::test]
async fn texts_over_4096_characters_go_as_several_messages() {
    let fake = FakeWhatsApp::start().await.expect("fake starts");
    let sender = client(&fake.platform());
    let text = "слово ".repeat(1000); // 6000 characters

    sender
        .send("+16505551234", &text, "long")
        .await
        .expect("sent");

    let sent = fake.sent();
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|message| message.body.chars().count() <= 4096 && message.to == "16505551234")
    );
    assert_eq!(
        sent.iter()
            .map(|message| message.body.split_whitespace().count())
            .sum::<usize>(),
        1000
    );
}

#[tokio::test]
async fn a_burst_stays_within_twenty_messages_a_second() {
    let fake = FakeWhatsApp::start().await.expect("fake starts");
    let sender = client(&fake.platform());
    let started = std::time::Instant::now();

    for index in 0..22 {
        sender
            .send(
                "16505551234",
                &format!("№{index}"),
                &format!("burst-{index}"),
            )
            .await
            .expect("sent");
    }

    assert_eq!(fake.refused_by_limit(), 0);
    assert_eq!(fake.sent().len(), 22);
    assert!(started.elapsed() >= Duration::from_secs(1));
}
