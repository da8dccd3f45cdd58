//! The role × endpoint matrix: 401 without a key, 403 where a role may not,
//! and a manager never sees another manager's records.

use domain::Role;
use reqwest::Method;
use serde_json::{Value, json};
use test_support::{Backend, backend_tests};

use crate::helpers::spawn_app;

backend_tests!(
    every_role_gets_exactly_its_permissions,
    a_manager_never_sees_another_managers_deals
);

/// What each role may do, written out independently of the code under test.
fn may_read(role: Role, collection: &str) -> bool {
    match role {
        Role::Bot => [
            "contacts",
            "deals",
            "activities",
            "products",
            "pipelines",
            "stages",
        ]
        .contains(&collection),
        _ => true,
    }
}

fn may_write(role: Role, collection: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Manager => ["contacts", "deals", "activities", "companies"].contains(&collection),
        Role::Analyst => false,
        Role::Bot => ["contacts", "deals", "activities", "events"].contains(&collection),
        Role::Integration => collection != "users",
    }
}

fn sample(collection: &str, unique: usize) -> Value {
    match collection {
        "contacts" => json!({"first_name": "Тест", "phones": "+7 916 000-00-01"}),
        "companies" => json!({"name": "ООО Тест"}),
        "deals" => json!({"title": "Сделка"}),
        "activities" => json!({"kind": "note", "text": "заметка"}),
        "products" => json!({"sku": format!("SKU-{unique}"), "name": "Товар"}),
        "orders" => json!({"number": format!("N-{unique}")}),
        "events" => json!({"kind": "site_visit", "occurred_at": "2024-05-01T10:00:00Z"}),
        "pipelines" => json!({"name": "Воронка"}),
        "stages" => json!({"name": "Этап"}),
        "users" => json!({"login": format!("user{unique}"), "role": "analyst"}),
        other => panic!("no sample for {other}"),
    }
}

async fn every_role_gets_exactly_its_permissions(backend: Backend) {
    let app = spawn_app(backend).await;
    let (manager_id, manager_key) = app.manager("matrix.manager").await;
    let keys = [
        (Role::Admin, app.admin_key.clone()),
        (Role::Manager, manager_key),
        (Role::Analyst, app.key_for(Role::Analyst, None).await),
        (Role::Bot, app.key_for(Role::Bot, None).await),
        (
            Role::Integration,
            app.key_for(Role::Integration, None).await,
        ),
    ];
    let mut unique = 0;
    for kind in domain::ALL_KINDS {
        let collection = kind.collection();
        let list_path = format!("/api/v1/{collection}");
        unique += 1;
        let (status, owned_by_admin) = app
            .call(
                Method::POST,
                &list_path,
                Some(&app.admin_key),
                Some(&sample(collection, unique)),
            )
            .await;
        assert_eq!(status, 201, "admin creates {collection}: {owned_by_admin}");
        let item_path = format!("{list_path}/{}", owned_by_admin["id"].as_str().expect("id"));

        for path in [&list_path, &item_path] {
            let (status, body) = app.call(Method::GET, path, None, None).await;
            assert_eq!(
                (status, body["code"].as_str()),
                (401, Some("unauthorized")),
                "GET {path} without a key"
            );
        }
        assert_eq!(
            app.call(Method::GET, &list_path, Some("fk_00000000_wrong"), None)
                .await
                .0,
            401
        );

        for (role, key) in &keys {
            let case = format!("{role} on {collection}");
            let readable = may_read(*role, collection);
            let writable = may_write(*role, collection);
            // A manager's reads and writes of owned kinds never reach a record someone else owns.
            let foreign = *role == Role::Manager && kind.is_owned();

            let (status, body) = app.call(Method::GET, &list_path, Some(key), None).await;
            assert_eq!(
                status,
                if readable { 200 } else { 403 },
                "list: {case}: {body}"
            );
            if foreign {
                assert!(
                    body["items"]
                        .as_array()
                        .expect("items")
                        .iter()
                        .all(|item| item["owner_id"] == json!(manager_id.to_string())),
                    "{case} sees only own"
                );
            }
            let (status, _) = app.call(Method::GET, &item_path, Some(key), None).await;
            assert_eq!(
                status,
                if !readable {
                    403
                } else if foreign {
                    404
                } else {
                    200
                },
                "read: {case}"
            );

            unique += 1;
            let (status, created) = app
                .call(
                    Method::POST,
                    &list_path,
                    Some(key),
                    Some(&sample(collection, unique)),
                )
                .await;
            assert_eq!(
                status,
                if writable { 201 } else { 403 },
                "create: {case}: {created}"
            );
            let (status, _) = app
                .call(Method::PATCH, &item_path, Some(key), Some(&json!({})))
                .await;
            assert_eq!(
                status,
                if !writable {
                    403
                } else if foreign {
                    404
                } else {
                    200
                },
                "patch: {case}"
            );
            if writable && !foreign {
                let own_path = format!("{list_path}/{}", created["id"].as_str().expect("id"));
                assert_eq!(
                    app.call(Method::DELETE, &own_path, Some(key), None).await.0,
                    204,
                    "delete: {case}"
                );
            } else {
                assert_eq!(
                    app.call(Method::DELETE, &item_path, Some(key), None)
                        .await
                        .0,
                    if writable { 404 } else { 403 },
                    "delete: {case}"
                );
            }
        }
    }
    for (role, key) in &keys {
        let expected = if matches!(role, Role::Admin | Role::Analyst) {
            200
        } else {
            403
        };
        assert_eq!(
            app.call(Method::GET, "/api/v1/audit", Some(key), None)
                .await
                .0,
            expected,
            "audit: {role}"
        );
        assert_eq!(
            app.call(Method::GET, "/api/v1/audit/verify", Some(key), None)
                .await
                .0,
            expected,
            "audit verify: {role}"
        );
        let form = reqwest::multipart::Form::new()
            .text("preset", "generic-contacts")
            .part(
                "file",
                reqwest::multipart::Part::text("first_name\nИра\n").file_name("a.csv"),
            );
        let status = app
            .request(Method::POST, "/api/v1/imports", Some(key))
            .multipart(form)
            .send()
            .await
            .expect("upload")
            .status()
            .as_u16();
        assert_eq!(
            status,
            if matches!(role, Role::Admin | Role::Integration) {
                202
            } else {
                403
            },
            "import: {role}"
        );
    }
}

