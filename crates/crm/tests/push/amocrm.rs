//! amoCRM: 7 requests per second (crm-apis.md §1.6), tasks found by their key in the text.

use std::time::Duration;

use crm::testing::{AMO_REASONS_FIELD_ID, Outcome};
use crm::{Client, Connection, Crm, PushError};

use crate::scenarios;
use crate::support::{
    assert_applied_once, assert_never_rate_limited, busiest, client, fake, push_concurrently,
    updates,
};

const CRM: Crm = Crm::AmoCrm;

#[tokio::test]
async fn a_burst_of_30_stays_within_7_per_second() {
    // Arrange
    let fake = fake(CRM, 30).await;
    let client = client(&fake);
    let updates = updates(CRM, 30, true);

    // Act
    let results = push_concurrently(&client, &updates).await;

    // Assert
    for result in &results {
        assert!(result.is_ok(), "{result:?}");
    }
    assert_never_rate_limited(&fake);
    assert_applied_once(&fake, &updates);
    let requests = fake.state().requests;
    assert_eq!(requests.len(), 90, "update, lookup and creation per deal");
    assert!(busiest(&requests, Duration::from_secs(1)) <= 7);
}

#[tokio::test]
async fn clients_that_do_not_share_a_limiter_get_the_429() {
    // Arrange: four clients (four processes, say) on one account, 28 updates at once.
    let fake = fake(CRM, 28).await;
    let clients: Vec<Client> = (0..4).map(|_| client(&fake)).collect();
    let updates = updates(CRM, 28, false);

    // Act
    let mut handles = Vec::new();
    for (index, update) in updates.into_iter().enumerate() {
        let client = clients[index % 4].clone();
        handles.push(tokio::spawn(async move { client.push(&update).await }));
    }
    let mut rate_limited = 0;
    for handle in handles {
        match handle.await.expect("push task") {
            Err(PushError::RateLimited { .. }) => rate_limited += 1,
            Err(other) => panic!("expected only rate limits, got {other}"),
            Ok(_) => {}
        }
    }

    // Assert: the fake's own 7-per-second limit answered, and the client read it as such.
    let refused = fake
        .state()
        .requests
        .iter()
        .filter(|request| request.outcome == Outcome::RateLimited)
        .count();
    assert!(
        refused > 0,
        "28 requests in a burst passed the fake's limit"
    );
    assert_eq!(rate_limited, refused);
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
async fn an_unknown_field_is_rejected_with_the_validation_errors() {
    let fake = fake(CRM, 1).await;
    let mut connection = fake.connection();
    if let Connection::AmoCrm { score_field_id, .. } = &mut connection {
        *score_field_id = AMO_REASONS_FIELD_ID + 999;
    }
    scenarios::a_refused_request_is_rejected_with_the_body(
        CRM,
        connection,
        0,
        "NotSupportedChoice",
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
