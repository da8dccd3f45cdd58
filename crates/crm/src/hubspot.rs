//! HubSpot CRM v3 (crm-apis.md §3): deal properties by
//! `PATCH /crm/v3/objects/deals/{id}`; the task by `POST /crm/v3/objects/tasks` with an
//! association to the deal, unless one of the deal's tasks already carries the update's key.
//! The deal's tasks are read through its associations (`GET /crm/v4/.../associations/tasks`)
//! and `POST /crm/v3/objects/tasks/batch/read`, not through search: search is eventually
//! consistent (a task created seconds ago may not show) and has its own, lower limit (§3.4).

use std::time::Duration;

use chrono::SecondsFormat;
use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::endpoint;
use crate::config::{Crm, Secret};
use crate::error::PushError;
use crate::transport::{Answer, Ctx, Transport};
use crate::update::{Pushed, Task, TaskOutcome, Update};

/// A HubSpot account, as configured.
pub(crate) struct HubSpot {
    pub(crate) base: Url,
    pub(crate) token: Secret,
    pub(crate) score_property: String,
    pub(crate) reasons_property: Option<String>,
}

const UPDATE_FIELDS: &str = "updating the deal's properties";
const FIND_TASK: &str = "looking for the task";
const CREATE_TASK: &str = "creating the task";

/// §3.4: the per-app limit is counted over 10 seconds.
const SECONDLY_WAIT: Duration = Duration::from_secs(10);
/// §3.4: the daily limit resets once a day; an hour is a polite first wait.
const DAILY_WAIT: Duration = Duration::from_secs(3600);
/// §3.2: batch inputs are capped at 100.
const BATCH_READ_LIMIT: usize = 100;
/// Associations are paged; 500 is the v4 page maximum (UNVERIFIED in §3.3).
const ASSOCIATION_PAGE: usize = 500;
/// Gives up after this many association pages rather than loop.
const MAX_PAGES: usize = 20;
/// HubSpot-defined association type "task to deal" (HubSpot's default type list; §3.2
/// calls its own example id illustrative).
const TASK_TO_DEAL: i64 = 216;
const SUBJECT_CHARS: usize = 250;

impl HubSpot {
    pub(crate) async fn push(&self, t: &Transport, update: &Update) -> Result<Pushed, PushError> {
        let deal = update.crm_deal_id.trim();
        if deal.is_empty() || !deal.chars().all(|c| c.is_ascii_digit()) {
            return Err(t
                .ctx(&update.crm_deal_id, UPDATE_FIELDS)
                .invalid("a numeric deal id"));
        }
        self.update_properties(t, update, deal).await?;
        let task = match &update.task {
            None => TaskOutcome::NotRequested,
            Some(task) => {
                let marker = update.marker();
                match self.find_task(t, deal, &marker).await? {
                    Some(id) => TaskOutcome::AlreadyThere { id },
                    None => TaskOutcome::Created {
                        id: self.create_task(t, deal, task, &marker).await?,
                    },
                }
            }
        };
        Ok(Pushed {
            crm: Crm::HubSpot,
            crm_deal_id: update.crm_deal_id.clone(),
            task,
        })
    }

    fn request(&self, t: &Transport, method: Method, url: Url) -> reqwest::RequestBuilder {
        // §3.1: private-app token as `Authorization: Bearer`.
        t.http.request(method, url).bearer_auth(self.token.expose())
    }

