//! The use cases, on SQLite and PostgreSQL alike.

use std::path::PathBuf;

use app::{Actor, App, AppConfig, Error, ImportOptions};
use domain::{EntityKind, Role};
use serde_json::{Map, Value, json};
use store::ListQuery;
use test_support::{Backend, TestDb, backend_tests};

backend_tests!(
    importing_a_bitrix24_export_twice_leaves_the_same_counts,
    a_record_repeated_later_in_a_big_file_is_updated_not_duplicated,
    a_file_with_one_malformed_row_is_rejected_and_changes_nothing,
    a_dry_run_reports_without_writing,
    a_manager_sees_and_changes_only_their_own_deals,
    references_must_point_at_existing_records,
    a_bulk_upsert_is_all_or_nothing,
    keys_authenticate_until_revoked_and_passwords_log_in,
    every_write_is_in_the_audit_log_and_the_chain_verifies,
);

fn import_data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../import/tests/data")
        .join(name)
}

async fn fresh(backend: Backend) -> (TestDb, App) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, AppConfig::default())
        .await
        .expect("open app");
    (db, app)
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

fn admin() -> Actor {
    Actor::system("test")
}

async fn count(app: &App, kind: EntityKind) -> i64 {
    app.count(&admin(), kind, ListQuery::default())
        .await
        .expect("count")
}

async fn import(app: &App, file: &str, preset: &str, dry_run: bool) -> app::ImportReport {
    let options = ImportOptions {
        preset: preset.into(),
        dry_run,
        ..ImportOptions::default()
    };
    app.import_file(&admin(), &import_data(file), &options, &mut |_| {})
        .await
        .expect("import runs")
}

async fn importing_a_bitrix24_export_twice_leaves_the_same_counts(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let first = import(
        &app,
        "bitrix24-contacts-cp1251.csv",
        "bitrix24-contacts",
        false,
    )
    .await;
    assert_eq!(
        (
            first.rows_read,
            first.inserted,
            first.updated,
            first.rejected,
            first.written
        ),
        (4, 4, 0, 0, true)
    );
    assert_eq!(first.owners_created, ["Мария Петрова", "Олег Смирнов"]);
    let contacts = count(&app, EntityKind::Contact).await;
    let users = count(&app, EntityKind::User).await;
    let second = import(
        &app,
        "bitrix24-contacts-cp1251.csv",
        "bitrix24-contacts",
        false,
    )
    .await;
    assert_eq!(
        (second.inserted, second.updated, second.owners_created.len()),
        (0, 4, 0)
    );
    assert_eq!(
        (
            count(&app, EntityKind::Contact).await,
            count(&app, EntityKind::User).await
        ),
        (contacts, users)
    );
    assert_eq!(contacts, 4);
    // The manager named in the file owns the contact.
    let page = app
        .list(
            &admin(),
            EntityKind::Contact,
            ListQuery {
                search: Some("иванов".into()),
                ..ListQuery::default()
            },
        )
        .await
        .expect("list");
    let owner = page.items[0].owner_id.expect("owned");
    assert_eq!(
        app.get(&admin(), EntityKind::User, owner)
            .await
            .expect("user")
            .text("display_name"),
        Some("Мария Петрова")
    );
}

async fn a_record_repeated_later_in_a_big_file_is_updated_not_duplicated(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    // More rows than one write batch, with id 7 again near the end.
    let mut csv = String::from("external_id;first_name;phones\n");
    for index in 1..=4500 {
        csv.push_str(&format!("{index};Клиент {index};+7 916 {:07}\n", index));
    }
    csv.push_str("7;Клиент семь, исправлено;+7 916 0000007\n");
    let path = std::env::temp_dir().join(format!("fundament-repeat-{}.csv", uuid_like()));
    std::fs::write(&path, csv).expect("write");
    let options = ImportOptions {
        preset: "generic-contacts".into(),
        ..ImportOptions::default()
    };
    let report = app
        .import_file(&admin(), &path, &options, &mut |_| {})
        .await
        .expect("import");
    let _ = std::fs::remove_file(&path);
    assert_eq!(
        (
            report.rows_read,
            report.inserted,
            report.updated,
            report.rejected
        ),
        (4501, 4500, 1, 0)
    );
    assert_eq!(count(&app, EntityKind::Contact).await, 4500);
    let page = app
        .list(
            &admin(),
            EntityKind::Contact,
            ListQuery {
                search: Some("исправлено".into()),
                ..ListQuery::default()
            },
        )
        .await
        .expect("list");
    assert_eq!(page.items.len(), 1);
}

