//! The amoCRM fake: `PATCH /api/v4/leads/{id}`, `GET` and `POST /api/v4/tasks`, with
//! hal+json answers and problem+json errors (crm-apis.md §1.1, §1.6; Kommo tasks pages).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch};
use serde_json::{Value, json};

use super::{
    AMO_REASONS_FIELD_ID, AMO_SCORE_FIELD_ID, Admission, Op, Shared, bearer, json as answer,
    unix_now,
};
use crate::config::Crm;

const HAL: &str = "application/hal+json";
const PROBLEM: &str = "application/problem+json";

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route("/api/v4/leads/{id}", patch(update_lead))
        .route("/api/v4/tasks", get(list_tasks).post(add_tasks))
}

/// §1.6: the 401 example body.
pub(super) fn unauthorized() -> Response {
    problem(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "Invalid access token",
    )
}

/// §1.6: 429 when over 7 requests per second (the status is marked UNVERIFIED there).
pub(super) fn rate_limited() -> Response {
    problem(
        StatusCode::TOO_MANY_REQUESTS,
        "Too Many Requests",
        "Too many requests",
    )
}

pub(super) fn server_error() -> Response {
    problem(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Internal Server Error",
        "Internal error",
    )
}

fn problem(status: StatusCode, title: &str, detail: &str) -> Response {
    let code = status.as_u16();
    answer(
        status,
        PROBLEM,
        json!({ "title": title, "type": format!("https://httpstatus.es/{code}"), "status": code, "detail": detail }),
    )
}

/// §1.6: a validation failure names the offending path.
fn invalid(path: &str, code: &str) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        PROBLEM,
        json!({
            "title": "Bad Request",
            "type": "https://httpstatus.es/400",
            "status": 400,
            "detail": "Request validation failed",
            "validation-errors": [{
                "request_id": "0",
                "errors": [{ "code": code, "path": path, "detail": "This value is not valid." }],
            }],
        }),
    )
}

fn authorized(shared: &Shared, headers: &HeaderMap) -> bool {
    bearer(headers) == Some(shared.token())
}

async fn update_lead(
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
    let response = apply_lead(&shared, &id, &body);
    ticket.answer(response).await
}

fn apply_lead(shared: &Shared, id: &str, body: &[u8]) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(body) else {
        return invalid("", "InvalidJson");
    };
    let fields = body
        .get("custom_fields_values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let known = [AMO_SCORE_FIELD_ID, AMO_REASONS_FIELD_ID];
    let mut values = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let field_id = field.get("field_id").and_then(Value::as_i64);
        let Some(field_id) = field_id.filter(|id| known.contains(id)) else {
            // §1.6's example error: an unknown field is "NotSupportedChoice" on its field_id.
            return invalid(
                &format!("custom_fields_values.{index}.field_id"),
                "NotSupportedChoice",
            );
        };
        let Some(value) = field.pointer("/values/0/value") else {
            return invalid(&format!("custom_fields_values.{index}.values"), "NotBlank");
        };
        values.push((field_id.to_string(), value.clone()));
    }
    let mut book = shared.book();
    let Some(lead) = book.state.deals.get_mut(id) else {
        return problem(StatusCode::NOT_FOUND, "Not Found", "Lead not found");
    };
    lead.extend(values);
    answer(
        StatusCode::OK,
        HAL,
        json!({ "id": id.parse::<i64>().unwrap_or_default(), "updated_at": unix_now(),
                "_links": { "self": { "href": format!("/api/v4/leads/{id}") } } }),
    )
}

async fn list_tasks(
    State(shared): State<Arc<Shared>>,
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
    let response = list(&shared, &query);
    ticket.answer(response).await
}

fn list(shared: &Shared, query: &HashMap<String, String>) -> Response {
    let lead = query.get("filter[entity_id]");
    let limit: usize = query
        .get("limit")
        .and_then(|it| it.parse().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    let page: usize = query
        .get("page")
        .and_then(|it| it.parse().ok())
        .unwrap_or(1)
        .max(1);
    let book = shared.book();
    let matching: Vec<Value> = book
        .state
        .tasks
        .iter()
        .filter(|task| lead.is_none_or(|lead| &task.deal == lead))
        .skip((page - 1) * limit)
        .take(limit + 1)
        .map(|task| {
            json!({
                "id": task.id.parse::<i64>().unwrap_or_default(),
                "entity_id": task.deal.parse::<i64>().unwrap_or_default(),
                "entity_type": "leads",
                "text": task.text,
                "complete_till": task.due.parse::<i64>().unwrap_or_default(),
                "task_type_id": 1,
                "is_completed": false,
            })
        })
        .collect();
    // amoCRM answers an empty list with 204 and no body.
    if matching.is_empty() {
        return StatusCode::NO_CONTENT.into_response();
    }
    let more = matching.len() > limit;
    let mut links = json!({ "self": { "href": format!("/api/v4/tasks?page={page}") } });
    if more {
        links["next"] = json!({ "href": format!("/api/v4/tasks?page={}", page + 1) });
    }
    let tasks: Vec<Value> = matching.into_iter().take(limit).collect();
    answer(
        StatusCode::OK,
        HAL,
        json!({ "_page": page, "_links": links, "_embedded": { "tasks": tasks } }),
    )
}

async fn add_tasks(
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
    let response = add(&shared, &body);
    ticket.answer(response).await
}

fn add(shared: &Shared, body: &[u8]) -> Response {
    let Ok(Value::Array(items)) = serde_json::from_slice::<Value>(body) else {
        return invalid("", "InvalidJson");
    };
    let mut created = Vec::new();
    let mut book = shared.book();
    for (index, item) in items.iter().enumerate() {
        let text = item.get("text").and_then(Value::as_str).unwrap_or_default();
        let due = item.get("complete_till").and_then(Value::as_i64);
        let lead = item
            .get("entity_id")
            .and_then(Value::as_i64)
            .map(|id| id.to_string());
        if text.is_empty() {
            return invalid(&format!("{index}.text"), "NotBlank");
        }
        let Some(due) = due else {
            return invalid(&format!("{index}.complete_till"), "NotBlank");
        };
        let Some(lead) = lead.filter(|lead| book.state.deals.contains_key(lead)) else {
            return invalid(&format!("{index}.entity_id"), "NotFound");
        };
        if item.get("entity_type").and_then(Value::as_str) != Some("leads") {
            return invalid(&format!("{index}.entity_type"), "NotSupportedChoice");
        }
        let id = book.add_task(Crm::AmoCrm, &lead, "", text, &due.to_string());
        created.push(json!({
            "id": id.parse::<i64>().unwrap_or_default(),
            "request_id": item.get("request_id").cloned().unwrap_or(Value::String(index.to_string())),
            "_links": { "self": { "href": format!("/api/v4/tasks/{id}") } },
        }));
    }
    answer(
        StatusCode::OK,
        HAL,
        json!({ "_links": { "self": { "href": "/api/v4/tasks" } }, "_embedded": { "tasks": created } }),
    )
}
