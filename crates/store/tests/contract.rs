//! The store's contract, run against SQLite and PostgreSQL alike.

use std::time::Duration;

use domain::{ALL_KINDS, Draft, EntityKind, Id, ParseContext, Record, Role};
use serde_json::json;
use store::{
    ApiKeyRow, AuditVerification, Filter, FilterOp, JobStatus, ListQuery, NewAuditEntry, Sort,
    Store,
};
use test_support::{Backend, TestDb, backend_tests};

backend_tests!(
    every_kind_has_a_table_with_every_schema_column,
    a_record_reads_back_exactly_as_written,
    a_dropped_transaction_leaves_nothing_behind,
    lists_filter_search_sort_and_page_without_gaps_or_repeats,
    batches_upsert_and_are_found_by_source,
    the_audit_chain_detects_edits_and_deletions,
    a_job_runs_once_and_is_retried_after_failure,
    keys_and_sessions_are_stored_as_hashes,
);

async fn fresh(backend: Backend) -> (TestDb, Store) {
    let db = TestDb::new(backend).await;
    let store = Store::connect(&db.url).await.expect("connect");
    store.migrate().await.expect("migrate");
    (db, store)
}

fn draft(kind: EntityKind, raw: serde_json::Value) -> Draft {
    kind.parse_draft(raw.as_object().expect("object"), &ParseContext::default())
        .expect("valid draft")
}

fn record(kind: EntityKind, raw: serde_json::Value) -> Record {
    Record::create(draft(kind, raw), Store::now()).expect("valid record")
}

async fn every_kind_has_a_table_with_every_schema_column(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    for kind in ALL_KINDS {
        // The list selects every column the schema implies; a missing one fails here.
        let page = store
            .list(kind, &ListQuery::default())
            .await
            .unwrap_or_else(|error| panic!("{kind}: {error}"));
        assert!(page.items.is_empty());
    }
    // Migrating twice is harmless.
    store.migrate().await.expect("second migrate");
}

async fn a_record_reads_back_exactly_as_written(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let company = record(
        EntityKind::Company,
        json!({"name": "ООО Ромашка", "inn": "7707083893"}),
    );
    let contact = record(
        EntityKind::Contact,
        json!({
            "last_name": "Иванов", "first_name": "Иван", "phones": ["8 916 123-45-67"], "emails": "ivan@mail.ru",
            "birth_date": "1990-01-02", "consent_marketing": true, "company_id": company.id.to_string(), "city": "Москва",
            "source_system": "bitrix24", "external_id": "42",
        }),
    );
    let deal = record(
        EntityKind::Deal,
        json!({"title": "Поставка", "amount": "150 000,50 руб.", "status": "won", "opened_at": "2024-03-01 10:00", "contact_id": contact.id.to_string()}),
    );
    let order = record(
        EntityKind::Order,
        json!({"number": "A-1", "lines": [{"sku": "SN-1", "quantity": 2, "price": "4990"}]}),
    );
    let mut tx = store.begin().await.expect("begin");
    for record in [&company, &contact, &deal, &order] {
        tx.insert(record).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    for written in [&company, &contact, &deal, &order] {
        let read = store
            .get(written.kind, written.id)
            .await
            .expect("get")
            .expect("found");
        assert_eq!(&read, written, "{} reads back changed", written.kind);
    }
    // Update and delete.
    let mut changed = contact.clone();
    changed
        .apply(
            draft(
                EntityKind::Contact,
                json!({"city": "Санкт-Петербург", "emails": null}),
            ),
            Store::now(),
        )
        .expect("apply");
    let mut tx = store.begin().await.expect("begin");
    tx.update(&changed).await.expect("update");
    tx.delete(EntityKind::Order, order.id)
        .await
        .expect("delete");
    tx.commit().await.expect("commit");
    assert_eq!(
        store
            .get(EntityKind::Contact, contact.id)
            .await
            .expect("get")
            .expect("found"),
        changed
    );
    assert!(
        store
            .get(EntityKind::Order, order.id)
            .await
            .expect("get")
            .is_none()
    );
    let mut tx = store.begin().await.expect("begin");
    assert!(matches!(
        tx.delete(EntityKind::Order, order.id).await,
        Err(store::Error::NotFound { .. })
    ));
}

async fn a_dropped_transaction_leaves_nothing_behind(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let first = record(
        EntityKind::Product,
        json!({"sku": "A", "name": "Кроссовки"}),
    );
    {
        let mut tx = store.begin().await.expect("begin");
        tx.insert(&first).await.expect("insert");
        tx.append_audit(NewAuditEntry {
            actor: "test".into(),
            action: "create".into(),
            entity: "product".into(),
            entity_id: None,
            before: None,
            after: None,
        })
        .await
        .expect("audit");
        // A second insert of the same id fails; the batch is abandoned.
        assert!(matches!(
            tx.insert(&first).await,
            Err(store::Error::Conflict { .. })
        ));
    }
    assert_eq!(
        store.count_all(EntityKind::Product).await.expect("count"),
        0
    );
    assert_eq!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Intact { entries: 0 }
    );
}

