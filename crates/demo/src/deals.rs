//! Leads and deals: about 1.3 per contact, in the shop pipeline (sneakers
//! and electronics) or the B2B one (wholesale and freight), each played out
//! by `timeline` and stored with a stage and status that agree.
//!
//! The outcome comes from the documented model in `outcome`; this module
//! chooses what is being sold, to whom and by whom, and writes the records.

use chrono::{DateTime, TimeDelta, Utc};
use domain::{EntityKind, Id, Record};
use rand::Rng;
use serde_json::json;

use crate::catalogue::ProductInfo;
use crate::chance::{chance, moment_between, mostly_daytime, pick, pick_weighted};
use crate::companies::CompanyInfo;
use crate::contacts::{ContactInfo, SOURCES};
use crate::factory::Factory;
use crate::messages::{self, Audience};
use crate::staff::{B2B, Manager, PipelineStages, SHOP, manager_index};
use crate::timeline::{DealStart, Outcome, Timeline, simulate};
use crate::touches::channel_for_source;

/// One line of what a shop deal sells: a product and a quantity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Line {
    /// An index into the products.
    pub(crate) product: usize,
    /// How many.
    pub(crate) quantity: i64,
}

/// What other generators need to know about a deal.
#[derive(Debug, Clone)]
pub(crate) struct DealInfo {
    /// Its id.
    pub(crate) id: Id,
    /// Its contact, an index into the contacts.
    pub(crate) contact: usize,
    /// Its manager, an index into the managers.
    pub(crate) owner: usize,
    /// Whether it is in the B2B pipeline.
    pub(crate) is_b2b: bool,
    /// When it was opened.
    pub(crate) opened_at: DateTime<Utc>,
    /// What a shop deal sells; empty for B2B.
    pub(crate) lines: Vec<Line>,
    /// Its planned history and outcome.
    pub(crate) timeline: Timeline,
}

/// What deals are made from.
pub(crate) struct DealSetup<'a> {
    /// Every contact.
    pub(crate) contacts: &'a [ContactInfo],
    /// The catalogue.
    pub(crate) products: &'a [ProductInfo],
    /// Every company.
    pub(crate) companies: &'a [CompanyInfo],
    /// The managers.
    pub(crate) managers: &'a [Manager],
    /// The present moment.
    pub(crate) now: DateTime<Utc>,
}

/// What a deal is about, before its timeline is played.
struct Offer {
    title: String,
    request: String,
    amount: i64,
    lines: Vec<Line>,
}

#[rustfmt::skip]
const DEAL_COMMENTS: &[&str] = &[
    "Клиент просил скидку", "Срочно", "Повторный клиент", "Нужна доставка до двери", "перезвонить",
    "Оплата картой при получении",
];

/// Makes every contact's deals, ordered by when they were opened.
pub(crate) fn generate_deals(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
) -> (Vec<Record>, Vec<DealInfo>) {
    let mut made: Vec<(Record, DealInfo)> = Vec::new();
    let latest = setup.now - TimeDelta::hours(1);
    for (contact_index, contact) in setup.contacts.iter().enumerate() {
        let count = pick_weighted(
            &mut factory.rng,
            &[(0, 8.0), (1, 60.0), (2, 22.0), (3, 7.0), (4, 3.0)],
        );
        for deal_number in 0..count {
            let rng = &mut factory.rng;
            let opened_at = if deal_number == 0 {
                contact.created_at + TimeDelta::seconds(rng.random_range(0..600))
            } else {
                let earliest = contact.created_at + TimeDelta::days(1);
                if earliest >= latest {
                    continue;
                }
                let at = moment_between(rng, earliest, latest);
                mostly_daytime(rng, at, 0.8, latest)
            };
            made.push(deal(factory, setup, contact_index, opened_at));
        }
    }
    made.sort_by_key(|(_, info)| info.opened_at);
    made.into_iter().unzip()
}

/// One deal of a contact, opened at `opened_at`.
fn deal(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    contact_index: usize,
    opened_at: DateTime<Utc>,
) -> (Record, DealInfo) {
    let contact = &setup.contacts[contact_index];
    let rng = &mut factory.rng;
    let is_b2b = contact.company.is_some() && chance(rng, 0.85);
    let source = if chance(rng, 0.6) {
        contact.source
    } else {
        pick_weighted(rng, SOURCES)
    };
    let channel = channel_for_source(rng, source);
    let owner = if chance(rng, 0.9) {
        contact.owner
    } else {
        manager_index(factory, setup.managers)
    };
    let rng = &mut factory.rng;
    let offer = if is_b2b {
        b2b_offer(rng, setup, contact)
    } else {
        shop_offer(rng, setup.products, contact.is_english)
    };
    let pipeline = if is_b2b { B2B } else { SHOP };
    let start = DealStart {
        opened_at,
        source,
        channel,
        audience: Audience {
            is_english: contact.is_english,
            is_b2b,
        },
        manager: &setup.managers[owner],
        request: offer.request,
        open_stages: pipeline.open.len(),
        now: setup.now,
    };
    let timeline = simulate(rng, &start);
    let record = deal_record(
        factory,
        setup,
        (contact, owner),
        (&offer.title, offer.amount),
        (&start, &timeline, pipeline),
    );
    let info = DealInfo {
        id: record.id,
        contact: contact_index,
        owner,
        is_b2b,
        opened_at,
        lines: offer.lines,
        timeline,
    };
    (record, info)
}

