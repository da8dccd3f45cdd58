//! amoCRM / Kommo API v4 (crm-apis.md §1): the lead's custom fields by
//! `PATCH /api/v4/leads/{id}`, the task by `POST /api/v4/tasks` after looking through the
//! lead's tasks (`GET /api/v4/tasks`) for one carrying the update's key.

use std::time::Duration;

use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::json;

use crate::client::endpoint;
use crate::config::{Crm, Secret};
use crate::error::PushError;
use crate::transport::{Answer, Ctx, Transport};
use crate::update::{Pushed, Task, TaskOutcome, Update};

/// An amoCRM account, as configured.
pub(crate) struct AmoCrm {
    pub(crate) base: Url,
    pub(crate) token: Secret,
    pub(crate) score_field_id: i64,
    pub(crate) reasons_field_id: Option<i64>,
}

const UPDATE_FIELDS: &str = "updating the lead's custom fields";
const FIND_TASK: &str = "looking for the task";
const CREATE_TASK: &str = "creating the task";

/// §1.6 gives no wait for a 429; one second empties the 7-per-second window.
const RATE_LIMIT_WAIT: Duration = Duration::from_secs(1);
/// §1.3: a list page holds at most 250 entities.
const PAGE_LIMIT: usize = 250;
/// Gives up looking after this many pages (10 000 tasks on one lead) rather than loop.
const MAX_PAGES: usize = 40;
/// Kommo's predefined task type 1, "Follow-up" (Kommo tasks reference; not in §1).
const FOLLOW_UP_TASK_TYPE: i64 = 1;

impl AmoCrm {
    pub(crate) async fn push(&self, t: &Transport, update: &Update) -> Result<Pushed, PushError> {
        let deal = update.crm_deal_id.as_str();
        let lead_id: i64 = deal
            .trim()
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| t.ctx(deal, UPDATE_FIELDS).invalid("a numeric lead id"))?;
        self.update_fields(t, update, lead_id).await?;
        let task = match &update.task {
            None => TaskOutcome::NotRequested,
            Some(task) => {
                let marker = update.marker();
                match self.find_task(t, deal, lead_id, &marker).await? {
                    Some(id) => TaskOutcome::AlreadyThere { id },
                    None => TaskOutcome::Created {
                        id: self.create_task(t, update, task, lead_id, &marker).await?,
                    },
                }
            }
        };
        Ok(Pushed {
            crm: Crm::AmoCrm,
            crm_deal_id: deal.to_string(),
            task,
        })
    }

    fn request(&self, t: &Transport, method: Method, url: Url) -> reqwest::RequestBuilder {
        // §1.1: every call carries `Authorization: Bearer <access_token>`.
        t.http.request(method, url).bearer_auth(self.token.expose())
    }

    async fn update_fields(
        &self,
        t: &Transport,
        update: &Update,
        lead_id: i64,
    ) -> Result<(), PushError> {
        let ctx = t.ctx(&update.crm_deal_id, UPDATE_FIELDS);
        // §1.4: writes go through `custom_fields_values`, each naming `field_id` and `values`.
        let mut fields = vec![json!({
            "field_id": self.score_field_id,
            "values": [{ "value": update.score_percent() }],
        })];
        if let Some(field_id) = self.reasons_field_id {
            fields.push(json!({
                "field_id": field_id,
                "values": [{ "value": update.reasons_text() }],
            }));
        }
        let url = endpoint(&self.base, &["api", "v4", "leads", &lead_id.to_string()]);
        let request = self
            .request(t, Method::PATCH, url)
            .json(&json!({ "custom_fields_values": fields }));
        let answer = t.send(request, ctx).await?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(error(&answer, ctx))
        }
    }

    /// The id of the lead's task whose text holds `marker`, if there is one.
    async fn find_task(
        &self,
        t: &Transport,
        deal: &str,
        lead_id: i64,
        marker: &str,
    ) -> Result<Option<String>, PushError> {
        let ctx = t.ctx(deal, FIND_TASK);
        for page in 1..=MAX_PAGES {
            let mut url = endpoint(&self.base, &["api", "v4", "tasks"]);
            url.query_pairs_mut()
                .append_pair("filter[entity_type]", "leads")
                .append_pair("filter[entity_id]", &lead_id.to_string())
                .append_pair("limit", &PAGE_LIMIT.to_string())
                .append_pair("page", &page.to_string());
            let answer = t.send(self.request(t, Method::GET, url), ctx).await?;
            // amoCRM answers an empty list with 204 No Content (API behaviour; §1 is silent).
            if answer.status == 204 {
                return Ok(None);
            }
            if !answer.is_success() {
                return Err(error(&answer, ctx));
            }
            let list: TaskList = ctx.parse(&answer, "a HAL list with _embedded.tasks")?;
            if let Some(found) = list
                .embedded
                .tasks
                .iter()
                .find(|task| task.text.contains(marker))
            {
                return Ok(Some(found.id.to_string()));
            }
            if list.links.next.is_none() || list.embedded.tasks.len() < PAGE_LIMIT {
                return Ok(None);
            }
        }
        Err(ctx.unexpected("at most 10000 tasks on one lead", ""))
    }

    async fn create_task(
        &self,
        t: &Transport,
        update: &Update,
        task: &Task,
        lead_id: i64,
        marker: &str,
    ) -> Result<String, PushError> {
        let ctx = t.ctx(&update.crm_deal_id, CREATE_TASK);
        // Kommo "Add tasks": an array of {task_type_id, text, complete_till (Unix time),
        // entity_id, entity_type, request_id}.
        let body = json!([{
            "task_type_id": FOLLOW_UP_TASK_TYPE,
            "text": task.body_with(marker),
            "complete_till": task.due.timestamp(),
            "entity_id": lead_id,
            "entity_type": "leads",
            "request_id": update.key,
        }]);
        let url = endpoint(&self.base, &["api", "v4", "tasks"]);
        let answer = t
            .send(self.request(t, Method::POST, url).json(&body), ctx)
            .await?;
        if !answer.is_success() {
            return Err(error(&answer, ctx));
        }
        let created: TaskList = ctx.parse(&answer, "_embedded.tasks with the new task's id")?;
        created
            .embedded
            .tasks
            .first()
            .map(|task| task.id.to_string())
            .ok_or_else(|| ctx.unexpected("_embedded.tasks with the new task's id", &answer.body))
    }
}