fn uuid_like() -> String {
    format!("{}-{:?}", std::process::id(), std::time::SystemTime::now())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

async fn a_file_with_one_malformed_row_is_rejected_and_changes_nothing(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    import(&app, "hubspot-contacts.json", "hubspot-contacts", false).await;
    let before = (
        count(&app, EntityKind::Contact).await,
        count(&app, EntityKind::User).await,
    );
    let report = import(
        &app,
        "bitrix24-contacts-bad-row.csv",
        "bitrix24-contacts",
        false,
    )
    .await;
    assert_eq!((report.rejected, report.written), (1, false));
    let lines = report.issue_lines();
    assert!(
        lines[0].contains("bitrix24-contacts-bad-row.csv: row 3, column \"Мобильный телефон\""),
        "{lines:?}"
    );
    assert_eq!(
        (
            count(&app, EntityKind::Contact).await,
            count(&app, EntityKind::User).await
        ),
        before,
        "nothing written, not even owners"
    );
}

async fn a_dry_run_reports_without_writing(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let report = import(&app, "amocrm-leads.xlsx", "amocrm-leads", true).await;
    assert_eq!(
        (report.inserted, report.rejected, report.written),
        (3, 0, false)
    );
    assert_eq!(count(&app, EntityKind::Deal).await, 0);
}

async fn a_manager_sees_and_changes_only_their_own_deals(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let anna = app
        .create_user(
            &admin(),
            "anna",
            "Анна",
            Role::Manager,
            Some("anna-password"),
        )
        .await
        .expect("anna");
    let boris = app
        .create_user(
            &admin(),
            "boris",
            "Борис",
            Role::Manager,
            Some("boris-password"),
        )
        .await
        .expect("boris");
    let as_anna = Actor {
        label: "user:anna".into(),
        role: Role::Manager,
        user_id: Some(anna.id),
    };
    let as_boris = Actor {
        label: "user:boris".into(),
        role: Role::Manager,
        user_id: Some(boris.id),
    };
    let deal = app
        .create(
            &as_anna,
            EntityKind::Deal,
            &object(json!({"title": "Анина сделка"})),
        )
        .await
        .expect("create");
    assert_eq!(
        deal.owner_id,
        Some(anna.id),
        "a manager's new record is theirs"
    );
    app.create(
        &as_boris,
        EntityKind::Deal,
        &object(json!({"title": "Борина сделка"})),
    )
    .await
    .expect("create");

    let annas = app
        .list(&as_anna, EntityKind::Deal, ListQuery::default())
        .await
        .expect("list");
    assert_eq!(
        annas
            .items
            .iter()
            .map(|deal| deal.text("title").unwrap_or(""))
            .collect::<Vec<_>>(),
        ["Анина сделка"]
    );
    assert!(matches!(
        app.get(&as_boris, EntityKind::Deal, deal.id).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        app.update(
            &as_boris,
            EntityKind::Deal,
            deal.id,
            &object(json!({"title": "моя"})),
            false
        )
        .await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        app.delete(&as_boris, EntityKind::Deal, deal.id).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        app.update(
            &as_anna,
            EntityKind::Deal,
            deal.id,
            &object(json!({"owner_id": boris.id.to_string()})),
            false
        )
        .await,
        Err(Error::Forbidden(_))
    ));
    assert!(matches!(
        app.create(
            &as_anna,
            EntityKind::Product,
            &object(json!({"sku": "A", "name": "B"}))
        )
        .await,
        Err(Error::Forbidden(_))
    ));
    assert_eq!(
        count(&app, EntityKind::Deal).await,
        2,
        "the admin sees both"
    );
}

async fn references_must_point_at_existing_records(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let missing = domain::Id::new();
    let error = app
        .create(
            &admin(),
            EntityKind::Deal,
            &object(json!({"contact_id": missing.to_string()})),
        )
        .await
        .expect_err("dangling");
    match error {
        Error::Invalid(errors) => assert_eq!(errors[0].field, "contact_id"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    let contact = app
        .create(
            &admin(),
            EntityKind::Contact,
            &object(json!({"first_name": "Ира"})),
        )
        .await
        .expect("contact");
    app.create(
        &admin(),
        EntityKind::Deal,
        &object(json!({"contact_id": contact.id.to_string()})),
    )
    .await
    .expect("linked deal");
}

async fn a_bulk_upsert_is_all_or_nothing(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let items = vec![
        object(json!({"first_name": "Раз", "source_system": "site", "external_id": "1"})),
        object(json!({"first_name": "Два", "phones": "не телефон"})),
    ];
    match app.bulk_upsert(&admin(), EntityKind::Contact, &items).await {
        Err(Error::InvalidBatch(errors)) => {
            assert_eq!((errors[0].0, errors[0].1[0].field.as_str()), (1, "phones"))
        }
        other => panic!("expected InvalidBatch, got {other:?}"),
    }
    assert_eq!(count(&app, EntityKind::Contact).await, 0);
    let good = vec![items[0].clone(), object(json!({"first_name": "Два"}))];
    let outcome = app
        .bulk_upsert(&admin(), EntityKind::Contact, &good)
        .await
        .expect("bulk");
    assert_eq!((outcome.created, outcome.updated), (2, 0));
    let again = app
        .bulk_upsert(&admin(), EntityKind::Contact, &good[..1])
        .await
        .expect("bulk again");
    assert_eq!(
        (again.created, again.updated, again.ids[0]),
        (0, 1, outcome.ids[0])
    );
}

async fn keys_authenticate_until_revoked_and_passwords_log_in(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (key, row) = app
        .create_key(&admin(), Role::Analyst, "bi", None)
        .await
        .expect("key");
    assert!(key.starts_with("fk_") && !row.hash.contains(&key));
    assert_eq!(
        app.authenticate_key(&key).await.expect("valid").role,
        Role::Analyst
    );
    assert!(matches!(
        app.authenticate_key(&format!("{key}x")).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        app.authenticate_key("fk_nothing").await,
        Err(Error::Unauthorized(_))
    ));
    app.revoke_key(&admin(), &row.prefix).await.expect("revoke");
    assert!(matches!(
        app.authenticate_key(&key).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        app.create_key(&admin(), Role::Manager, "m", None).await,
        Err(Error::BadRequest(_))
    ));
    let analyst = app
        .authenticate_key(
            &app.create_key(&admin(), Role::Analyst, "a", None)
                .await
                .expect("key")
                .0,
        )
        .await
        .expect("actor");
    assert!(matches!(
        app.create_key(&analyst, Role::Admin, "escalate", None)
            .await,
        Err(Error::Forbidden(_))
    ));

    app.create_user(
        &admin(),
        "olga",
        "Ольга",
        Role::Manager,
        Some("correct horse"),
    )
    .await
    .expect("user");
    assert!(matches!(
        app.login("olga", "wrong password").await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        app.login("nobody", "correct horse").await,
        Err(Error::Unauthorized(_))
    ));
    let session = app.login("olga", "correct horse").await.expect("login");
    let (actor, user) = app.session_actor(&session.token).await.expect("session");
    assert_eq!(
        (actor.role, user.text("login")),
        (Role::Manager, Some("olga"))
    );
    app.logout(&session.token).await.expect("logout");
    assert!(matches!(
        app.session_actor(&session.token).await,
        Err(Error::Unauthorized(_))
    ));
    assert!(matches!(
        app.create_user(&admin(), "olga", "Другая", Role::Analyst, None)
            .await,
        Err(Error::Conflict(_))
    ));
}

async fn every_write_is_in_the_audit_log_and_the_chain_verifies(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let contact = app
        .create(
            &admin(),
            EntityKind::Contact,
            &object(json!({"first_name": "Вера", "city": "Москва"})),
        )
        .await
        .expect("create");
    app.update(
        &admin(),
        EntityKind::Contact,
        contact.id,
        &object(json!({"city": "Тула"})),
        false,
    )
    .await
    .expect("update");
    app.delete(&admin(), EntityKind::Contact, contact.id)
        .await
        .expect("delete");
    let entries = app
        .store()
        .audit_entries(10, Some(&contact.id.to_string()))
        .await
        .expect("entries");
    let actions: Vec<&str> = entries.iter().map(|entry| entry.action.as_str()).collect();
    assert_eq!(actions, ["delete", "update", "create"]);
    assert!(
        entries[1]
            .before
            .as_deref()
            .unwrap_or("")
            .contains("Москва")
            && entries[1].after.as_deref().unwrap_or("").contains("Тула")
    );
    assert!(matches!(
        app.store().verify_audit().await.expect("verify"),
        store::AuditVerification::Intact { entries: 3 }
    ));
}
