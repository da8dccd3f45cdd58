//! Bitrix24 REST through an inbound webhook (crm-apis.md §2): everything goes through
//! `batch` (§2.4), which counts as one hit against the portal's limiter (§2.5).
//! First batch round: `crm.deal.update` with the UF fields and, for a task,
//! `crm.activity.list` looking for an activity carrying the update's key. Second round:
//! `crm.activity.todo.add` for the tasks not found.

use std::collections::HashMap;
use std::time::Duration;

use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::endpoint;
use crate::config::Crm;
use crate::error::PushError;
use crate::transport::{Answer, Ctx, Transport};
use crate::update::{Pushed, TaskOutcome, Update};

/// A Bitrix24 portal, as configured.
pub(crate) struct Bitrix24 {
    /// `https://{portal}/rest/{user_id}/{webhook_code}/`.
    pub(crate) webhook: Url,
    pub(crate) score_field: String,
    pub(crate) reasons_field: Option<String>,
}

const UPDATE_FIELDS: &str = "updating the deal's fields";
const FIND_TASK: &str = "looking for the activity";
const CREATE_TASK: &str = "creating the activity";

/// §2.4: at most 50 commands in one `batch`.
const BATCH_LIMIT: usize = 50;
/// §2.5: the bucket drains 2 requests per second, so a second frees room again.
const QUERY_LIMIT_WAIT: Duration = Duration::from_secs(1);
/// §2.5: a method over its operating limit is blocked for 10 minutes (HTTP 429).
const OPERATING_LIMIT_WAIT: Duration = Duration::from_secs(600);
/// CRM object type 2 is a deal (`crm.activity.todo.add`: "for example `2` for a deal").
const DEAL_OWNER_TYPE: &str = "2";
/// Activity titles are cut here; the full text goes into the description.
const TITLE_CHARS: usize = 250;

/// One sub-request of a batch, for one update.
struct Command {
    key: String,
    slot: usize,
    deal: String,
    step: &'static str,
    query: String,
}

impl Bitrix24 {
    /// Pushes `updates` in as few `batch` calls as the 50-command limit allows; one result
    /// per update, in order. Each update is validated here, so a bad one fails only itself.
    pub(crate) async fn push_many(
        &self,
        t: &Transport,
        updates: &[Update],
    ) -> Vec<Result<Pushed, PushError>> {
        let mut outcomes: Vec<Option<Result<Pushed, PushError>>> = vec![None; updates.len()];
        let mut first_round = Vec::new();
        for (slot, update) in updates.iter().enumerate() {
            let valid = update.validate(Crm::Bitrix24).and_then(|()| {
                update
                    .crm_deal_id
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|id| *id > 0)
                    .map(|_| ())
                    .ok_or_else(|| {
                        t.ctx(&update.crm_deal_id, UPDATE_FIELDS)
                            .invalid("a numeric deal id")
                    })
            });
            if let Err(error) = valid {
                outcomes[slot] = Some(Err(error));
                continue;
            }
            first_round.push(self.update_command(slot, update));
            if update.task.is_some() {
                first_round.push(find_command(slot, update));
            }
        }
        let mut answers = self.run(t, &first_round).await;

