//! Churn on the store: which customers will not buy again within 90 days.
//! Each customer's signals are taken as of a moment — recency, frequency and
//! money of orders, tenure, support contacts, complaints, product views,
//! marketing consent — and the model learns from the moment 90 days before
//! the data's end, when what happened next is known: did they order again?
//! It then scores every customer as of the data's end.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use domain::{EntityKind, Id, Record};
use serde::Serialize;
use serde_json::json;
use store::ScoreRow;

use crate::master::all_visible;
use crate::scoring::{ModelSummary, NEGATIVE, has_any, money, text, time};
use crate::{Actor, App, Error, Permission, Result};

/// The registry's name for "will this customer stop buying".
pub const CHURN_TASK: &str = "churn";
/// A customer who has not ordered within this many days has left.
const HORIZON_DAYS: i64 = 90;
const TARGET: &str = "churned";
/// Where churn scores are kept in `scores`.
const KIND: &str = "contact";

/// A customer's churn risk as the API and the contact card show it.
#[derive(Debug, Clone, Serialize)]
pub struct ChurnScore {
    pub contact_id: String,
    pub probability: f64,
    pub factors: Vec<predict::Factor>,
    /// `retention_offer`, `check_in` or `none`.
    pub action: String,
    pub action_text: String,
    pub reasons: Vec<String>,
}

fn action(probability: f64) -> &'static str {
    if probability >= 0.6 {
        "retention_offer"
    } else if probability >= 0.3 {
        "check_in"
    } else {
        "none"
    }
}

fn action_text(code: &str, russian: bool) -> &'static str {
    match (code, russian) {
        ("retention_offer", true) => "Персональное предложение, чтобы удержать",
        ("retention_offer", false) => "A personal offer to keep them",
        ("check_in", true) => "Напомнить о себе: письмо или звонок",
        ("check_in", false) => "Check in: an e-mail or a call",
        (_, true) => "Ничего не нужно",
        (_, false) => "Nothing needed",
    }
}

/// The customer features, as people name them: (column, Russian, English).
const LABELS: &[(&str, &str, &str)] = &[
    (
        "recency_days",
        "Дней с последнего заказа",
        "Days since the last order",
    ),
    ("orders", "Заказов", "Orders"),
    ("monetary", "Сумма покупок", "Spent"),
    (
        "tenure_days",
        "Дней с первого заказа",
        "Days since the first order",
    ),
    ("support_contacts", "Обращений клиента", "Client's requests"),
    ("complaints", "Жалоб", "Complaints"),
    (
        "product_views",
        "Просмотров товаров за 90 дней",
        "Product views in 90 days",
    ),
    (
        "consent_marketing",
        "Согласие на рассылку",
        "Marketing consent",
    ),
    ("city", "Город", "City"),
    ("source", "Источник", "Source"),
];

