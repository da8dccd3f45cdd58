//! Customers' channels over HTTP: the REST channel for systems with a key,
//! the website widget for visitors without one; managers list and release
//! handed-over conversations.

use std::sync::{Arc, LazyLock};

use app::{AppConfig, Bots};
use reqwest::Method;
use serde_json::json;
use test_support::{Backend, backend_tests};

use crate::helpers::{TestApp, spawn_app_with};

backend_tests!(
    the_rest_channel_runs_a_story_and_managers_release_the_handoff,
    the_widget_serves_visitors_without_a_key_and_ignores_retries
);

static BOTS: LazyLock<Vec<Arc<app::Bot>>> = LazyLock::new(|| {
    converse::example_bots()
        .expect("example bots")
        .into_iter()
        .map(Arc::new)
        .collect()
});

async fn spawn(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        AppConfig {
            bots: Bots::from_shared(BOTS.iter().cloned()),
            ..AppConfig::default()
        },
    )
    .await
}

async fn the_rest_channel_runs_a_story_and_managers_release_the_handoff(backend: Backend) {
    let app = spawn(backend).await;
    let path = "/api/v1/bots/online-school/messages";
    let hello = json!({"chat": "crm-42", "text": "Хочу на курс английского", "message_id": "1"});
    let (status, _) = app.call(Method::POST, path, None, Some(&hello)).await;
    assert_eq!(status, 401);
    let (bot_key, _) = app
        .app
        .create_key(
            &app::Actor::system("test"),
            domain::Role::Bot,
            "crm bot",
            None,
        )
        .await
        .expect("key");
    let key = Some(bot_key.as_str());
    let (status, reply) = app.call(Method::POST, path, key, Some(&hello)).await;
    assert_eq!(status, 200, "{reply}");
    assert_eq!(
        reply["messages"][1],
        "Какой у вас уровень английского: начальный, средний или продвинутый?"
    );
    for (id, text) in [
        ("2", "средний"),
        ("3", "для работы"),
        ("4", "в выходные утром"),
    ] {
        let body = json!({"chat": "crm-42", "text": text, "message_id": id});
        let (status, reply) = app.call(Method::POST, path, key, Some(&body)).await;
        assert_eq!(status, 200, "{reply}");
        if id == "4" {
            assert_eq!(reply["handoff"]["reason"], "hot_lead", "{reply}");
            assert_eq!(reply["with_manager"], true);
        }
    }
    let (status, list) = app
        .call(
            Method::GET,
            "/api/v1/conversations?status=handoff",
            Some(&app.admin_key),
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["bot"], "online-school");
    let id = items[0]["id"].as_str().expect("id");
    let (status, _) = app
        .call(
            Method::POST,
            &format!("/api/v1/conversations/{id}/release"),
            Some(&app.admin_key),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (_, list) = app
        .call(
            Method::GET,
            "/api/v1/conversations?status=handoff",
            Some(&app.admin_key),
            None,
        )
        .await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));

    // An unsure message waits for review; a correction becomes training data.
    let noise = json!({"chat": "crm-43", "text": "абырвалг", "message_id": "1"});
    app.call(Method::POST, path, key, Some(&noise)).await;
    let admin = Some(app.admin_key.as_str());
    let (status, quality) = app
        .call(
            Method::GET,
            "/api/v1/bots/online-school/quality",
            admin,
            None,
        )
        .await;
    assert_eq!(status, 200, "{quality}");
    assert_eq!(quality["conversations"], 2);
    assert_eq!(quality["handoff_reasons"][0][0], "hot_lead");
    let (_, reviews) = app
        .call(
            Method::GET,
            "/api/v1/bots/online-school/reviews",
            admin,
            None,
        )
        .await;
    let item = reviews["items"]
        .as_array()
        .and_then(|items| items.iter().find(|r| r["text"] == "абырвалг"))
        .expect("the unsure message is queued")
        .clone();
    let correction = json!({"verdict": "correct", "intent": "greet"});
    let (status, body) = app
        .call(
            Method::POST,
            &format!("/api/v1/reviews/{}", item["id"].as_str().expect("id")),
            admin,
            Some(&correction),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let yaml = app
        .request(
            Method::GET,
            "/api/v1/bots/online-school/training-data",
            admin,
        )
        .send()
        .await
        .expect("training data");
    assert!(
        yaml.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("application/yaml")
    );
    let yaml = yaml.text().await.expect("yaml");
    assert!(
        yaml.contains("- intent: greet") && yaml.contains("- абырвалг"),
        "{yaml}"
    );

    let unknown = json!({"chat": "crm-42", "text": "привет"});
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/bots/nobody/messages",
            key,
            Some(&unknown),
        )
        .await;
    assert_eq!(status, 404);
    let bad = json!({"chat": "two words", "text": "привет"});
    let (status, error) = app.call(Method::POST, path, key, Some(&bad)).await;
    assert_eq!(status, 400);
    assert!(error.to_string().contains("chat"), "{error}");
}

async fn the_widget_serves_visitors_without_a_key_and_ignores_retries(backend: Backend) {
    let app = spawn(backend).await;
    let page = app
        .request(Method::GET, "/widget/logistics", None)
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("\"logistics\"") && html.contains("/messages"));
    let missing = app
        .request(Method::GET, "/widget/nobody", None)
        .send()
        .await
        .expect("page");
    assert_eq!(missing.status(), 404);

    let body = json!({
        "visitor": "7f1c2d4e-0000-4000-8000-000000000001",
        "text": "Нужна доставка из Владивостока в Екатеринбург, 15 тонн, срочно",
        "message_id": "0b7c1e52-1111-4000-8000-000000000001",
    });
    let (status, reply) = app
        .call(
            Method::POST,
            "/widget/logistics/messages",
            None,
            Some(&body),
        )
        .await;
    assert_eq!(status, 200, "{reply}");
    let said = reply["messages"].to_string();
    assert!(said.contains("Владивосток → Екатеринбург"), "{said}");
    let (_, retry) = app
        .call(
            Method::POST,
            "/widget/logistics/messages",
            None,
            Some(&body),
        )
        .await;
    assert_eq!(retry["duplicate"], true);
    let (_, deals) = app
        .call(Method::GET, "/api/v1/deals", Some(&app.admin_key), None)
        .await;
    assert_eq!(deals["items"].as_array().map(Vec::len), Some(1), "{deals}");
}
