//! The Salesforce fake: `PATCH .../sobjects/Opportunity/{id}`, `GET .../query` for the one
//! SOQL shape the client sends, and `POST .../sobjects/Task/`, with the JSON error array
//! of crm-apis.md §4.1 and `REQUEST_LIMIT_EXCEEDED` (HTTP 403) for its limits (§4.4).

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use serde_json::{Value, json};

use super::{
    Admission, Op, SALESFORCE_REASONS_FIELD, SALESFORCE_SCORE_FIELD, Shared, bearer, json as answer,
};
use crate::config::Crm;

const JSON: &str = "application/json";

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(
            "/services/data/{version}/sobjects/Opportunity/{id}",
            patch(update_opportunity),
        )
        .route("/services/data/{version}/query", get(query))
        .route("/services/data/{version}/sobjects/Task", post(create_task))
        .route("/services/data/{version}/sobjects/Task/", post(create_task))
}

pub(super) fn unauthorized() -> Response {
    errors(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    )
}

/// §4.4: limits are answered with REQUEST_LIMIT_EXCEEDED and HTTP 403.
pub(super) fn rate_limited() -> Response {
    errors(
        StatusCode::FORBIDDEN,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    )
}

pub(super) fn server_error() -> Response {
    errors(
        StatusCode::INTERNAL_SERVER_ERROR,
        "UNKNOWN_EXCEPTION",
        "An unexpected error occurred.",
    )
}

/// §4.1's error body: a JSON array of `{message, errorCode}`.
fn errors(status: StatusCode, code: &str, message: &str) -> Response {
    answer(
        status,
        JSON,
        json!([{ "message": message, "errorCode": code }]),
    )
}

fn authorized(shared: &Shared, headers: &HeaderMap, version: &str) -> bool {
    // A version the org does not know would be a 404; here it is simply required to look right.
    version.starts_with('v') && bearer(headers) == Some(shared.token())
}

async fn update_opportunity(
    State(shared): State<Arc<Shared>>,
    Path((version, id)): Path<(String, String)>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let authorized = authorized(&shared, &headers, &version);
    let ticket = match shared.admit("PATCH", uri.path(), authorized, vec![Op::UpdateDeal]) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = apply(&shared, &id, &body);
    ticket.answer(response).await
}

fn apply(shared: &Shared, id: &str, body: &[u8]) -> Response {
    let Ok(Value::Object(fields)) = serde_json::from_slice::<Value>(body) else {
        return errors(
            StatusCode::BAD_REQUEST,
            "JSON_PARSER_ERROR",
            "The body is not a JSON object",
        );
    };
    if let Some(name) = fields
        .keys()
        .find(|name| ![SALESFORCE_SCORE_FIELD, SALESFORCE_REASONS_FIELD].contains(&name.as_str()))
    {
        return errors(
            StatusCode::BAD_REQUEST,
            "INVALID_FIELD",
            &format!("No such column '{name}' on sObject of type Opportunity"),
        );
    }
    let mut book = shared.book();
    let Some(opportunity) = book.state.deals.get_mut(id) else {
        return errors(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "The requested resource does not exist",
        );
    };
    opportunity.extend(fields);
    StatusCode::NO_CONTENT.into_response()
}

async fn query(
    State(shared): State<Arc<Shared>>,
    Path(version): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let authorized = authorized(&shared, &headers, &version);
    let ticket = match shared.admit("GET", uri.path(), authorized, vec![Op::FindTask]) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = run_query(
        &shared,
        &version,
        params.get("q").map_or("", String::as_str),
    );
    ticket.answer(response).await
}

