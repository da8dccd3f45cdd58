//! Scenarios every CRM must pass; the per-CRM modules run them and add their own limits.

use std::time::Duration;

use crm::testing::{Fault, Op, Outcome};
use crm::{Client, Crm, PushError, TaskOutcome};

use crate::support::{
    assert_applied_once, assert_never_rate_limited, client, fake, push_until_done, update, updates,
    with_token,
};

/// An outage, then rate-limit and 5xx answers (one of them after the task was created):
/// every push reports retryable errors, and a caller that retries ends with every update
/// applied exactly once.
pub async fn retries_converge_to_exactly_once(crm: Crm) {
    // Arrange
    let fake = fake(crm, 5).await;
    let client = client(&fake);
    let updates = updates(crm, 5, true);

    // Act: the CRM is down for the first attempt.
    fake.stop().await;
    let during_outage = client.push(&updates[0]).await;
    fake.restart().await.expect("restart on the same port");
    let faults = [
        Fault::RateLimited,
        Fault::ServerError,
        Fault::RateLimited,
        Fault::ServerError,
        Fault::ServerError,
        Fault::RateLimited,
    ];
    fake.inject(&faults);
    // And one task creation that is applied but answered with a 5xx: the retry must find it.
    fake.fail_after_apply(Op::CreateTask);
    let mut errors = Vec::new();
    for update in &updates {
        push_until_done(&client, update, &mut errors).await;
    }

    // Assert
    assert!(
        matches!(during_outage, Err(PushError::Transient { .. })),
        "{during_outage:?}"
    );
    assert_eq!(
        errors.len(),
        faults.len() + 1,
        "one error per fault: {errors:#?}"
    );
    let rate_limited = errors
        .iter()
        .filter(|error| matches!(error, PushError::RateLimited { .. }))
        .count();
    let transient = errors
        .iter()
        .filter(|error| matches!(error, PushError::Transient { .. }))
        .count();
    assert_eq!((rate_limited, transient), (3, 4), "{errors:#?}");
    let failed_after_apply = fake
        .state()
        .requests
        .iter()
        .filter(|request| request.outcome == Outcome::FailedAfterApply)
        .count();
    assert_eq!(failed_after_apply, 1);
    assert_applied_once(&fake, &updates);
}

/// The answer to the task creation is lost after the task was created; the retry finds it.
pub async fn a_lost_answer_does_not_duplicate_the_task(crm: Crm) {
    // Arrange
    let fake = fake(crm, 1).await;
    let client =
        Client::with_timeout(&fake.connection(), Duration::from_millis(500)).expect("client");
    let update = update(crm, 0, true);
    fake.lose_answer(Op::CreateTask);

    // Act
    let first = client.push(&update).await;
    let mut errors = Vec::new();
    let retried = push_until_done(&client, &update, &mut errors).await;

    // Assert
    assert!(
        matches!(&first, Err(error) if error.retryable()),
        "{first:?}"
    );
    assert!(
        matches!(retried.task, TaskOutcome::AlreadyThere { .. }),
        "{retried:?}"
    );
    let lost = fake
        .state()
        .requests
        .iter()
        .filter(|request| request.outcome == Outcome::Lost)
        .count();
    assert_eq!(lost, 1, "the creation's answer was lost once");
    assert_eq!(fake.state().tasks.len(), 1, "{:#?}", fake.state().tasks);
    assert_applied_once(&fake, std::slice::from_ref(&update));
}

/// A wrong token is an `Auth` error, not retryable, and nothing changes.
pub async fn a_wrong_token_is_an_auth_error(crm: Crm) {
    let fake = fake(crm, 1).await;
    let client = Client::new(&with_token(&fake, "wrong-token")).expect("client");

    let result = client.push(&update(crm, 0, true)).await;

    let Err(error) = result else {
        panic!("pushed with a wrong token: {result:?}");
    };
    assert!(matches!(error, PushError::Auth { .. }), "{error}");
    assert!(!error.retryable());
    let state = fake.state();
    assert!(
        state.deals.values().all(|fields| fields.is_empty()),
        "{state:#?}"
    );
    assert!(state.tasks.is_empty());
    assert_eq!(state.requests[0].outcome, Outcome::Unauthorized);
}

/// A request the CRM refuses is `Rejected` with the CRM's own error body, not retryable.
pub async fn a_refused_request_is_rejected_with_the_body(
    crm: Crm,
    connection: crm::Connection,
    deal_index: usize,
    expected_code: &str,
) {
    let fake_client = Client::new(&connection).expect("client");

    let result = fake_client.push(&update(crm, deal_index, true)).await;

    let Err(error) = result else {
        panic!("a bad request went through: {result:?}");
    };
    assert!(!error.retryable(), "{error}");
    match error {
        PushError::Rejected { status, body, .. } => {
            assert_eq!(status, 400);
            assert!(body.contains(expected_code), "{body}");
        }
        other => panic!("expected Rejected, got {other}"),
    }
}

/// Invalid updates fail before any request.
pub async fn invalid_updates_send_nothing(crm: Crm) {
    let fake = fake(crm, 1).await;
    let client = client(&fake);
    let mut bad_probability = update(crm, 0, true);
    bad_probability.probability = f64::NAN;
    let mut bad_key = update(crm, 0, true);
    bad_key.key = "has space".into();
    let mut bad_deal = update(crm, 0, true);
    bad_deal.crm_deal_id = "not an id".into();

    for bad in [bad_probability, bad_key, bad_deal] {
        let result = client.push(&bad).await;
        assert!(
            matches!(&result, Err(PushError::Invalid { .. })),
            "{bad:?}: {result:?}"
        );
    }
    assert!(fake.state().requests.is_empty());
}

/// Without a task only the fields are written; nothing is looked up or created.
pub async fn fields_alone_touch_no_tasks(crm: Crm) {
    let fake = fake(crm, 2).await;
    let client = client(&fake);
    let updates = updates(crm, 2, false);

    let results = client.push_many(&updates).await;

    for result in &results {
        let pushed = result.as_ref().expect("pushed");
        assert_eq!(pushed.task, TaskOutcome::NotRequested);
    }
    assert_applied_once(&fake, &updates);
    let state = fake.state();
    assert!(
        state
            .requests
            .iter()
            .all(|request| request.ops == [Op::UpdateDeal]
                || request.ops.iter().all(|op| *op == Op::UpdateDeal)),
        "{:#?}",
        state.requests
    );
    assert_never_rate_limited(&fake);
}
