//! The `fundament` binary as a user runs it, on SQLite and PostgreSQL.

use std::path::PathBuf;
use std::process::{Command, Output};

use test_support::{Backend, TestDb, backend_tests};

backend_tests!(
    keys_create_prints_the_key_alone_on_its_last_line,
    import_reports_counts_and_rejects_with_file_row_and_column,
    audit_verify_fails_after_an_audit_row_is_altered,
    export_writes_what_import_read,
    the_data_readiness_commands_work_on_the_store,
    lead_scoring_trains_and_scores_on_the_store,
);

async fn lead_scoring_trains_and_scores_on_the_store(backend: Backend) {
    let db = TestDb::new(backend).await;
    let app = app::App::open(&db.url, app::AppConfig::default())
        .await
        .expect("open");
    let config = demo::DemoConfig {
        contacts: 400,
        ..demo::DemoConfig::default()
    };
    app.load_demo(&app::Actor::system("test"), &config)
        .await
        .expect("demo");
    let trained = fundament(&db, &["train", "--store", "--lang", "en"]);
    assert!(trained.status.success(), "{}", text(&trained.stderr));
    assert!(
        text(&trained.stderr).contains("model v1 (active)"),
        "{}",
        text(&trained.stderr)
    );
    let out = std::env::temp_dir().join(format!("fundament-store-scores-{}.csv", uuid_like()));
    let scored = fundament(
        &db,
        &["score", "--store", "--out", out.to_str().expect("utf-8")],
    );
    assert!(scored.status.success(), "{}", text(&scored.stderr));
    let scores = std::fs::read_to_string(&out).expect("scores");
    let mut lines = scores.lines();
    assert_eq!(lines.next(), Some("record_id,probability,reasons"));
    let first = lines.next().expect("a scored deal");
    assert!(first.contains("п.п."), "{first}");
    assert!(lines.count() > 10);
    // Without a model directory and without --store, score says what it needs.
    let missing = fundament(&db, &["score", "--data", "x.csv", "--out", "y.csv"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing.stderr));
}

async fn the_data_readiness_commands_work_on_the_store(backend: Backend) {
    let db = TestDb::new(backend).await;
    let file = std::env::temp_dir().join(format!("fundament-store-data-{}.csv", uuid_like()));
    std::fs::write(
        &file,
        "Фамилия;Имя;Телефон;Город\nПетров;Александр;8 (916) 555-12-34;Москва\nПетров;Саша;+7 916 5551234;МСК\nСидорова;Анна;8 903 111-22-33;Казань\nКузнецов;Олег;8 905 222-33-44;Самара\n",
    )
    .expect("write csv");
    let imported = fundament(
        &db,
        &[
            "import",
            "--preset",
            "generic-contacts",
            file.to_str().expect("utf-8"),
        ],
    );
    assert!(imported.status.success(), "{}", text(&imported.stderr));
    let out = file.with_extension("out.csv");
    let out_path = out.to_str().expect("utf-8");
    let deduped = fundament(
        &db,
        &[
            "dedupe", "--store", "--entity", "contacts", "--out", out_path,
        ],
    );
    assert!(deduped.status.success(), "{}", text(&deduped.stderr));
    let clusters = std::fs::read_to_string(&out).expect("clusters");
    assert_eq!(clusters.lines().count(), 5, "{clusters}");
    let key = file.with_extension("key");
    std::fs::write(&key, "0123456789abcdef0123456789abcdef").expect("key");
    let anonymized = fundament(
        &db,
        &[
            "anonymize",
            "--store",
            "--key-file",
            key.to_str().expect("utf-8"),
            "--out",
            out_path,
        ],
    );
    assert!(anonymized.status.success(), "{}", text(&anonymized.stderr));
    let copy = std::fs::read_to_string(&out).expect("copy");
    assert!(
        !copy.contains("Петров") && copy.contains("last_name_"),
        "{copy}"
    );
    let json = file.with_extension("json");
    let ready = fundament(
        &db,
        &[
            "readiness",
            "--store",
            "--json",
            json.to_str().expect("utf-8"),
        ],
    );
    assert!(ready.status.success(), "{}", text(&ready.stderr));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("report")).expect("json");
    assert_eq!(report["tables"][0]["name"], "contacts");
    assert_eq!(report["tables"][0]["rows"], 4);
}

fn fundament(db: &TestDb, args: &[&str]) -> Output {
    let data_dir = std::env::temp_dir().join(format!("fundament-cli-{}", uuid_like()));
    Command::new(env!("CARGO_BIN_EXE_fundament"))
        .args(args)
        .arg("--db")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(&data_dir)
        .env_remove("FUNDAMENT_CONFIG")
        .output()
        .expect("run fundament")
}

