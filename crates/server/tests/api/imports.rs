//! Importing over HTTP: upload, background job, report.

use std::time::Duration;

use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use test_support::{Backend, backend_tests};

use crate::helpers::{TestApp, spawn_app};

backend_tests!(an_uploaded_export_is_imported_by_the_worker_and_reported);

async fn upload(app: &TestApp, file: &str, preset: &str) -> Value {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../import/tests/data")
            .join(file),
    )
    .expect("fixture");
    let form = Form::new()
        .text("preset", preset.to_string())
        .part("file", Part::bytes(bytes).file_name(file.to_string()));
    let response = app
        .request(Method::POST, "/api/v1/imports", Some(&app.admin_key))
        .multipart(form)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status().as_u16(), 202);
    let queued: Value = response.json().await.expect("json");
    let status_url = queued["status_url"]
        .as_str()
        .expect("status url")
        .to_string();
    for _ in 0..200 {
        let (_, job) = app
            .call(Method::GET, &status_url, Some(&app.admin_key), None)
            .await;
        if job["status"] == "done" {
            return job["result"].clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the import job did not finish");
}

async fn an_uploaded_export_is_imported_by_the_worker_and_reported(backend: Backend) {
    let app = spawn_app(backend).await;
    let report = upload(&app, "bitrix24-contacts-cp1251.csv", "bitrix24-contacts").await;
    assert_eq!(
        (report["inserted"].as_u64(), report["written"].as_bool()),
        (Some(4), Some(true)),
        "{report}"
    );
    assert_eq!(report["file"], "bitrix24-contacts-cp1251.csv");
    let again = upload(&app, "bitrix24-contacts-cp1251.csv", "bitrix24-contacts").await;
    assert_eq!(
        (again["inserted"].as_u64(), again["updated"].as_u64()),
        (Some(0), Some(4))
    );
    let bad = upload(&app, "bitrix24-contacts-bad-row.csv", "bitrix24-contacts").await;
    assert_eq!(
        (bad["rejected"].as_u64(), bad["written"].as_bool()),
        (Some(1), Some(false))
    );
    assert_eq!(
        (
            bad["issues"][0]["row"].as_u64(),
            bad["issues"][0]["column"].as_str()
        ),
        (Some(3), Some("Мобильный телефон"))
    );
    let (_, contacts) = app
        .call(
            Method::GET,
            "/api/v1/contacts?limit=100",
            Some(&app.admin_key),
            None,
        )
        .await;
    assert_eq!(contacts["items"].as_array().map(Vec::len), Some(4));
}
