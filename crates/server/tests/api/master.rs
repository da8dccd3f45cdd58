//! Master data over HTTP: the duplicates queue, merge, undo, readiness; the
//! store and its audit log stay consistent on both backends.

use domain::Role;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Backend, backend_tests};

use crate::helpers::{TestApp, spawn_app};

backend_tests!(
    the_queue_merge_and_undo_leave_store_and_audit_consistent,
    analysts_see_the_queue_but_cannot_merge,
    bad_merge_requests_are_named,
    a_new_record_is_matched_against_existing_ones
);

async fn a_new_record_is_matched_against_existing_ones(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = app.key_for(Role::Admin, None).await;
    let (a, _, _) = seed(&app, &key).await;
    let (status, found) = app
        .call(Method::POST, "/api/v1/contacts/match", Some(&key), Some(&json!({"last_name": "Петрова", "first_name": "Маша", "phones": ["8 (916) 111-22-33"]})))
        .await;
    assert_eq!(status, 200, "{found}");
    let items = found["items"].as_array().expect("items");
    assert!(!items.is_empty(), "{found}");
    let ids: Vec<&str> = items
        .iter()
        .filter_map(|i| i["record"]["id"].as_str())
        .collect();
    assert!(ids.contains(&a.as_str()), "{found}");
    let (_, none) = app
        .call(Method::POST, "/api/v1/contacts/match", Some(&key), Some(&json!({"last_name": "Никитин", "first_name": "Глеб", "phones": ["+7 999 000-11-22"]})))
        .await;
    assert_eq!(none["items"], json!([]), "{none}");
    let (status, bad) = app
        .call(
            Method::POST,
            "/api/v1/contacts/match",
            Some(&key),
            Some(&json!({"phones": ["12"]})),
        )
        .await;
    assert_eq!(status, 422, "{bad}");
    let (count_status, list) = app
        .call(Method::GET, "/api/v1/contacts?limit=200", Some(&key), None)
        .await;
    assert_eq!(count_status, 200);
    assert!(
        !list.to_string().contains("Никитин"),
        "matching stores nothing"
    );
}

async fn seed(app: &TestApp, key: &str) -> (String, String, String) {
    let mut items = Vec::new();
    let last = [
        "Смирнов",
        "Кузнецов",
        "Попов",
        "Васильев",
        "Соколов",
        "Михайлов",
        "Новиков",
        "Морозов",
    ];
    let first = ["Олег", "Иван", "Пётр", "Павел", "Роман"];
    for i in 0..40 {
        items.push(json!({"last_name": last[i % 8], "first_name": first[i % 5],
            "phones": [format!("+7 903 {:03}-{:02}-{:02}", 100 + i, i % 90, (i * 3) % 100)], "city": "Самара"}));
    }
    let (status, _) = app
        .call(
            Method::POST,
            "/api/v1/contacts/bulk",
            Some(key),
            Some(&json!({"items": items})),
        )
        .await;
    assert_eq!(status, 200);
    let (_, a) = app.call(Method::POST, "/api/v1/contacts", Some(key), Some(&json!({"last_name": "Петрова", "first_name": "Мария", "middle_name": "Ивановна", "phones": ["8 916 111-22-33"], "birth_date": "1990-05-05"}))).await;
    let (_, b) = app.call(Method::POST, "/api/v1/contacts", Some(key), Some(&json!({"last_name": "ПЕТРОВА", "first_name": "Маша", "phones": ["+79161112233"], "emails": ["masha@mail.ru"], "birth_date": "1990-05-05"}))).await;
    let (_, deal) = app
        .call(
            Method::POST,
            "/api/v1/deals",
            Some(key),
            Some(&json!({"title": "Заказ", "contact_id": b["id"]})),
        )
        .await;
    (
        a["id"].as_str().unwrap_or_default().to_string(),
        b["id"].as_str().unwrap_or_default().to_string(),
        deal["id"].as_str().unwrap_or_default().to_string(),
    )
}

