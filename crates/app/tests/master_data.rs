//! Master data on SQLite and PostgreSQL alike: duplicates are found, merged
//! into a golden record with lineage, and the merge is undone, leaving the
//! store and its audit log consistent.

use app::{Actor, App, AppConfig, AuditVerification, Error};
use domain::{EntityKind, Id, Record};
use serde_json::{Map, Value, json};
use store::ListQuery;
use test_support::{Backend, TestDb, backend_tests};

backend_tests!(
    duplicates_are_found_with_field_weights_and_families_are_not,
    a_merge_makes_a_golden_record_with_lineage_and_moves_references,
    an_undone_merge_restores_every_record_and_reference,
    a_pair_marked_distinct_leaves_the_queue,
    managers_cannot_merge_records_they_do_not_own,
);

async fn fresh(backend: Backend) -> (TestDb, App) {
    let db = TestDb::new(backend).await;
    let app = App::open(&db.url, AppConfig::default())
        .await
        .expect("open app");
    (db, app)
}

fn admin() -> Actor {
    Actor::system("test")
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("object")
}

async fn contact(app: &App, body: Value) -> Record {
    app.create(&admin(), EntityKind::Contact, &object(body))
        .await
        .expect("create contact")
}

/// Background people, so the matcher has non-matches to learn from.
async fn crowd(app: &App) {
    let last = [
        "Смирнов",
        "Кузнецов",
        "Попов",
        "Васильев",
        "Соколов",
        "Михайлов",
        "Новиков",
        "Морозов",
        "Волков",
        "Лебедев",
    ];
    let first = [
        "Алексей",
        "Дмитрий",
        "Сергей",
        "Андрей",
        "Михаил",
        "Николай",
    ];
    let mut items = Vec::new();
    for i in 0..60 {
        items.push(json!({
            "last_name": last[i % 10], "first_name": first[i % 6],
            "phones": [format!("+7 9{:02} {:03}-{:02}-{:02}", 10 + i, 100 + i, i % 97, (i * 7) % 100)],
            "emails": [format!("p{i}@example.ru")], "city": "Казань",
            "birth_date": format!("19{:02}-{:02}-{:02}", 50 + i % 40, 1 + i % 12, 1 + i % 28),
        }));
    }
    let items: Vec<Map<String, Value>> = items.into_iter().map(object).collect();
    app.bulk_upsert(&admin(), EntityKind::Contact, &items)
        .await
        .expect("crowd");
}

async fn petrov_twice(app: &App) -> (Record, Record) {
    crowd(app).await;
    let a = contact(app, json!({"last_name": "Петров", "first_name": "Александр", "middle_name": "Сергеевич", "phones": ["8 916 555-12-34"], "city": "Москва", "birth_date": "1985-03-12", "source_system": "bitrix24", "external_id": "b1"})).await;
    let b = contact(app, json!({"last_name": "Петров", "first_name": "Саша", "phones": ["+7 916 5551234"], "emails": ["a.petrov@mail.ru"], "city": "Москва", "source_system": "amocrm", "external_id": "a7"})).await;
    (a, b)
}

fn ids(merge: &app::Merge) -> Vec<Id> {
    merge.members.iter().map(|r| r.id).collect()
}

async fn audit_is_intact(app: &App) {
    match app.verify_audit(&admin()).await.expect("verify") {
        AuditVerification::Intact { .. } => {}
        broken => panic!("audit chain broken: {broken:?}"),
    }
}

async fn duplicates_are_found_with_field_weights_and_families_are_not(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (a, b) = petrov_twice(&app).await;
    // His wife and son: same phone and surname, other names and birth dates.
    contact(&app, json!({"last_name": "Петрова", "first_name": "Елена", "middle_name": "Викторовна", "phones": ["8 916 555-12-34"], "city": "Москва", "birth_date": "1987-09-17"})).await;
    contact(&app, json!({"last_name": "Петров", "first_name": "Игорь", "middle_name": "Александрович", "phones": ["8 916 555-12-34"], "city": "Москва", "birth_date": "2010-02-01"})).await;
    let pairs = app
        .duplicate_candidates(&admin(), EntityKind::Contact, 0.5, 50)
        .await
        .expect("candidates");
    assert_eq!(
        pairs.len(),
        1,
        "{:?}",
        pairs
            .iter()
            .map(|p| (p.a.title(), p.b.title()))
            .collect::<Vec<_>>()
    );
    let pair = &pairs[0];
    let found: Vec<Id> = vec![pair.a.id, pair.b.id];
    assert!(found.contains(&a.id) && found.contains(&b.id));
    assert!(pair.probability >= 0.5, "{}", pair.probability);
    let phone = pair
        .fields
        .iter()
        .find(|f| f.field == "phone")
        .expect("phone weighed");
    assert!(phone.weight > 5.0, "{phone:?}");
    let first = pair
        .fields
        .iter()
        .find(|f| f.field == "first name")
        .expect("first name weighed");
    assert_eq!(first.level, "same or nickname", "Саша is Александр");
}