/// Everything a customer did, grouped by contact.
struct History<'a> {
    orders: HashMap<Id, Vec<(&'a Record, DateTime<Utc>)>>,
    activities: HashMap<Id, Vec<(&'a Record, DateTime<Utc>)>>,
    views: HashMap<Id, Vec<DateTime<Utc>>>,
}

impl<'a> History<'a> {
    fn new(orders: &'a [Record], activities: &'a [Record], events: &'a [Record]) -> History<'a> {
        let mut history = History {
            orders: HashMap::new(),
            activities: HashMap::new(),
            views: HashMap::new(),
        };
        for order in orders
            .iter()
            .filter(|o| !matches!(o.text("status"), Some("cancelled")))
        {
            if let (Some(contact), Some(at)) =
                (order.reference("contact_id"), time(order, "ordered_at"))
            {
                history.orders.entry(contact).or_default().push((order, at));
            }
        }
        for activity in activities {
            if let (Some(contact), Some(at)) = (
                activity.reference("contact_id"),
                time(activity, "occurred_at"),
            ) {
                history
                    .activities
                    .entry(contact)
                    .or_default()
                    .push((activity, at));
            }
        }
        for event in events
            .iter()
            .filter(|e| e.text("kind") == Some("product_view"))
        {
            if let (Some(contact), Some(at)) =
                (event.reference("contact_id"), time(event, "occurred_at"))
            {
                history.views.entry(contact).or_default().push(at);
            }
        }
        history
    }

    /// The latest moment anything happened: the data's "now".
    fn end(&self) -> Option<DateTime<Utc>> {
        let orders = self.orders.values().flatten().map(|(_, at)| *at);
        let activities = self.activities.values().flatten().map(|(_, at)| *at);
        let views = self.views.values().flatten().copied();
        orders.chain(activities).chain(views).max()
    }

    /// One customer's row as of `moment`, with the label when `until` is
    /// given (did they order in `(moment, until]`?). `None` for someone who
    /// had not bought by then: who never bought cannot leave.
    fn row(
        &self,
        contact: &Record,
        moment: DateTime<Utc>,
        until: Option<DateTime<Utc>>,
    ) -> Option<Vec<String>> {
        let orders: Vec<&(&Record, DateTime<Utc>)> = self
            .orders
            .get(&contact.id)
            .map(|o| o.iter().filter(|(_, at)| *at <= moment).collect())
            .unwrap_or_default();
        let first = orders.iter().map(|(_, at)| *at).min()?;
        let last = orders.iter().map(|(_, at)| *at).max()?;
        let label = match until {
            Some(until) => {
                let again = self
                    .orders
                    .get(&contact.id)
                    .is_some_and(|o| o.iter().any(|(_, at)| *at > moment && *at <= until));
                if again { "0" } else { "1" }
            }
            None => "",
        };
        let inbound: Vec<String> = self
            .activities
            .get(&contact.id)
            .map(|list| {
                list.iter()
                    .filter(|(a, at)| *at <= moment && text(a, "direction") == "inbound")
                    .map(|(a, _)| format!("{} ", text(a, "text").to_lowercase()))
                    .collect()
            })
            .unwrap_or_default();
        let views = self.views.get(&contact.id).map_or(0, |v| {
            v.iter()
                .filter(|at| **at <= moment && moment - **at <= Duration::days(HORIZON_DAYS))
                .count()
        });
        let days = |from: DateTime<Utc>| ((moment - from).num_hours() as f64 / 24.0).max(0.0);
        Some(vec![
            contact.id.to_string(),
            label.to_string(),
            format!("{:.1}", days(last)),
            orders.len().to_string(),
            format!(
                "{:.2}",
                orders
                    .iter()
                    .filter_map(|(o, _)| money(o, "total"))
                    .sum::<f64>()
            ),
            format!("{:.1}", days(first)),
            inbound.len().to_string(),
            inbound
                .iter()
                .filter(|t| has_any(t, NEGATIVE))
                .count()
                .to_string(),
            views.to_string(),
            text(contact, "consent_marketing"),
            text(contact, "city"),
            text(contact, "source"),
        ])
    }
}

fn headers() -> Vec<String> {
    ["contact_id", TARGET]
        .into_iter()
        .chain(LABELS.iter().map(|(c, _, _)| *c))
        .map(String::from)
        .collect()
}

impl App {
    async fn customer_history(
        &self,
        actor: &Actor,
    ) -> Result<(Vec<Record>, Vec<Record>, Vec<Record>, Vec<Record>)> {
        Ok((
            all_visible(&self.store, actor, EntityKind::Contact).await?,
            all_visible(&self.store, actor, EntityKind::Order).await?,
            all_visible(&self.store, actor, EntityKind::Activity).await?,
            all_visible(&self.store, actor, EntityKind::Event).await?,
        ))
    }

    /// Trains a churn model on the store: customers as they were 90 days
    /// before the data's end, labelled by whether they ordered again since.
    pub async fn train_churn_model(&self, actor: &Actor) -> Result<ModelSummary> {
        actor.require(Permission::ManageModels)?;
        let (contacts, orders, activities, events) = self.customer_history(actor).await?;
        let history = History::new(&orders, &activities, &events);
        let end = history.end().ok_or_else(|| {
            Error::BadRequest("no orders, activities or events to learn churn from".into())
        })?;
        let moment = end - Duration::days(HORIZON_DAYS);
        let rows: Vec<Vec<String>> = contacts
            .iter()
            .filter_map(|c| history.row(c, moment, Some(end)))
            .collect();
        let headers = headers();
        let model = tokio::task::spawn_blocking(move || {
            let mut options = predict::Options::new(predict::Task::Churn, TARGET);
            options.id = Some("contact_id".into());
            predict::train(&headers, &rows, &options)
        })
        .await
        .map_err(|e| Error::BadRequest(format!("training stopped: {e}")))?
        .map_err(|e| Error::BadRequest(e.to_string()))?;
        let metrics = json!({"folds": model.report, "as_of": moment, "horizon_days": HORIZON_DAYS});
        let (summary, first) = self.register(actor, CHURN_TASK, &model, metrics).await?;
        if first {
            self.score_customers(actor).await?;
        }
        Ok(summary)
    }

    /// Scores every customer who has bought, as of the data's end, with the
    /// active churn model. Returns how many were scored.
    pub async fn score_customers(&self, actor: &Actor) -> Result<usize> {
        actor.require(Permission::ManageModels)?;
        let (model_id, model) = self.active(CHURN_TASK).await?;
        let (contacts, orders, activities, events) = self.customer_history(actor).await?;
        let history = History::new(&orders, &activities, &events);
        let Some(end) = history.end() else {
            return Ok(0);
        };
        let rows: Vec<Vec<String>> = contacts
            .iter()
            .filter_map(|c| history.row(c, end, None))
            .collect();
        let headers = headers();
        let (rows, scored) = tokio::task::spawn_blocking(move || {
            let scored = model.score(&headers, &rows);
            (rows, scored)
        })
        .await
        .map_err(|e| Error::BadRequest(format!("scoring stopped: {e}")))?;
        let now = store::Store::now();
        let mut scores = Vec::with_capacity(rows.len());
        for (row, score) in rows.iter().zip(&scored.scores) {
            let id = Id::parse(&row[0]).map_err(|e| Error::BadRequest(e.to_string()))?;
            scores.push(ScoreRow {
                kind: KIND.into(),
                record_id: id,
                model_id,
                probability: score.probability,
                low: score.interval.map(|i| i.0),
                high: score.interval.map(|i| i.1),
                reasons: serde_json::to_string(&score.factors.iter().take(5).collect::<Vec<_>>())
                    .unwrap_or_default(),
                action: action(score.probability).into(),
                scored_at: now,
            });
        }
        let mut tx = self.store.begin().await?;
        tx.upsert_scores(&scores).await?;
        tx.commit().await?;
        Ok(scores.len())
    }

    /// A customer's churn risk, if the actor may see them and they are scored.
    pub async fn churn_score(
        &self,
        actor: &Actor,
        contact: Id,
        russian: bool,
    ) -> Result<Option<ChurnScore>> {
        self.get(actor, EntityKind::Contact, contact).await?;
        let Some(row) = self.store.score(KIND, contact).await? else {
            return Ok(None);
        };
        let factors: Vec<predict::Factor> = serde_json::from_str(&row.reasons).unwrap_or_default();
        let reasons = crate::scoring::named_reasons(&factors, LABELS, russian);
        Ok(Some(ChurnScore {
            contact_id: contact.to_string(),
            probability: row.probability,
            action_text: action_text(&row.action, russian).to_string(),
            action: row.action,
            factors,
            reasons,
        }))
    }
}
