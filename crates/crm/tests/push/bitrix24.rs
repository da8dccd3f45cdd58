//! Bitrix24: everything through `batch` (≤ 50 commands, one hit each), paced at the 2 per
//! second the leaky bucket drains (crm-apis.md §2.4, §2.5); activities found by their key.

use std::time::Duration;

use crm::testing::Op;
use crm::{Crm, PushError, TaskOutcome};

use crate::scenarios;
use crate::support::{
    assert_applied_once, assert_never_rate_limited, busiest, client, fake, update, updates,
};

const CRM: Crm = Crm::Bitrix24;

#[tokio::test]
async fn a_burst_of_30_goes_in_3_batches_at_2_per_second() {
    // Arrange
    let fake = fake(CRM, 30).await;
    let client = client(&fake);
    let updates = updates(CRM, 30, true);

    // Act
    let results = client.push_many(&updates).await;

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
    // 30 updates + 30 lookups = 60 commands in two batches, then 30 creations in one.
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert!(
        requests
            .iter()
            .all(|request| request.path.ends_with("/batch"))
    );
    assert!(busiest(&requests, Duration::from_secs(1)) <= 2);
}

#[tokio::test]
async fn push_many_of_120_uses_3_batch_calls() {
    let fake = fake(CRM, 120).await;
    let client = client(&fake);
    let updates = updates(CRM, 120, false);

    let results = client.push_many(&updates).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_applied_once(&fake, &updates);
    let requests = fake.state().requests;
    assert_eq!(requests.len(), 3, "{requests:#?}");
    assert!(requests.iter().all(|request| request.ops.len() <= 50));
    assert!(busiest(&requests, Duration::from_secs(1)) <= 2);
}

#[tokio::test]
async fn pushing_again_finds_the_activities() {
    let fake = fake(CRM, 3).await;
    let client = client(&fake);
    let updates = updates(CRM, 3, true);

    let first = client.push_many(&updates).await;
    let second = client.push_many(&updates).await;

    assert!(first.iter().all(Result::is_ok), "{first:?}");
    for result in &second {
        let pushed = result.as_ref().expect("pushed");
        assert!(
            matches!(pushed.task, TaskOutcome::AlreadyThere { .. }),
            "{pushed:?}"
        );
    }
    assert_applied_once(&fake, &updates);
    let creations = fake
        .state()
        .requests
        .iter()
        .filter(|request| request.ops.contains(&Op::CreateTask))
        .count();
    assert_eq!(creations, 1, "only the first round created activities");
}

#[tokio::test]
async fn one_bad_update_fails_only_its_own_slot() {
    let fake = fake(CRM, 2).await;
    let client = client(&fake);
    let good = update(CRM, 0, true);
    let mut not_a_number = update(CRM, 1, true);
    not_a_number.crm_deal_id = "abc".into();
    let mut unknown = update(CRM, 1, true);
    unknown.crm_deal_id = "999999".into();

    let results = client
        .push_many(&[good.clone(), not_a_number, unknown])
        .await;

    assert!(results[0].is_ok(), "{:?}", results[0]);
    assert!(
        matches!(results[1], Err(PushError::Invalid { .. })),
        "{:?}",
        results[1]
    );
    assert!(
        matches!(&results[2], Err(PushError::Rejected { body, .. }) if body.contains("NOT_FOUND")),
        "{:?}",
        results[2]
    );
    assert_applied_once(&fake, &[good]);
    assert_eq!(fake.state().tasks.len(), 1);
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
async fn a_wrong_webhook_code_is_an_auth_error() {
    scenarios::a_wrong_token_is_an_auth_error(CRM).await;
}

#[tokio::test]
async fn an_unknown_deal_is_rejected_with_not_found() {
    // The fake does not validate UF field names (crm-apis.md does not say what Bitrix24
    // answers for an unknown one), so the refused request here is an unknown deal.
    let fake = fake(CRM, 1).await;
    scenarios::a_refused_request_is_rejected_with_the_body(CRM, fake.connection(), 7, "NOT_FOUND")
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