async fn lists_filter_search_sort_and_page_without_gaps_or_repeats(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let owner = Id::new();
    let mut tx = store.begin().await.expect("begin");
    let cities = ["Москва", "Казань", "Москва", "Екатеринбург"];
    let mut ids = Vec::new();
    for index in 0..37 {
        let mut raw = json!({"last_name": format!("Ёжиков-{index:02}"), "phones": format!("+7 916 000 00 {index:02}")});
        if index % 5 != 0 {
            raw["city"] = json!(cities[index % 4]);
        }
        let mut contact = record(EntityKind::Contact, raw);
        if index % 2 == 0 {
            contact.owner_id = Some(owner);
        }
        ids.push(contact.id);
        tx.insert(&contact).await.expect("insert");
    }
    tx.commit().await.expect("commit");

    // Every sort, paged 5 at a time, visits every record once.
    for spec in ["city", "-city", "last_name", "-created_at"] {
        let mut seen = Vec::new();
        let mut query = ListQuery {
            sort: Sort::parse(EntityKind::Contact, spec).expect("sort"),
            limit: 5,
            ..ListQuery::default()
        };
        loop {
            let page = store.list(EntityKind::Contact, &query).await.expect("list");
            seen.extend(page.items.iter().map(|record| record.id));
            match page.next_cursor {
                Some(cursor) => query.cursor = Some(cursor),
                None => break,
            }
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (37, 37), "sort {spec}");
    }

    let moscow = ListQuery {
        filters: vec![
            Filter::parse(EntityKind::Contact, "city", FilterOp::Eq, "Москва").expect("filter"),
        ],
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count(EntityKind::Contact, &moscow)
            .await
            .expect("count"),
        15
    );
    let owned = ListQuery {
        filters: vec![
            Filter::parse(
                EntityKind::Contact,
                "owner_id",
                FilterOp::Eq,
                &owner.to_string(),
            )
            .expect("filter"),
        ],
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count(EntityKind::Contact, &owned)
            .await
            .expect("count"),
        19
    );
    let no_city = ListQuery {
        filters: vec![
            Filter::parse(EntityKind::Contact, "city", FilterOp::Eq, "null").expect("filter"),
        ],
        ..ListQuery::default()
    };
    assert_eq!(
        store
            .count(EntityKind::Contact, &no_city)
            .await
            .expect("count"),
        8
    );
    // Search is case- and ё-insensitive and finds phone digits.
    for (search, expected) in [
        ("ЕЖИКОВ-1", 10),
        ("ежиков-07", 1),
        ("9160000012", 1),
        ("100%", 0),
    ] {
        let query = ListQuery {
            search: Some(search.into()),
            ..ListQuery::default()
        };
        assert_eq!(
            store
                .count(EntityKind::Contact, &query)
                .await
                .expect("count"),
            expected,
            "search {search:?}"
        );
    }
    assert!(Filter::parse(EntityKind::Contact, "shoe_size", FilterOp::Eq, "42").is_err());
    assert!(Filter::parse(EntityKind::Contact, "comment", FilterOp::Eq, "x").is_err());
    let bad_cursor = ListQuery {
        cursor: Some("garbage".into()),
        ..ListQuery::default()
    };
    assert!(matches!(
        store.list(EntityKind::Contact, &bad_cursor).await,
        Err(store::Error::BadQuery(_))
    ));
}