async fn the_queue_merge_and_undo_leave_store_and_audit_consistent(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = app.key_for(Role::Admin, None).await;
    let (a, b, deal) = seed(&app, &key).await;
    let (status, queue) = app
        .call(Method::GET, "/api/v1/contacts/duplicates", Some(&key), None)
        .await;
    assert_eq!(status, 200, "{queue}");
    let items = queue["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{queue}");
    let ids = [
        items[0]["a"]["id"].as_str().expect("present"),
        items[0]["b"]["id"].as_str().expect("present"),
    ];
    assert!(ids.contains(&a.as_str()) && ids.contains(&b.as_str()));
    assert!(
        items[0]["fields"]
            .as_array()
            .expect("present")
            .iter()
            .any(|f| f["field"] == "phone" && f["weight"].as_f64().expect("present") > 0.0)
    );

    let (status, merge) = app
        .call(
            Method::POST,
            "/api/v1/contacts/merge",
            Some(&key),
            Some(&json!({"ids": [a, b]})),
        )
        .await;
    assert_eq!(status, 201, "{merge}");
    assert_eq!(merge["golden_id"], a.as_str());
    let lineage = merge["lineage"].as_array().expect("present");
    assert!(
        lineage
            .iter()
            .any(|l| l["field"] == "emails" && l["from"][0] == b.as_str()),
        "{merge}"
    );
    let (status, _) = app
        .call(
            Method::GET,
            &format!("/api/v1/contacts/{b}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (_, moved_deal) = app
        .call(
            Method::GET,
            &format!("/api/v1/deals/{deal}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(moved_deal["contact_id"], a.as_str());
    let (_, queue) = app
        .call(Method::GET, "/api/v1/contacts/duplicates", Some(&key), None)
        .await;
    assert!(queue["items"].as_array().expect("present").is_empty());

    let merge_id = merge["id"].as_str().expect("present");
    let (status, undone) = app
        .call(
            Method::POST,
            &format!("/api/v1/merges/{merge_id}/undo"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(status, 200, "{undone}");
    assert!(!undone["undone_at"].is_null());
    let (status, restored) = app
        .call(
            Method::GET,
            &format!("/api/v1/contacts/{b}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(
        (status, restored["first_name"].clone()),
        (200, json!("Маша"))
    );
    let (_, golden) = app
        .call(
            Method::GET,
            &format!("/api/v1/contacts/{a}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(
        golden["emails"],
        Value::Null,
        "the survivor lost the united e-mail again: {golden}"
    );
    let (_, back_deal) = app
        .call(
            Method::GET,
            &format!("/api/v1/deals/{deal}"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(back_deal["contact_id"], b.as_str());
    let (status, again) = app
        .call(
            Method::POST,
            &format!("/api/v1/merges/{merge_id}/undo"),
            Some(&key),
            None,
        )
        .await;
    assert_eq!(status, 409, "{again}");
    let (_, verify) = app
        .call(Method::GET, "/api/v1/audit/verify", Some(&key), None)
        .await;
    assert_eq!(verify["intact"], true, "{verify}");
    let (status, report) = app
        .call(Method::GET, "/api/v1/readiness", Some(&key), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(report["tables"][0]["name"], "contacts");
    assert!(
        report["tables"][0]["duplicate_groups"]
            .as_u64()
            .expect("present")
            >= 1,
        "{}",
        report["tables"][0]
    );
}

async fn analysts_see_the_queue_but_cannot_merge(backend: Backend) {
    let app = spawn_app(backend).await;
    let admin = app.key_for(Role::Admin, None).await;
    let analyst = app.key_for(Role::Analyst, None).await;
    let (a, b, _) = seed(&app, &admin).await;
    let (status, _) = app
        .call(
            Method::GET,
            "/api/v1/contacts/duplicates",
            Some(&analyst),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/contacts/merge",
            Some(&analyst),
            Some(&json!({"ids": [a, b]})),
        )
        .await;
    assert_eq!(status, 403, "{body}");
    let (status, _) = app
        .call(Method::GET, "/api/v1/contacts/duplicates", None, None)
        .await;
    assert_eq!(status, 401);
}

async fn bad_merge_requests_are_named(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = app.key_for(Role::Admin, None).await;
    let (a, _, _) = seed(&app, &key).await;
    let cases: [(Value, u16, &str); 3] = [
        (json!({"ids": [a]}), 400, "at least two"),
        (json!({"ids": "x"}), 422, "`ids` must be a list"),
        (
            json!({"ids": [a, "0190b0b0-0000-7000-8000-000000000000"]}),
            404,
            "not found",
        ),
    ];
    for (body, want, text) in cases {
        let (status, reply) = app
            .call(
                Method::POST,
                "/api/v1/contacts/merge",
                Some(&key),
                Some(&body),
            )
            .await;
        assert_eq!(status, want, "{body} -> {reply}");
        assert!(reply.to_string().contains(text), "{reply}");
    }
    let (status, reply) = app
        .call(
            Method::POST,
            "/api/v1/deals/merge",
            Some(&key),
            Some(&json!({"ids": [a, a]})),
        )
        .await;
    assert_eq!(status, 400, "{reply}");
}