async fn a_merge_makes_a_golden_record_with_lineage_and_moves_references(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (a, b) = petrov_twice(&app).await;
    let deal = app
        .create(
            &admin(),
            EntityKind::Deal,
            &object(json!({"title": "Кроссовки", "contact_id": b.id.to_string()})),
        )
        .await
        .expect("deal");
    let merge = app
        .merge_records(&admin(), EntityKind::Contact, &[b.id, a.id])
        .await
        .expect("merge");
    assert_eq!(merge.golden_id, a.id, "the oldest record survives");
    let golden = app
        .get(&admin(), EntityKind::Contact, a.id)
        .await
        .expect("golden");
    assert_eq!(
        golden.text("first_name"),
        Some("Александр"),
        "the most complete first name"
    );
    assert_eq!(golden.text("middle_name"), Some("Сергеевич"));
    assert_eq!(
        golden.fields["emails"].to_text(),
        "a.petrov@mail.ru",
        "lists are united"
    );
    let lineage = merge
        .lineage
        .iter()
        .find(|l| l.field == "emails")
        .expect("lineage of emails");
    assert_eq!(
        (lineage.from.clone(), lineage.rule),
        (vec![b.id], "union of all members")
    );
    let birth = merge
        .lineage
        .iter()
        .find(|l| l.field == "birth_date")
        .expect("lineage of birth_date");
    assert_eq!(
        (birth.from.clone(), birth.rule),
        (vec![a.id], "source priority"),
        "bitrix24 is the system of record"
    );
    let first = merge
        .lineage
        .iter()
        .find(|l| l.field == "first_name")
        .expect("lineage of first_name");
    assert_eq!(
        (first.from.clone(), first.rule),
        (vec![a.id], "most complete")
    );
    assert!(matches!(
        app.get(&admin(), EntityKind::Contact, b.id).await,
        Err(Error::NotFound { .. })
    ));
    let deal = app
        .get(&admin(), EntityKind::Deal, deal.id)
        .await
        .expect("deal");
    assert_eq!(
        deal.reference("contact_id"),
        Some(a.id),
        "the deal follows its contact"
    );
    assert_eq!(merge.moved.len(), 1);
    assert_eq!(
        app.merges_into(&admin(), EntityKind::Contact, a.id)
            .await
            .expect("merges")
            .len(),
        1
    );
    audit_is_intact(&app).await;
}

async fn an_undone_merge_restores_every_record_and_reference(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (a, b) = petrov_twice(&app).await;
    let before_count = app
        .count(&admin(), EntityKind::Contact, ListQuery::default())
        .await
        .expect("count");
    let deal = app
        .create(
            &admin(),
            EntityKind::Deal,
            &object(json!({"title": "Кроссовки", "contact_id": b.id.to_string()})),
        )
        .await
        .expect("deal");
    let merge = app
        .merge_records(&admin(), EntityKind::Contact, &[a.id, b.id])
        .await
        .expect("merge");
    let undone = app.undo_merge(&admin(), merge.id).await.expect("undo");
    assert!(undone.undone_at.is_some() && ids(&undone).contains(&b.id));
    assert_eq!(
        app.count(&admin(), EntityKind::Contact, ListQuery::default())
            .await
            .expect("count"),
        before_count
    );
    let restored_a = app
        .get(&admin(), EntityKind::Contact, a.id)
        .await
        .expect("a back");
    let restored_b = app
        .get(&admin(), EntityKind::Contact, b.id)
        .await
        .expect("b back");
    assert_eq!(restored_a.fields, a.fields, "the survivor is its old self");
    assert_eq!(restored_b.fields, b.fields);
    assert_eq!(
        (restored_b.source.clone(), restored_b.created_at),
        (b.source.clone(), b.created_at)
    );
    let deal = app
        .get(&admin(), EntityKind::Deal, deal.id)
        .await
        .expect("deal");
    assert_eq!(
        deal.reference("contact_id"),
        Some(b.id),
        "the deal points back"
    );
    let again = app.undo_merge(&admin(), merge.id).await;
    assert!(matches!(again, Err(Error::Conflict(_))), "{again:?}");
    audit_is_intact(&app).await;
    let log = app.audit_entries(&admin(), 10, None).await.expect("log");
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"merge") && actions.contains(&"unmerge"),
        "{actions:?}"
    );
}

async fn a_pair_marked_distinct_leaves_the_queue(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (a, b) = petrov_twice(&app).await;
    assert_eq!(
        app.duplicate_candidates(&admin(), EntityKind::Contact, 0.5, 50)
            .await
            .expect("queue")
            .len(),
        1
    );
    app.mark_distinct(&admin(), EntityKind::Contact, b.id, a.id)
        .await
        .expect("mark");
    assert!(
        app.duplicate_candidates(&admin(), EntityKind::Contact, 0.5, 50)
            .await
            .expect("queue")
            .is_empty()
    );
}

async fn managers_cannot_merge_records_they_do_not_own(backend: Backend) {
    let (_db, app) = fresh(backend).await;
    let (a, b) = petrov_twice(&app).await;
    let manager = app
        .create(
            &admin(),
            EntityKind::User,
            &object(json!({"login": "olga", "display_name": "Ольга", "role": "manager"})),
        )
        .await
        .expect("user");
    let actor = Actor {
        label: "user:olga".into(),
        role: domain::Role::Manager,
        user_id: Some(manager.id),
    };
    let result = app
        .merge_records(&actor, EntityKind::Contact, &[a.id, b.id])
        .await;
    assert!(matches!(result, Err(Error::NotFound { .. })), "{result:?}");
    assert!(
        app.get(&admin(), EntityKind::Contact, b.id).await.is_ok(),
        "nothing changed"
    );
}
