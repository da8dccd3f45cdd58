//! Lead scoring on the store: deal features as of a moment (nothing the deal
//! learnt after it was decided), a model trained on closed deals and checked
//! on the latest ones, kept in the registry, promoted or rolled back by an
//! admin, and open deals scored with reasons and a recommended action.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use domain::{EntityKind, Id, Record, Value};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{ModelRow, NewAuditEntry, ScoreRow};

use crate::master::all_visible;
use crate::{Actor, App, Error, Permission, Result};

/// The registry's name for "will this deal be won".
pub const LEAD_TASK: &str = "lead";
const TARGET: &str = "won";
/// Share of the latest closed deals kept aside to check the model on time it has not seen.
const HOLDOUT_SHARE: f64 = 0.2;

/// What to do next with a deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Likely to buy and waiting: call within two hours.
    CallNow,
    /// Worth a call today.
    CallToday,
    /// A large deal in the balance: bring in the head of sales.
    HeadOfSales,
    /// In the balance and the client pushes on price: offer a discount.
    Discount,
    /// Unlikely now: keep warm by e-mail.
    Nurture,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::CallNow => "call_now",
            Action::CallToday => "call_today",
            Action::HeadOfSales => "head_of_sales",
            Action::Discount => "discount",
            Action::Nurture => "nurture",
        }
    }

    pub fn parse(code: &str) -> Option<Action> {
        [
            Action::CallNow,
            Action::CallToday,
            Action::HeadOfSales,
            Action::Discount,
            Action::Nurture,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }

    /// The advice in Russian and English.
    pub fn text(self, russian: bool) -> &'static str {
        match (self, russian) {
            (Action::CallNow, true) => "Позвонить в течение 2 часов",
            (Action::CallNow, false) => "Call within two hours",
            (Action::CallToday, true) => "Позвонить сегодня",
            (Action::CallToday, false) => "Call today",
            (Action::HeadOfSales, true) => "Подключить руководителя отдела продаж",
            (Action::HeadOfSales, false) => "Bring in the head of sales",
            (Action::Discount, true) => "Предложить скидку или рассрочку",
            (Action::Discount, false) => "Offer a discount or instalments",
            (Action::Nurture, true) => "Низкий приоритет: письмо с полезным материалом",
            (Action::Nurture, false) => "Low priority: a useful e-mail to keep in touch",
        }
    }
}

/// Picks the action from the score and what the deal looks like now.
pub fn recommend(
    probability: f64,
    amount_rank: f64,
    hours_since_touch: Option<f64>,
    price_objection: bool,
) -> Action {
    let waiting = hours_since_touch.is_none_or(|h| h >= 2.0);
    if probability >= 0.6 {
        if waiting {
            Action::CallNow
        } else {
            Action::CallToday
        }
    } else if probability >= 0.3 {
        if price_objection {
            Action::Discount
        } else if amount_rank >= 0.8 {
            Action::HeadOfSales
        } else {
            Action::CallToday
        }
    } else {
        Action::Nurture
    }
}

/// One model in the registry, as the API and UI list it.
#[derive(Debug, Clone, Serialize)]
pub struct ModelSummary {
    pub id: String,
    pub task: String,
    pub version: i64,
    pub status: String,
    pub created_at: String,
    pub created_by: String,
    pub data_hash: String,
    pub promoted_at: Option<String>,
    pub promoted_by: Option<String>,
    pub metrics: serde_json::Value,
}

impl ModelSummary {
    /// A held-out figure at a JSON pointer into the metrics (e.g.
    /// `/folds/validation/auc/value`), to three places, or `-` when absent.
    pub fn figure(&self, pointer: &str) -> String {
        self.metrics
            .pointer(pointer)
            .and_then(serde_json::Value::as_f64)
            .map_or("-".to_string(), |v| format!("{v:.3}"))
    }
}