async fn batches_upsert_and_are_found_by_source(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let records: Vec<Record> = (0..1200)
        .map(|index| record(EntityKind::Contact, json!({"first_name": format!("Клиент {index}"), "source_system": "amocrm", "external_id": index.to_string()})))
        .collect();
    let mut tx = store.begin().await.expect("begin");
    tx.write_batch(EntityKind::Contact, &records)
        .await
        .expect("batch");
    tx.commit().await.expect("commit");
    assert_eq!(
        store.count_all(EntityKind::Contact).await.expect("count"),
        1200
    );

    let wanted: Vec<String> = ["5", "1199", "nope"]
        .iter()
        .map(|id| id.to_string())
        .collect();
    let mut tx = store.begin().await.expect("begin");
    let found = tx
        .find_by_source(EntityKind::Contact, "amocrm", &wanted)
        .await
        .expect("find");
    assert_eq!(found.len(), 2);
    let mut changed = found["5"].clone();
    changed
        .apply(
            draft(EntityKind::Contact, json!({"city": "Тверь"})),
            Store::now(),
        )
        .expect("apply");
    tx.write_batch(EntityKind::Contact, &[changed.clone()])
        .await
        .expect("rewrite");
    tx.commit().await.expect("commit");
    assert_eq!(
        store.count_all(EntityKind::Contact).await.expect("count"),
        1200
    );
    assert_eq!(
        store
            .get(EntityKind::Contact, changed.id)
            .await
            .expect("get")
            .expect("found")
            .text("city"),
        Some("Тверь")
    );
}

async fn the_audit_chain_detects_edits_and_deletions(backend: Backend) {
    let (db, store) = fresh(backend).await;
    for index in 0..5 {
        let mut tx = store.begin().await.expect("begin");
        tx.append_audit(NewAuditEntry {
            actor: "user:test".into(),
            action: "update".into(),
            entity: "contact".into(),
            entity_id: Some(format!("c{index}")),
            before: Some(json!({"city": "Москва"}).to_string()),
            after: Some(json!({"city": "Казань"}).to_string()),
        })
        .await
        .expect("append");
        tx.commit().await.expect("commit");
    }
    assert_eq!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Intact { entries: 5 }
    );
    assert_eq!(
        store.audit_entries(2, None).await.expect("entries")[0].seq,
        5
    );

    let raw = RawDb::connect(&db.url).await;
    raw.execute("UPDATE audit_log SET after_json = '{\"city\":\"Сочи\"}' WHERE seq = 3")
        .await;
    assert!(matches!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Broken { seq: 3, .. }
    ));
    raw.execute("UPDATE audit_log SET after_json = '{\"city\":\"Казань\"}', actor = 'user:evil' WHERE seq = 3").await;
    assert!(matches!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Broken { seq: 3, .. }
    ));
    raw.execute("UPDATE audit_log SET actor = 'user:test' WHERE seq = 3")
        .await;
    assert_eq!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Intact { entries: 5 }
    );
    raw.execute("DELETE FROM audit_log WHERE seq = 5").await;
    assert!(matches!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Broken { seq: 5, .. }
    ));
    raw.execute("DELETE FROM audit_log WHERE seq = 2").await;
    assert!(matches!(
        store.verify_audit().await.expect("verify"),
        AuditVerification::Broken { seq: 2, .. }
    ));
}

