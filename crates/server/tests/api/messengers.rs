//! The bots in Telegram, WhatsApp and VK, against local servers that speak
//! each platform's protocol: a delivery is checked as the platform
//! documents before anything is read; a forged one is refused and changes
//! nothing; a repeated one is answered once; replies leave through the
//! durable queue and reach the platform; Telegram also works by polling.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use app::{AppConfig, Bots};
use messengers::testing::{
    FakeTelegram, FakeVk, FakeWhatsApp, TELEGRAM_SECRET_TOKEN, telegram_text_update,
    telegram_webhook, vk_confirmation_event, vk_message_event, whatsapp_delivery,
    whatsapp_text_notification,
};
use reqwest::Method;
use test_support::{Backend, backend_tests};

use crate::helpers::{TestApp, spawn_app_with};

backend_tests!(messenger_deliveries_are_verified_answered_once_and_replied_through_the_queue);

static BOTS: LazyLock<Vec<Arc<app::Bot>>> = LazyLock::new(|| {
    converse::example_bots()
        .expect("example bots")
        .into_iter()
        .map(Arc::new)
        .collect()
});

const REQUEST: &str = "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно";
const DRAFT: &str = "Черновик заявки готов";

async fn post(
    app: &TestApp,
    path: &str,
    body: Vec<u8>,
    header: Option<(&str, String)>,
) -> (u16, String) {
    let mut request = app
        .request(Method::POST, path, None)
        .header("content-type", "application/json")
        .body(body);
    if let Some((name, value)) = header {
        request = request.header(name, value);
    }
    let response = request.send().await.expect("post");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

/// Waits until `count` says at least `n`; the worker sends replies soon after.
async fn until(n: usize, count: impl Fn() -> usize) -> usize {
    for _ in 0..100 {
        if count() >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    count()
}

async fn messenger_deliveries_are_verified_answered_once_and_replied_through_the_queue(
    backend: Backend,
) {
    let telegram = FakeTelegram::start().await.expect("fake telegram");
    let whatsapp = FakeWhatsApp::start().await.expect("fake whatsapp");
    let vk = FakeVk::start().await.expect("fake vk");
    let polled = FakeTelegram::start()
        .await
        .expect("fake telegram for polling");
    let mut polling = polled.config();
    polling.secret_token = None;
    let app = spawn_app_with(
        backend,
        AppConfig {
            bots: Bots::from_shared(BOTS.iter().cloned()),
            channels: vec![
                ("logistics".into(), telegram.platform()),
                ("logistics".into(), whatsapp.platform()),
                ("logistics".into(), vk.platform()),
                (
                    "online-school".into(),
                    messengers::Platform::Telegram(polling),
                ),
            ],
            ..AppConfig::default()
        },
    )
    .await;

    // Telegram: the secret token header decides.
    let update = telegram_text_update(1001, 555, "Анна", REQUEST);
    let forged = telegram_webhook(&update, Some("guessed"));
    let (status, _) = post(
        &app,
        "/channels/telegram/logistics",
        forged.body,
        forged.header,
    )
    .await;
    assert_eq!(status, 403);
    let delivery = telegram_webhook(&update, Some(TELEGRAM_SECRET_TOKEN));
    for _ in 0..2 {
        let (status, body) = post(
            &app,
            "/channels/telegram/logistics",
            delivery.body.clone(),
            delivery.header.clone(),
        )
        .await;
        assert_eq!(status, 200, "{body}");
    }
    let sent = until(2, || telegram.sent().len()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let replies = telegram.sent();
    assert_eq!(replies.len(), sent, "nothing more after the repeat");
    assert!(replies.iter().all(|m| m.chat_id == "555"));
    assert!(
        replies.iter().any(|m| m.text.contains(DRAFT)),
        "{replies:?}"
    );
    let greetings = replies
        .iter()
        .filter(|m| m.text.starts_with("Здравствуйте"))
        .count();
    assert_eq!(
        greetings, 1,
        "the repeated update was not answered again: {replies:?}"
    );

    // A complex request goes to a manager, whose reply leaves through Telegram.
    let big = telegram_text_update(
        1002,
        556,
        "Пётр",
        "Нужно перевезти 25 тонн из Новосибирска в Казань срочно",
    );
    let delivery = telegram_webhook(&big, Some(TELEGRAM_SECRET_TOKEN));
    let (status, _) = post(
        &app,
        "/channels/telegram/logistics",
        delivery.body,
        delivery.header,
    )
    .await;
    assert_eq!(status, 200);
    let (_, handed) = app
        .call(
            Method::GET,
            "/api/v1/conversations?status=handoff",
            Some(&app.admin_key),
            None,
        )
        .await;
    let id = handed["items"][0]["id"]
        .as_str()
        .expect("a handed-over chat")
        .to_string();
    let reply = serde_json::json!({"text": "Пётр, добрый день! Рассчитаю фуру и перезвоню."});
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/messages"),
            Some(&app.admin_key),
            Some(&reply),
        )
        .await;
    assert_eq!(status, 200);
    until(1, || {
        telegram
            .sent()
            .iter()
            .filter(|m| m.text.contains("Рассчитаю фуру"))
            .count()
    })
    .await;
    assert!(
        telegram
            .sent()
            .iter()
            .any(|m| m.chat_id == "556" && m.text.contains("Рассчитаю фуру"))
    );

    // WhatsApp: the handshake, then the signature over the exact bytes.
    let config = whatsapp.config();
    let challenge = app
        .request(
            Method::GET,
            &format!(
                "/channels/whatsapp/logistics?hub.mode=subscribe&hub.verify_token={}&hub.challenge=1158201444",
                config.verify_token.expose()
            ),
            None,
        )
        .send()
        .await
        .expect("handshake");
    assert_eq!(challenge.status(), 200);
    assert_eq!(challenge.text().await.expect("text"), "1158201444");
    let wrong = app
        .request(
            Method::GET,
            "/channels/whatsapp/logistics?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
            None,
        )
        .send()
        .await
        .expect("handshake");
    assert_eq!(wrong.status(), 403);
    let notification = whatsapp_text_notification(
        &config.phone_number_id,
        "79001112233",
        "Олег",
        "wamid.A1",
        REQUEST,
    );
    let signed = whatsapp_delivery(config.app_secret.expose(), &notification);
    let mut tampered = signed.body.clone();
    let at = tampered.len() - 5;
    tampered[at] = b' ';
    let (status, _) = post(
        &app,
        "/channels/whatsapp/logistics",
        tampered,
        signed.header.clone(),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = post(
        &app,
        "/channels/whatsapp/logistics",
        signed.body.clone(),
        None,
    )
    .await;
    assert_eq!(status, 403, "no signature");
    let (status, _) = post(
        &app,
        "/channels/whatsapp/logistics",
        signed.body.clone(),
        signed.header.clone(),
    )
    .await;
    assert_eq!(status, 200);
    until(2, || whatsapp.sent().len()).await;
    let replies = whatsapp.sent();
    assert!(replies.iter().all(|m| m.to == "79001112233"));
    assert!(
        replies.iter().any(|m| m.body.contains(DRAFT)),
        "{replies:?}"
    );

    // VK: confirmation, the secret field, "ok".
    let vk_config = vk.config();
    let secret = vk_config.secret.as_ref().map(|s| s.expose().to_string());
    let (status, body) = post(
        &app,
        "/channels/vk/logistics",
        vk_confirmation_event(vk_config.group_id, secret.as_deref())
            .to_string()
            .into_bytes(),
        None,
    )
    .await;
    assert_eq!((status, body), (200, vk_config.confirmation.clone()));
    let event = vk_message_event(vk_config.group_id, Some("wrong"), "ev-1", 777, 1, REQUEST);
    let (status, _) = post(
        &app,
        "/channels/vk/logistics",
        event.to_string().into_bytes(),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let event = vk_message_event(
        vk_config.group_id,
        secret.as_deref(),
        "ev-1",
        777,
        1,
        REQUEST,
    );
    for _ in 0..2 {
        let (status, body) = post(
            &app,
            "/channels/vk/logistics",
            event.to_string().into_bytes(),
            None,
        )
        .await;
        assert_eq!((status, body.as_str()), (200, "ok"));
    }
    let sent = until(2, || vk.sent().len()).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(vk.sent().len(), sent);
    assert!(
        vk.sent()
            .iter()
            .any(|m| m.message.contains(DRAFT) && m.peer_id == "777")
    );

    // Four chats, one conversation each: the forged deliveries made none.
    let (_, list) = app
        .call(
            Method::GET,
            "/api/v1/conversations",
            Some(&app.admin_key),
            None,
        )
        .await;
    let channels: Vec<&str> = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["channel"].as_str().expect("channel"))
        .collect();
    assert_eq!(channels.len(), 4, "{list}");

    // Telegram by long polling, for a bot without a public webhook.
    polled.queue_update(telegram_text_update(
        5,
        42,
        "Ира",
        "Хочу на курс английского",
    ));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let poller = tokio::spawn(app::poll_telegram(
        app.app.clone(),
        "online-school".into(),
        stopped,
    ));
    until(2, || polled.sent().len()).await;
    assert!(
        polled
            .sent()
            .iter()
            .any(|m| m.chat_id == "42" && m.text.contains("уровень")),
        "{:?}",
        polled.sent()
    );
    let _ = stop.send(true);
    let _ = poller.await;
}
