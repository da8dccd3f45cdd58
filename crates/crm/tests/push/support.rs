//! What the push tests share: updates, the caller's retry loop (the job queue's part),
//! and checks that read the fake's recorded state.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crm::testing::{FakeCrm, FakeSetup, Outcome, Recorded};
use crm::{Client, Connection, Crm, PushError, Pushed, Secret, Task, Update};

/// The deal id of the `index`th test deal, in the CRM's own id style.
pub fn deal_id(crm: Crm, index: usize) -> String {
    match crm {
        // Opportunity ids have the 006 key prefix and 15 or 18 characters.
        Crm::Salesforce => format!("006{:015}", index + 1),
        _ => (100 + index).to_string(),
    }
}

pub fn deals(crm: Crm, n: usize) -> Vec<String> {
    (0..n).map(|index| deal_id(crm, index)).collect()
}

/// A fake of `crm` with `n` deals.
pub async fn fake(crm: Crm, n: usize) -> FakeCrm {
    fake_with(crm, FakeSetup::new(deals(crm, n))).await
}

pub async fn fake_with(crm: Crm, setup: FakeSetup) -> FakeCrm {
    FakeCrm::start(crm, setup).await.expect("fake CRM starts")
}

pub fn client(fake: &FakeCrm) -> Client {
    Client::new(&fake.connection()).expect("client for the fake")
}

/// The `index`th update: score `index`% and, if asked, a task.
pub fn update(crm: Crm, index: usize, with_task: bool) -> Update {
    Update {
        crm_deal_id: deal_id(crm, index),
        probability: (index % 100) as f64 / 100.0,
        reasons: format!("Reason {index}: replied within a day"),
        action: "Call back".to_string(),
        task: with_task.then(|| Task {
            text: format!("Call deal {index} about the proposal"),
            due: Utc
                .with_ymd_and_hms(2026, 12, 1, 9, 30, 0)
                .single()
                .expect("date"),
        }),
        key: format!("score:{index}:v1"),
    }
}

pub fn updates(crm: Crm, n: usize, with_task: bool) -> Vec<Update> {
    (0..n).map(|index| update(crm, index, with_task)).collect()
}

/// The caller's retry loop: push until done, sleeping what `retry_in` says (capped, to keep
/// tests short), failing on any error that is not retryable. Errors seen are kept.
pub async fn push_until_done(
    client: &Client,
    update: &Update,
    errors: &mut Vec<PushError>,
) -> Pushed {
    for attempt in 1..=30 {
        match client.push(update).await {
            Ok(pushed) => return pushed,
            Err(error) => {
                assert!(error.retryable(), "not retryable: {error}");
                let wait = error.retry_in(attempt).min(Duration::from_millis(20));
                errors.push(error);
                tokio::time::sleep(wait).await;
            }
        }
    }
    panic!(
        "deal {} not pushed after 30 attempts: {errors:#?}",
        update.crm_deal_id
    );
}

/// The most requests the fake received inside any `window`.
pub fn busiest(requests: &[Recorded], window: Duration) -> usize {
    let times: Vec<Instant> = requests.iter().map(|request| request.at).collect();
    times
        .iter()
        .map(|&start| {
            times
                .iter()
                .filter(|&&at| at >= start && at.duration_since(start) < window)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Fields hold each update's score and reasons, and each deal with a task has exactly one,
/// carrying its key.
pub fn assert_applied_once(fake: &FakeCrm, updates: &[Update]) {
    let state = fake.state();
    let (score_field, reasons_field) = fake.fields();
    for update in updates {
        let deal = &update.crm_deal_id;
        let fields = state
            .deals
            .get(deal)
            .unwrap_or_else(|| panic!("deal {deal} exists"));
        let score = fields.get(&score_field).map(text);
        let expected = ((update.probability * 100.0).round() as u8).to_string();
        assert_eq!(
            score.as_deref(),
            Some(expected.as_str()),
            "deal {deal}'s score"
        );
        let reasons = fields.get(&reasons_field).map(text).unwrap_or_default();
        assert!(
            reasons.starts_with(&update.reasons),
            "deal {deal}'s reasons: {reasons:?}"
        );
        assert!(
            reasons.contains(&update.action),
            "deal {deal}'s reasons: {reasons:?}"
        );
        let marker = format!("[fundament:{}]", update.key);
        let keyed: Vec<_> = state
            .tasks
            .iter()
            .filter(|task| task.text.contains(&marker) || task.title.contains(&marker))
            .collect();
        match &update.task {
            None => assert!(keyed.is_empty(), "deal {deal} got a task: {keyed:?}"),
            Some(task) => {
                assert_eq!(
                    keyed.len(),
                    1,
                    "deal {deal}'s tasks with key {}: {keyed:#?}",
                    update.key
                );
                assert_eq!(&keyed[0].deal, deal, "the task is on its deal");
                assert!(keyed[0].text.contains(&task.text), "{:?}", keyed[0]);
            }
        }
    }
}

/// No request was refused by the CRM's own limit.
pub fn assert_never_rate_limited(fake: &FakeCrm) {
    let refused = fake
        .state()
        .requests
        .iter()
        .filter(|request| request.outcome == Outcome::RateLimited)
        .count();
    assert_eq!(refused, 0, "requests refused by the rate limit");
}

fn text(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// The fake's connection with another token (Bitrix24: another webhook code).
pub fn with_token(fake: &FakeCrm, token: &str) -> Connection {
    let mut connection = fake.connection();
    match &mut connection {
        Connection::AmoCrm { access_token, .. } | Connection::Salesforce { access_token, .. } => {
            *access_token = Secret::new(token);
        }
        Connection::HubSpot { token: secret, .. } => *secret = Secret::new(token),
        Connection::Bitrix24 { webhook_url, .. } => {
            *webhook_url = Secret::new(format!("{}/rest/1/{token}/", fake.base_url()));
        }
    }
    connection
}

/// Pushes `n` updates concurrently, each from its own task, as a busy queue would.
pub async fn push_concurrently(
    client: &Client,
    updates: &[Update],
) -> Vec<Result<Pushed, PushError>> {
    let handles: Vec<_> = updates
        .iter()
        .cloned()
        .map(|update| {
            let client = client.clone();
            tokio::spawn(async move { client.push(&update).await })
        })
        .collect();
    let mut results = Vec::new();
    for handle in handles {
        results.push(handle.await.expect("push task"));
    }
    results
}
