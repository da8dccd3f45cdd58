//! Next best offer: a product the customer keeps looking at but has not
//! bought, that is in stock and fits what they usually spend — the seed's
//! sneakers viewed three times, offered while stock lasts.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use domain::{EntityKind, Id, Record, Value};
use serde::Serialize;

use crate::scoring::money;
use crate::{Actor, App, Filter, FilterOp, ListQuery, Result};

/// Views of one product before it is worth an offer.
const MIN_VIEWS: usize = 2;
/// A price fits the average check within these shares of it.
const CHECK_RANGE: (f64, f64) = (0.5, 1.5);
const MAX_OFFERS: usize = 3;

/// One product to offer, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Offer {
    pub product_id: String,
    pub sku: String,
    pub name: String,
    pub views: usize,
    pub last_viewed: String,
    pub price: Option<f64>,
    pub stock: Option<i64>,
    pub why_ru: String,
    pub why_en: String,
    pub action_ru: String,
    pub action_en: String,
}

fn bought_skus(orders: &[Record]) -> HashSet<String> {
    orders
        .iter()
        .filter(|o| !matches!(o.text("status"), Some("cancelled" | "returned")))
        .filter_map(|o| match o.fields.get("lines") {
            Some(Value::Json(lines)) => lines.as_array().cloned(),
            _ => None,
        })
        .flatten()
        .filter_map(|line| {
            line.get("sku")
                .and_then(|s| s.as_str())
                .map(str::to_lowercase)
        })
        .collect()
}

impl App {
    /// The products worth offering a contact now, best first.
    pub async fn next_best_offers(&self, actor: &Actor, contact_id: Id) -> Result<Vec<Offer>> {
        // Seeing the contact is the permission to see what they looked at.
        self.get(actor, EntityKind::Contact, contact_id).await?;
        let by_contact = |kind| -> Result<ListQuery> {
            Ok(ListQuery {
                filters: vec![Filter::parse(
                    kind,
                    "contact_id",
                    FilterOp::Eq,
                    &contact_id.to_string(),
                )?],
                limit: store::MAX_PAGE,
                ..ListQuery::default()
            })
        };
        let operator = Actor::system("offers");
        let events = self
            .list(&operator, EntityKind::Event, by_contact(EntityKind::Event)?)
            .await?
            .items;
        let orders = self
            .list(&operator, EntityKind::Order, by_contact(EntityKind::Order)?)
            .await?
            .items;
        let mut views: HashMap<Id, (usize, DateTime<Utc>)> = HashMap::new();
        for event in events
            .iter()
            .filter(|e| e.text("kind") == Some("product_view"))
        {
            let (Some(product), Some(Value::Timestamp(at))) = (
                event.reference("product_id"),
                event.fields.get("occurred_at"),
            ) else {
                continue;
            };
            let entry = views.entry(product).or_insert((0, *at));
            entry.0 += 1;
            entry.1 = entry.1.max(*at);
        }
        let bought = bought_skus(&orders);
        let totals: Vec<f64> = orders.iter().filter_map(|o| money(o, "total")).collect();
        let check = (!totals.is_empty()).then(|| totals.iter().sum::<f64>() / totals.len() as f64);
        let mut candidates: Vec<(Id, usize, DateTime<Utc>)> = views
            .into_iter()
            .filter(|(_, (count, _))| *count >= MIN_VIEWS)
            .map(|(id, (count, at))| (id, count, at))
            .collect();
        candidates.sort_by(|a, b| b.1.cmp(&a.1).then(b.2.cmp(&a.2)));
        let mut offers = Vec::new();
        for (id, count, last) in candidates {
            let Ok(product) = self.get(&operator, EntityKind::Product, id).await else {
                continue;
            };
            let sku = product.text("sku").unwrap_or_default().to_string();
            let stock = match product.fields.get("stock") {
                Some(Value::Int(n)) => Some(*n),
                _ => None,
            };
            let price = money(&product, "price");
            let fits = match (price, check) {
                (Some(p), Some(c)) => p >= c * CHECK_RANGE.0 && p <= c * CHECK_RANGE.1,
                _ => true,
            };
            if bought.contains(&sku.to_lowercase()) || stock.is_some_and(|s| s <= 0) || !fits {
                continue;
            }
            let last_viewed = last.format("%Y-%m-%d").to_string();
            let stock_ru = stock
                .map(|s| format!("; в наличии {s} шт."))
                .unwrap_or_default();
            let stock_en = stock.map(|s| format!("; {s} in stock")).unwrap_or_default();
            let check_ru = check
                .map(|_| "; по цене в пределах среднего чека")
                .unwrap_or_default();
            let check_en = check
                .map(|_| "; priced within the usual check")
                .unwrap_or_default();
            let few = stock.is_some_and(|s| s <= 5);
            offers.push(Offer {
                product_id: id.to_string(),
                name: product.title(),
                sku,
                views: count,
                why_ru: format!("Смотрел {count} раз(а), последний раз {last_viewed}, не купил{stock_ru}{check_ru}"),
                why_en: format!("Viewed {count} times, last on {last_viewed}, not bought{stock_en}{check_en}"),
                action_ru: if few {
                    "Предложить со скидкой, пока товар есть в наличии".into()
                } else {
                    "Напомнить о товаре и предложить скидку".into()
                },
                action_en: if few {
                    "Offer a discount while it is in stock".into()
                } else {
                    "Remind them of it with a discount".into()
                },
                last_viewed,
                price,
                stock,
            });
            if offers.len() == MAX_OFFERS {
                break;
            }
        }
        Ok(offers)
    }
}
