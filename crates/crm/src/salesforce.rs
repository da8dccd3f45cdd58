//! Salesforce REST (crm-apis.md §4): the Opportunity's fields by
//! `PATCH /services/data/vXX.X/sobjects/Opportunity/{id}`; the task as a `Task` sObject
//! with `WhatId` = the Opportunity, unless a SOQL query finds one whose `Subject` carries
//! the update's key. `Subject` rather than `Description`: long text areas cannot be
//! filtered in SOQL, and a custom external-id field would need setup in every org.

use std::time::Duration;

use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::client::endpoint;
use crate::config::{Crm, Secret};
use crate::error::PushError;
use crate::transport::{Answer, Ctx, Transport};
use crate::update::{Pushed, Task, TaskOutcome, Update};

/// A Salesforce org, as configured.
pub(crate) struct Salesforce {
    /// `{instance_url}/services/data/vXX.X/`.
    pub(crate) base: Url,
    pub(crate) token: Secret,
    pub(crate) score_field: String,
    pub(crate) reasons_field: Option<String>,
}

const UPDATE_FIELDS: &str = "updating the opportunity's fields";
const FIND_TASK: &str = "looking for the task";
const CREATE_TASK: &str = "creating the task";

/// §4.4: REQUEST_LIMIT_EXCEEDED means the rolling 24-hour allocation is used up; it frees
/// up gradually, so minutes, not seconds.
const REQUEST_LIMIT_WAIT: Duration = Duration::from_secs(300);
/// `Task.Subject` holds 255 characters.
const SUBJECT_CHARS: usize = 255;

impl Salesforce {
    pub(crate) async fn push(&self, t: &Transport, update: &Update) -> Result<Pushed, PushError> {
        let deal = update.crm_deal_id.trim();
        // Record ids are 15 or 18 alphanumerics; checking also keeps them safe inside SOQL.
        if !(deal.len() == 15 || deal.len() == 18)
            || !deal.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(t
                .ctx(&update.crm_deal_id, UPDATE_FIELDS)
                .invalid("a 15- or 18-character Opportunity id"));
        }
        self.update_fields(t, update, deal).await?;
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
            crm: Crm::Salesforce,
            crm_deal_id: update.crm_deal_id.clone(),
            task,
        })
    }

    fn request(&self, t: &Transport, method: Method, url: Url) -> reqwest::RequestBuilder {
        t.http.request(method, url).bearer_auth(self.token.expose())
    }

    async fn update_fields(
        &self,
        t: &Transport,
        update: &Update,
        deal: &str,
    ) -> Result<(), PushError> {
        let ctx = t.ctx(deal, UPDATE_FIELDS);
        let mut fields = serde_json::Map::new();
        fields.insert(self.score_field.clone(), json!(update.score_percent()));
        if let Some(reasons) = &self.reasons_field {
            fields.insert(reasons.clone(), Value::String(update.reasons_text()));
        }
        // §4.1: PATCH on the sObject answers 204.
        let url = endpoint(&self.base, &["sobjects", "Opportunity", deal]);
        let answer = t
            .send(self.request(t, Method::PATCH, url).json(&fields), ctx)
            .await?;
        if answer.is_success() {
            Ok(())
        } else {
            Err(error(&answer, ctx))
        }
    }

    async fn find_task(
        &self,
        t: &Transport,
        deal: &str,
        marker: &str,
    ) -> Result<Option<String>, PushError> {
        let ctx = t.ctx(deal, FIND_TASK);
        // §4.1 SOQL over GET /query. LIKE narrows the rows; the exact check is below.
        let soql = format!(
            "SELECT Id, Subject FROM Task WHERE WhatId = '{deal}' AND Subject LIKE '%{}%'",
            escape_like(marker)
        );
        let mut url = endpoint(&self.base, &["query"]);
        url.query_pairs_mut().append_pair("q", &soql);
        let answer = t.send(self.request(t, Method::GET, url), ctx).await?;
        if !answer.is_success() {
            return Err(error(&answer, ctx));
        }
        let found: QueryResult = ctx.parse(&answer, "a query result with records[]")?;
        Ok(found
            .records
            .into_iter()
            .find(|record| record.subject.contains(marker))
            .map(|record| record.id))
    }

    async fn create_task(
        &self,
        t: &Transport,
        deal: &str,
        task: &Task,
        marker: &str,
    ) -> Result<String, PushError> {
        let ctx = t.ctx(deal, CREATE_TASK);
        let room = SUBJECT_CHARS.saturating_sub(marker.chars().count() + 1);
        let subject = format!("{} {marker}", task.title(room))
            .trim_start()
            .to_string();
        let body = json!({
            "WhatId": deal,
            "Subject": subject,
            "Description": task.text,
            "ActivityDate": task.due.date_naive().format("%Y-%m-%d").to_string(),
        });
        let url = endpoint(&self.base, &["sobjects", "Task", ""]);
        let answer = t
            .send(self.request(t, Method::POST, url).json(&body), ctx)
            .await?;
        if !answer.is_success() {
            return Err(error(&answer, ctx));
        }
        // §4.1: 201 {"id": "...", "success": true, "errors": []}.
        let created: Created = ctx.parse(&answer, "{\"id\": ..., \"success\": true}")?;
        if created.success {
            Ok(created.id)
        } else {
            Err(ctx.unexpected("success true", &answer.body))
        }
    }
}