fn uuid_like() -> String {
    format!("{}-{:?}", std::process::id(), std::time::SystemTime::now())
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

fn data(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../import/tests/data")
        .join(name)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

async fn keys_create_prints_the_key_alone_on_its_last_line(backend: Backend) {
    let db = TestDb::new(backend).await;
    let output = fundament(
        &db,
        &["keys", "create", "--role", "analyst", "--name", "bi"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let key = stdout.lines().last().expect("a line");
    assert!(
        key.starts_with("fk_") && key.len() > 40 && !key.contains(' '),
        "{stdout:?}"
    );
    let listed = text(&fundament(&db, &["keys", "list"]).stdout);
    assert!(
        listed.contains(&key[..11]) && listed.contains("analyst") && !listed.contains(key),
        "{listed}"
    );
    assert!(fundament(&db, &["keys", "revoke", key]).status.success());
    assert!(text(&fundament(&db, &["keys", "list"]).stdout).contains("revoked"));
    let refused = fundament(&db, &["keys", "create", "--role", "wizard"]);
    assert!(
        !refused.status.success()
            && text(&refused.stderr).contains("admin, manager, analyst, bot, integration")
    );
}

async fn import_reports_counts_and_rejects_with_file_row_and_column(backend: Backend) {
    let db = TestDb::new(backend).await;
    let file = data("bitrix24-contacts-cp1251.csv");
    let first = fundament(&db, &["import", "--preset", "bitrix24-contacts", &file]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(
        text(&first.stdout).contains("4 rows read, 4 inserted, 0 updated, 0 rejected"),
        "{}",
        text(&first.stdout)
    );
    let second = fundament(&db, &["import", "--preset", "bitrix24-contacts", &file]);
    assert!(
        text(&second.stdout).contains("0 inserted, 4 updated"),
        "{}",
        text(&second.stdout)
    );

    let bad = data("bitrix24-contacts-bad-row.csv");
    let rejected = fundament(&db, &["import", "--preset", "bitrix24-contacts", &bad]);
    assert!(!rejected.status.success());
    let stderr = text(&rejected.stderr);
    assert!(
        stderr.contains("bitrix24-contacts-bad-row.csv: row 3, column \"Мобильный телефон\""),
        "{stderr}"
    );
    let missing = fundament(
        &db,
        &[
            "import",
            "--preset",
            "bitrix24-contacts",
            "/no/such/file.csv",
        ],
    );
    assert!(!missing.status.success() && text(&missing.stderr).contains("/no/such/file.csv"));
    let unknown = fundament(&db, &["import", "--preset", "nonexistent", &file]);
    assert!(
        !unknown.status.success() && text(&unknown.stderr).contains("bitrix24-contacts"),
        "lists the presets there are"
    );
}

async fn audit_verify_fails_after_an_audit_row_is_altered(backend: Backend) {
    let db = TestDb::new(backend).await;
    assert!(
        fundament(
            &db,
            &[
                "import",
                "--preset",
                "hubspot-contacts",
                &data("hubspot-contacts.json")
            ]
        )
        .status
        .success()
    );
    assert!(
        fundament(&db, &["keys", "create", "--role", "bot"])
            .status
            .success()
    );
    let intact = fundament(&db, &["audit", "verify"]);
    assert!(
        intact.status.success() && text(&intact.stdout).contains("2 entries verified"),
        "{}",
        text(&intact.stdout)
    );

    let sql = "UPDATE audit_log SET actor = 'someone-else' WHERE seq = 1";
    match backend {
        Backend::Sqlite => {
            let pool = sqlx::SqlitePool::connect(&db.url).await.expect("sqlite");
            sqlx::raw_sql(sql).execute(&pool).await.expect("tamper");
            pool.close().await;
        }
        Backend::Postgres => {
            let pool = sqlx::PgPool::connect(&db.url).await.expect("postgres");
            sqlx::raw_sql(sql).execute(&pool).await.expect("tamper");
            pool.close().await;
        }
    }
    let tampered = fundament(&db, &["audit", "verify"]);
    assert!(!tampered.status.success());
    assert!(
        text(&tampered.stderr).contains("TAMPERED at entry 1"),
        "{}",
        text(&tampered.stderr)
    );
}

async fn export_writes_what_import_read(backend: Backend) {
    let db = TestDb::new(backend).await;
    assert!(
        fundament(
            &db,
            &[
                "import",
                "--preset",
                "salesforce-contacts",
                &data("salesforce-contacts.jsonl")
            ]
        )
        .status
        .success()
    );
    let jsonl = fundament(&db, &["export", "--entity", "contacts"]);
    let lines: Vec<serde_json::Value> = text(&jsonl.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(
        lines.iter().any(
            |contact| contact["last_name"] == "Орлов" && contact["phones"][0] == "+79995550101"
        )
    );
    let csv = text(&fundament(&db, &["export", "--entity", "contacts", "--format", "csv"]).stdout);
    assert!(
        csv.starts_with("id,owner_id,source_system") && csv.contains("Орлов"),
        "{csv}"
    );
}
