//! The whole demo CRM: its configuration, the records it holds, and
//! [`generate`], which makes them in dependency order from one seed.
//!
//! Each kind's content is made by its own module; this one only wires them
//! together and holds the checks that span kinds.

use chrono::{DateTime, TimeZone, Utc};
use domain::Record;

use crate::activities::generate_activities;
use crate::catalogue::generate_products;
use crate::companies::generate_companies;
use crate::contacts::{ContactSetup, generate_contacts};
use crate::deals::{DealSetup, generate_deals};
use crate::events::generate_events;
use crate::factory::Factory;
use crate::orders::generate_orders;
use crate::staff::generate_staff;

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// The seed; the same seed and settings give the same records.
    pub seed: u64,
    /// How many contacts, duplicates included.
    pub contacts: usize,
    /// The present moment: every record is dated in the year before it.
    pub now: DateTime<Utc>,
}

impl Default for DemoConfig {
    /// Seed 42, 3000 contacts, now = 2026-11-01T09:00:00Z.
    fn default() -> Self {
        Self {
            seed: 42,
            contacts: 3000,
            now: Utc
                .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
                .single()
                .expect("a valid fixed date"),
        }
    }
}

/// Every generated record, by kind.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    /// An admin, five managers and an analyst.
    pub users: Vec<Record>,
    /// `Продажи` and `B2B`.
    pub pipelines: Vec<Record>,
    /// The pipelines' stages, with positions and outcomes.
    pub stages: Vec<Record>,
    /// Client companies (ООО, ИП, АО).
    pub companies: Vec<Record>,
    /// People, about 6% of them duplicates from a second system.
    pub contacts: Vec<Record>,
    /// Leads and deals, about 1.3 per contact.
    pub deals: Vec<Record>,
    /// Calls, chats, e-mails, meetings, notes and tasks.
    pub activities: Vec<Record>,
    /// The shop's catalogue.
    pub products: Vec<Record>,
    /// Orders of won shop deals.
    pub orders: Vec<Record>,
    /// Product views, site visits, cart additions, e-mail opens and clicks.
    pub events: Vec<Record>,
}

impl DemoData {
    /// Every record in dependency order (users, pipelines, stages,
    /// companies, contacts, products, deals, orders, activities, events), so
    /// each reference points to a record already seen.
    pub fn records(&self) -> impl Iterator<Item = &Record> {
        [
            &self.users,
            &self.pipelines,
            &self.stages,
            &self.companies,
            &self.contacts,
            &self.products,
            &self.deals,
            &self.orders,
            &self.activities,
            &self.events,
        ]
        .into_iter()
        .flatten()
    }
}

/// Generates a demo CRM from `config`. Every record is made from raw JSON
/// through the domain's own parsing, exactly as an import would.
///
/// # Panics
///
/// Never for any configuration: a panic means this crate wrote input the
/// domain rejects, and names the bad fields.
pub fn generate(config: &DemoConfig) -> DemoData {
    let mut factory = Factory::new(config.seed);
    let now = config.now;
    let staff = generate_staff(&mut factory, now);
    let (companies, company_infos) =
        generate_companies(&mut factory, (config.contacts / 20).clamp(3, 400), now);
    let contact_setup = ContactSetup {
        count: config.contacts,
        managers: &staff.managers,
        companies: &company_infos,
        now,
    };
    let (contacts, contact_infos) = generate_contacts(&mut factory, &contact_setup);
    let (products, product_infos) = generate_products(&mut factory, now);
    let setup = DealSetup {
        contacts: &contact_infos,
        products: &product_infos,
        companies: &company_infos,
        managers: &staff.managers,
        now,
    };
    let (deals, deal_infos) = generate_deals(&mut factory, &setup);
    let orders = generate_orders(&mut factory, &setup, &deal_infos);
    let activities = generate_activities(&mut factory, &setup, &deal_infos);
    let events = generate_events(&mut factory, &setup, &deal_infos);
    DemoData {
        users: staff.users,
        pipelines: staff.pipelines,
        stages: staff.stages,
        companies,
        contacts,
        deals,
        activities,
        products,
        orders,
        events,
    }
}

