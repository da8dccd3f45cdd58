//! The Bitrix24 fake: an inbound webhook `POST /rest/{user}/{code}/batch` (crm-apis.md §2.1,
//! §2.4) running `crm.deal.update`, `crm.activity.list` and `crm.activity.todo.add`
//! sub-requests, with the `{"error", "error_description"}` envelope (§2.1) and the
//! `QUERY_LIMIT_EXCEEDED` answer (§2.5). Deal fields are stored without checking their
//! names: the sheet does not say how Bitrix24 answers an unknown one.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::{Admission, Book, Op, Shared, json as answer};
use crate::config::Crm;

const JSON: &str = "application/json";
/// §2.4: at most 50 commands per batch.
const BATCH_LIMIT: usize = 50;
/// §2.3: list pages hold 50.
const PAGE: usize = 50;

pub(super) fn router() -> Router<Arc<Shared>> {
    Router::new().route("/rest/{user}/{code}/{method}", post(call))
}

pub(super) fn unauthorized() -> Response {
    error(
        StatusCode::UNAUTHORIZED,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    )
}

/// §2.5: over the bucket → HTTP 503 with QUERY_LIMIT_EXCEEDED.
pub(super) fn rate_limited() -> Response {
    error(
        StatusCode::SERVICE_UNAVAILABLE,
        "QUERY_LIMIT_EXCEEDED",
        "Too many requests",
    )
}

pub(super) fn server_error() -> Response {
    error(
        StatusCode::INTERNAL_SERVER_ERROR,
        "INTERNAL_SERVER_ERROR",
        "Internal server error",
    )
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    answer(
        status,
        JSON,
        json!({ "error": code, "error_description": description }),
    )
}

async fn call(
    State(shared): State<Arc<Shared>>,
    Path((_user, code, method)): Path<(String, String, String)>,
    uri: Uri,
    body: Bytes,
) -> Response {
    // The recorded path hides the webhook code, as logs should.
    let path = uri.path().replace(&code, "{code}");
    let authorized = code == shared.token();
    let commands = parse_batch(&body);
    let ops = match &commands {
        Ok((commands, _)) => commands
            .iter()
            .filter_map(|(_, method, _)| op_of(method))
            .collect(),
        Err(_) => Vec::new(),
    };
    let ticket = match shared.admit("POST", &path, authorized, ops) {
        Admission::Admitted(ticket) => ticket,
        Admission::Refused(answer) => return answer,
    };
    let response = if method != "batch" && method != "batch.json" {
        error(
            StatusCode::NOT_FOUND,
            "ERROR_METHOD_NOT_FOUND",
            "Method not found!",
        )
    } else {
        match commands {
            Err((code, description)) => error(StatusCode::BAD_REQUEST, code, description),
            Ok((commands, halt)) => run(&shared, &commands, halt),
        }
    };
    ticket.answer(response).await
}

type Command = (String, String, Map<String, Value>);
/// Why a batch body is refused: error code and description.
type BadBatch = (&'static str, &'static str);

/// `{"halt": 0, "cmd": {key: "method?query"}}` → (key, method, params) in order, and halt.
fn parse_batch(body: &[u8]) -> Result<(Vec<Command>, bool), BadBatch> {
    let body: Value =
        serde_json::from_slice(body).map_err(|_| ("INVALID_REQUEST", "Body is not JSON"))?;
    let halt = match body.get("halt") {
        Some(Value::Bool(halt)) => *halt,
        Some(Value::Number(halt)) => halt.as_i64() != Some(0),
        _ => false,
    };
    let Some(cmd) = body.get("cmd").and_then(Value::as_object) else {
        return Err(("INVALID_REQUEST", "cmd is required"));
    };
    if cmd.len() > BATCH_LIMIT {
        return Err(("ERROR_BATCH_LENGTH_EXCEEDED", "Max batch length exceeded"));
    }
    let commands = cmd
        .iter()
        .map(|(key, request)| {
            let request = request.as_str().unwrap_or_default();
            let (method, query) = request.split_once('?').unwrap_or((request, ""));
            (key.clone(), method.to_string(), parse_php_query(query))
        })
        .collect();
    Ok((commands, halt))
}

fn op_of(method: &str) -> Option<Op> {
    match method {
        "crm.deal.update" => Some(Op::UpdateDeal),
        "crm.activity.list" => Some(Op::FindTask),
        "crm.activity.todo.add" => Some(Op::CreateTask),
        _ => None,
    }
}

/// Runs the commands in order; §2.4's answer shape (PHP's empty map is `[]`).
fn run(shared: &Shared, commands: &[Command], halt: bool) -> Response {
    let mut results = Map::new();
    let mut errors = Map::new();
    let mut book = shared.book();
    for (key, method, params) in commands {
        match execute(&mut book, method, params) {
            Ok(result) => {
                results.insert(key.clone(), result);
            }
            Err((code, description)) => {
                errors.insert(
                    key.clone(),
                    json!({ "error": code, "error_description": description }),
                );
                if halt {
                    break;
                }
            }
        }
    }
    let php_map = |map: Map<String, Value>| {
        if map.is_empty() {
            json!([])
        } else {
            Value::Object(map)
        }
    };
    answer(
        StatusCode::OK,
        JSON,
        json!({
            "result": {
                "result": php_map(results),
                "result_error": php_map(errors),
                "result_total": [],
                "result_next": [],
                "result_time": [],
            },
            "time": { "start": super::unix_now(), "operating": 0 },
        }),
    )
}