    async fn update_properties(
        &self,
        t: &Transport,
        update: &Update,
        deal: &str,
    ) -> Result<(), PushError> {
        let ctx = t.ctx(deal, UPDATE_FIELDS);
        // §3.2: property values travel as strings.
        let mut properties = serde_json::Map::new();
        properties.insert(
            self.score_property.clone(),
            Value::String(update.score_percent().to_string()),
        );
        if let Some(reasons) = &self.reasons_property {
            properties.insert(reasons.clone(), Value::String(update.reasons_text()));
        }
        let url = endpoint(&self.base, &["crm", "v3", "objects", "deals", deal]);
        let request = self
            .request(t, Method::PATCH, url)
            .json(&json!({ "properties": properties }));
        let answer = t.send(request, ctx).await?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(error(&answer, ctx))
        }
    }

    /// The id of the deal's task whose body holds `marker`, if there is one.
    async fn find_task(
        &self,
        t: &Transport,
        deal: &str,
        marker: &str,
    ) -> Result<Option<String>, PushError> {
        let ctx = t.ctx(deal, FIND_TASK);
        let mut after: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let mut url = endpoint(
                &self.base,
                &[
                    "crm",
                    "v4",
                    "objects",
                    "deals",
                    deal,
                    "associations",
                    "tasks",
                ],
            );
            url.query_pairs_mut()
                .append_pair("limit", &ASSOCIATION_PAGE.to_string());
            if let Some(cursor) = &after {
                url.query_pairs_mut().append_pair("after", cursor);
            }
            let answer = t.send(self.request(t, Method::GET, url), ctx).await?;
            if !answer.is_success() {
                return Err(error(&answer, ctx));
            }
            let page: Associations =
                ctx.parse(&answer, "associations with results[].toObjectId")?;
            let ids: Vec<String> = page
                .results
                .iter()
                .map(|it| id_text(&it.to_object_id))
                .collect();
            for chunk in ids.chunks(BATCH_READ_LIMIT) {
                if let Some(found) = self.find_in(t, ctx, chunk, marker).await? {
                    return Ok(Some(found));
                }
            }
            match page
                .paging
                .and_then(|paging| paging.next)
                .map(|next| next.after)
            {
                Some(cursor) => after = Some(cursor),
                None => return Ok(None),
            }
        }
        Err(ctx.unexpected("at most 10000 tasks on one deal", ""))
    }

    /// Reads `ids`' bodies (§3.2 batch read) and returns the one holding `marker`.
    async fn find_in(
        &self,
        t: &Transport,
        ctx: Ctx<'_>,
        ids: &[String],
        marker: &str,
    ) -> Result<Option<String>, PushError> {
        let inputs: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
        let url = endpoint(
            &self.base,
            &["crm", "v3", "objects", "tasks", "batch", "read"],
        );
        let body = json!({ "properties": ["hs_task_body"], "inputs": inputs });
        let answer = t
            .send(self.request(t, Method::POST, url).json(&body), ctx)
            .await?;
        // 207 Multi-Status: some ids were missing (e.g. deleted tasks); the rest are read.
        if !answer.is_success() {
            return Err(error(&answer, ctx));
        }
        let read: BatchRead = ctx.parse(&answer, "a batch response with results[]")?;
        Ok(read
            .results
            .into_iter()
            .find(|task| {
                task.properties
                    .get("hs_task_body")
                    .and_then(Value::as_str)
                    .is_some_and(|body| body.contains(marker))
            })
            .map(|task| id_text(&task.id)))
    }

    async fn create_task(
        &self,
        t: &Transport,
        deal: &str,
        task: &Task,
        marker: &str,
    ) -> Result<String, PushError> {
        let ctx = t.ctx(deal, CREATE_TASK);
        // HubSpot tasks API: `hs_timestamp` (the due date) is required; the body holds the
        // marker a retry looks for.
        let body = json!({
            "properties": {
                "hs_timestamp": task.due.to_rfc3339_opts(SecondsFormat::Millis, true),
                "hs_task_subject": task.title(SUBJECT_CHARS),
                "hs_task_body": task.body_with(marker),
                "hs_task_status": "NOT_STARTED",
                "hs_task_type": "TODO",
            },
            "associations": [{
                "to": { "id": deal },
                "types": [{ "associationCategory": "HUBSPOT_DEFINED", "associationTypeId": TASK_TO_DEAL }],
            }],
        });
        let url = endpoint(&self.base, &["crm", "v3", "objects", "tasks"]);
        let answer = t
            .send(self.request(t, Method::POST, url).json(&body), ctx)
            .await?;
        if !answer.is_success() {
            return Err(error(&answer, ctx));
        }
        let created: Object = ctx.parse(&answer, "the created task with its id")?;
        Ok(id_text(&created.id))
    }
}

/// §3.4: 429 names the policy in `policyName`; a daily limit is not worth retrying soon.
fn error(answer: &Answer, ctx: Ctx<'_>) -> PushError {
    if answer.status == 429 {
        let daily = serde_json::from_str::<Value>(&answer.body)
            .ok()
            .and_then(|body| {
                body.get("policyName")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .is_some_and(|policy| policy.eq_ignore_ascii_case("DAILY"));
        let wait = if daily { DAILY_WAIT } else { SECONDLY_WAIT };
        return ctx.rate_limited(answer.retry_after().unwrap_or(wait));
    }
    answer.common_error(ctx, SECONDLY_WAIT)
}

/// HubSpot ids are strings in v3 and numbers in some v4 answers.
fn id_text(id: &Value) -> String {
    match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
struct Associations {
    #[serde(default)]
    results: Vec<Association>,
    paging: Option<Paging>,
}

#[derive(Deserialize)]
struct Association {
    #[serde(rename = "toObjectId")]
    to_object_id: Value,
}

#[derive(Deserialize)]
struct Paging {
    next: Option<Next>,
}

#[derive(Deserialize)]
struct Next {
    after: String,
}

#[derive(Deserialize)]
struct BatchRead {
    #[serde(default)]
    results: Vec<Object>,
}

#[derive(Deserialize)]
struct Object {
    id: Value,
    #[serde(default)]
    properties: serde_json::Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    #[test]
    fn answers_map_to_errors_as_section_3_4_says() {
        let ctx = Ctx {
            crm: Crm::HubSpot,
            deal: "9",
            step: UPDATE_FIELDS,
        };
        let answer = |status: u16, body: &str| Answer {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        };
        let secondly = answer(
            429,
            r#"{"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","policyName":"TEN_SECONDLY_ROLLING"}"#,
        );
        assert!(matches!(
            error(&secondly, ctx),
            PushError::RateLimited { retry_after, .. } if retry_after == SECONDLY_WAIT
        ));
        let daily = answer(429, r#"{"status":"error","policyName":"DAILY"}"#);
        assert!(matches!(
            error(&daily, ctx),
            PushError::RateLimited { retry_after, .. } if retry_after == DAILY_WAIT
        ));
        let invalid = answer(
            400,
            r#"{"status":"error","message":"Property values were not valid","category":"VALIDATION_ERROR"}"#,
        );
        assert!(matches!(
            error(&invalid, ctx),
            PushError::Rejected { status: 400, .. }
        ));
        assert!(matches!(
            error(
                &answer(401, r#"{"category":"INVALID_AUTHENTICATION"}"#),
                ctx
            ),
            PushError::Auth { .. }
        ));
        assert!(matches!(
            error(&answer(502, ""), ctx),
            PushError::Transient { .. }
        ));
    }
}
