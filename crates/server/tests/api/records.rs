//! CRUD, lists, errors and the API's self-description.

use reqwest::Method;
use serde_json::json;
use test_support::{Backend, backend_tests};

use crate::helpers::spawn_app;

backend_tests!(
    a_contact_goes_through_create_read_patch_put_delete,
    invalid_input_names_every_bad_field,
    lists_page_with_cursors_filters_and_search,
    bulk_upsert_is_all_or_nothing,
    the_openapi_document_lists_every_collection,
    health_readiness_metrics_and_limits,
);

async fn a_contact_goes_through_create_read_patch_put_delete(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = Some(app.admin_key.as_str());
    let (status, created) = app
        .call(Method::POST, "/api/v1/contacts", key, Some(&json!({"last_name": "Иванова", "first_name": "Мария", "phones": "8 (916) 555-12-34", "emails": "Maria@Mail.RU", "city": "Казань"})))
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["phones"], json!(["+79165551234"]));
    assert_eq!(created["emails"], json!(["Maria@mail.ru"]));
    let path = format!("/api/v1/contacts/{}", created["id"].as_str().expect("id"));
    assert_eq!(app.call(Method::GET, &path, key, None).await.1, created);

    let (status, patched) = app
        .call(Method::PATCH, &path, key, Some(&json!({"city": "Самара"})))
        .await;
    assert_eq!(
        (
            status,
            patched["city"].as_str(),
            patched["last_name"].as_str()
        ),
        (200, Some("Самара"), Some("Иванова"))
    );
    let (status, replaced) = app
        .call(
            Method::PUT,
            &path,
            key,
            Some(&json!({"first_name": "Маша"})),
        )
        .await;
    assert_eq!(
        (status, replaced["first_name"].as_str()),
        (200, Some("Маша"))
    );
    assert!(
        replaced["last_name"].is_null() && replaced["phones"].is_null(),
        "PUT clears what it leaves out: {replaced}"
    );

    assert_eq!(app.call(Method::DELETE, &path, key, None).await.0, 204);
    let (status, body) = app.call(Method::GET, &path, key, None).await;
    assert_eq!((status, body["code"].as_str()), (404, Some("not_found")));
}

async fn invalid_input_names_every_bad_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = Some(app.admin_key.as_str());
    let (status, body) = app
        .call(
            Method::POST,
            "/api/v1/contacts",
            key,
            Some(&json!({"phones": "12-34", "emails": "nope", "birth_date": "31.02.1990"})),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("invalid_input"))
    );
    let fields: Vec<&str> = body["details"]
        .as_array()
        .expect("details")
        .iter()
        .filter_map(|detail| detail["field"].as_str())
        .collect();
    assert_eq!(fields, ["birth_date", "emails", "phones"]);
    assert!(
        body["message"].as_str().unwrap_or("").contains("expected"),
        "{body}"
    );

    assert_eq!(
        app.call(Method::POST, "/api/v1/contacts", key, Some(&json!([1, 2])))
            .await
            .0,
        400
    );
    let (status, body) = app
        .client
        .post(format!("{}/api/v1/contacts", app.address))
        .bearer_auth(&app.admin_key)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .map(|response| (response.status().as_u16(), ()))
        .expect("send");
    assert_eq!((status, body), (400, ()));
    assert_eq!(
        app.call(Method::GET, "/api/v1/spaceships", key, None)
            .await
            .0,
        404
    );
    assert_eq!(
        app.call(Method::GET, "/api/v1/contacts/not-an-id", key, None)
            .await
            .0,
        400
    );
    let (status, body) = app
        .call(Method::GET, "/api/v1/contacts?shoe_size=42", key, None)
        .await;
    assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
}