async fn a_job_runs_once_and_is_retried_after_failure(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let id = store.enqueue_job("import", "{}", 2).await.expect("enqueue");
    let lease = Duration::from_secs(60);
    let claimed = store
        .claim_job("w1", lease)
        .await
        .expect("claim")
        .expect("a job");
    assert_eq!(
        (claimed.id, claimed.attempts, claimed.status),
        (id, 1, JobStatus::Running)
    );
    assert!(
        store.claim_job("w2", lease).await.expect("claim").is_none(),
        "a claimed job is not claimed twice"
    );

    store
        .fail_job(id, "boom", Duration::ZERO)
        .await
        .expect("fail");
    let retried = store
        .claim_job("w2", lease)
        .await
        .expect("claim")
        .expect("retried");
    assert_eq!(retried.attempts, 2);
    store
        .fail_job(id, "boom again", Duration::ZERO)
        .await
        .expect("fail");
    let failed = store.job(id).await.expect("job").expect("exists");
    assert_eq!(
        (failed.status, failed.last_error.as_deref()),
        (JobStatus::Failed, Some("boom again"))
    );
    assert!(store.claim_job("w3", lease).await.expect("claim").is_none());

    // A worker that dies loses its lease; another picks the job up.
    let second = store.enqueue_job("import", "{}", 3).await.expect("enqueue");
    store
        .claim_job("w4", Duration::ZERO)
        .await
        .expect("claim")
        .expect("claimed");
    tokio::time::sleep(Duration::from_millis(5)).await;
    let reclaimed = store
        .claim_job("w5", lease)
        .await
        .expect("claim")
        .expect("reclaimed");
    assert_eq!(reclaimed.id, second);
    store
        .complete_job(second, "{\"ok\":true}")
        .await
        .expect("complete");
    assert_eq!(
        store
            .job(second)
            .await
            .expect("job")
            .expect("exists")
            .status,
        JobStatus::Done
    );
}

async fn keys_and_sessions_are_stored_as_hashes(backend: Backend) {
    let (_db, store) = fresh(backend).await;
    let now = Store::now();
    let key = ApiKeyRow {
        id: Id::new(),
        prefix: "fk_abc".into(),
        hash: "$argon2id$...".into(),
        role: Role::Analyst,
        name: "bi".into(),
        user_id: None,
        created_at: now,
        revoked_at: None,
    };
    let mut tx = store.begin().await.expect("begin");
    tx.insert_api_key(&key).await.expect("insert key");
    tx.commit().await.expect("commit");
    let read = store
        .api_key_by_prefix("fk_abc")
        .await
        .expect("by prefix")
        .expect("found");
    assert_eq!((read.role, read.revoked_at), (Role::Analyst, None));
    let mut tx = store.begin().await.expect("begin");
    assert!(tx.revoke_api_key("fk_abc", now).await.expect("revoke"));
    assert!(
        !tx.revoke_api_key("fk_abc", now)
            .await
            .expect("revoke twice")
    );
    tx.commit().await.expect("commit");
    assert!(
        store.api_keys().await.expect("keys")[0]
            .revoked_at
            .is_some()
    );

    let user = Id::new();
    let session = store::SessionRow {
        token_hash: "h1".into(),
        user_id: user,
        expires_at: now + chrono::Duration::hours(1),
    };
    let mut tx = store.begin().await.expect("begin");
    tx.set_password_hash(user, "$argon2id$pw", now)
        .await
        .expect("password");
    tx.insert_session(&session, now).await.expect("session");
    tx.commit().await.expect("commit");
    assert_eq!(
        store
            .session("h1", now)
            .await
            .expect("session")
            .expect("live")
            .user_id,
        user
    );
    assert!(
        store
            .session("h1", now + chrono::Duration::hours(2))
            .await
            .expect("session")
            .is_none(),
        "expired"
    );
    let mut tx = store.begin().await.expect("begin");
    tx.remove_credentials(user).await.expect("remove");
    tx.commit().await.expect("commit");
    assert!(store.session("h1", now).await.expect("session").is_none());
    assert!(store.password_hash(user).await.expect("hash").is_none());
}

/// A raw connection that edits tables behind the store's back.
enum RawDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawDb {
    async fn connect(url: &str) -> Self {
        if url.starts_with("sqlite") {
            RawDb::Sqlite(sqlx::SqlitePool::connect(url).await.expect("raw sqlite"))
        } else {
            RawDb::Postgres(sqlx::PgPool::connect(url).await.expect("raw postgres"))
        }
    }

    async fn execute(&self, sql: &str) {
        let sql = sqlx::AssertSqlSafe(sql.to_string());
        match self {
            RawDb::Sqlite(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
            RawDb::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await.map(|_| ()),
        }
        .expect("raw sql");
    }
}