/// A shop order in the making: one to three products, mostly sneakers.
fn shop_offer(rng: &mut rand::rngs::StdRng, products: &[ProductInfo], is_english: bool) -> Offer {
    let line_count = pick_weighted(rng, &[(1, 75.0), (2, 20.0), (3, 5.0)]);
    let mut lines: Vec<Line> = Vec::new();
    while lines.len() < line_count {
        let wants_sneakers = chance(rng, 0.65);
        let candidates: Vec<usize> = (0..products.len())
            .filter(|index| products[*index].is_sneakers == wants_sneakers)
            .collect();
        let product = *pick(rng, &candidates);
        if lines.iter().all(|line| line.product != product) {
            lines.push(Line {
                product,
                quantity: if chance(rng, 0.9) { 1 } else { 2 },
            });
        }
    }
    let first = &products[lines[0].product];
    let size = first.is_sneakers.then(|| rng.random_range(36..=46));
    let request = messages::shop_request(rng, is_english, &first.name, size);
    let mut title = match size {
        Some(size) => format!("{}, р. {size}", first.name),
        None => first.name.clone(),
    };
    if lines.len() > 1 {
        title.push_str(&format!(" и ещё {}", lines.len() - 1));
    }
    let amount = lines
        .iter()
        .map(|line| products[line.product].price * line.quantity)
        .sum();
    Offer {
        title,
        request,
        amount,
        lines,
    }
}

/// A company's wholesale order or freight request.
fn b2b_offer(rng: &mut rand::rngs::StdRng, setup: &DealSetup<'_>, contact: &ContactInfo) -> Offer {
    let company = contact
        .company
        .map_or("ООО", |company| setup.companies[company].name.as_str());
    if chance(rng, 0.35) {
        let (request, title) = messages::freight_request(rng);
        let amount = rng.random_range(60..400) * 1_000;
        return Offer {
            title,
            request,
            amount,
            lines: Vec::new(),
        };
    }
    let product = pick(rng, setup.products);
    let quantity = if product.is_sneakers {
        rng.random_range(20..300)
    } else {
        rng.random_range(10..100)
    };
    let request = messages::wholesale_request(rng, &product.name, quantity, company);
    let amount = (product.price * i64::from(quantity) * 85 / 100) / 100 * 100;
    Offer {
        title: format!("Опт: {} × {quantity}", product.name),
        request,
        amount,
        lines: Vec::new(),
    }
}

/// The deal as raw input, parsed into a record.
fn deal_record(
    factory: &mut Factory,
    setup: &DealSetup<'_>,
    (contact, owner): (&ContactInfo, usize),
    (title, amount): (&str, i64),
    (start, timeline, pipeline): (&DealStart<'_>, &Timeline, PipelineStages),
) -> Record {
    let rng = &mut factory.rng;
    let (stage, status, closed_at, lost_reason) = match timeline.outcome {
        Outcome::Open { stage } => (
            pipeline.open[stage],
            if chance(rng, 0.5) {
                "open"
            } else {
                "В работе"
            },
            None,
            None,
        ),
        Outcome::Won { closed_at } => (
            pipeline.won,
            if chance(rng, 0.5) {
                "won"
            } else {
                "Успешно"
            },
            Some(closed_at),
            None,
        ),
        Outcome::Lost { closed_at, reason } => (
            pipeline.lost,
            *pick(rng, &["lost", "Отказ", "Провалена"]),
            Some(closed_at),
            Some(reason),
        ),
    };
    let is_lead = matches!(timeline.outcome, Outcome::Open { stage } if stage <= 1);
    let kind = match (is_lead, chance(rng, 0.5)) {
        (true, true) => "lead",
        (true, false) => "Лид",
        (false, true) => "deal",
        (false, false) => "Сделка",
    };
    let comment = chance(rng, 0.15).then(|| *pick(rng, DEAL_COMMENTS));
    let external_id = match contact.system {
        // Bitrix24 numbers its deals; its REST API takes them as integers.
        "bitrix24" => (50_000 + factory.serial()).to_string(),
        "amocrm" => (31_000_000 + factory.serial()).to_string(),
        _ => format!("form-{}", 7_000 + factory.serial()),
    };
    let last_activity = timeline
        .activities
        .last()
        .map_or(start.opened_at, |activity| activity.occurred_at);
    let raw = json!({
        "title": title, "kind": kind, "pipeline": pipeline.name, "stage": stage, "status": status,
        "amount": factory.money(amount), "contact_id": contact.id.to_string(),
        "company_id": contact.company.map(|company| setup.companies[company].id.to_string()),
        "source": start.source, "channel": start.channel.name, "opened_at": factory.timestamp(start.opened_at),
        "closed_at": closed_at.map(|at| factory.timestamp(at)), "lost_reason": lost_reason, "comment": comment,
        "owner_id": setup.managers[owner].id.to_string(), "source_system": contact.system, "external_id": external_id,
    });
    let mut record = factory.make(EntityKind::Deal, raw, start.opened_at);
    record.updated_at = closed_at.unwrap_or(last_activity);
    record
}
