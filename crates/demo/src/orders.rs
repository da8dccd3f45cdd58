//! Orders of the shop's won deals: the deal's products as one to three
//! lines with SKU, name, quantity and price, a total equal to their sum,
//! and a status that follows the order's age.
//!
//! B2B deals are invoiced outside the shop and have no order here.

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Record};
use serde_json::{Value as Json, json};

use crate::catalogue::ProductInfo;
use crate::chance::{chance, pick_weighted};
use crate::deals::{DealInfo, DealSetup};
use crate::factory::{Factory, group_thousands};
use crate::timeline::Outcome;

/// Makes an order for every won shop deal, in the order the deals are given.
pub(crate) fn generate_orders(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    deals: &[DealInfo],
) -> Vec<Record> {
    let mut records = Vec::new();
    for deal in deals.iter().filter(|deal| !deal.is_b2b) {
        let Outcome::Won { closed_at } = deal.timeline.outcome else {
            continue;
        };
        let rng = &mut factory.rng;
        let lines: Vec<Json> = deal
            .lines
            .iter()
            .map(|line| {
                order_line(
                    &setup.products[line.product],
                    line.quantity,
                    chance(rng, 0.8),
                )
            })
            .collect();
        let total: i64 = deal
            .lines
            .iter()
            .map(|line| setup.products[line.product].price * line.quantity)
            .sum();
        let (status, updated_at) = status_at(&mut factory.rng, closed_at, setup.now);
        let number = format!("ЗК-{:06}", 1_000 + factory.serial());
        let raw = json!({
            "number": number, "contact_id": setup.contacts[deal.contact].id.to_string(), "deal_id": deal.id.to_string(),
            "status": status, "total": factory.money(total), "ordered_at": factory.timestamp(closed_at), "lines": lines,
        });
        let mut record = factory.make(EntityKind::Order, raw, closed_at);
        record.updated_at = updated_at;
        records.push(record);
    }
    records
}

/// A line as a shop's export writes it; the product id is sometimes left out.
fn order_line(product: &ProductInfo, quantity: i64, with_product_id: bool) -> Json {
    let mut line = json!({"sku": product.sku, "name": product.name, "quantity": quantity, "price": group_thousands(product.price)});
    if with_product_id {
        line["product_id"] = json!(product.id.to_string());
    }
    line
}

/// The status of an order placed at `ordered_at`, seen at `now`, and when it
/// last changed.
fn status_at(
    rng: &mut rand::rngs::StdRng,
    ordered_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (&'static str, DateTime<Utc>) {
    let age = now - ordered_at;
    let at = |days: i64| (ordered_at + TimeDelta::days(days)).min(now);
    if age < TimeDelta::days(1) {
        return (
            pick_weighted(rng, &[("new", 1.0), ("paid", 2.0)]),
            ordered_at,
        );
    }
    if age < TimeDelta::days(5) {
        return (
            pick_weighted(rng, &[("paid", 1.0), ("shipped", 3.0), ("отправлен", 1.0)]),
            at(1),
        );
    }
    let status = pick_weighted(
        rng,
        &[
            ("delivered", 80.0),
            ("Доставлен", 8.0),
            ("returned", 5.0),
            ("cancelled", 4.0),
            ("отменён", 3.0),
        ],
    );
    (status, at(if status == "returned" { 14 } else { 4 }))
}
