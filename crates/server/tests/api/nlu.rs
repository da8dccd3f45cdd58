//! `POST /model/parse` answers as Rasa's does, for signed-in callers only,
//! and says plainly when no model is configured.

use std::sync::Arc;

use app::{Actor, AppConfig};
use domain::Role;
use reqwest::Method;
use serde_json::json;
use test_support::{Backend, backend_tests};

use crate::helpers::{spawn_app, spawn_app_with};

backend_tests!(parses_like_rasa_for_any_signed_in_role);

const DATA: &str = r#"version: "3.1"
nlu:
- intent: order_status
  examples: |
    - где мой заказ [12345](order_number)
    - статус заказа [77881](order_number)
    - когда привезут заказ [45678](order_number)
    - что с заказом [99120](order_number)
    - заказ [31337](order_number) отправили?
- intent: request_human
  examples: |
    - позовите менеджера
    - хочу поговорить с человеком
    - соедините с оператором
    - живой человек есть?
    - дайте менеджера
"#;

async fn parses_like_rasa_for_any_signed_in_role(backend: Backend) {
    let data = nlu::TrainingData::parse("test.yml", DATA).expect("data");
    let model = nlu::NluModel::train(&data, &nlu::Options::default()).expect("train");
    let app = spawn_app_with(
        backend,
        AppConfig {
            nlu: Some(Arc::new(model)),
            ..AppConfig::default()
        },
    )
    .await;
    let body = json!({"text": "Где заказ 54321?"});
    let (status, _) = app
        .call(Method::POST, "/model/parse", None, Some(&body))
        .await;
    assert_eq!(status, 401);
    let (bot_key, _) = app
        .app
        .create_key(&Actor::system("test"), Role::Bot, "bot", None)
        .await
        .expect("bot key");
    let (status, parse) = app
        .call(Method::POST, "/model/parse", Some(&bot_key), Some(&body))
        .await;
    assert_eq!(status, 200, "{parse}");
    assert_eq!(parse["text"], "Где заказ 54321?");
    assert_eq!(parse["intent"]["name"], "order_status");
    assert_eq!(parse["intent_ranking"][0]["name"], "order_status");
    assert_eq!(parse["entities"][0]["entity"], "order_number");
    assert_eq!(parse["entities"][0]["value"], "54321");
    assert_eq!(
        (
            parse["entities"][0]["start"].as_u64(),
            parse["entities"][0]["end"].as_u64()
        ),
        (Some(10), Some(15))
    );
    assert_eq!(parse["language"], "ru");

    let (status, error) = app
        .call(
            Method::POST,
            "/model/parse",
            Some(&app.admin_key),
            Some(&json!({"message": "x"})),
        )
        .await;
    assert!((400..500).contains(&status), "{status} {error}");

    let bare = spawn_app(Backend::Sqlite).await;
    let (status, error) = bare
        .call(
            Method::POST,
            "/model/parse",
            Some(&bare.admin_key),
            Some(&body),
        )
        .await;
    assert_eq!(status, 503);
    assert!(error.to_string().contains("nlu train"), "{error}");
}