        let mut second_round = Vec::new();
        for (slot, update) in updates.iter().enumerate() {
            if outcomes[slot].is_some() {
                continue;
            }
            let ctx = t.ctx(&update.crm_deal_id, UPDATE_FIELDS);
            let updated = take(&mut answers, &format!("u{slot}"), ctx).and_then(|value| {
                if value == Value::Bool(true) {
                    Ok(())
                } else {
                    Err(ctx.unexpected("result true", &value.to_string()))
                }
            });
            if let Err(error) = updated {
                outcomes[slot] = Some(Err(error));
                continue;
            }
            let Some(task) = &update.task else {
                outcomes[slot] = Some(Ok(pushed(update, TaskOutcome::NotRequested)));
                continue;
            };
            let ctx = t.ctx(&update.crm_deal_id, FIND_TASK);
            let marker = update.marker();
            let found = take(&mut answers, &format!("f{slot}"), ctx).and_then(|value| {
                let listed: Vec<Activity> = serde_json::from_value(value.clone())
                    .map_err(|_| ctx.unexpected("a list of activities", &value.to_string()))?;
                Ok(listed
                    .into_iter()
                    .find(|activity| activity.description.contains(&marker))
                    .map(|activity| id_text(&activity.id)))
            });
            match found {
                Err(error) => outcomes[slot] = Some(Err(error)),
                Ok(Some(id)) => {
                    outcomes[slot] = Some(Ok(pushed(update, TaskOutcome::AlreadyThere { id })));
                }
                Ok(None) => second_round.push(Command {
                    key: format!("a{slot}"),
                    slot,
                    deal: update.crm_deal_id.clone(),
                    step: CREATE_TASK,
                    // `crm.activity.todo.add`: ownerTypeId, ownerId, deadline, title, description.
                    query: query(
                        "crm.activity.todo.add",
                        &[
                            ("ownerTypeId", DEAL_OWNER_TYPE.to_string()),
                            ("ownerId", update.crm_deal_id.trim().to_string()),
                            ("deadline", task.due.to_rfc3339()),
                            ("title", task.title(TITLE_CHARS)),
                            ("description", task.body_with(&marker)),
                        ],
                    ),
                }),
            }
        }
        let mut answers = self.run(t, &second_round).await;
        for command in &second_round {
            let update = &updates[command.slot];
            let ctx = t.ctx(&command.deal, CREATE_TASK);
            let created = take(&mut answers, &command.key, ctx).and_then(|value| {
                value.get("id").map(id_text).ok_or_else(|| {
                    ctx.unexpected("{\"id\": <new activity id>}", &value.to_string())
                })
            });
            outcomes[command.slot] =
                Some(created.map(|id| pushed(update, TaskOutcome::Created { id })));
        }

        outcomes
            .into_iter()
            .zip(updates)
            .map(|(outcome, update)| {
                outcome.unwrap_or_else(|| {
                    Err(t
                        .ctx(&update.crm_deal_id, UPDATE_FIELDS)
                        .unexpected("an answer for every command", ""))
                })
            })
            .collect()
    }

    fn update_command(&self, slot: usize, update: &Update) -> Command {
        // `crm.deal.update`: `id` and `fields{...}` with the UF fields (§2.2).
        let mut fields = vec![(
            format!("fields[{}]", self.score_field),
            update.score_percent().to_string(),
        )];
        if let Some(reasons) = &self.reasons_field {
            fields.push((format!("fields[{reasons}]"), update.reasons_text()));
        }
        let mut params = vec![("id", update.crm_deal_id.trim().to_string())];
        params.extend(
            fields
                .iter()
                .map(|(name, value)| (name.as_str(), value.clone())),
        );
        Command {
            key: format!("u{slot}"),
            slot,
            deal: update.crm_deal_id.clone(),
            step: UPDATE_FIELDS,
            query: query("crm.deal.update", &params),
        }
    }

    /// Runs `commands` in batches of at most 50; the answer for each command key.
    async fn run(
        &self,
        t: &Transport,
        commands: &[Command],
    ) -> HashMap<String, Result<Value, PushError>> {
        let mut answers = HashMap::new();
        for chunk in commands.chunks(BATCH_LIMIT) {
            let Some(first) = chunk.first() else {
                continue;
            };
            let cmd: serde_json::Map<String, Value> = chunk
                .iter()
                .map(|command| (command.key.clone(), Value::String(command.query.clone())))
                .collect();
            // §2.4: halt=0 so one failing command does not stop the others.
            let request = t
                .http
                .post(endpoint(&self.webhook, &["batch"]))
                .json(&json!({ "halt": 0, "cmd": cmd }));
            let ctx = t.ctx(&first.deal, first.step);
            let parsed = t.send(request, ctx).await.and_then(|answer| {
                if answer.is_success() {
                    ctx.parse::<BatchAnswer>(&answer, "a batch result with result and result_error")
                } else {
                    Err(batch_error(&answer, ctx))
                }
            });
            for command in chunk {
                let ctx = t.ctx(&command.deal, command.step);
                let answer = match &parsed {
                    Err(error) => Err(error.clone().rebind(&command.deal, command.step)),
                    Ok(batch) => batch.answer_for(&command.key, ctx),
                };
                answers.insert(command.key.clone(), answer);
            }
        }
        answers
    }
}

