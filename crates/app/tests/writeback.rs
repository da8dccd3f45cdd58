//! Scores go back to the CRM the deals came from (here a local server that
//! speaks Bitrix24's REST protocol and limits), through the durable queue:
//! rate-limit answers, server errors, a CRM outage and a worker restart lose
//! no update and duplicate no task. On SQLite and PostgreSQL alike.

use std::collections::BTreeSet;
use std::time::Duration;

use app::{Actor, App, AppConfig};
use crm::Crm;
use crm::testing::{FakeCrm, FakeSetup, Fault};
use domain::EntityKind;
use store::ListQuery;
use test_support::{Backend, TestDb, backend_tests};
use tokio::sync::watch;

backend_tests!(scores_reach_the_crm_once_through_limits_outages_and_restarts);

async fn jobs_left(app: &App) -> i64 {
    app.store()
        .job_counts("writeback")
        .await
        .expect("counts")
        .iter()
        .filter(|(status, _)| status == "queued" || status == "running")
        .map(|(_, n)| n)
        .sum()
}

async fn scores_reach_the_crm_once_through_limits_outages_and_restarts(backend: Backend) {
    let db = TestDb::new(backend).await;
    let loader = App::open(&db.url, AppConfig::default())
        .await
        .expect("open");
    let config = demo::DemoConfig {
        contacts: 150,
        ..demo::DemoConfig::default()
    };
    loader
        .load_demo(&Actor::system("test"), &config)
        .await
        .expect("demo");
    let deals = loader
        .list(
            &Actor::system("test"),
            EntityKind::Deal,
            ListQuery {
                limit: 1000,
                ..ListQuery::default()
            },
        )
        .await
        .expect("deals")
        .items;
    let external: Vec<String> = deals
        .iter()
        .filter_map(|d| d.source.as_ref().map(|s| s.external_id.clone()))
        .collect();
    let bitrix = FakeCrm::start(Crm::Bitrix24, FakeSetup::new(external))
        .await
        .expect("fake Bitrix24");
    let app = App::open(
        &db.url,
        AppConfig {
            crm: vec![("bitrix24".into(), bitrix.connection())],
            ..AppConfig::default()
        },
    )
    .await
    .expect("open with the CRM");

    // The CRM answers the first pushes with its limit error and a 5xx.
    bitrix.inject(&[Fault::RateLimited, Fault::ServerError, Fault::RateLimited]);
    app.train_lead_model(&Actor::system("test"))
        .await
        .expect("train and score");
    let queued = jobs_left(&app).await;
    let open: Vec<_> = deals
        .iter()
        .filter(|d| d.text("status") == Some("open"))
        .filter(|d| d.source.as_ref().is_some_and(|s| s.system == "bitrix24"))
        .collect();
    assert_eq!(
        queued as usize,
        open.len(),
        "one push per open deal from Bitrix24"
    );

    // A worker runs for a while and is stopped mid-way (a restart).
    let (stop, stopped) = watch::channel(false);
    let worker = tokio::spawn(app::run_worker(app.clone(), "first".into(), stopped));
    tokio::time::sleep(Duration::from_secs(3)).await;
    stop.send(true).expect("stop");
    worker.await.expect("first worker");
    // The CRM goes down and comes back while nothing runs.
    bitrix.stop().await;
    bitrix.restart().await.expect("restart the CRM");
    let (_stop, stopped) = watch::channel(false);
    tokio::spawn(app::run_worker(app.clone(), "second".into(), stopped));
    for _ in 0..600 {
        if jobs_left(&app).await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let counts = app.store().job_counts("writeback").await.expect("counts");
    assert_eq!(
        counts,
        vec![("done".to_string(), queued)],
        "every push done, none failed"
    );

    let state = bitrix.state();
    let (score_field, reasons_field) = bitrix.fields();
    for deal in &open {
        let id = &deal.source.as_ref().expect("from Bitrix24").external_id;
        let fields = state.deals.get(id).expect("the deal was updated");
        let score = app
            .deal_score(&Actor::system("test"), deal.id)
            .await
            .expect("score")
            .expect("scored");
        assert_eq!(
            fields.get(&score_field).and_then(|v| v
                .as_f64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))),
            Some((score.probability * 100.0).round()),
            "{fields:?}"
        );
        assert!(
            fields
                .get(&reasons_field)
                .is_some_and(|v| v.to_string().contains("п.п."))
        );
    }
    // One task per deal that needs a person (every action but "keep warm"),
    // however many retries.
    let mut expected = 0;
    for deal in &open {
        let score = app
            .deal_score(&Actor::system("test"), deal.id)
            .await
            .expect("score")
            .expect("scored");
        expected += usize::from(score.action != app::Action::Nurture);
    }
    let keys: Vec<&str> = state
        .tasks
        .iter()
        .filter_map(|t| t.text.split("[fundament:").nth(1))
        .collect();
    let unique: BTreeSet<&str> = keys.iter().copied().collect();
    assert_eq!(keys.len(), unique.len(), "no task twice: {keys:?}");
    assert_eq!(keys.len(), expected, "{:?}", state.tasks);
    assert!(expected > 0, "the demo's open deals include some to call");
}