impl From<ModelRow> for ModelSummary {
    fn from(row: ModelRow) -> Self {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        ModelSummary {
            id: row.id.to_string(),
            task: row.task,
            version: row.version,
            status: row.status,
            created_at: time(row.created_at),
            created_by: row.created_by,
            data_hash: row.data_hash,
            promoted_at: row.promoted_at.map(time),
            promoted_by: row.promoted_by,
            metrics: serde_json::from_str(&row.metrics).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// A deal's score as the API and the deal card show it.
#[derive(Debug, Clone, Serialize)]
pub struct DealScore {
    pub deal_id: String,
    pub probability: f64,
    pub interval: Option<(f64, f64)>,
    pub factors: Vec<predict::Factor>,
    pub action: Action,
    pub model_id: String,
    pub scored_at: String,
}

impl DealScore {
    fn from_row(row: &ScoreRow) -> DealScore {
        DealScore {
            deal_id: row.record_id.to_string(),
            probability: row.probability,
            interval: row.low.zip(row.high),
            factors: serde_json::from_str(&row.reasons).unwrap_or_default(),
            action: Action::parse(&row.action).unwrap_or(Action::CallToday),
            model_id: row.model_id.to_string(),
            scored_at: row
                .scored_at
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        }
    }

    /// Reasons in words, each feature named as people say it.
    pub fn reasons(&self, russian: bool) -> Vec<String> {
        named_reasons(&self.factors, FEATURE_LABELS, russian)
    }
}

/// An open deal in the "call first" list.
#[derive(Debug, Clone, Serialize)]
pub struct CallFirst {
    pub deal: serde_json::Value,
    pub title: String,
    pub score: DealScore,
}

/// The job that pushes one deal's score to its CRM.
pub(crate) const WRITEBACK_JOB: &str = "writeback";
/// Rate-limit answers are expected, not failures: a push may wait many times.
const WRITEBACK_ATTEMPTS: i32 = 50;

/// What goes back to the CRM for one scored deal: the score and reasons in
/// its fields and, unless the deal is only to be kept warm, a task. The key
/// names the deal, model and action, so a retried push finds its own task.
fn writeback(row: &ScoreRow, external_id: &str, now: DateTime<Utc>) -> crm::Update {
    let score = DealScore::from_row(row);
    let action = score.action;
    let reasons = score
        .reasons(true)
        .into_iter()
        .take(3)
        .collect::<Vec<_>>()
        .join("; ");
    let due = match action {
        Action::CallNow => Some(now + Duration::hours(2)),
        Action::CallToday => Some(now + Duration::hours(8)),
        Action::HeadOfSales | Action::Discount => Some(now + Duration::hours(24)),
        Action::Nurture => None,
    };
    crm::Update {
        crm_deal_id: external_id.to_string(),
        probability: row.probability,
        task: due.map(|due| crm::Task {
            text: format!("{}\n{}", action.text(true), reasons),
            due,
        }),
        reasons,
        action: action.text(true).to_string(),
        key: format!("{}:{}:{}", row.record_id, row.model_id, action.code()),
    }
}

/// Population stability above this on the score or a feature raises the alarm:
/// the usual reading of PSI (under 0.1 stable, 0.1–0.25 moving, above 0.25 shifted).
const DRIFT_ALARM: f64 = 0.25;

/// How far today's open deals are from the deals the active model learnt on.
#[derive(Debug, Clone, Serialize)]
pub struct DriftReport {
    pub model_id: String,
    /// Population stability index of the score.
    pub score_psi: f64,
    /// Per feature, largest first.
    pub features: Vec<(String, f64)>,
    /// The score or features past the alarm level, in words.
    pub alarms: Vec<String>,
}

/// The deals of the store with the signals each had at its moment.
struct DealTable {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Per row: the deal, its moment and, for open deals, its live signals.
    deals: Vec<(Id, DateTime<Utc>)>,
    /// Per row: the CRM the deal came from and its id there.
    sources: Vec<Option<(String, String)>>,
    touch_hours: Vec<Option<f64>>,
    price_objections: Vec<bool>,
}

/// The deal features as people name them: (column, Russian, English).
const FEATURE_LABELS: &[(&str, &str, &str)] = &[
    ("source", "Источник", "Source"),
    ("channel", "Канал", "Channel"),
    ("pipeline", "Воронка", "Pipeline"),
    ("amount", "Сумма", "Amount"),
    ("city", "Город клиента", "Client's city"),
    ("industry", "Отрасль компании", "Company industry"),
    ("owner", "Ответственный", "Owner"),
    ("opened_hour", "Час обращения", "Hour of the request"),
    (
        "opened_weekday",
        "День недели обращения",
        "Weekday of the request",
    ),
    ("age_days", "Дней в работе", "Days open"),
    (
        "first_reply_minutes",
        "Минут до первого ответа",
        "Minutes to the first reply",
    ),
    ("replied", "Клиенту ответили", "Client answered"),
    ("touches", "Касаний", "Touches"),
    ("calls", "Звонков", "Calls"),
    ("messages", "Сообщений и писем", "Messages and e-mails"),
    ("meetings", "Встреч", "Meetings"),
    (
        "negative_messages",
        "Недовольных сообщений клиента",
        "Unhappy client messages",
    ),
    (
        "positive_messages",
        "Довольных сообщений клиента",
        "Pleased client messages",
    ),
    (
        "hours_since_last_touch",
        "Часов с последнего касания",
        "Hours since the last touch",
    ),
];

/// Words that mark a client's message as unhappy or pleased. A lexicon, until
/// the conversation capability's sentiment model replaces it.
pub(crate) const NEGATIVE: &[&str] = &[
    "дорог",
    "дешевле",
    "конкурент",
    "недовол",
    "жду ",
    "ждать",
    "долго",
    "никто не",
    "не тот",
    "не нравится",
    "жалоб",
    "ужас",
    "плохо",
    "верните",
    "обман",
    "expensive",
    "pricey",
    "cheaper",
    "not happy",
    "wrong",
    "nobody",
    "so long",
    "terrible",
    "complain",
];
const POSITIVE: &[&str] = &[
    "спасибо",
    "отлично",
    "супер",
    "готов оплат",
    "оплачу",
    "беру",
    "устраивает",
    "согласовали",
    "одобрил",
    "договорились",
    "thank",
    "great",
    "perfect",
    "ready to pay",
    "i'll take",
];
const PRICE: &[&str] = &[
    "дорог",
    "дешевле",
    "скидк",
    "expensive",
    "pricey",
    "cheaper",
    "discount",
];

pub(crate) fn has_any(text: &str, words: &[&str]) -> bool {
    words.iter().any(|w| text.contains(w))
}

pub(crate) fn text(record: &Record, field: &str) -> String {
    record
        .fields
        .get(field)
        .map(Value::to_text)
        .unwrap_or_default()
}

pub(crate) fn time(record: &Record, field: &str) -> Option<DateTime<Utc>> {
    match record.fields.get(field) {
        Some(Value::Timestamp(at)) => Some(*at),
        _ => None,
    }
}

/// A money field as a number (in its currency's units), for models and comparisons.
pub(crate) fn money(record: &Record, field: &str) -> Option<f64> {
    match record.fields.get(field) {
        Some(Value::Money(money)) => money.to_decimal_string().parse().ok(),
        _ => None,
    }
}

/// Factors as sentences, each column named from `labels` (column, Russian, English).
pub(crate) fn named_reasons(
    factors: &[predict::Factor],
    labels: &[(&str, &str, &str)],
    russian: bool,
) -> Vec<String> {
    let language = if russian {
        predict::Language::Ru
    } else {
        predict::Language::En
    };
    factors
        .iter()
        .map(|factor| {
            let mut named = factor.clone();
            if let Some((_, ru, en)) = labels.iter().find(|(c, _, _)| *c == factor.column) {
                named.column = (if russian { *ru } else { *en }).to_string();
            }
            named.text(language)
        })
        .collect()
}

impl DealTable {
    /// Every deal that has an outcome (for training) or is open (for scoring),
    /// each with its signals as of its close, or as of `now` when open.
    fn build(
        deals: &[Record],
        activities: &[Record],
        contacts: &HashMap<Id, &Record>,
        companies: &HashMap<Id, &Record>,
        owners: &HashMap<Id, String>,
        now: DateTime<Utc>,
    ) -> DealTable {
        let mut by_deal: HashMap<Id, Vec<&Record>> = HashMap::new();
        for activity in activities {
            if let Some(deal) = activity.reference("deal_id") {
                by_deal.entry(deal).or_default().push(activity);
            }
        }
        let headers: Vec<String> = [
            "deal_id",
            TARGET,
            "source",
            "channel",
            "pipeline",
            "amount",
            "city",
            "industry",
            "owner",
            "opened_hour",
            "opened_weekday",
            "age_days",
            "first_reply_minutes",
            "replied",
            "touches",
            "calls",
            "messages",
            "meetings",
            "negative_messages",
            "positive_messages",
            "hours_since_last_touch",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect();
        let mut table = DealTable {
            headers,
            rows: Vec::new(),
            deals: Vec::new(),
            sources: Vec::new(),
            touch_hours: Vec::new(),
            price_objections: Vec::new(),
        };
        // Moscow local time for "hour" and "weekday": when people write.
        let local = |at: DateTime<Utc>| at + Duration::hours(3);
        for deal in deals {
            let status = text(deal, "status");
            let (label, moment) = match status.as_str() {
                "won" | "lost" => match time(deal, "closed_at") {
                    Some(closed) => (if status == "won" { "1" } else { "0" }, closed),
                    None => continue,
                },
                _ => ("", now),
            };
            let Some(opened) = time(deal, "opened_at").or(Some(deal.created_at)) else {
                continue;
            };
            let mut touches: Vec<&&Record> = by_deal
                .get(&deal.id)
                .map(|list| list.iter().collect())
                .unwrap_or_default();
            // Only what happened before the moment: a won deal's "thanks for
            // paying" must not teach the model that thanks predict a win.
            touches.retain(|a| time(a, "occurred_at").is_some_and(|at| at < moment));
            let count = |kind: &str| touches.iter().filter(|a| text(a, "kind") == kind).count();
            let inbound: Vec<String> = touches
                .iter()
                .filter(|a| text(a, "direction") == "inbound")
                .map(|a| format!("{} ", text(a, "text").to_lowercase()))
                .collect();
            let negative = inbound.iter().filter(|t| has_any(t, NEGATIVE)).count();
            let positive = inbound.iter().filter(|t| has_any(t, POSITIVE)).count();
            let first_reply = touches
                .iter()
                .filter(|a| text(a, "direction") == "outbound")
                .filter_map(|a| time(a, "occurred_at"))
                .min();
            let last_touch = touches.iter().filter_map(|a| time(a, "occurred_at")).max();
            let minutes = |from: DateTime<Utc>, to: DateTime<Utc>| {
                ((to - from).num_seconds() as f64 / 60.0).max(0.0)
            };
            let contact = deal
                .reference("contact_id")
                .and_then(|id| contacts.get(&id));
            let company = deal
                .reference("company_id")
                .and_then(|id| companies.get(&id));
            let hours_since = last_touch.map(|at| minutes(at, moment) / 60.0);
            table.rows.push(vec![
                deal.id.to_string(),
                label.to_string(),
                text(deal, "source"),
                text(deal, "channel"),
                text(deal, "pipeline"),
                money(deal, "amount")
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                contact.map(|c| text(c, "city")).unwrap_or_default(),
                company.map(|c| text(c, "industry")).unwrap_or_default(),
                deal.owner_id
                    .map(|o| owners.get(&o).cloned().unwrap_or_else(|| o.to_string()))
                    .unwrap_or_default(),
                local(opened).hour().to_string(),
                local(opened).weekday().number_from_monday().to_string(),
                format!("{:.2}", minutes(opened, moment) / 1440.0),
                // No reply yet counts the wait so far: an unanswered lead is waiting.
                format!("{:.1}", minutes(opened, first_reply.unwrap_or(moment))),
                if first_reply.is_some() { "yes" } else { "no" }.to_string(),
                touches.len().to_string(),
                count("call").to_string(),
                (count("chat") + count("email")).to_string(),
                count("meeting").to_string(),
                negative.to_string(),
                positive.to_string(),
                hours_since.map(|h| format!("{h:.1}")).unwrap_or_default(),
            ]);
            table.deals.push((deal.id, moment));
            table.sources.push(
                deal.source
                    .as_ref()
                    .map(|s| (s.system.to_lowercase(), s.external_id.clone())),
            );
            table.touch_hours.push(hours_since);
            table
                .price_objections
                .push(inbound.iter().any(|t| has_any(t, PRICE)));
        }
        table
    }
}

impl App {
    async fn deal_table(&self, actor: &Actor) -> Result<DealTable> {
        let deals = all_visible(&self.store, actor, EntityKind::Deal).await?;
        let activities = all_visible(&self.store, actor, EntityKind::Activity).await?;
        let contacts = all_visible(&self.store, actor, EntityKind::Contact).await?;
        let companies = all_visible(&self.store, actor, EntityKind::Company).await?;
        let contacts: HashMap<Id, &Record> = contacts.iter().map(|r| (r.id, r)).collect();
        let companies: HashMap<Id, &Record> = companies.iter().map(|r| (r.id, r)).collect();
        // Owners by name in reasons; a role that may not list users sees ids.
        let owners: HashMap<Id, String> = all_visible(&self.store, actor, EntityKind::User)
            .await
            .unwrap_or_default()
            .iter()
            .map(|u| {
                (
                    u.id,
                    u.text("display_name")
                        .or(u.text("login"))
                        .unwrap_or_default()
                        .to_string(),
                )
            })
            .collect();
        // "Now" is the data's last moment: for a live CRM that is minutes ago,
        // for last month's export it is the export, not today.
        let latest = activities
            .iter()
            .filter_map(|a| time(a, "occurred_at"))
            .chain(deals.iter().filter_map(|d| time(d, "opened_at")))
            .max();
        let now = latest.map_or_else(Utc::now, |at| at.min(Utc::now()));
        Ok(DealTable::build(
            &deals,
            &activities,
            &contacts,
            &companies,
            &owners,
            now,
        ))
    }

    /// Trains a lead model on the store's closed deals: checked first on the
    /// latest 20% (trained on the earlier ones), then trained on all and
    /// registered as a candidate. The first model of the task is promoted.
    pub async fn train_lead_model(&self, actor: &Actor) -> Result<ModelSummary> {
        actor.require(Permission::ManageModels)?;
        let table = self.deal_table(actor).await?;
        let label = 1;
        let mut closed: Vec<usize> = (0..table.rows.len())
            .filter(|&r| !table.rows[r][label].is_empty())
            .collect();
        closed.sort_by_key(|&r| table.deals[r].1);
        let cut = closed.len() - (closed.len() as f64 * HOLDOUT_SHARE).round() as usize;
        let headers = table.headers.clone();
        let rows: Vec<Vec<String>> = closed.iter().map(|&r| table.rows[r].clone()).collect();
        let (model, holdout) = tokio::task::spawn_blocking(move || {
            let mut options = predict::Options::new(predict::Task::Lead, TARGET);
            options.id = Some("deal_id".into());
            let earlier = predict::train(&headers, &rows[..cut], &options)?;
            let later = &rows[cut..];
            let scored = earlier.score(&headers, later);
            let p: Vec<f64> = scored.scores.iter().map(|s| s.probability).collect();
            let y: Vec<bool> = later.iter().map(|r| r[label] == "1").collect();
            let holdout = (y.iter().any(|&l| l) && y.iter().any(|&l| !l))
                .then(|| predict::metrics::evaluate(&p, &y, 7));
            let model = predict::train(&headers, &rows, &options)?;
            Ok::<_, predict::PredictError>((model, holdout))
        })
        .await
        .map_err(|e| Error::BadRequest(format!("training stopped: {e}")))?
        .map_err(|e| Error::BadRequest(e.to_string()))?;
        let metrics = json!({
            "folds": model.report,
            "time_holdout": holdout,
            "trained_on": closed.len(),
            "holdout_rows": closed.len() - cut,
        });
        let (summary, first) = self.register(actor, LEAD_TASK, &model, metrics).await?;
        if first {
            self.score_open_deals(actor).await?;
        }
        Ok(summary)
    }

    /// Registers a trained model as a candidate (the task's first is
    /// promoted at once), with one audit entry. Returns it and whether it is active.
    pub(crate) async fn register(
        &self,
        actor: &Actor,
        task: &str,
        model: &predict::Model,
        metrics: serde_json::Value,
    ) -> Result<(ModelSummary, bool)> {
        let row = ModelRow {
            id: Id::new(),
            task: task.into(),
            version: 0,
            status: "candidate".into(),
            created_at: store::Store::now(),
            created_by: actor.label.clone(),
            data_hash: model.data_hash.clone(),
            metrics: metrics.to_string(),
            body: serde_json::to_string(model).map_err(|e| Error::BadRequest(e.to_string()))?,
            promoted_at: None,
            promoted_by: None,
        };
        let first = self.store.active_model(task).await?.is_none();
        let mut tx = self.store.begin().await?;
        let version = tx.insert_model(&row).await?;
        if first {
            tx.promote_model(row.id, &actor.label).await?;
        }
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "model.train".into(),
            entity: "model".into(),
            entity_id: Some(row.id.to_string()),
            before: None,
            after: Some(json!({"task": task, "version": version, "data_hash": row.data_hash, "promoted": first}).to_string()),
        })
        .await?;
        tx.commit().await?;
        let stored = self.store.models(task).await?;
        let summary = stored
            .into_iter()
            .find(|m| m.id == row.id)
            .map(ModelSummary::from)
            .ok_or_else(|| Error::NotFound {
                kind: "model".into(),
                id: row.id.to_string(),
            })?;
        Ok((summary, first))
    }

    /// Makes a model the active one (a rollback is promoting an older one)
    /// and rescores the open deals with it.
    pub async fn promote_model(&self, actor: &Actor, id: Id) -> Result<()> {
        actor.require(Permission::ManageModels)?;
        let mut tx = self.store.begin().await?;
        if !tx.promote_model(id, &actor.label).await? {
            return Err(Error::NotFound {
                kind: "model".into(),
                id: id.to_string(),
            });
        }
        tx.append_audit(NewAuditEntry {
            actor: actor.label.clone(),
            action: "model.promote".into(),
            entity: "model".into(),
            entity_id: Some(id.to_string()),
            before: None,
            after: None,
        })
        .await?;
        tx.commit().await?;
        let task = self
            .store
            .model(id)
            .await?
            .map(|m| m.task)
            .unwrap_or_default();
        if task == crate::churn::CHURN_TASK {
            self.score_customers(actor).await?;
        } else {
            self.score_open_deals(actor).await?;
        }
        Ok(())
    }

    /// The registry: every lead model, newest first.
    pub async fn models(&self, actor: &Actor) -> Result<Vec<ModelSummary>> {
        actor.require(Permission::Read(EntityKind::Deal))?;
        let mut models = self.store.models(LEAD_TASK).await?;
        models.extend(self.store.models(crate::churn::CHURN_TASK).await?);
        Ok(models.into_iter().map(ModelSummary::from).collect())
    }

    pub(crate) async fn active(&self, task: &str) -> Result<(Id, predict::Model)> {
        let row =
            self.store.active_model(task).await?.ok_or_else(|| {
                Error::BadRequest(format!("no active {task} model: train one first"))
            })?;
        let model =
            predict::Model::from_json(&row.body).map_err(|e| Error::BadRequest(e.to_string()))?;
        Ok((row.id, model))
    }

    /// Scores every open deal with the active model and keeps the scores.
    /// Returns how many were scored.
    pub async fn score_open_deals(&self, actor: &Actor) -> Result<usize> {
        actor.require(Permission::ManageModels)?;
        let (model_id, model) = self.active(LEAD_TASK).await?;
        let table = self.deal_table(actor).await?;
        let open: Vec<usize> = (0..table.rows.len())
            .filter(|&r| table.rows[r][1].is_empty())
            .collect();
        let mut amounts: Vec<f64> = table
            .rows
            .iter()
            .filter_map(|r| r[5].parse().ok())
            .collect();
        amounts.sort_by(f64::total_cmp);
        let rows: Vec<Vec<String>> = open.iter().map(|&r| table.rows[r].clone()).collect();
        let headers = table.headers.clone();
        let scored = tokio::task::spawn_blocking(move || model.score(&headers, &rows))
            .await
            .map_err(|e| Error::BadRequest(format!("scoring stopped: {e}")))?;
        let now = store::Store::now();
        let rows: Vec<ScoreRow> = open
            .iter()
            .zip(&scored.scores)
            .map(|(&r, score)| {
                let rank = table.rows[r][5]
                    .parse::<f64>()
                    .map(|a| {
                        amounts.partition_point(|&x| x < a) as f64 / amounts.len().max(1) as f64
                    })
                    .unwrap_or(0.0);
                let action = recommend(
                    score.probability,
                    rank,
                    table.touch_hours[r],
                    table.price_objections[r],
                );
                ScoreRow {
                    kind: EntityKind::Deal.as_str().into(),
                    record_id: table.deals[r].0,
                    model_id,
                    probability: score.probability,
                    low: score.interval.map(|i| i.0),
                    high: score.interval.map(|i| i.1),
                    reasons: serde_json::to_string(
                        &score.factors.iter().take(5).collect::<Vec<_>>(),
                    )
                    .unwrap_or_default(),
                    action: action.code().into(),
                    scored_at: now,
                }
            })
            .collect();
        // Changed scores of deals from a connected CRM go back to it, through
        // the durable queue, in the same transaction as the scores themselves.
        let previous: HashMap<Id, ScoreRow> = self
            .store
            .top_scores(EntityKind::Deal.as_str(), i64::MAX)
            .await?
            .into_iter()
            .map(|row| (row.record_id, row))
            .collect();
        let mut writebacks = Vec::new();
        for (&r, row) in open.iter().zip(&rows) {
            let Some((system, external)) = &table.sources[r] else {
                continue;
            };
            if !self.crm.contains_key(system) {
                continue;
            }
            let changed = previous.get(&row.record_id).is_none_or(|before| {
                (before.probability - row.probability).abs() >= 0.01 || before.action != row.action
            });
            if changed {
                writebacks.push(json!({"system": system, "update": writeback(row, external, now)}));
            }
        }
        let mut tx = self.store.begin().await?;
        tx.upsert_scores(&rows).await?;
        for payload in &writebacks {
            tx.enqueue_job(WRITEBACK_JOB, &payload.to_string(), WRITEBACK_ATTEMPTS)
                .await?;
        }
        tx.commit().await?;
        Ok(rows.len())
    }

    /// Drift of the open deals against the active model's training data:
    /// population stability of the score and of every feature.
    pub async fn drift(&self, actor: &Actor) -> Result<DriftReport> {
        actor.require(Permission::Read(EntityKind::Deal))?;
        let (model_id, model) = self.active(LEAD_TASK).await?;
        let table = self.deal_table(&Actor::system("drift")).await?;
        let open: Vec<Vec<String>> = table
            .rows
            .iter()
            .filter(|r| r[1].is_empty())
            .cloned()
            .collect();
        let drift = model.drift(&table.headers, &open);
        let mut alarms = Vec::new();
        if drift.score > DRIFT_ALARM {
            alarms.push(format!("score: PSI {:.2}", drift.score));
        }
        for (feature, psi) in drift.features.iter().filter(|(_, psi)| *psi > DRIFT_ALARM) {
            alarms.push(format!("{feature}: PSI {psi:.2}"));
        }
        Ok(DriftReport {
            model_id: model_id.to_string(),
            score_psi: drift.score,
            features: drift.features,
            alarms,
        })
    }

    /// A deal's latest score, if it has one and the actor may see the deal.
    pub async fn deal_score(&self, actor: &Actor, id: Id) -> Result<Option<DealScore>> {
        let deal = self.get(actor, EntityKind::Deal, id).await?;
        Ok(self
            .store
            .score(EntityKind::Deal.as_str(), id)
            .await?
            .filter(|_| text(&deal, "status") == "open" || text(&deal, "status").is_empty())
            .map(|row| DealScore::from_row(&row)))
    }

    /// The latest scores of deals the actor has listed (closed deals have none).
    pub async fn deal_scores(&self, actor: &Actor, ids: &[Id]) -> Result<HashMap<Id, DealScore>> {
        actor.require(Permission::Read(EntityKind::Deal))?;
        let mut scores = HashMap::new();
        for &id in ids {
            if let Some(row) = self.store.score(EntityKind::Deal.as_str(), id).await? {
                scores.insert(id, DealScore::from_row(&row));
            }
        }
        Ok(scores)
    }

    /// The open deals the actor may see, most likely to buy first.
    pub async fn call_first(&self, actor: &Actor, limit: usize) -> Result<Vec<CallFirst>> {
        actor.require(Permission::Read(EntityKind::Deal))?;
        let scores = self
            .store
            .top_scores(EntityKind::Deal.as_str(), 5_000)
            .await?;
        let mut out = Vec::new();
        for row in scores {
            if out.len() >= limit {
                break;
            }
            let Ok(deal) = self.get(actor, EntityKind::Deal, row.record_id).await else {
                continue;
            };
            if !matches!(text(&deal, "status").as_str(), "open" | "") {
                continue;
            }
            out.push(CallFirst {
                title: deal.title(),
                deal: deal.to_json(),
                score: DealScore::from_row(&row),
            });
        }
        Ok(out)
    }
}

/// A model older than this is retrained by the scheduler.
const RETRAIN_AFTER_DAYS: i64 = 7;
/// A retrained model is promoted by itself only if its held-out AUC is at
/// least the active one's less this; otherwise it waits for an admin.
const PROMOTE_TOLERANCE: f64 = 0.005;

fn held_out_auc(model: &ModelSummary) -> Option<f64> {
    model
        .metrics
        .pointer("/time_holdout/auc/value")
        .or_else(|| model.metrics.pointer("/folds/validation/auc/value"))
        .and_then(serde_json::Value::as_f64)
}

impl App {
    /// Scheduled retraining: for each task with an active model, trains a new
    /// one when the newest is older than a week;
    /// promotes it when it is not worse on held-out data. Returns the new models.
    pub async fn retrain_if_due(&self, now: DateTime<Utc>) -> Result<Vec<ModelSummary>> {
        let scheduler = Actor::system("scheduler");
        let mut trained = Vec::new();
        for task in [LEAD_TASK, crate::churn::CHURN_TASK] {
            let models: Vec<ModelSummary> = self
                .store
                .models(task)
                .await?
                .into_iter()
                .map(ModelSummary::from)
                .collect();
            let Some(active) = models.iter().find(|m| m.status == "active") else {
                continue;
            };
            let newest = self.store.models(task).await?.first().map(|m| m.created_at);
            let old = newest.is_some_and(|at| now - at >= Duration::days(RETRAIN_AFTER_DAYS));
            // Drift alone does not retrain: open deals are younger than the
            // closed ones a model learns from, so their PSI is high by nature
            // and is shown to people rather than acted on.
            if !old {
                continue;
            }
            let candidate = if task == LEAD_TASK {
                self.train_lead_model(&scheduler).await?
            } else {
                self.train_churn_model(&scheduler).await?
            };
            let better = match (held_out_auc(&candidate), held_out_auc(active)) {
                (Some(new), Some(current)) => new >= current - PROMOTE_TOLERANCE,
                _ => false,
            };
            if better {
                self.promote_model(
                    &scheduler,
                    domain::Id::parse(&candidate.id)
                        .map_err(|e| Error::BadRequest(e.to_string()))?,
                )
                .await?;
            }
            let promoted = self
                .store
                .models(task)
                .await?
                .into_iter()
                .map(ModelSummary::from)
                .find(|m| m.id == candidate.id)
                .unwrap_or(candidate);
            trained.push(promoted);
        }
        Ok(trained)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_follow_the_score_and_the_context() {
        assert_eq!(recommend(0.8, 0.5, Some(5.0), false), Action::CallNow);
        assert_eq!(recommend(0.8, 0.5, Some(0.5), false), Action::CallToday);
        assert_eq!(
            recommend(0.8, 0.5, None, false),
            Action::CallNow,
            "never answered"
        );
        assert_eq!(recommend(0.45, 0.9, Some(1.0), false), Action::HeadOfSales);
        assert_eq!(recommend(0.45, 0.9, Some(1.0), true), Action::Discount);
        assert_eq!(recommend(0.1, 0.9, Some(1.0), true), Action::Nurture);
        for action in [Action::CallNow, Action::Nurture, Action::Discount] {
            assert_eq!(Action::parse(action.code()), Some(action));
        }
    }
}
