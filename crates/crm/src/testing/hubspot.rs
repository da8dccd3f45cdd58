//! The HubSpot fake: `PATCH /crm/v3/objects/deals/{id}`,
//! `GET /crm/v4/objects/deals/{id}/associations/tasks`, `POST /crm/v3/objects/tasks/batch/read`
//! and `POST /crm/v3/objects/tasks`, with the error JSON of crm-apis.md §3.4 and its
//! 10-second limit answered by 429 and `policyName`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri, header::HeaderValue};
use axum::response::Response;
use axum::routing::{get, patch, post};
use serde_json::{Map, Value, json};

use super::{
    Admission, HUBSPOT_REASONS_PROPERTY, HUBSPOT_SCORE_PROPERTY, Op, Shared, bearer, json as answer,
};
use crate::config::Crm;

const JSON: &str = "application/json";
/// Task-to-deal association type the client must use.
const TASK_TO_DEAL: i64 = 216;
/// Deal-to-task, as reads from the deal's side report it.
const DEAL_TO_TASK: i64 = 215;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/crm/v3/objects/deals/{id}", patch(update_deal))
        .route(
            "/crm/v4/objects/deals/{id}/associations/tasks",
            get(deal_tasks),
        )
        .route("/crm/v3/objects/tasks/batch/read", post(read_tasks))
        .route("/crm/v3/objects/tasks", post(create_task))
}

pub(super) fn unauthorized() -> Response {
    failure(
        StatusCode::UNAUTHORIZED,
        "INVALID_AUTHENTICATION",
        "Authentication credentials not found.",
    )
}

/// §3.4: 429 whose body names the policy, with the rate-limit headers.
pub(super) fn rate_limited() -> Response {
    let mut response = answer(
        StatusCode::TOO_MANY_REQUESTS,
        JSON,
        json!({ "status": "error", "message": "You have reached your ten_secondly_rolling limit.",
                "errorType": "RATE_LIMIT", "correlationId": correlation_id(),
                "policyName": "TEN_SECONDLY_ROLLING" }),
    );
    let headers = response.headers_mut();
    headers.insert(
        "X-HubSpot-RateLimit-Interval-Milliseconds",
        HeaderValue::from_static("10000"),
    );
    headers.insert("X-HubSpot-RateLimit-Max", HeaderValue::from_static("100"));
    headers.insert(
        "X-HubSpot-RateLimit-Remaining",
        HeaderValue::from_static("0"),
    );
    response
}

pub(super) fn server_error() -> Response {
    failure(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_ERROR",
        "internal error",
    )
}

fn failure(status: StatusCode, category: &str, message: &str) -> Response {
    answer(
        status,
        JSON,
        json!({ "status": "error", "message": message, "correlationId": correlation_id(), "category": category }),
    )
}

fn correlation_id() -> String {
    format!("fake-{}", super::unix_now())
}

fn not_found() -> Response {
    failure(
        StatusCode::NOT_FOUND,
        "OBJECT_NOT_FOUND",
        "resource not found",
    )
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    bearer(headers) == Some(shared.token())
}

async fn update_deal(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let ticket = match shared.admit(
        "PATCH",
        uri.path(),
        authorized(&shared, &headers),
        vec![Op::UpdateDeal],
    ) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = apply_deal(&shared, &id, &body);
    ticket.answer(response).await
}

fn apply_deal(shared: &Shared, id: &str, body: &[u8]) -> Response {
    let properties = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| body.get("properties").and_then(Value::as_object).cloned())
        .unwrap_or_default();
    let unknown: Vec<&String> = properties
        .keys()
        .filter(|name| ![HUBSPOT_SCORE_PROPERTY, HUBSPOT_REASONS_PROPERTY].contains(&name.as_str()))
        .collect();
    if let Some(name) = unknown.first() {
        return answer(
            StatusCode::BAD_REQUEST,
            JSON,
            json!({
                "status": "error",
                "message": format!("Property values were not valid: Property \"{name}\" does not exist"),
                "correlationId": correlation_id(),
                "category": "VALIDATION_ERROR",
                "errors": [{ "message": format!("Property \"{name}\" does not exist"),
                             "code": "PROPERTY_DOESNT_EXIST", "context": { "propertyName": [name] } }],
            }),
        );
    }
    let mut book = shared.book();
    let Some(deal) = book.state.deals.get_mut(id) else {
        return not_found();
    };
    deal.extend(properties);
    let properties: Map<String, Value> = deal.clone().into_iter().collect();
    answer(
        StatusCode::OK,
        JSON,
        json!({ "id": id, "properties": properties, "archived": false }),
    )
}