/// Answers `SELECT Id, Subject FROM Task WHERE WhatId = '…' AND Subject LIKE '…'` only.
fn run_query(shared: &Shared, version: &str, soql: &str) -> Response {
    let parsed = soql
        .strip_prefix("SELECT Id, Subject FROM Task WHERE WhatId = '")
        .and_then(|rest| rest.split_once("' AND Subject LIKE '"))
        .and_then(|(what_id, rest)| Some((what_id, rest.strip_suffix('\'')?)));
    let Some((what_id, pattern)) = parsed else {
        return errors(
            StatusCode::BAD_REQUEST,
            "MALFORMED_QUERY",
            "The fake understands one query shape",
        );
    };
    let pattern = like_pattern(pattern);
    let book = shared.book();
    let records: Vec<Value> = book
        .state
        .tasks
        .iter()
        .filter(|task| task.deal == what_id && like(&pattern, &task.title.to_lowercase()))
        .map(|task| {
            json!({ "attributes": { "type": "Task", "url": format!("/services/data/{version}/sobjects/Task/{}", task.id) },
                    "Id": task.id, "Subject": task.title })
        })
        .collect();
    answer(
        StatusCode::OK,
        JSON,
        json!({ "totalSize": records.len(), "done": true, "records": records }),
    )
}

async fn create_task(
    State(shared): State<Arc<Shared>>,
    Path(version): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    body: Bytes,
) -> Response {
    let authorized = authorized(&shared, &headers, &version);
    let ticket = match shared.admit("POST", uri.path(), authorized, vec![Op::CreateTask]) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = create(&shared, &body);
    ticket.answer(response).await
}

fn create(shared: &Shared, body: &[u8]) -> Response {
    let body = serde_json::from_slice::<Value>(body).unwrap_or_default();
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let what_id = field("WhatId");
    let mut book = shared.book();
    if !book.state.deals.contains_key(&what_id) {
        return answer(
            StatusCode::BAD_REQUEST,
            JSON,
            json!([{ "message": "Related To ID: id value of incorrect type", "errorCode": "FIELD_INTEGRITY_EXCEPTION", "fields": ["WhatId"] }]),
        );
    }
    let subject = field("Subject");
    if subject.chars().count() > 255 {
        return errors(
            StatusCode::BAD_REQUEST,
            "STRING_TOO_LONG",
            "Subject: data value too large",
        );
    }
    let id = book.add_task(
        Crm::Salesforce,
        &what_id,
        &subject,
        &field("Description"),
        &field("ActivityDate"),
    );
    answer(
        StatusCode::CREATED,
        JSON,
        json!({ "id": id, "success": true, "errors": [] }),
    )
}

/// One element of a SOQL LIKE pattern.
#[derive(Debug, PartialEq)]
enum Like {
    Any,
    One,
    Char(char),
}

/// Parses a LIKE pattern with `\` escapes; SOQL LIKE ignores case.
fn like_pattern(pattern: &str) -> Vec<Like> {
    let mut parsed = Vec::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        parsed.push(match c {
            '\\' => Like::Char(chars.next().unwrap_or('\\').to_ascii_lowercase()),
            '%' => Like::Any,
            '_' => Like::One,
            c => Like::Char(c.to_ascii_lowercase()),
        });
    }
    parsed
}

fn like(pattern: &[Like], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    // matches[j]: the pattern so far matches text[..j].
    let mut matches = vec![false; text.len() + 1];
    matches[0] = true;
    for element in pattern {
        let mut next = vec![false; text.len() + 1];
        for j in 0..=text.len() {
            next[j] = match element {
                Like::Any => matches[j] || (j > 0 && next[j - 1]),
                Like::One => j > 0 && matches[j - 1],
                Like::Char(c) => j > 0 && matches[j - 1] && text[j - 1] == *c,
            };
        }
        matches = next;
    }
    matches[text.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_follows_soql() {
        let cases = [
            ("%[fundament:a\\_b]%", "call [fundament:a_b]", true),
            ("%[fundament:a\\_b]%", "call [fundament:axb]", false),
            ("%key%", "KEY at the start", true),
            ("a_c", "abc", true),
            ("a%", "b", false),
        ];
        for (pattern, text, expected) in cases {
            assert_eq!(
                like(&like_pattern(pattern), &text.to_lowercase()),
                expected,
                "{pattern} ~ {text}"
            );
        }
    }
}