/// §1.6: 429 when over 7 requests per second; 401 with a problem+json body for a bad token;
/// the 403 IP block is not retried (retrying is what earns it).
fn error(answer: &Answer, ctx: Ctx<'_>) -> PushError {
    answer.common_error(ctx, RATE_LIMIT_WAIT)
}

#[derive(Deserialize)]
struct TaskList {
    #[serde(rename = "_embedded", default)]
    embedded: Embedded,
    #[serde(rename = "_links", default)]
    links: Links,
}

#[derive(Default, Deserialize)]
struct Embedded {
    #[serde(default)]
    tasks: Vec<ListedTask>,
}

#[derive(Deserialize)]
struct ListedTask {
    id: i64,
    #[serde(default)]
    text: String,
}

#[derive(Default, Deserialize)]
struct Links {
    next: Option<serde_json::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn check(status: u16, body: &str, expected: &str) {
        let ctx = Ctx {
            crm: Crm::AmoCrm,
            deal: "1",
            step: UPDATE_FIELDS,
        };
        let answer = Answer {
            status,
            headers: HeaderMap::new(),
            body: body.to_string(),
        };
        let error = error(&answer, ctx);
        let kind = match &error {
            PushError::RateLimited { .. } => "rate-limited",
            PushError::Transient { .. } => "transient",
            PushError::Auth { .. } => "auth",
            PushError::Rejected { .. } => "rejected",
            _ => "other",
        };
        assert_eq!(kind, expected, "{status} {body}: {error}");
    }

    #[test]
    fn answers_map_to_errors_as_section_1_6_says() {
        check(429, "", "rate-limited");
        check(
            401,
            r#"{"title":"Unauthorized","type":"https://httpstatus.es/401","status":401,"detail":"x"}"#,
            "auth",
        );
        check(
            400,
            r#"{"title":"Bad Request","status":400,"validation-errors":[]}"#,
            "rejected",
        );
        check(403, r#"{"title":"Forbidden","status":403}"#, "rejected");
        check(500, "", "transient");
        check(504, "<html>gateway</html>", "transient");
    }
}