/// §4.4: REQUEST_LIMIT_EXCEEDED comes as HTTP 403 with a JSON error array (§4.1 shape),
/// so the code, not the status, tells it from a permission error.
fn error(answer: &Answer, ctx: Ctx<'_>) -> PushError {
    let limit_exceeded = serde_json::from_str::<Vec<ApiError>>(&answer.body).is_ok_and(|errors| {
        errors
            .iter()
            .any(|it| it.error_code == "REQUEST_LIMIT_EXCEEDED")
    });
    if limit_exceeded {
        return ctx.rate_limited(answer.retry_after().unwrap_or(REQUEST_LIMIT_WAIT));
    }
    answer.common_error(ctx, REQUEST_LIMIT_WAIT)
}

/// Escapes a value for a quoted SOQL LIKE pattern: quotes and backslashes for the string,
/// `%` and `_` so they match themselves.
fn escape_like(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\'' | '\\' | '%' | '_') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[derive(Deserialize)]
struct ApiError {
    #[serde(rename = "errorCode", default)]
    error_code: String,
}

#[derive(Deserialize)]
struct QueryResult {
    #[serde(default)]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "Subject", default)]
    subject: String,
}

#[derive(Deserialize)]
struct Created {
    id: String,
    #[serde(default)]
    success: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    #[test]
    fn answers_map_to_errors_as_section_4_4_says() {
        let ctx = Ctx {
            crm: Crm::Salesforce,
            deal: "006000000000001",
            step: UPDATE_FIELDS,
        };
        let answer = |status: u16, body: &str| Answer {
            status,
            headers: HeaderMap::new(),
            body: body.into(),
        };
        let limit = answer(
            403,
            r#"[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]"#,
        );
        assert!(matches!(error(&limit, ctx), PushError::RateLimited { .. }));
        let forbidden = answer(
            403,
            r#"[{"message":"insufficient access rights","errorCode":"INSUFFICIENT_ACCESS"}]"#,
        );
        assert!(matches!(
            error(&forbidden, ctx),
            PushError::Rejected { status: 403, .. }
        ));
        let session = answer(
            401,
            r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#,
        );
        assert!(matches!(error(&session, ctx), PushError::Auth { .. }));
        let field = answer(
            400,
            r#"[{"message":"No such column 'Bad__c' on sObject of type Opportunity","errorCode":"INVALID_FIELD"}]"#,
        );
        assert!(matches!(
            error(&field, ctx),
            PushError::Rejected { status: 400, .. }
        ));
        assert!(matches!(
            error(&answer(503, ""), ctx),
            PushError::Transient { .. }
        ));
    }

    #[test]
    fn like_patterns_are_escaped() {
        assert_eq!(escape_like("[fundament:a_b%c]"), "[fundament:a\\_b\\%c]");
        assert_eq!(escape_like("it's\\"), "it\\'s\\\\");
    }
}
