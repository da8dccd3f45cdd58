//! Behavioural events: product views before a purchase, window shoppers who
//! view the same sneakers three or more times and never buy, site visits,
//! cart additions and newsletter opens and clicks.
//!
//! Events only point at contacts and products; they change nothing else.

use std::collections::BTreeSet;

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Record};
use rand::Rng;
use serde_json::json;

use crate::catalogue::ProductInfo;
use crate::chance::{chance, hours, log_normal, minutes, moment_between, pick, poisson};
use crate::deals::{DealInfo, DealSetup};
use crate::factory::Factory;
use crate::timeline::Outcome;

/// The share of contacts who keep looking at one pair of sneakers without buying it.
pub(crate) const WINDOW_SHOPPER_SHARE: f64 = 0.12;

const SITE: &str = "https://shop.example.ru";
#[rustfmt::skip]
const PAGES: &[&str] = &[
    "/", "/catalog/krossovki", "/catalog/elektronika", "/sale", "/delivery", "/brands/nike", "/contacts",
    "/blog/kak-vybrat-razmer",
];
#[rustfmt::skip]
const CAMPAIGNS: &[&str] = &[
    "Новинки недели", "Распродажа -30%", "Подборка для бега", "Скидки на электронику", "Чёрная пятница",
    "Новая коллекция", "Подарки к празднику", "Последние размеры",
];

/// One event before it becomes a record.
struct Happening<'a> {
    kind: &'static str,
    contact: usize,
    product: Option<&'a ProductInfo>,
    at: DateTime<Utc>,
    url: String,
    campaign: Option<&'static str>,
}

/// Makes every event, ordered by when it happened.
pub(crate) fn generate_events(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    deals: &[DealInfo],
) -> Vec<Record> {
    let earliest = setup.now - TimeDelta::days(365);
    let mut happenings: Vec<Happening<'_>> = Vec::new();
    let mut bought = BTreeSet::new();
    for deal in deals.iter().filter(|deal| !deal.is_b2b) {
        let rng = &mut factory.rng;
        let is_won = matches!(deal.timeline.outcome, Outcome::Won { .. });
        let product = &setup.products[deal.lines[0].product];
        for _ in 0..rng.random_range(1..=3) {
            let at = (deal.opened_at - hours(log_normal(rng, 30.0, 1.0))).max(earliest);
            happenings.push(Happening {
                kind: "product_view",
                contact: deal.contact,
                product: Some(product),
                at,
                url: product_url(product),
                campaign: None,
            });
        }
        if chance(rng, if is_won { 0.5 } else { 0.15 }) {
            let at = (deal.opened_at - minutes(rng.random_range(2.0..60.0))).max(earliest);
            happenings.push(Happening {
                kind: "cart_add",
                contact: deal.contact,
                product: Some(product),
                at,
                url: product_url(product),
                campaign: None,
            });
        }
        if is_won {
            bought.extend(deal.lines.iter().map(|line| (deal.contact, line.product)));
        }
    }
    let sneakers: Vec<usize> = (0..setup.products.len())
        .filter(|index| setup.products[*index].is_sneakers)
        .collect();
    let campaigns: Vec<(DateTime<Utc>, &str)> = CAMPAIGNS
        .iter()
        .enumerate()
        .map(|(index, name)| (setup.now - TimeDelta::days(20 + 40 * index as i64), *name))
        .collect();
    for (contact_index, contact) in setup.contacts.iter().enumerate() {
        let rng = &mut factory.rng;
        let from = (contact.created_at - TimeDelta::days(20)).max(earliest);
        for _ in 0..poisson(rng, 1.6) {
            let url = format!("{SITE}{}", pick(rng, PAGES));
            happenings.push(Happening {
                kind: "site_visit",
                contact: contact_index,
                product: None,
                at: moment_between(rng, from, setup.now),
                url,
                campaign: None,
            });
        }
        for _ in 0..poisson(rng, 1.0) {
            let product = pick(rng, setup.products);
            let at = moment_between(rng, from, setup.now);
            happenings.push(Happening {
                kind: "product_view",
                contact: contact_index,
                product: Some(product),
                at,
                url: product_url(product),
                campaign: None,
            });
        }
        if chance(rng, WINDOW_SHOPPER_SHARE) {
            let product_index = *pick(rng, &sneakers);
            if !bought.contains(&(contact_index, product_index)) {
                let product = &setup.products[product_index];
                let mut at =
                    moment_between(rng, contact.created_at, setup.now - TimeDelta::days(1));
                for _ in 0..rng.random_range(3..=6) {
                    happenings.push(Happening {
                        kind: "product_view",
                        contact: contact_index,
                        product: Some(product),
                        at,
                        url: product_url(product),
                        campaign: None,
                    });
                    at = (at + hours(log_normal(rng, 40.0, 1.0))).min(setup.now);
                }
            }
        }
        if contact.gets_newsletter {
            for &(sent_at, campaign) in campaigns
                .iter()
                .filter(|(sent_at, _)| *sent_at > contact.created_at)
            {
                if !chance(rng, 0.35) {
                    continue;
                }
                let opened_at = (sent_at + hours(log_normal(rng, 3.0, 1.2))).min(setup.now);
                happenings.push(Happening {
                    kind: "email_open",
                    contact: contact_index,
                    product: None,
                    at: opened_at,
                    url: String::new(),
                    campaign: Some(campaign),
                });
                if chance(rng, 0.3) {
                    let url = format!(
                        "{SITE}/sale?utm_source=email&utm_campaign={}",
                        sent_at.format("%Y%m%d")
                    );
                    let clicked_at = (opened_at + TimeDelta::minutes(2)).min(setup.now);
                    happenings.push(Happening {
                        kind: "email_click",
                        contact: contact_index,
                        product: None,
                        at: clicked_at,
                        url,
                        campaign: Some(campaign),
                    });
                }
            }
        }
    }
    happenings.sort_by_key(|happening| happening.at);
    happenings
        .iter()
        .map(|happening| event_record(factory, setup, happening))
        .collect()
}

/// One event as raw input, parsed into a record.
fn event_record(factory: &mut Factory, setup: &DealSetup<'_>, happening: &Happening<'_>) -> Record {
    let kind = if chance(&mut factory.rng, 0.15) {
        alias(happening.kind)
    } else {
        happening.kind
    };
    let raw = json!({
        "kind": kind, "contact_id": setup.contacts[happening.contact].id.to_string(),
        "product_id": happening.product.map(|product| product.id.to_string()), "occurred_at": factory.timestamp(happening.at),
        "url": happening.url, "campaign": happening.campaign,
    });
    factory.make(EntityKind::Event, raw, happening.at)
}

/// The short name a web analytics export uses for an event kind.
fn alias(kind: &'static str) -> &'static str {
    match kind {
        "product_view" => "view",
        "site_visit" => "visit",
        "email_open" => "open",
        "email_click" => "click",
        "cart_add" => "add_to_cart",
        other => other,
    }
}

fn product_url(product: &ProductInfo) -> String {
    format!("{SITE}/product/{}", product.sku.to_lowercase())
}
