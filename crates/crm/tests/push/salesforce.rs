//! Salesforce: at most 25 requests in flight (crm-apis.md §4.4), REQUEST_LIMIT_EXCEEDED as
//! the rate-limit answer, tasks found by a SOQL query on their subject.

use std::time::Duration;

use crm::testing::FakeSetup;
use crm::{Connection, Crm, PushError};

use crate::scenarios;
use crate::support::{
    assert_applied_once, assert_never_rate_limited, client, deals, fake, fake_with,
    push_concurrently, update, updates,
};

const CRM: Crm = Crm::Salesforce;

#[tokio::test]
async fn a_burst_of_30_never_has_more_than_25_in_flight() {
    // Arrange: slow answers, so 30 concurrent pushes would put 30 requests in flight.
    let mut setup = FakeSetup::new(deals(CRM, 30));
    setup.latency = Duration::from_millis(100);
    let fake = fake_with(CRM, setup).await;
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
    assert_eq!(fake.state().requests.len(), 90);
}

#[tokio::test]
async fn a_used_up_allocation_is_rate_limited() {
    let mut setup = FakeSetup::new(deals(CRM, 1));
    setup.allocation = Some(1);
    let fake = fake_with(CRM, setup).await;
    let client = client(&fake);

    let result = client.push(&update(CRM, 0, true)).await;

    let Err(error) = result else {
        panic!("pushed past the allocation: {result:?}");
    };
    assert!(matches!(error, PushError::RateLimited { .. }), "{error}");
    assert!(error.retry_in(1) >= Duration::from_secs(60), "{error:?}");
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
async fn an_unknown_field_is_rejected_with_invalid_field() {
    let fake = fake(CRM, 1).await;
    let mut connection = fake.connection();
    if let Connection::Salesforce { score_field, .. } = &mut connection {
        *score_field = "No_Such_Field__c".into();
    }
    scenarios::a_refused_request_is_rejected_with_the_body(CRM, connection, 0, "INVALID_FIELD")
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