async fn deal_tasks(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let ticket = match shared.admit(
        "GET",
        uri.path(),
        authorized(&shared, &headers),
        vec![Op::FindTask],
    ) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = associations(&shared, &id, &query);
    ticket.answer(response).await
}

fn associations(shared: &Shared, id: &str, query: &HashMap<String, String>) -> Response {
    let limit: usize = query
        .get("limit")
        .and_then(|it| it.parse().ok())
        .unwrap_or(500)
        .clamp(1, 500);
    let offset: usize = query
        .get("after")
        .and_then(|it| it.parse().ok())
        .unwrap_or(0);
    let book = shared.book();
    if !book.state.deals.contains_key(id) {
        return not_found();
    }
    let tasks: Vec<&super::FakeTask> = book
        .state
        .tasks
        .iter()
        .filter(|task| task.deal == id)
        .collect();
    let results: Vec<Value> = tasks
        .iter()
        .skip(offset)
        .take(limit)
        .map(|task| {
            json!({ "toObjectId": task.id.parse::<i64>().unwrap_or_default(),
                    "associationTypes": [{ "category": "HUBSPOT_DEFINED", "typeId": DEAL_TO_TASK, "label": null }] })
        })
        .collect();
    let mut body = json!({ "results": results });
    if offset + limit < tasks.len() {
        body["paging"] = json!({ "next": { "after": (offset + limit).to_string() } });
    }
    answer(StatusCode::OK, JSON, body)
}

async fn read_tasks(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let ticket = match shared.admit(
        "POST",
        uri.path(),
        authorized(&shared, &headers),
        vec![Op::FindTask],
    ) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = batch_read(&shared, &body);
    ticket.answer(response).await
}

fn batch_read(shared: &Shared, body: &[u8]) -> Response {
    let inputs: Vec<String> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| body.get("inputs").and_then(Value::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|input| input.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    // §3.2: batches take at most 100 inputs.
    if inputs.is_empty() || inputs.len() > 100 {
        return failure(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "inputs must hold 1 to 100 ids",
        );
    }
    let book = shared.book();
    let results: Vec<Value> = inputs
        .iter()
        .filter_map(|id| book.state.tasks.iter().find(|task| &task.id == id))
        .map(task_json)
        .collect();
    let missing = inputs.len() - results.len();
    let mut body = json!({ "status": "COMPLETE", "results": results });
    if missing > 0 {
        body["numErrors"] = json!(missing);
        body["errors"] = json!([{ "status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some TASK objects" }]);
        return answer(StatusCode::MULTI_STATUS, JSON, body);
    }
    answer(StatusCode::OK, JSON, body)
}

fn task_json(task: &super::FakeTask) -> Value {
    json!({ "id": task.id, "archived": false,
            "properties": { "hs_object_id": task.id, "hs_task_subject": task.title,
                            "hs_task_body": task.text, "hs_timestamp": task.due } })
}

async fn create_task(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let ticket = match shared.admit(
        "POST",
        uri.path(),
        authorized(&shared, &headers),
        vec![Op::CreateTask],
    ) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = create(&shared, &body);
    ticket.answer(response).await
}

fn create(shared: &Shared, body: &[u8]) -> Response {
    let body = serde_json::from_slice::<Value>(body).unwrap_or_default();
    let property = |name: &str| {
        body.pointer(&format!("/properties/{name}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let due = property("hs_timestamp");
    if due.is_empty() {
        return failure(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "hs_timestamp is required",
        );
    }
    let deal = body
        .get("associations")
        .and_then(Value::as_array)
        .and_then(|associations| {
            associations.iter().find(|association| {
                association
                    .pointer("/types/0/associationTypeId")
                    .and_then(Value::as_i64)
                    == Some(TASK_TO_DEAL)
            })
        })
        .and_then(|association| association.pointer("/to/id"))
        .map(|id| match id {
            Value::String(id) => id.clone(),
            other => other.to_string(),
        });
    let mut book = shared.book();
    let Some(deal) = deal.filter(|deal| book.state.deals.contains_key(deal)) else {
        return failure(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "associations must name an existing deal with type 216",
        );
    };
    let id = book.add_task(
        Crm::HubSpot,
        &deal,
        &property("hs_task_subject"),
        &property("hs_task_body"),
        &due,
    );
    let created = book
        .state
        .tasks
        .iter()
        .find(|task| task.id == id)
        .map(task_json)
        .unwrap_or_default();
    answer(StatusCode::CREATED, JSON, created)
}
