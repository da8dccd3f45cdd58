//! Lead scoring over HTTP: train, the "call first" list, a deal's score with
//! reasons and action, the registry, and the roles on each.

use domain::Role;
use reqwest::Method;
use test_support::{Backend, backend_tests};

use crate::helpers::spawn_app;

backend_tests!(scores_reasons_and_models_over_http);

async fn scores_reasons_and_models_over_http(backend: Backend) {
    let app = spawn_app(backend).await;
    let config = demo::DemoConfig {
        contacts: 700,
        ..demo::DemoConfig::default()
    };
    app.app
        .load_demo(&app::Actor::system("test"), &config)
        .await
        .expect("demo");
    let admin = app.key_for(Role::Admin, None).await;
    let analyst = app.key_for(Role::Analyst, None).await;

    let (status, _) = app
        .call(Method::POST, "/api/v1/models/train", Some(&analyst), None)
        .await;
    assert_eq!(status, 403);
    let (status, body) = app
        .call(Method::GET, "/api/v1/call-first", Some(&admin), None)
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["items"].as_array().map(Vec::len),
        Some(0),
        "nothing scored before a model"
    );

    let (status, model) = app
        .call(Method::POST, "/api/v1/models/train", Some(&admin), None)
        .await;
    assert_eq!(status, 201, "{model}");
    assert_eq!(model["status"], "active");
    assert!(
        model["metrics"]["folds"]["validation"]["auc"]["value"]
            .as_f64()
            .unwrap_or(0.0)
            > 0.6,
        "{model}"
    );

    let (status, body) = app
        .call(
            Method::GET,
            "/api/v1/call-first?lang=en&limit=5",
            Some(&analyst),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let items = body["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 5);
    let top = &items[0]["score"];
    assert!(
        top["reasons"][0]
            .as_str()
            .unwrap_or_default()
            .ends_with("pts"),
        "{top}"
    );
    assert!(
        !top["action"]["text"]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    let id = top["deal_id"].as_str().unwrap_or_default().to_string();

    let (status, score) = app
        .call(
            Method::GET,
            &format!("/api/v1/scores/deals/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 200, "{score}");
    assert_eq!(score["probability"], top["probability"]);
    assert!(
        score["reasons"][0]
            .as_str()
            .unwrap_or_default()
            .contains("п.п."),
        "Russian by default: {score}"
    );
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/scores/deals/{id}"),
            None,
            None,
        )
        .await;
    assert_eq!(status, 401);
    let (status, _) = app
        .call(
            Method::GET,
            "/api/v1/scores/deals/00000000-0000-7000-8000-000000000000",
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(status, 404);

    let (status, second) = app
        .call(Method::POST, "/api/v1/models/train", Some(&admin), None)
        .await;
    assert_eq!(
        (status, second["status"].as_str()),
        (201, Some("candidate"))
    );
    let path = format!(
        "/api/v1/models/{}/promote",
        second["id"].as_str().unwrap_or_default()
    );
    let (status, _) = app.call(Method::POST, &path, Some(&analyst), None).await;
    assert_eq!(status, 403);
    let (status, _) = app.call(Method::POST, &path, Some(&admin), None).await;
    assert_eq!(status, 204);
    let (_, models) = app
        .call(Method::GET, "/api/v1/models", Some(&analyst), None)
        .await;
    let statuses: Vec<&str> = models["items"]
        .as_array()
        .map(|list| list.iter().filter_map(|m| m["status"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(statuses, ["active", "retired"], "{models}");
    let (_, rescored) = app
        .call(
            Method::GET,
            &format!("/api/v1/scores/deals/{id}"),
            Some(&admin),
            None,
        )
        .await;
    assert_eq!(rescored["model_id"], second["id"]);
}