fn find_command(slot: usize, update: &Update) -> Command {
    // `crm.activity.list` filter prefix `%` is a substring search (LIKE).
    Command {
        key: format!("f{slot}"),
        slot,
        deal: update.crm_deal_id.clone(),
        step: FIND_TASK,
        query: query(
            "crm.activity.list",
            &[
                ("filter[OWNER_TYPE_ID]", DEAL_OWNER_TYPE.to_string()),
                ("filter[OWNER_ID]", update.crm_deal_id.trim().to_string()),
                ("filter[%DESCRIPTION]", update.marker()),
                ("select[0]", "ID".to_string()),
                ("select[1]", "DESCRIPTION".to_string()),
            ],
        ),
    }
}

fn pushed(update: &Update, task: TaskOutcome) -> Pushed {
    Pushed {
        crm: Crm::Bitrix24,
        crm_deal_id: update.crm_deal_id.clone(),
        task,
    }
}

fn take(
    answers: &mut HashMap<String, Result<Value, PushError>>,
    key: &str,
    ctx: Ctx<'_>,
) -> Result<Value, PushError> {
    answers
        .remove(key)
        .unwrap_or_else(|| Err(ctx.unexpected("an answer for every command", "")))
}

/// Bitrix24 gives ids as numbers or as numeric strings.
fn id_text(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// A sub-request in the query-string form `batch` expects (§2.4): `method?a=1&b[c]=2`,
/// each name and value percent-encoded.
pub(crate) fn query(method: &str, params: &[(&str, String)]) -> String {
    let pairs: Vec<String> = params
        .iter()
        .map(|(name, value)| format!("{}={}", encode(name), encode(value)))
        .collect();
    format!("{method}?{}", pairs.join("&"))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
pub(crate) fn encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// An error answer to the `batch` call itself. §2.5: 503 `QUERY_LIMIT_EXCEEDED` when the
/// bucket overflows; 429 when a method exceeded its operating time.
fn batch_error(answer: &Answer, ctx: Ctx<'_>) -> PushError {
    let code = serde_json::from_str::<ErrorBody>(&answer.body)
        .map(|body| body.error)
        .unwrap_or_default();
    match (answer.status, code.as_str()) {
        (_, "QUERY_LIMIT_EXCEEDED") => {
            ctx.rate_limited(answer.retry_after().unwrap_or(QUERY_LIMIT_WAIT))
        }
        (429, _) => ctx.rate_limited(answer.retry_after().unwrap_or(OPERATING_LIMIT_WAIT)),
        _ => answer.common_error(ctx, QUERY_LIMIT_WAIT),
    }
}

/// An error one command got inside a successful `batch` (§2.4 `result_error`).
fn command_error(body: &Value, ctx: Ctx<'_>) -> PushError {
    let code = body
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match code {
        "QUERY_LIMIT_EXCEEDED" => ctx.rate_limited(QUERY_LIMIT_WAIT),
        "OPERATION_TIME_LIMIT" => ctx.rate_limited(OPERATING_LIMIT_WAIT),
        "INTERNAL_SERVER_ERROR" => ctx.transient(body.to_string()),
        "expired_token" | "invalid_token" | "INVALID_CREDENTIALS" | "NO_AUTH_FOUND" => {
            ctx.auth(&body.to_string())
        }
        // A batch carries no per-command HTTP status; 400 is what the method alone answers.
        _ => ctx.rejected(400, &body.to_string()),
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: String,
}

#[derive(Deserialize)]
struct BatchAnswer {
    result: BatchResult,
}

/// PHP sends an empty map as `[]`, so both fields may be arrays instead of objects.
#[derive(Deserialize)]
struct BatchResult {
    #[serde(default)]
    result: Value,
    #[serde(default)]
    result_error: Value,
}

impl BatchAnswer {
    fn answer_for(&self, key: &str, ctx: Ctx<'_>) -> Result<Value, PushError> {
        if let Some(error) = self.result.result_error.get(key) {
            return Err(command_error(error, ctx));
        }
        self.result
            .result
            .get(key)
            .cloned()
            .ok_or_else(|| ctx.unexpected("a result or an error for every command", ""))
    }
}

#[derive(Deserialize)]
struct Activity {
    #[serde(rename = "ID")]
    id: Value,
    #[serde(rename = "DESCRIPTION", default)]
    description: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    const CTX: Ctx<'static> = Ctx {
        crm: Crm::Bitrix24,
        deal: "7",
        step: UPDATE_FIELDS,
    };

    fn kind(error: &PushError) -> &'static str {
        match error {
            PushError::RateLimited { .. } => "rate-limited",
            PushError::Transient { .. } => "transient",
            PushError::Auth { .. } => "auth",
            PushError::Rejected { .. } => "rejected",
            _ => "other",
        }
    }

    #[test]
    fn batch_answers_map_to_errors_as_section_2_5_says() {
        let cases = [
            (
                503,
                r#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#,
                "rate-limited",
            ),
            (
                429,
                r#"{"error":"OPERATION_TIME_LIMIT","error_description":"blocked"}"#,
                "rate-limited",
            ),
            (
                401,
                r#"{"error":"INVALID_CREDENTIALS","error_description":"Invalid request credentials"}"#,
                "auth",
            ),
            (
                500,
                r#"{"error":"INTERNAL_SERVER_ERROR","error_description":""}"#,
                "transient",
            ),
            (503, "<html>maintenance</html>", "transient"),
            (
                400,
                r#"{"error":"ERROR_BATCH_LENGTH_EXCEEDED","error_description":""}"#,
                "rejected",
            ),
        ];
        for (status, body, expected) in cases {
            let answer = Answer {
                status,
                headers: HeaderMap::new(),
                body: body.into(),
            };
            assert_eq!(
                kind(&batch_error(&answer, CTX)),
                expected,
                "{status} {body}"
            );
        }
        let operating = Answer {
            status: 429,
            headers: HeaderMap::new(),
            body: "{}".into(),
        };
        assert!(matches!(
            batch_error(&operating, CTX),
            PushError::RateLimited { retry_after, .. } if retry_after == OPERATING_LIMIT_WAIT
        ));
    }

    #[test]
    fn command_errors_map_by_code() {
        let cases = [
            (json!({"error":"QUERY_LIMIT_EXCEEDED"}), "rate-limited"),
            (json!({"error":"expired_token"}), "auth"),
            (
                json!({"error":"NOT_FOUND","error_description":"Not found."}),
                "rejected",
            ),
            (
                json!({"error":"","error_description":"Not found"}),
                "rejected",
            ),
        ];
        for (body, expected) in cases {
            assert_eq!(kind(&command_error(&body, CTX)), expected, "{body}");
        }
    }

    #[test]
    fn batch_results_accept_php_empty_arrays() {
        let answer: BatchAnswer = serde_json::from_str(
            r#"{"result":{"result":[],"result_error":{"u0":{"error":"NOT_FOUND","error_description":"Not found."}},
                "result_total":[],"result_next":[],"result_time":[]},"time":{}}"#,
        )
        .expect("shape from the batch doc");
        assert!(matches!(
            answer.answer_for("u0", CTX),
            Err(PushError::Rejected { .. })
        ));
        assert!(matches!(
            answer.answer_for("u1", CTX),
            Err(PushError::Unexpected { .. })
        ));
        let answer: BatchAnswer =
            serde_json::from_str(r#"{"result":{"result":{"u0":true},"result_error":[]}}"#)
                .expect("ok");
        assert_eq!(
            answer.answer_for("u0", CTX).expect("result"),
            Value::Bool(true)
        );
    }

    #[test]
    fn sub_requests_are_query_strings() {
        assert_eq!(
            query(
                "crm.deal.update",
                &[
                    ("id", "5".into()),
                    ("fields[UF_CRM_1]", "Ответ за день\n→ звонок".into()),
                ]
            ),
            "crm.deal.update?id=5&fields%5BUF_CRM_1%5D=%D0%9E%D1%82%D0%B2%D0%B5%D1%82%20%D0%B7%D0%B0%20%D0%B4%D0%B5%D0%BD%D1%8C%0A%E2%86%92%20%D0%B7%D0%B2%D0%BE%D0%BD%D0%BE%D0%BA"
        );
        assert_eq!(encode("a&b=c%d+e"), "a%26b%3Dc%25d%2Be");
    }
}