async fn a_manager_never_sees_another_managers_deals(backend: Backend) {
    let app = spawn_app(backend).await;
    let (anna, anna_key) = app.manager("anna").await;
    let (_, boris_key) = app.manager("boris").await;
    for index in 0..3 {
        app.call(
            Method::POST,
            "/api/v1/deals",
            Some(&anna_key),
            Some(&json!({"title": format!("Анна {index}")})),
        )
        .await;
        app.call(
            Method::POST,
            "/api/v1/deals",
            Some(&boris_key),
            Some(&json!({"title": format!("Борис {index}")})),
        )
        .await;
    }
    // Even a filter asking for Anna's deals returns nothing to Boris.
    let (status, body) = app
        .call(
            Method::GET,
            &format!("/api/v1/deals?owner_id={anna}"),
            Some(&boris_key),
            None,
        )
        .await;
    assert_eq!(
        (status, body["items"].as_array().map(Vec::len)),
        (200, Some(0))
    );
    let (_, body) = app
        .call(
            Method::GET,
            "/api/v1/deals?limit=100",
            Some(&boris_key),
            None,
        )
        .await;
    let titles: Vec<&str> = body["items"]
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|item| item["title"].as_str())
        .collect();
    assert_eq!(titles.len(), 3);
    assert!(
        titles.iter().all(|title| title.starts_with("Борис")),
        "{titles:?}"
    );
    let (_, all) = app
        .call(
            Method::GET,
            "/api/v1/deals?limit=100",
            Some(&app.admin_key),
            None,
        )
        .await;
    assert_eq!(all["items"].as_array().map(Vec::len), Some(6));
    // Boris cannot hand his deal to Anna either.
    let boris_deal = body["items"][0]["id"].as_str().expect("id").to_string();
    let (status, _) = app
        .call(
            Method::PATCH,
            &format!("/api/v1/deals/{boris_deal}"),
            Some(&boris_key),
            Some(&json!({"owner_id": anna.to_string()})),
        )
        .await;
    assert_eq!(status, 403);
}
