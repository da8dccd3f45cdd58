//! HubSpot: 100 requests per 10 seconds (crm-apis.md §3.4); tasks found through the deal's
//! associations and their bodies.

use std::time::Duration;

use crm::{Connection, Crm, TaskOutcome};

use crate::scenarios;
use crate::support::{
    assert_applied_once, assert_never_rate_limited, busiest, client, deal_id, fake,
    push_concurrently, updates,
};

const CRM: Crm = Crm::HubSpot;

#[tokio::test]
async fn a_burst_of_30_stays_within_100_per_10_seconds() {
    // Arrange: every deal already has a task of someone else's, so each push reads it.
    let fake = fake(CRM, 30).await;
    for index in 0..30 {
        fake.seed_task(&deal_id(CRM, index), "Someone else's follow-up");
    }
    let client = client(&fake);
    let updates = updates(CRM, 30, true);

    // Act
    let results = push_concurrently(&client, &updates).await;

    // Assert
    for result in &results {
        let pushed = result.as_ref().expect("pushed");
        assert!(
            matches!(pushed.task, TaskOutcome::Created { .. }),
            "{pushed:?}"
        );
    }
    assert_never_rate_limited(&fake);
    assert_applied_once(&fake, &updates);
    let requests = fake.state().requests;
    assert_eq!(
        requests.len(),
        120,
        "update, associations, batch read, creation per deal"
    );
    assert!(busiest(&requests, Duration::from_secs(10)) <= 100);
    assert_eq!(fake.state().tasks.len(), 60, "30 seeded and 30 created");
}

#[tokio::test]
async fn retries_converge_to_exactly_once() {
    scenarios::retries_converge_to_exactly_once(CRM).await;
}

#[tokio::test]
async fn a_lost_answer_does_not_duplicate_the_task() {
    scenarios::a_lost_answer_does_not_duplicate_the_task(CRM).await;
}

#[tokio::test]
async fn a_wrong_token_is_an_auth_error() {
    scenarios::a_wrong_token_is_an_auth_error(CRM).await;
}

#[tokio::test]
async fn an_unknown_property_is_rejected_with_the_validation_error() {
    let fake = fake(CRM, 1).await;
    let mut connection = fake.connection();
    if let Connection::HubSpot { score_property, .. } = &mut connection {
        *score_property = "no_such_property".into();
    }
    scenarios::a_refused_request_is_rejected_with_the_body(
        CRM,
        connection,
        0,
        "PROPERTY_DOESNT_EXIST",
    )
    .await;
}

#[tokio::test]
async fn invalid_updates_send_nothing() {
    scenarios::invalid_updates_send_nothing(CRM).await;
}

#[tokio::test]
async fn fields_alone_touch_no_tasks() {
    scenarios::fields_alone_touch_no_tasks(CRM).await;
}