async fn lists_page_with_cursors_filters_and_search(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = Some(app.admin_key.as_str());
    let items: Vec<_> = (0..25).map(|index| json!({"first_name": format!("Клиент {index:02}"), "city": if index % 2 == 0 { "Москва" } else { "Тверь" }})).collect();
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/contacts/bulk",
            key,
            Some(&json!({"items": items}))
        )
        .await
        .0,
        200
    );

    let mut seen = Vec::new();
    let mut path = "/api/v1/contacts?limit=10&sort=first_name".to_string();
    loop {
        let (status, page) = app.call(Method::GET, &path, key, None).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|item| item["first_name"].as_str().unwrap_or("").to_string()),
        );
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                path = format!("/api/v1/contacts?limit=10&sort=first_name&cursor={cursor}")
            }
            None => break,
        }
    }
    let expected: Vec<String> = (0..25).map(|index| format!("Клиент {index:02}")).collect();
    assert_eq!(seen, expected);

    let (_, moscow) = app
        .call(
            Method::GET,
            "/api/v1/contacts?city=%D0%9C%D0%BE%D1%81%D0%BA%D0%B2%D0%B0&limit=100",
            key,
            None,
        )
        .await;
    assert_eq!(moscow["items"].as_array().map(Vec::len), Some(13));
    let (_, found) = app
        .call(
            Method::GET,
            "/api/v1/contacts?q=%D0%BA%D0%BB%D0%B8%D0%B5%D0%BD%D1%82%2007",
            key,
            None,
        )
        .await;
    assert_eq!(found["items"].as_array().map(Vec::len), Some(1));
    let (_, since) = app
        .call(
            Method::GET,
            "/api/v1/contacts?created_at[gte]=2000-01-01&limit=1",
            key,
            None,
        )
        .await;
    assert!(since["next_cursor"].is_string());
}

async fn bulk_upsert_is_all_or_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let key = Some(app.admin_key.as_str());
    let bad = json!({"items": [{"sku": "A", "name": "Кеды"}, {"sku": "B"}]});
    let (status, body) = app
        .call(Method::POST, "/api/v1/products/bulk", key, Some(&bad))
        .await;
    assert_eq!(
        (status, body["details"][0]["index"].as_u64()),
        (422, Some(1))
    );
    let (_, list) = app.call(Method::GET, "/api/v1/products", key, None).await;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(0));
    let good =
        json!({"items": [{"sku": "A", "name": "Кеды", "source_system": "1c", "external_id": "A"}]});
    assert_eq!(
        app.call(Method::POST, "/api/v1/products/bulk", key, Some(&good))
            .await
            .1["created"],
        1
    );
    assert_eq!(
        app.call(Method::POST, "/api/v1/products/bulk", key, Some(&good))
            .await
            .1["updated"],
        1
    );
}

async fn the_openapi_document_lists_every_collection(backend: Backend) {
    let app = spawn_app(backend).await;
    let (status, spec) = app.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!((status, spec["openapi"].as_str()), (200, Some("3.1.0")));
    for kind in domain::ALL_KINDS {
        let path = format!("/api/v1/{}", kind.collection());
        assert!(
            spec["paths"][&path]["get"].is_object() && spec["paths"][&path]["post"].is_object(),
            "{path} missing"
        );
        assert!(
            spec["paths"][format!("{path}/{{id}}")]["patch"].is_object(),
            "{path}/{{id}} missing"
        );
    }
    for path in [
        "/model/parse",
        "/api/v1/bots/{bot}/messages",
        "/api/v1/call-first",
    ] {
        assert!(spec["paths"][path].is_object(), "{path} missing");
    }
    assert_eq!(
        spec["components"]["schemas"]["Contact"]["properties"]["phones"]["x-personal-data"],
        "phone"
    );
    let docs = app
        .request(Method::GET, "/api/docs", None)
        .send()
        .await
        .expect("docs")
        .text()
        .await
        .expect("text");
    // Paths are HTML-escaped (`/` becomes `&#x2f;`); no asset comes from another host.
    assert!(
        docs.contains("v1&#x2f;contacts")
            && !docs.contains("x-personal-data")
            && docs.contains("personal data: phone"),
        "{docs}"
    );
    assert!(
        !docs.contains("src=\"http") && !docs.contains("href=\"http"),
        "the docs page is self-contained"
    );
}

async fn health_readiness_metrics_and_limits(backend: Backend) {
    let app = spawn_app(backend).await;
    assert_eq!(
        app.call(Method::GET, "/healthz", None, None).await,
        (200, json!("ok"))
    );
    assert_eq!(app.call(Method::GET, "/readyz", None, None).await.0, 200);
    app.call(Method::GET, "/api/v1/contacts", Some(&app.admin_key), None)
        .await;
    let (status, metrics) = app.call(Method::GET, "/metrics", None, None).await;
    let metrics = metrics.as_str().unwrap_or("").to_string();
    assert_eq!(status, 200);
    assert!(metrics.contains("fundament_http_requests_total{method=\"GET\",route=\"/api/v1/{collection}\",status=\"200\"} 1"), "{metrics}");
    let huge = json!({"comment": "x".repeat(5 * 1024 * 1024)});
    assert_eq!(
        app.call(
            Method::POST,
            "/api/v1/contacts",
            Some(&app.admin_key),
            Some(&huge)
        )
        .await
        .0,
        413
    );
}