/// The default configuration's data, generated once for all tests.
#[cfg(test)]
pub(crate) fn default_data() -> &'static DemoData {
    static DATA: std::sync::OnceLock<DemoData> = std::sync::OnceLock::new();
    DATA.get_or_init(|| generate(&DemoConfig::default()))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::TimeDelta;
    use domain::{EntityKind, FieldType, Id, Value};
    use serde_json::Value as Json;

    use super::*;

    fn small(seed: u64) -> DemoConfig {
        DemoConfig {
            seed,
            contacts: 300,
            ..DemoConfig::default()
        }
    }

    fn timestamp(record: &Record, name: &str) -> Option<DateTime<Utc>> {
        match record.fields.get(name) {
            Some(Value::Timestamp(at)) => Some(*at),
            _ => None,
        }
    }

    fn minor_units(money: &Json) -> i64 {
        let amount: f64 = money["amount"]
            .as_str()
            .and_then(|text| text.parse().ok())
            .expect("money has a decimal amount");
        (amount * 100.0).round() as i64
    }

    /// The share of won deals among the closed ones, and how many were closed.
    fn win_rate<'a>(deals: impl Iterator<Item = &'a Record>) -> (f64, usize) {
        let statuses: Vec<&str> = deals
            .filter_map(|deal| deal.text("status"))
            .filter(|status| *status != "open")
            .collect();
        let won = statuses.iter().filter(|status| **status == "won").count();
        (won as f64 / statuses.len().max(1) as f64, statuses.len())
    }

    /// Minutes from each deal's opening to its first outbound activity.
    fn first_reply_minutes(data: &DemoData) -> BTreeMap<Id, f64> {
        let opened: BTreeMap<Id, DateTime<Utc>> = data
            .deals
            .iter()
            .filter_map(|deal| Some((deal.id, timestamp(deal, "opened_at")?)))
            .collect();
        let mut replies = BTreeMap::new();
        for activity in data
            .activities
            .iter()
            .filter(|activity| activity.text("direction") == Some("outbound"))
        {
            let (Some(deal), Some(at)) = (
                activity.reference("deal_id"),
                timestamp(activity, "occurred_at"),
            ) else {
                continue;
            };
            let minutes = (at - opened[&deal]).num_seconds() as f64 / 60.0;
            replies
                .entry(deal)
                .and_modify(|best: &mut f64| *best = best.min(minutes))
                .or_insert(minutes);
        }
        replies
    }

    #[test]
    fn the_same_seed_gives_identical_records() {
        // Arrange
        let config = small(7);
        // Act
        let first: Vec<Json> = generate(&config).records().map(Record::to_json).collect();
        let second: Vec<Json> = generate(&config).records().map(Record::to_json).collect();
        // Assert
        assert_eq!(first.len(), second.len());
        assert!(first == second, "two runs with seed 7 differ");
    }

    #[test]
    fn another_seed_gives_other_records() {
        let first: Vec<Json> = generate(&small(1))
            .contacts
            .iter()
            .map(Record::to_json)
            .collect();
        let second: Vec<Json> = generate(&small(2))
            .contacts
            .iter()
            .map(Record::to_json)
            .collect();
        assert_ne!(first, second);
    }

    #[test]
    fn counts_fall_in_the_expected_ranges() {
        let data = default_data();
        let cases = [
            ("users", data.users.len(), 7..=7),
            ("pipelines", data.pipelines.len(), 2..=2),
            ("stages", data.stages.len(), 13..=13),
            ("companies", data.companies.len(), 140..=160),
            ("contacts", data.contacts.len(), 3000..=3000),
            ("products", data.products.len(), 110..=135),
            ("deals", data.deals.len(), 3300..=4500),
            ("activities", data.activities.len(), 12_000..=40_000),
            ("orders", data.orders.len(), 500..=2500),
            ("events", data.events.len(), 8_000..=40_000),
        ];
        for (kind, count, expected) in cases {
            assert!(
                expected.contains(&count),
                "{kind}: {count} not in {expected:?}"
            );
        }
    }

    #[test]
    fn every_contact_comes_from_a_source_system_and_source_refs_are_unique() {
        let data = default_data();
        assert!(data.contacts.iter().all(|contact| contact.source.is_some()));
        let mut seen = BTreeSet::new();
        for record in data.records().filter(|record| record.source.is_some()) {
            let source = record.source.as_ref().expect("filtered on source");
            assert!(
                seen.insert((
                    record.kind,
                    source.system.clone(),
                    source.external_id.clone()
                )),
                "{} {source:?} twice",
                record.kind
            );
        }
        let systems: BTreeSet<&str> = data
            .contacts
            .iter()
            .filter_map(|contact| contact.source.as_ref())
            .map(|source| source.system.as_str())
            .collect();
        assert_eq!(systems, BTreeSet::from(["amocrm", "bitrix24", "site"]));
    }

    #[test]
    fn at_least_five_percent_of_contacts_share_a_phone_or_email() {
        // Arrange
        let data = default_data();
        let mut holders: BTreeMap<String, BTreeSet<Id>> = BTreeMap::new();
        for contact in &data.contacts {
            for field in ["phones", "emails"] {
                if let Some(Json::Array(items)) = contact.fields.get(field).map(Value::to_json) {
                    for item in items.iter().filter_map(Json::as_str) {
                        holders
                            .entry(item.to_lowercase())
                            .or_default()
                            .insert(contact.id);
                    }
                }
            }
        }
        // Act
        let sharing: BTreeSet<Id> = holders
            .values()
            .filter(|ids| ids.len() > 1)
            .flatten()
            .copied()
            .collect();
        // Assert
        let share = sharing.len() as f64 / data.contacts.len() as f64;
        assert!(
            share >= 0.05,
            "only {share:.3} of contacts share a phone or e-mail"
        );
    }

    #[test]
    fn referrals_win_clearly_more_often_than_avito() {
        let data = default_data();
        let by_source = |source: &str| {
            win_rate(
                data.deals
                    .iter()
                    .filter(|deal| deal.text("source") == Some(source)),
            )
        };
        let (referral, referral_closed) = by_source("Рекомендация");
        let (avito, avito_closed) = by_source("Авито");
        assert!(
            referral_closed > 100 && avito_closed > 100,
            "{referral_closed} and {avito_closed} closed deals"
        );
        assert!(
            referral > avito + 0.15,
            "Рекомендация {referral:.2} vs Авито {avito:.2}"
        );
        let (overall, _) = win_rate(data.deals.iter());
        assert!(
            (0.25..0.65).contains(&overall),
            "overall win rate {overall:.2}"
        );
    }

    #[test]
    fn fast_first_replies_win_more_often_than_slow_ones() {
        // Arrange
        let data = default_data();
        let replies = first_reply_minutes(data);
        let closed = || {
            data.deals
                .iter()
                .filter(|deal| replies.contains_key(&deal.id))
        };
        // Act
        let (fast, fast_count) = win_rate(closed().filter(|deal| replies[&deal.id] <= 15.0));
        let (slow, slow_count) = win_rate(closed().filter(|deal| replies[&deal.id] >= 180.0));
        // Assert
        assert!(
            fast_count > 200 && slow_count > 200,
            "{fast_count} fast and {slow_count} slow closed deals"
        );
        assert!(fast > slow + 0.1, "fast {fast:.2} vs slow {slow:.2}");
    }

    #[test]
    fn deals_close_only_when_won_or_lost_and_never_before_opening() {
        for deal in &default_data().deals {
            let status = deal.text("status").expect("every deal has a status");
            let (opened, closed) = (
                timestamp(deal, "opened_at").expect("every deal has opened_at"),
                timestamp(deal, "closed_at"),
            );
            assert_eq!(closed.is_some(), status != "open", "{}", deal.to_json());
            assert!(
                closed.is_none_or(|closed| closed >= opened),
                "{}",
                deal.to_json()
            );
            assert_eq!(
                deal.fields.contains_key("lost_reason"),
                status == "lost",
                "{}",
                deal.to_json()
            );
        }
    }

    #[test]
    fn stages_and_statuses_agree() {
        let data = default_data();
        for deal in &data.deals {
            let stage = deal.text("stage").expect("every deal has a stage");
            let expected = match stage {
                "Успешно" => "won",
                "Отказ" => "lost",
                _ => "open",
            };
            assert_eq!(deal.text("status"), Some(expected), "{}", deal.to_json());
            if deal.text("kind") == Some("lead") {
                assert_eq!(expected, "open", "{}", deal.to_json());
            }
        }
    }

    #[test]
    fn every_reference_points_to_an_existing_record() {
        // Arrange
        let data = default_data();
        let mut ids: BTreeMap<EntityKind, BTreeSet<Id>> = BTreeMap::new();
        for record in data.records() {
            ids.entry(record.kind).or_default().insert(record.id);
        }
        let exists = |kind: EntityKind, id: &Id| ids.get(&kind).is_some_and(|set| set.contains(id));
        // Act and assert
        for record in data.records() {
            if let Some(owner) = &record.owner_id {
                assert!(
                    exists(EntityKind::User, owner),
                    "{} owner {owner}",
                    record.kind
                );
            }
            for def in record.kind.fields() {
                if let (FieldType::Ref(target), Some(Value::Ref(id))) =
                    (def.ty, record.fields.get(def.name))
                {
                    assert!(
                        exists(target, id),
                        "{}.{} → missing {target} {id}",
                        record.kind,
                        def.name
                    );
                }
            }
        }
        for order in &data.orders {
            let lines = order.fields["lines"].to_json();
            for product_id in lines
                .as_array()
                .expect("lines are an array")
                .iter()
                .filter_map(|line| line["product_id"].as_str())
            {
                let id = Id::parse(product_id).expect("a product id");
                assert!(
                    exists(EntityKind::Product, &id),
                    "order line → missing product {id}"
                );
            }
        }
        assert!(
            data.contacts
                .iter()
                .chain(&data.deals)
                .all(|record| record.owner_id.is_some())
        );
    }

    #[test]
    fn order_totals_are_the_sum_of_their_lines_and_of_their_deal() {
        let data = default_data();
        let deals: BTreeMap<Id, &Record> = data.deals.iter().map(|deal| (deal.id, deal)).collect();
        for order in &data.orders {
            let lines = order.fields["lines"].to_json();
            let lines = lines.as_array().expect("lines are an array");
            assert!((1..=3).contains(&lines.len()));
            let sum: i64 = lines
                .iter()
                .map(|line| {
                    minor_units(&line["price"]) * line["quantity"].as_i64().expect("a quantity")
                })
                .sum();
            let total = minor_units(&order.fields["total"].to_json());
            assert_eq!(total, sum, "{}", order.to_json());
            let deal = deals[&order.reference("deal_id").expect("an order has a deal")];
            assert_eq!(minor_units(&deal.fields["amount"].to_json()), total);
            assert_eq!(deal.text("status"), Some("won"));
        }
    }

    #[test]
    fn every_record_is_dated_within_the_year_before_now() {
        let now = DemoConfig::default().now;
        let year_ago = now - TimeDelta::days(366);
        for record in default_data().records() {
            assert!(
                year_ago <= record.created_at
                    && record.created_at <= record.updated_at
                    && record.updated_at <= now,
                "{}",
                record.to_json()
            );
            for name in ["occurred_at", "opened_at", "closed_at", "ordered_at"] {
                if let Some(at) = timestamp(record, name) {
                    assert!(year_ago <= at && at <= now, "{}.{name} {at}", record.kind);
                }
            }
        }
    }

    #[test]
    fn some_contacts_view_the_same_sneakers_three_times_without_buying() {
        let data = default_data();
        let mut views: BTreeMap<(Id, Id), usize> = BTreeMap::new();
        for event in data
            .events
            .iter()
            .filter(|event| event.text("kind") == Some("product_view"))
        {
            if let (Some(contact), Some(product)) =
                (event.reference("contact_id"), event.reference("product_id"))
            {
                *views.entry((contact, product)).or_default() += 1;
            }
        }
        let sneakers: BTreeSet<Id> = data
            .products
            .iter()
            .filter(|product| product.text("sku").is_some_and(|sku| sku.starts_with("SN")))
            .map(|product| product.id)
            .collect();
        let mut bought = BTreeSet::new();
        for order in &data.orders {
            let contact = order
                .reference("contact_id")
                .expect("an order has a contact");
            for line in order.fields["lines"]
                .to_json()
                .as_array()
                .expect("lines are an array")
            {
                if let Some(product) = line["product_id"].as_str() {
                    bought.insert((contact, Id::parse(product).expect("a product id")));
                }
            }
        }
        let window_shoppers = views
            .iter()
            .filter(|(key, count)| {
                **count >= 3 && sneakers.contains(&key.1) && !bought.contains(*key)
            })
            .count();
        assert!(window_shoppers >= 100, "{window_shoppers} window shoppers");
    }

    #[test]
    fn cities_appear_under_several_spellings() {
        let cities: BTreeSet<&str> = default_data()
            .contacts
            .iter()
            .filter_map(|contact| contact.text("city"))
            .collect();
        for spelling in [
            "Москва",
            "г. Москва",
            "МСК",
            "москва",
            "Moscow",
            "Санкт-Петербург",
            "СПб",
            "Питер",
            "Екб",
            "Нск",
            "Владивосток",
        ] {
            assert!(cities.contains(spelling), "{spelling} never appears");
        }
    }

    #[test]
    fn lost_deals_give_a_known_reason() {
        let reasons: BTreeSet<&str> = default_data()
            .deals
            .iter()
            .filter_map(|deal| deal.text("lost_reason"))
            .collect();
        assert_eq!(
            reasons,
            BTreeSet::from([
                "выбрал конкурента",
                "дорого",
                "не дозвонились",
                "неактуально"
            ])
        );
    }
}