fn execute(
    book: &mut Book,
    method: &str,
    params: &Map<String, Value>,
) -> Result<Value, (&'static str, &'static str)> {
    let text = |value: Option<&Value>| {
        value
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    match method {
        "crm.deal.update" => {
            let id = text(params.get("id"));
            let fields = params
                .get("fields")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let deal = book
                .state
                .deals
                .get_mut(&id)
                .ok_or(("NOT_FOUND", "Not found."))?;
            deal.extend(fields);
            Ok(Value::Bool(true))
        }
        "crm.activity.list" => {
            let filter = params
                .get("filter")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            let owner_type = text(filter.get("OWNER_TYPE_ID"));
            let owner = filter.get("OWNER_ID").map(|it| text(Some(it)));
            let needle = filter
                .get("%DESCRIPTION")
                .map(|it| text(Some(it)).to_lowercase());
            let listed: Vec<Value> = book
                .state
                .tasks
                .iter()
                .filter(|_| owner_type.is_empty() || owner_type == "2")
                .filter(|task| owner.as_ref().is_none_or(|owner| &task.deal == owner))
                .filter(|task| {
                    needle
                        .as_ref()
                        .is_none_or(|needle| task.text.to_lowercase().contains(needle))
                })
                .take(PAGE)
                .map(|task| {
                    json!({ "ID": task.id, "OWNER_ID": task.deal, "OWNER_TYPE_ID": "2",
                            "SUBJECT": task.title, "DESCRIPTION": task.text, "DEADLINE": task.due })
                })
                .collect();
            Ok(Value::Array(listed))
        }
        "crm.activity.todo.add" => {
            let owner = text(params.get("ownerId"));
            let deadline = text(params.get("deadline"));
            if text(params.get("ownerTypeId")) != "2" || owner.is_empty() || deadline.is_empty() {
                // `crm.activity.todo.add` error code 100: required fields are missing.
                return Err(("100", "Required fields are missing"));
            }
            if !book.state.deals.contains_key(&owner) {
                return Err(("NOT_FOUND", "Not found."));
            }
            let title = text(params.get("title"));
            let description = text(params.get("description"));
            let id = book.add_task(Crm::Bitrix24, &owner, &title, &description, &deadline);
            Ok(json!({ "id": id.parse::<i64>().unwrap_or_default() }))
        }
        _ => Err(("ERROR_METHOD_NOT_FOUND", "Method not found!")),
    }
}

/// Reads a PHP-style query string (`a=1&b[c]=2&d[0]=x`) into nested maps, as Bitrix24 does.
pub(crate) fn parse_php_query(query: &str) -> Map<String, Value> {
    let mut root = Map::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (decode(name), decode(value));
        let (head, rest) = name.split_once('[').unwrap_or((&name, ""));
        let keys: Vec<&str> = rest
            .split('[')
            .map(|key| key.trim_end_matches(']'))
            .filter(|_| !rest.is_empty())
            .collect();
        let mut path = vec![head.to_string()];
        path.extend(keys.into_iter().map(str::to_string));
        insert_path(&mut root, &path, Value::String(value));
    }
    root
}

fn insert_path(map: &mut Map<String, Value>, path: &[String], value: Value) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if rest.is_empty() {
        map.insert(first.clone(), value);
        return;
    }
    let child = map
        .entry(first.clone())
        .or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    if let Value::Object(inner) = child {
        insert_path(inner, rest, value);
    }
}

/// Percent-decoding with `+` as space, as PHP's `urldecode`; a stray `%` stays as it is.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let escaped = (bytes[index] == b'%')
            .then(|| bytes.get(index + 1..index + 3))
            .flatten()
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok());
        match (escaped, bytes[index]) {
            (Some(byte), _) => {
                decoded.push(byte);
                index += 3;
            }
            (None, b'+') => {
                decoded.push(b' ');
                index += 1;
            }
            (None, byte) => {
                decoded.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bitrix24::query;

    #[test]
    fn sub_requests_round_trip_through_the_php_parser() {
        let request = query(
            "crm.activity.list",
            &[
                ("filter[OWNER_TYPE_ID]", "2".into()),
                ("filter[%DESCRIPTION]", "[fundament:a+b c]".into()),
                ("select[0]", "ID".into()),
                ("fields[UF_CRM_X]", "Причины\n→ звонок & 100%".into()),
            ],
        );
        let (method, query) = request.split_once('?').expect("method?query");
        let parsed = parse_php_query(query);
        assert_eq!(method, "crm.activity.list");
        assert_eq!(parsed["filter"]["OWNER_TYPE_ID"], "2");
        assert_eq!(parsed["filter"]["%DESCRIPTION"], "[fundament:a+b c]");
        assert_eq!(parsed["select"]["0"], "ID");
        assert_eq!(parsed["fields"]["UF_CRM_X"], "Причины\n→ звонок & 100%");
    }

    #[test]
    fn decoding_is_forgiving_like_php() {
        assert_eq!(decode("a+b%20c"), "a b c");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz"), "%zz");
        assert_eq!(decode("%4"), "%4");
    }
}
